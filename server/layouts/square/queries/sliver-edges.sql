-- Shared edge length (m) between pieces of the same unit where at least one is a sliver
-- (area below @threshold m²); the merge decision is taken in TypeScript (core/slivers.ts).
SELECT a.piece_id AS a, b.piece_id AS b,
       ST_Length(ST_CollectionExtract(ST_Intersection(a.g, b.g, 1e-4), 2)) AS len
FROM square_pieces a
JOIN square_pieces b ON b.unit_id = a.unit_id AND a.piece_id < b.piece_id AND a.g && b.g
WHERE (a.area < :threshold OR b.area < :threshold) AND ST_Intersects(a.g, b.g)
