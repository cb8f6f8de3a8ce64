-- Days that have stored trips, with how many trips, workers and fixes: the map's date picker
-- opens on the latest of them instead of guessing.   day  local date (Asia/Shanghai)
SELECT to_char(t.day, 'YYYY-MM-DD') AS day, count(*)::int AS trips, count(DISTINCT t.worker_id)::int AS workers,
       sum(t.fixes)::int AS fixes
FROM patrol_trips t
GROUP BY t.day
ORDER BY t.day;
