-- Moves staged cases into `cases`. A case already stored with identical values is left alone
-- (re-importing a file changes nothing); changed values (a case closed since) are updated.
-- Missing due times default to the category's deadline. Outside and stacked come from the
-- per-coordinate tables filled before (import-points, -flag-outside, -stacks). Each coordinate gets
-- the community that covers it (the lowest id where communities overlap; none when no community
-- does) in one set-based join: each community polygon is read once and tested against the points
-- in its box (GiST on case_points.geom; OFFSET 0 keeps that join order), so PostGIS keeps one
-- prepared polygon at a time instead of re-reading boundaries for every row.
-- Returns how many cases were inserted and how many updated.
-- $1 dataset   $2 declared CRS   $3 import id.   SRID 4326.
WITH up AS (
  INSERT INTO cases AS c (dataset, external_id, category_code, source, reported_at, dispatched_at, due_at, closed_at,
                          status, address, geom, declared_crs, community_id, stacked, attrs, import_id)
  SELECT $1, s.external_id, s.category_code, s.source, to_timestamp(s.reported_ms / 1000), to_timestamp(s.dispatched_ms / 1000),
         COALESCE(to_timestamp(s.due_ms / 1000), to_timestamp(s.reported_ms / 1000) + make_interval(secs => k.deadline_hours * 3600)),
         to_timestamp(s.closed_ms / 1000), s.status, s.address, p.geom, $2, m.community_id, st.cases IS NOT NULL,
         COALESCE(s.attrs, '{}'::jsonb), $3
  FROM case_staging s
  JOIN case_points p ON p.lon = s.lon AND p.lat = s.lat
  JOIN categories k ON k.code = s.category_code
  LEFT JOIN (
    SELECT q.lon, q.lat, min(d.id) AS community_id
    FROM districts d
    CROSS JOIN LATERAL (SELECT p.lon, p.lat FROM case_points p WHERE NOT p.outside AND ST_Covers(d.geom, p.geom) OFFSET 0) q
    WHERE d.level = 'community'
    GROUP BY q.lon, q.lat
  ) m ON m.lon = s.lon AND m.lat = s.lat
  LEFT JOIN case_stacks st ON st.lon = s.lon AND st.lat = s.lat
  WHERE NOT p.outside
  ON CONFLICT (dataset, external_id) DO UPDATE SET
    category_code = EXCLUDED.category_code, source = EXCLUDED.source, reported_at = EXCLUDED.reported_at,
    dispatched_at = EXCLUDED.dispatched_at, due_at = EXCLUDED.due_at, closed_at = EXCLUDED.closed_at,
    status = EXCLUDED.status, address = EXCLUDED.address, geom = EXCLUDED.geom, declared_crs = EXCLUDED.declared_crs,
    community_id = EXCLUDED.community_id, attrs = EXCLUDED.attrs, import_id = EXCLUDED.import_id
  WHERE (c.category_code, c.source, c.reported_at, c.dispatched_at, c.due_at, c.closed_at, c.status, c.address, c.geom, c.attrs)
    IS DISTINCT FROM
        (EXCLUDED.category_code, EXCLUDED.source, EXCLUDED.reported_at, EXCLUDED.dispatched_at, EXCLUDED.due_at,
         EXCLUDED.closed_at, EXCLUDED.status, EXCLUDED.address, EXCLUDED.geom, EXCLUDED.attrs)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up;
