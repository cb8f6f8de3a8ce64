-- Community or street outlines as GeoJSON geometries (WGS84, 7 decimals), for rendering results
-- keyed by district id.   ids  integer[]
SELECT id, level, full_code, name_zh, name_en, ST_AsGeoJSON(geom, 7)::json AS geometry
FROM districts
WHERE id = ANY(CAST(:ids AS int[]));
