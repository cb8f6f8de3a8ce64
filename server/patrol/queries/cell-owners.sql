-- The responsibility grid and worker owning each cell of a layout: the grid holding the cell's
-- centroid (a centroid on a shared boundary goes to the grid with the smaller code).
-- layout  layout id   SRID 4326
SELECT DISTINCT ON (c.idx) c.idx, g.code AS grid, w.code AS worker
FROM cells c
LEFT JOIN patrol_worker_grids g ON ST_Intersects(g.geom, c.centroid)
LEFT JOIN patrol_workers w ON w.id = g.worker_id
WHERE c.layout_id = :layout
ORDER BY c.idx, g.code;
