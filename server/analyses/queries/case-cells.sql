-- Filtered cases with the cell of one layout each lies in, for space-time cubes and forecast
-- windows: one row per case, case id order. A case on an edge shared by two cells goes to the cell
-- with the lower idx (as cell-counts.sql); cases in no cell are left out.
-- lon/lat WGS84 degrees (SRID 4326); t epoch milliseconds.
-- layout  layout id   filtered  subquery of cases (id, geom Point 4326, reported_at, …)
SELECT DISTINCT ON (f.id) c.idx, extract(epoch FROM f.reported_at) * 1000 AS t,
  ST_X(f.geom) AS lon, ST_Y(f.geom) AS lat
FROM (:filtered) f
JOIN cells c ON c.layout_id = :layout AND ST_Intersects(c.geom, f.geom)
ORDER BY f.id, c.idx;
