-- Units whose area lies outside their parent by more than the tolerance share (binding: 0.01 for 1%).
-- Areas on the spheroid, m².
SELECT c.full_code, c.name_zh, p.name_zh AS parent,
       ST_Area(ST_Difference(c.geom, p.geom, 1e-9)::geography) / NULLIF(c.area_m2, 0) AS outside_share
FROM districts c JOIN districts p ON p.id = c.parent_id
WHERE ST_Area(ST_Difference(c.geom, p.geom, 1e-9)::geography) > ? * c.area_m2
ORDER BY outside_share DESC;
