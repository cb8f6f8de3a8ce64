-- Flags the stored cases of the dataset at this import's stacked coordinates that are not flagged
-- yet (this import's new cases, cases kept from earlier imports, rows the upsert left unchanged), through the GiST index
-- on cases.geom (~= finds the box, = checks the exact point), and returns each stacked coordinate with its case count.
-- $1 dataset.   SRID 4326.
WITH flagged AS (
  UPDATE cases c SET stacked = true
  FROM case_stacks st
  WHERE c.dataset = $1 AND NOT c.stacked AND c.geom ~= st.geom AND c.geom = st.geom
  RETURNING c.id
)
SELECT lon, lat, cases FROM case_stacks ORDER BY cases DESC, lon, lat;
