-- Stacked points: one exact coordinate shared by many cases of a dataset is a geocoder's fallback
-- (a city-hall or street-office point), not a hotspot. Only coordinates in this import can become
-- stacked by it; the count is what the dataset holds once every batch is written (the import's
-- cases and the stored ones it did not replace). Dropped at commit.
-- $1 dataset   $2 minimum cases.   SRID 4326.
CREATE TEMP TABLE case_stacks ON COMMIT DROP AS
SELECT k.lon, k.lat, k.cases, ST_SetSRID(ST_MakePoint(k.lon, k.lat), 4326) AS geom
FROM (
  SELECT p.lon, p.lat, count(*)::int AS cases
  FROM cases c JOIN case_points p ON p.lon = ST_X(c.geom) AND p.lat = ST_Y(c.geom)
  WHERE c.dataset = $1 AND NOT p.outside
  GROUP BY p.lon, p.lat
  HAVING count(*) >= $2
) k
