-- The unit cells of one layout in idx order, with what zoning needs: community and its street,
-- centroid (WGS84 degrees), area (m²), rook neighbours (idx) and the outline (GeoJSON, 7 decimals
-- ≈ 1 cm) from which shared edge lengths and perimeters are measured in the metric CRS.
-- binds: layout  layout id
SELECT c.idx, c.code, c.community_id, s.id AS street_id,
       ST_X(c.centroid) AS lon, ST_Y(c.centroid) AS lat, c.area_m2, c.neighbours,
       ST_AsGeoJSON(c.geom, 7) AS geometry
FROM cells c
LEFT JOIN districts m ON m.id = c.community_id
LEFT JOIN districts s ON s.id = m.parent_id AND s.level = 'street'
WHERE c.layout_id = :layout
ORDER BY c.idx
