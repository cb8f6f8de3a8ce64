-- Pieces of a layout's scope that cells may not cross (temporary, dropped at commit): each
-- community clipped to the scope, areas two communities both claim given to the lower id, and
-- the part of the scope no community covers as one unit without community.
-- @scope  districts.id of the scope   @prefix  its full_code   @srid  metric CRS (EPSG)
-- Output SRIDs: geom 4326, geom_m @srid; area_m2 in m² of the metric CRS.
-- The differences snap to a 1e-9 degree grid (0.1 mm): without a grid size, the embedded
-- database's GEOS loses the row altogether (no error, no result) when the communities cover the
-- scope up to floating-point noise, which is the usual case.
CREATE TEMP TABLE layout_units ON COMMIT DROP AS
WITH scope AS (
  SELECT geom FROM districts WHERE id = :scope
), comm AS (
  SELECT c.id, c.code AS community_code,
         CASE WHEN p.level = 'street' THEN p.code ELSE '000' END AS street_code,
         c.name_zh, c.full_code,
         CASE WHEN ST_CoveredBy(c.geom, s.geom) THEN c.geom
              ELSE ST_CollectionExtract(ST_Intersection(c.geom, s.geom, 1e-9), 3) END AS g
  FROM districts c
  JOIN districts p ON p.id = c.parent_id
  CROSS JOIN scope s
  WHERE c.level = 'community' AND c.full_code LIKE :prefix || '%' AND ST_Intersects(c.geom, s.geom)
), owned AS (
  SELECT c.id, c.community_code, c.street_code, c.name_zh, c.full_code,
         coalesce((
           SELECT ST_CollectionExtract(ST_Difference(c.g, ST_Union(o.g), 1e-9), 3)
           FROM comm o WHERE o.id < c.id AND o.g && c.g AND ST_Relate(o.g, c.g, '2********')
         ), c.g) AS g
  FROM comm c
), rest AS (
  SELECT ST_CollectionExtract(ST_Difference(s.geom, coalesce((SELECT ST_Union(g) FROM owned), ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, 4326)), 1e-9), 3) AS g
  FROM scope s
), units AS (
  SELECT id AS community_id, street_code, community_code, name_zh, full_code, g FROM owned WHERE NOT ST_IsEmpty(g)
  UNION ALL
  SELECT NULL, '000', '000', '(无社区)', NULL, g FROM rest WHERE NOT ST_IsEmpty(g)
)
SELECT (row_number() OVER (ORDER BY full_code NULLS LAST))::int AS unit_id,
       community_id, street_code, community_code, name_zh,
       ST_Multi(g)::geometry(MultiPolygon, 4326) AS geom,
       ST_Transform(g, :srid::int) AS geom_m,
       ST_Area(ST_Transform(g, :srid::int)) AS area_m2
FROM units
