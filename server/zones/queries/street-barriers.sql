-- Neighbouring cells (i < j) on opposite sides of a barrier street: the segment between their
-- centroids crosses a street of one of the classes. Used to cut adjacency when zones may not cross
-- major streets.
-- binds: layout  layout id   classes  text[] of street classes
SELECT DISTINCT a.idx AS i, b.idx AS j
FROM cells a
JOIN cells b ON b.layout_id = a.layout_id AND b.idx = ANY (a.neighbours) AND b.idx > a.idx
JOIN streets s ON ST_Intersects(s.geom, ST_MakeLine(a.centroid, b.centroid))
WHERE a.layout_id = :layout AND s.class = ANY (CAST(:classes AS text[]))
