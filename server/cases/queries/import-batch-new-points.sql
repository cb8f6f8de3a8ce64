-- The batch's coordinates not placed yet (a statement of the batch query, see batchSql in
-- load.ts), for import-place-points.sql.   SRID 4326.
INSERT INTO case_new_points (lon, lat, geom)
SELECT s.lon, s.lat, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
FROM case_staging s
WHERE NOT EXISTS (SELECT 1 FROM case_points p WHERE p.lon = s.lon AND p.lat = s.lat)
GROUP BY s.lon, s.lat
