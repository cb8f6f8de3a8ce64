-- The batch's cases at coordinates outside the district, for the import report (one statement of
-- the batch query, see import-batch.sql).
SELECT s.row_no AS row, s.lon, s.lat
FROM case_staging s JOIN case_points p ON p.lon = s.lon AND p.lat = s.lat
WHERE p.outside
