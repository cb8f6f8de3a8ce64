-- Stacked points: one exact coordinate shared by many cases of a dataset is a geocoder's fallback
-- (a city-hall or street-office point), not a hotspot. Flags them so analyses can exclude them,
-- and returns each such coordinate with its case count.   $1 dataset   $2 minimum cases.
WITH stacks AS (
  SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, count(*)::int AS cases
  FROM cases WHERE dataset = $1
  GROUP BY 1, 2 HAVING count(*) >= $2
), flagged AS (
  UPDATE cases c SET stacked = true
  FROM stacks s
  WHERE c.dataset = $1 AND NOT c.stacked AND ST_X(c.geom) = s.lon AND ST_Y(c.geom) = s.lat
  RETURNING c.id
)
SELECT lon, lat, cases FROM stacks ORDER BY cases DESC;
