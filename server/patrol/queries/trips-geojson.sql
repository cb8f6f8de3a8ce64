-- Trips of a day range as GeoJSON LineStrings for the map, one feature per trip; the fix times
-- ride along in `times` (ISO 8601, UTC) since GeoJSON has no M.
-- from, to  local dates, inclusive   worker  worker code or NULL for all   SRID 4326
SELECT json_agg(json_build_object(
  'type', 'Feature', 'id', t.id,
  'geometry', ST_AsGeoJSON(ST_Force2D(t.geom), 7)::json,
  'properties', json_build_object(
    'worker', w.code, 'name_zh', w.name_zh, 'day', to_char(t.day, 'YYYY-MM-DD'),
    'started_at', t.started_at, 'ended_at', t.ended_at, 'fixes', t.fixes, 'length_m', round(t.length_m::numeric, 1),
    'times', (SELECT json_agg(to_char(to_timestamp(ST_M(p.geom)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ORDER BY p.path)
              FROM ST_DumpPoints(t.geom) p)))
  ORDER BY w.code, t.started_at) AS features
FROM patrol_trips t
JOIN patrol_workers w ON w.id = t.worker_id
WHERE t.day BETWEEN CAST(:from AS date) AND CAST(:to AS date)
  AND (CAST(:worker AS text) IS NULL OR w.code = :worker);
