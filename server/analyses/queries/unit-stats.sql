-- Handling statistics per unit (a cell of a layout, a community or a street), in total and per
-- category in one pass (GROUPING SETS: rows with category_code NULL are the unit's totals).
-- Each filtered case belongs to one unit, the lowest unit id covering it, so a case on a shared
-- edge counts once. The rates follow /api/cases/summary: due = not rejected and past its
-- deadline or closed; 结案率 = closed ÷ due; 按期结案率 = closed by the deadline ÷ due.
-- units     subquery (unit integer, geom MultiPolygon 4326)
-- filtered  subquery of cases (id, geom, category_code, status, reported_at, due_at, closed_at)
-- as_of     timestamptz at which deadlines are judged (stored with the analysis)
WITH assigned AS (
  SELECT DISTINCT ON (f.id) f.id, f.category_code, f.status, f.reported_at, f.due_at, f.closed_at, u.unit
  FROM (:filtered) f
  JOIN (:units) u ON ST_Intersects(u.geom, f.geom)
  ORDER BY f.id, u.unit
)
SELECT unit, category_code,
  count(*)::int AS n,
  count(*) FILTER (WHERE status <> 'rejected' AND (due_at < :as_of OR closed_at IS NOT NULL))::int AS due,
  count(*) FILTER (WHERE status = 'closed')::int AS closed,
  count(*) FILTER (WHERE status = 'closed' AND closed_at <= due_at)::int AS closed_on_time,
  count(*) FILTER (WHERE status NOT IN ('closed', 'rejected') AND due_at < :as_of)::int AS open_overdue,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - reported_at) / 3600)
    FILTER (WHERE status = 'closed' AND closed_at IS NOT NULL) AS median_hours_to_close
FROM assigned
GROUP BY GROUPING SETS ((unit), (unit, category_code))
ORDER BY unit, category_code NULLS FIRST;
