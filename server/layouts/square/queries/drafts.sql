-- Pieces → draft cells: pieces named in @piece are merged into the group @grp (a piece id),
-- every other piece is a cell by itself. Geometries stay in the metric CRS (the pipeline
-- transforms them); attrs record the grid square (i, j) of the group's first piece.
INSERT INTO layout_drafts (unit_id, geom, attrs)
SELECT p.unit_id, p.g, jsonb_build_object('i', p.i, 'j', p.j)
FROM square_pieces p
WHERE NOT (p.piece_id = ANY (:piece::int[]))
UNION ALL
SELECT min(p.unit_id), ST_UnaryUnion(ST_Collect(p.g)),
       jsonb_build_object('i', min(p.i) FILTER (WHERE p.piece_id = m.grp), 'j', min(p.j) FILTER (WHERE p.piece_id = m.grp), 'merged', count(*))
FROM square_pieces p
JOIN unnest(:piece::int[], :grp::int[]) AS m (piece_id, grp) ON m.piece_id = p.piece_id
GROUP BY m.grp
