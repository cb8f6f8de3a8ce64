-- Inserts or replaces one administrative unit by its full code. Geometry arrives as WGS84 GeoJSON;
-- invalid rings are repaired and only polygonal parts kept. Area in m² on the spheroid.
-- bindings: level, code, full_code, parent_id, name_zh, name_en, source_crs, geojson
INSERT INTO districts (level, code, full_code, parent_id, name_zh, name_en, geom, area_m2, source_crs)
SELECT ?, ?, ?, ?, ?, ?, g, ST_Area(g::geography), ?
FROM (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326)), 3)) AS g) x
ON CONFLICT (full_code) DO UPDATE SET
  level = EXCLUDED.level, code = EXCLUDED.code, parent_id = EXCLUDED.parent_id, name_zh = EXCLUDED.name_zh,
  name_en = EXCLUDED.name_en, geom = EXCLUDED.geom, area_m2 = EXCLUDED.area_m2, source_crs = EXCLUDED.source_crs;
