-- Stores the staged cells of a layout with the idx, code, H3 cover and neighbours given in
-- arrays ordered alike (h3 and neighbours as comma-separated lists).
-- @layout  layouts.id   @draft int[]  @idx int[]  @code text[]  @h3 text[]  @nb text[]
INSERT INTO cells (layout_id, idx, code, community_id, geom, area_m2, centroid, h3, neighbours, attrs)
SELECT :layout, o.idx, o.code, s.community_id, s.geom, s.area_m2, s.centroid,
       CASE WHEN o.h3 = '' THEN '{}'::text[] ELSE string_to_array(o.h3, ',') END,
       CASE WHEN o.nb = '' THEN '{}'::int[] ELSE string_to_array(o.nb, ',')::int[] END,
       s.attrs
FROM unnest(:draft::int[], :idx::int[], :code::text[], :h3::text[], :nb::text[]) AS o (draft_id, idx, code, h3, nb)
JOIN layout_staged s ON s.draft_id = o.draft_id
