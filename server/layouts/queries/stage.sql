-- Drafts made ready to store: repaired to valid MultiPolygons in both CRSs, measured (m² of the
-- metric CRS), with a centroid inside the cell (the point on surface where the centroid falls
-- outside) and that point in metric coordinates for ordering. Empty drafts are left out.
-- The CTEs are materialised so each geometry is repaired and transformed once (inlined, the
-- repair expression is repeated in every column that uses it).
-- @srid  metric CRS (EPSG)
CREATE TEMP TABLE layout_staged ON COMMIT DROP AS
WITH fixed AS MATERIALIZED (
  SELECT d.draft_id, d.unit_id, coalesce(d.community_id, u.community_id) AS community_id, d.code, d.attrs,
         ST_Multi(ST_CollectionExtract(CASE WHEN ST_IsValid(d.geom) THEN d.geom ELSE ST_MakeValid(d.geom) END, 3)) AS g
  FROM layout_drafts d
  LEFT JOIN layout_units u ON u.unit_id = d.unit_id
), both_crs AS MATERIALIZED (
  SELECT draft_id, unit_id, community_id, code, attrs,
         CASE WHEN ST_SRID(g) = 4326 THEN g ELSE ST_Transform(g, 4326) END AS geom,
         CASE WHEN ST_SRID(g) = :srid::int THEN g ELSE ST_Transform(g, :srid::int) END AS geom_m
  FROM fixed
  WHERE NOT ST_IsEmpty(g)
), pointed AS MATERIALIZED (
  SELECT b.*, ST_Area(geom_m) AS area_m2,
         CASE WHEN ST_Intersects(geom_m, c.c) THEN c.c ELSE ST_PointOnSurface(geom_m) END AS c_m
  FROM both_crs b CROSS JOIN LATERAL (SELECT ST_Centroid(b.geom_m) AS c) c
)
SELECT draft_id, unit_id, community_id, code, attrs, geom, geom_m, area_m2,
       ST_X(c_m) AS cx, ST_Y(c_m) AS cy, ST_Transform(c_m, 4326) AS centroid
FROM pointed
WHERE area_m2 > 0
