-- Street blocks: the faces of the noded lines (street_noded, see noded.sql), by ST_Polygonize.
-- Street lines rarely close at the scope's edge and dangle where data have gaps; the unit
-- boundaries close the blocks there, and ST_Polygonize ignores dangles.
-- Each face goes to the unit holding its point on surface; a sliver between two unit boundaries
-- that drift apart by rounding goes to the nearest unit within @snap metres; faces farther from
-- every unit (outside the scope, in its holes) are left out.
-- @srid  metric CRS (EPSG) of layout_units.geom_m   @snap  metres
-- Output: one row per face: unit_id, water (face inside a water polygon), area (m²), geometry
-- (GeoJSON Polygon in metres of @srid), ordered for reproducible cells.
WITH faces AS (
  SELECT d.geom AS f, ST_PointOnSurface(d.geom) AS p
  FROM (SELECT ST_Polygonize(g) AS gc FROM street_noded) pz
  CROSS JOIN LATERAL ST_Dump(pz.gc) AS d
), waters AS (
  SELECT ST_Transform(w.geom, :srid::int) AS g
  FROM water w, (SELECT ST_Envelope(ST_Collect(geom)) AS g FROM layout_units) box
  WHERE ST_Dimension(w.geom) = 2 AND w.geom && box.g
)
SELECT u.unit_id,
       EXISTS (SELECT 1 FROM waters w WHERE ST_Intersects(w.g, f.p)) AS water,
       ST_Area(f.f) AS area,
       ST_AsGeoJSON(f.f, 9) AS geometry
FROM faces f
CROSS JOIN LATERAL (
  SELECT unit_id FROM layout_units u
  WHERE ST_DWithin(u.geom_m, f.p, :snap::float8)
  ORDER BY ST_Distance(u.geom_m, f.p), unit_id
  LIMIT 1
) u
ORDER BY u.unit_id, ST_Y(f.p) DESC, ST_X(f.p)
