-- The outlines the H3 builder places cells against (server/layouts/h3/split.ts): the scope as
-- unit_id 0, then every layout unit; GeoJSON in the layout's metric CRS, 0.1 mm precision.
-- @scope  districts.id   @srid  metric CRS (EPSG)
SELECT 0 AS unit_id, ST_AsGeoJSON(ST_Transform(geom, :srid::int), 4, 0) AS outline FROM districts WHERE id = :scope
UNION ALL
SELECT unit_id, ST_AsGeoJSON(geom_m, 4, 0) FROM layout_units
