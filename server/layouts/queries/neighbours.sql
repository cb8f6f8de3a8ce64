-- Pairs of staged cells sharing an edge (a boundary line, not just a corner). Cells built apart
-- can meet with sub-millimetre overlaps where one has a vertex the other lacks; those count as
-- sharing an edge too, hence the interior test beside the boundary-line test.
SELECT a.draft_id AS a, b.draft_id AS b
FROM layout_staged a
JOIN layout_staged b ON a.draft_id < b.draft_id AND a.geom && b.geom
CROSS JOIN LATERAL (SELECT ST_Relate(a.geom, b.geom) AS m) r
WHERE substr(r.m, 1, 1) = '2' OR substr(r.m, 5, 1) = '1'
