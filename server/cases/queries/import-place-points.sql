-- Places the coordinates in case_new_points (the batch's new ones, import-batch-new-points.sql, or
-- those a new dataset's rows bring, load.ts directLoad) into case_points; settings from
-- case_import. Each district and community polygon is read once
-- and tested against the new points in its box (GiST on case_new_points; OFFSET 0 keeps that join
-- order), so PostGIS keeps one prepared polygon at a time instead of re-reading boundaries for
-- every point. A point is outside when a district boundary is loaded and none covers it; its
-- community is the lowest id among those covering it (none when no community does).   SRID 4326.
INSERT INTO case_points (lon, lat, geom, outside, community_id)
SELECT n.lon, n.lat, n.geom, i.district_loaded AND inside.lon IS NULL, c.community_id
FROM case_new_points n
CROSS JOIN case_import i
LEFT JOIN (
  SELECT DISTINCT q.lon, q.lat
  FROM case_import i
  JOIN districts d ON d.level = 'district' AND (i.district_id IS NULL OR d.id = i.district_id)
  CROSS JOIN LATERAL (SELECT p.lon, p.lat FROM case_new_points p WHERE ST_Covers(d.geom, p.geom) OFFSET 0) q
) inside ON inside.lon = n.lon AND inside.lat = n.lat
LEFT JOIN (
  SELECT q.lon, q.lat, min(d.id) AS community_id
  FROM districts d
  CROSS JOIN LATERAL (SELECT p.lon, p.lat FROM case_new_points p WHERE ST_Covers(d.geom, p.geom) OFFSET 0) q
  WHERE d.level = 'community'
  GROUP BY q.lon, q.lat
) c ON c.lon = n.lon AND c.lat = n.lat
