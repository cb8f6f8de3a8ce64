-- Cells of one layout in idx order (idx is dense from 0, the position in every typed array).
-- Centroids in WGS84 degrees (SRID 4326); area in m².   layout  layout id
SELECT idx, code, community_id, area_m2, ST_X(centroid) AS lon, ST_Y(centroid) AS lat
FROM cells
WHERE layout_id = :layout
ORDER BY idx;
