-- The staged cases of the batch as rows of `cases` (a CTE named src, completed by
-- import-upsert.sql or import-upsert-bulk.sql), each with its coordinate's community
-- (import-place-points.sql); cases at coordinates outside the district are left out. Missing due
-- times default to the category's deadline. A new case is written stacked when its coordinate
-- already held the minimum when it was read; import-flag-stacked.sql flags the rest once every
-- batch is in.
-- Settings from case_import.   SRID 4326.
src AS (
  SELECT i.dataset, s.external_id, s.category_code, s.source,
         to_timestamp(s.reported_ms / 1000) AS reported_at, to_timestamp(s.dispatched_ms / 1000) AS dispatched_at,
         COALESCE(to_timestamp(s.due_ms / 1000), to_timestamp(s.reported_ms / 1000) + make_interval(secs => k.deadline_hours * 3600)) AS due_at,
         to_timestamp(s.closed_ms / 1000) AS closed_at, s.status, s.address, p.geom, i.declared_crs,
         p.community_id, s.stacked, COALESCE(s.attrs, '{}'::jsonb) AS attrs, i.import_id
  FROM case_staging s
  JOIN case_points p ON p.lon = s.lon AND p.lat = s.lat
  JOIN categories k ON k.code = s.category_code
  CROSS JOIN case_import i
  WHERE NOT p.outside
)
