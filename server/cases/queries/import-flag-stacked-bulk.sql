-- The flagging of import-flag-stacked.sql on the bulk path, which runs it before the plain
-- indexes of `cases` are rebuilt (bulk.ts): with no GiST index to find them by, the dataset's
-- cases are matched to the stacked coordinates by a hash on their exact lon/lat, and the updated
-- rows add nothing to indexes that are about to be built anyway.
-- $1 dataset.   SRID 4326.
WITH flagged AS (
  UPDATE cases c SET stacked = true
  FROM case_stacks st
  WHERE c.dataset = $1 AND NOT c.stacked AND ST_X(c.geom) = st.lon AND ST_Y(c.geom) = st.lat
  RETURNING c.id
)
SELECT lon, lat, cases FROM case_stacks ORDER BY cases DESC, lon, lat;
