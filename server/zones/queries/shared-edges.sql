-- Length of the boundary each pair of neighbouring cells shares (i < j), metres (geodesic), so
-- zone compactness is exact Polsby-Popper. Pairs listed as neighbours that only touch at a point
-- come back with length 0.
-- binds: layout  layout id
SELECT a.idx AS i, b.idx AS j,
       ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)::geography) AS length_m
FROM cells a
JOIN cells b ON b.layout_id = a.layout_id AND b.idx = ANY (a.neighbours) AND b.idx > a.idx
WHERE a.layout_id = :layout
