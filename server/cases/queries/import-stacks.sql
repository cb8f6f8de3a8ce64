-- Stacked points: one exact coordinate shared by many cases of a dataset is a geocoder's fallback
-- (a city-hall or street-office point), not a hotspot. Found BEFORE the upsert, so new cases are
-- written already flagged instead of being rewritten afterwards. Only coordinates in this import
-- can become stacked by it; the count is what the dataset holds after the upsert: the staged
-- cases there plus the stored ones this import does not replace. Dropped at commit.
-- $1 dataset   $2 minimum cases.   SRID 4326.
CREATE TEMP TABLE case_stacks ON COMMIT DROP AS
WITH replaced AS (
  SELECT s.external_id
  FROM case_staging s JOIN case_points p ON p.lon = s.lon AND p.lat = s.lat
  WHERE NOT p.outside
), kept AS (
  SELECT ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, count(*)::int AS n
  FROM cases c
  WHERE c.dataset = $1 AND NOT EXISTS (SELECT 1 FROM replaced r WHERE r.external_id = c.external_id)
  GROUP BY 1, 2
)
SELECT p.lon, p.lat, p.n + COALESCE(k.n, 0) AS cases, p.geom
FROM case_points p LEFT JOIN kept k ON k.lon = p.lon AND k.lat = p.lat
WHERE NOT p.outside AND p.n + COALESCE(k.n, 0) >= $2;
