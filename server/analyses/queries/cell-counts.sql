-- Filtered cases per cell of one layout. A case on an edge shared by two cells is counted once,
-- in the cell with the lower idx. Cells without cases are absent (the caller fills zeros).
-- layout  layout id   filtered  subquery of cases (id, geom Point 4326, …)
SELECT a.idx, count(*)::int AS n
FROM (
  SELECT DISTINCT ON (f.id) f.id, c.idx
  FROM (:filtered) f
  JOIN cells c ON c.layout_id = :layout AND ST_Intersects(c.geom, f.geom)
  ORDER BY f.id, c.idx
) a
GROUP BY a.idx;
