-- Trips of a day range as WKB LineStringM (M = epoch seconds), ordered by worker code then start,
-- for coverage. from, to  local dates, inclusive   workers  text[] of worker codes or NULL for all
SELECT w.code, to_char(t.day, 'YYYY-MM-DD') AS day, t.fixes, ST_AsBinary(t.geom) AS wkb
FROM patrol_trips t
JOIN patrol_workers w ON w.id = t.worker_id
WHERE t.day BETWEEN CAST(:from AS date) AND CAST(:to AS date)
  AND (CAST(:workers AS text[]) IS NULL OR w.code = ANY (CAST(:workers AS text[])))
ORDER BY w.code, t.started_at;
