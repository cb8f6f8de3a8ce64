-- H3 cells → draft cells. Each cell keeps its H3 index as code, is optionally clipped to the
-- scope (squares wholly inside skip the overlay: ST_Contains on the repeated scope is prepared),
-- and lies in the unit (community) holding its centre, or the nearest unit when the centre is
-- outside the scope.
-- @scope  districts.id   @clip boolean   @code text[] H3 indexes   @geom text[] GeoJSON (WGS84)
INSERT INTO layout_drafts (unit_id, geom, code)
WITH hex AS (
  SELECT h.code, ST_SetSRID(ST_GeomFromGeoJSON(h.g), 4326) AS g, ST_SetSRID(ST_MakePoint(h.lon, h.lat), 4326) AS c
  FROM unnest(:code::text[], :geom::text[], :lon::float8[], :lat::float8[]) AS h (code, g, lon, lat)
), clipped AS (
  SELECT h.code, h.c,
         CASE WHEN NOT :clip::boolean OR ST_Contains(s.geom, h.g) THEN h.g
              ELSE ST_CollectionExtract(ST_Intersection(s.geom, h.g, 1e-9), 3) END AS g
  FROM hex h CROSS JOIN (SELECT geom FROM districts WHERE id = :scope) s
)
SELECT coalesce(
         (SELECT u.unit_id FROM layout_units u WHERE ST_Intersects(u.geom, c.c) ORDER BY u.unit_id LIMIT 1),
         (SELECT u.unit_id FROM layout_units u WHERE ST_Intersects(u.geom, c.g) ORDER BY ST_Area(ST_Intersection(u.geom, c.g, 1e-9)) DESC, u.unit_id LIMIT 1)),
       c.g, c.code
FROM clipped c
WHERE NOT ST_IsEmpty(c.g)
