-- Marks the staged coordinates that lie outside the district(s) and returns the staged cases on
-- them for the import report. Set-based: each district is read once and tested against the points
-- in its box (GiST on case_points.geom), so PostGIS keeps one prepared polygon per district
-- instead of re-reading the boundary for every point; OFFSET 0 keeps that join order.
-- $1: district id, or NULL for any loaded district.   SRID 4326.
WITH inside AS (
  SELECT q.lon, q.lat
  FROM districts d
  CROSS JOIN LATERAL (SELECT p.lon, p.lat FROM case_points p WHERE ST_Covers(d.geom, p.geom) OFFSET 0) q
  WHERE d.level = 'district' AND ($1::int IS NULL OR d.id = $1)
), flagged AS (
  UPDATE case_points p SET outside = true
  WHERE NOT EXISTS (SELECT 1 FROM inside i WHERE i.lon = p.lon AND i.lat = p.lat)
  RETURNING p.lon, p.lat
)
SELECT s.row_no AS row, s.lon, s.lat
FROM case_staging s JOIN flagged f ON f.lon = s.lon AND f.lat = s.lat;
