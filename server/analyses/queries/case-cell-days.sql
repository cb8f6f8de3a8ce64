-- Filtered cases that lie in a cell of one layout, as two parallel int arrays (cell idx, local day
-- number), for space-time cubes that only count cases. One row holding two arrays crosses the wire
-- and is parsed far faster than one row object per case; the report time is cut to its local day
-- because every step boundary of a cube is a local midnight, so the day decides the step.
-- A case on an edge shared by two cells goes to the cell with the lower idx (as cell-counts.sql);
-- cases in no cell are left out.
-- layout          layout id
-- offset_minutes  local time offset east of UTC, minutes (Asia/Shanghai 480)
-- filtered        subquery of cases (id, geom Point 4326, reported_at, …)
-- day: days since 1970-01-01 in local time, i.e. floor((epoch ms + offset ms) / 86400000), from
-- timestamp arithmetic (exact, cheaper than numeric epoch arithmetic).
SELECT coalesce(array_agg(a.idx), '{}') AS idx, coalesce(array_agg(a.day), '{}') AS day
FROM (
  SELECT DISTINCT ON (f.id) c.idx,
    ((f.reported_at + make_interval(mins => :offset_minutes)) AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day
  FROM (:filtered) f
  JOIN cells c ON c.layout_id = :layout AND ST_Intersects(c.geom, f.geom)
  ORDER BY f.id, c.idx
) a;
