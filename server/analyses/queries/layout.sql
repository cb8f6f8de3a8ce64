-- The layout an analysis runs on: its kind decides the contiguity rule, metric_crs the projection.
-- layout  layout id
SELECT id, name, kind, scope_id, metric_crs, status, cell_count
FROM layouts
WHERE id = :layout;
