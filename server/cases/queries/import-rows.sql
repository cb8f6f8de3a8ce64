-- The staged cases as rows of `cases` (a CTE named src, completed by import-upsert.sql or
-- import-upsert-bulk.sql). Missing due times default to the category's deadline. Outside and
-- stacked come from the per-coordinate tables filled before (import-points, -flag-outside,
-- -stacks). Each coordinate gets the community that covers it (the lowest id where communities
-- overlap; none when no community does) in one set-based join: each community polygon is read
-- once and tested against the points in its box (GiST on case_points.geom; OFFSET 0 keeps that
-- join order), so PostGIS keeps one prepared polygon at a time instead of re-reading boundaries
-- for every row.
-- $1 dataset   $2 declared CRS   $3 import id.   SRID 4326.
src AS (
  SELECT $1::text AS dataset, s.external_id, s.category_code, s.source,
         to_timestamp(s.reported_ms / 1000) AS reported_at, to_timestamp(s.dispatched_ms / 1000) AS dispatched_at,
         COALESCE(to_timestamp(s.due_ms / 1000), to_timestamp(s.reported_ms / 1000) + make_interval(secs => k.deadline_hours * 3600)) AS due_at,
         to_timestamp(s.closed_ms / 1000) AS closed_at, s.status, s.address, p.geom, $2::text AS declared_crs,
         m.community_id, st.cases IS NOT NULL AS stacked, COALESCE(s.attrs, '{}'::jsonb) AS attrs, $3::int AS import_id
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
)
