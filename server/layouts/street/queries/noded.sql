-- The street centre lines, the edges of water bodies and the unit boundaries (communities
-- clipped to the scope) of a layout's scope, noded together in its metric CRS (ST_UnaryUnion
-- nodes and dissolves duplicates), kept for the blocks and their guides (temporary, dropped at
-- commit). Lines outside the scope only form faces outside it, which blocks.sql leaves out.
-- @network  streets.network   @srid  metric CRS (EPSG) of layout_units.geom_m
CREATE TEMP TABLE street_noded ON COMMIT DROP AS
WITH box AS (
  SELECT ST_Envelope(ST_Collect(geom)) AS g FROM layout_units
), lines AS (
  SELECT ST_Boundary(u.geom_m) AS g FROM layout_units u
  UNION ALL
  SELECT ST_Transform(s.geom, :srid::int)
  FROM streets s, box WHERE s.network = :network AND s.geom && box.g
  UNION ALL
  SELECT CASE WHEN ST_Dimension(w.geom) = 2 THEN ST_Boundary(ST_Transform(w.geom, :srid::int))
              ELSE ST_Transform(w.geom, :srid::int) END
  FROM water w, box WHERE ST_Dimension(w.geom) > 0 AND w.geom && box.g
)
SELECT ST_UnaryUnion(ST_Collect(g)) AS g FROM lines
