-- Street length inside each cell of a layout, metres (geodesic); only the given classes unless
-- classes is NULL. Cells without streets are absent.
-- binds: layout  layout id   classes  text[] or NULL
SELECT c.idx, sum(ST_Length(ST_CollectionExtract(ST_Intersection(c.geom, s.geom, 1e-9), 2)::geography)) AS street_m
FROM cells c
JOIN streets s ON ST_Intersects(c.geom, s.geom)
WHERE c.layout_id = :layout AND (CAST(:classes AS text[]) IS NULL OR s.class = ANY (CAST(:classes AS text[])))
GROUP BY c.idx
