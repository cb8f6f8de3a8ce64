-- Stores cells a builder measured itself (ReadyCells, see server/layouts/types.ts), one batch
-- of arrays ordered alike; the embedded database's path (a real server gets them by COPY).
-- @layout  layouts.id   @idx int[]  @code text[]  @community int[] (NULL: none)
-- @geom text[] hex EWKB MultiPolygon 4326   @area float8[] m² (metric CRS)
-- @centroid text[] hex EWKB Point 4326   @h3 text[], @nb text[] comma-separated lists
INSERT INTO cells (layout_id, idx, code, community_id, geom, area_m2, centroid, h3, neighbours)
SELECT :layout, r.idx, r.code, r.community, r.geom::geometry, r.area, r.centroid::geometry,
       CASE WHEN r.h3 = '' THEN '{}'::text[] ELSE string_to_array(r.h3, ',') END,
       CASE WHEN r.nb = '' THEN '{}'::int[] ELSE string_to_array(r.nb, ',')::int[] END
FROM unnest(:idx::int[], :code::text[], :community::int[], :geom::text[], :area::float8[], :centroid::text[], :h3::text[], :nb::text[])
  AS r (idx, code, community, geom, area, centroid, h3, nb)
