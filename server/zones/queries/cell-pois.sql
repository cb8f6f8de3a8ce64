-- Points of interest (schools, markets …) per cell of a layout and kind.
-- binds: layout  layout id
SELECT c.idx, p.kind, count(*)::int AS n
FROM cells c
JOIN pois p ON ST_Covers(c.geom, p.geom)
WHERE c.layout_id = :layout
GROUP BY c.idx, p.kind
