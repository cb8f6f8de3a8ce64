-- The staged cells read back for ordering, the H3 cover and edge neighbours (core/cell-graph.ts):
-- metric outline as GeoJSON (0.1 mm precision, no crs member), centroid in both CRSs.
-- SRIDs: outline the layout's metric CRS; lon/lat 4326; cx, cy metres.
SELECT draft_id, unit_id, code, area_m2, cx, cy, ST_X(centroid) AS lon, ST_Y(centroid) AS lat,
       ST_AsGeoJSON(geom_m, 4, 0) AS outline
FROM layout_staged
ORDER BY draft_id
