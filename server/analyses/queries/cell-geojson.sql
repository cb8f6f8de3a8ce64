-- Cell outlines of one layout as GeoJSON geometries (WGS84, 7 decimals ≈ 1 cm), idx order, for
-- rendering results keyed by cell.   layout  layout id
SELECT idx, code, ST_AsGeoJSON(geom, 7)::json AS geometry
FROM cells
WHERE layout_id = :layout
ORDER BY idx;
