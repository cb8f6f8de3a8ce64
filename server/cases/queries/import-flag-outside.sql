-- Marks staged cases that lie outside the district(s) and returns them for the import report.
-- $1: district id, or NULL for any loaded district.   SRID 4326.
UPDATE case_staging s SET outside = true
WHERE NOT EXISTS (
  SELECT 1 FROM districts d
  WHERE d.level = 'district' AND ($1::int IS NULL OR d.id = $1)
    AND ST_Covers(d.geom, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326))
)
RETURNING s.row_no AS row, s.lon, s.lat;
