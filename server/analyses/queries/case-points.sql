-- Filtered case points for the clusterings and the density surface, in case id order.
-- lon/lat WGS84 degrees; t epoch milliseconds; on_time 1 closed by the deadline, 0 closed late or
-- open past it at as_of, 2 not judged yet (open within its deadline, rejected, no deadline).
-- filtered  subquery of cases   as_of  timestamptz
SELECT ST_X(f.geom) AS lon, ST_Y(f.geom) AS lat,
  extract(epoch FROM f.reported_at) * 1000 AS t,
  f.category_code,
  CASE
    WHEN f.status = 'closed' AND f.due_at IS NOT NULL AND f.closed_at IS NOT NULL THEN (f.closed_at <= f.due_at)::int
    WHEN f.status NOT IN ('closed', 'rejected') AND f.due_at < :as_of THEN 0
    ELSE 2
  END AS on_time
FROM (:filtered) f
ORDER BY f.id;
