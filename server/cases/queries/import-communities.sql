-- Gives each staged coordinate the community that covers it (the lowest id where communities
-- overlap; none when no community does). Set-based like import-flag-outside.sql: one pass per
-- community polygon over the points in its box.   SRID 4326.
UPDATE case_points p SET community_id = m.community_id
FROM (
  SELECT q.lon, q.lat, min(d.id) AS community_id
  FROM districts d
  CROSS JOIN LATERAL (SELECT p.lon, p.lat FROM case_points p WHERE NOT p.outside AND ST_Covers(d.geom, p.geom) OFFSET 0) q
  WHERE d.level = 'community'
  GROUP BY q.lon, q.lat
) m
WHERE m.lon = p.lon AND m.lat = p.lat;
