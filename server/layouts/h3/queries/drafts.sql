-- The H3 cells PostGIS decides → draft cells (see server/layouts/h3/split.ts: cells near the
-- scope's boundary, or whose centre lies within a centimetre of a community boundary). Each cell
-- keeps its H3 index as code. A cell is kept when its centre (@center) or its outline touches the
-- scope; with @clip, cells crossing the scope's boundary are clipped to it (one prepared test
-- against the boundary line first). A cell lies in the unit (community) holding its centre, or,
-- when the centre is outside every unit, the unit it overlaps most.
-- @scope  districts.id   @clip, @center boolean   @code text[] H3 indexes
-- @geom text[] hex EWKB (WGS84)   @lon, @lat float8[] the cells' centres (degrees)
INSERT INTO layout_drafts (unit_id, geom, code)
WITH s AS MATERIALIZED (
  SELECT geom, ST_Boundary(geom) AS b FROM districts WHERE id = :scope
), hex AS MATERIALIZED (
  SELECT h.code, h.g::geometry AS g, ST_SetSRID(ST_MakePoint(h.lon, h.lat), 4326) AS c
  FROM unnest(:code::text[], :geom::text[], :lon::float8[], :lat::float8[]) AS h (code, g, lon, lat)
), clipped AS MATERIALIZED (
  SELECT h.code, h.c,
         CASE WHEN :clip::boolean AND ST_Intersects(s.b, h.g) THEN ST_CollectionExtract(ST_Intersection(s.geom, h.g, 1e-9), 3)
              ELSE h.g END AS g
  FROM hex h CROSS JOIN s
  WHERE CASE WHEN :center::boolean THEN ST_Intersects(s.geom, h.c) ELSE ST_Intersects(s.geom, h.g) END
), homed AS (
  SELECT c.code, c.g, c.c,
         (SELECT u.unit_id FROM layout_units u WHERE ST_Intersects(u.geom, c.c) ORDER BY u.unit_id LIMIT 1) AS unit_id
  FROM clipped c
  WHERE NOT ST_IsEmpty(c.g)
)
SELECT coalesce(h.unit_id,
         (SELECT u.unit_id FROM layout_units u WHERE ST_Intersects(u.geom, h.g) ORDER BY ST_Area(ST_Intersection(u.geom, h.g, 1e-9)) DESC, u.unit_id LIMIT 1)),
       h.g, h.code
FROM homed h
