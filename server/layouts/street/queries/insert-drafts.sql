-- Street cells into the layout's drafts, geometry in the metric CRS (the pipeline transforms).
-- @srid  metric CRS (EPSG)   @unit int[]   @geom text[] GeoJSON Polygons, metres   @attrs text[] JSON
INSERT INTO layout_drafts (unit_id, geom, attrs)
SELECT u, ST_SetSRID(ST_GeomFromGeoJSON(g), :srid::int), a::jsonb
FROM unnest(:unit::int[], :geom::text[], :attrs::text[]) AS t (u, g, a)
