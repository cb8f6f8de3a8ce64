-- Moves staged cases into `cases`. A case already stored with identical values is left alone
-- (re-importing a file changes nothing); changed values (a case closed since) are updated.
-- Missing due times default to the category's deadline. Each case gets the community that covers it.
-- $1 dataset   $2 declared CRS   $3 import id.   SRID 4326.
INSERT INTO cases AS c (dataset, external_id, category_code, source, reported_at, dispatched_at, due_at, closed_at,
                        status, address, geom, declared_crs, community_id, attrs, import_id)
SELECT $1, s.external_id, s.category_code, s.source, s.reported_at, s.dispatched_at,
       COALESCE(s.due_at, s.reported_at + make_interval(secs => k.deadline_hours * 3600)),
       s.closed_at, s.status, s.address, p.geom, $2,
       (SELECT d.id FROM districts d WHERE d.level = 'community' AND ST_Covers(d.geom, p.geom) ORDER BY d.id LIMIT 1),
       COALESCE(s.attrs, '{}'::jsonb), $3
FROM case_staging s
JOIN categories k ON k.code = s.category_code
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS geom) p
WHERE NOT s.outside
ON CONFLICT (dataset, external_id) DO UPDATE SET
  category_code = EXCLUDED.category_code, source = EXCLUDED.source, reported_at = EXCLUDED.reported_at,
  dispatched_at = EXCLUDED.dispatched_at, due_at = EXCLUDED.due_at, closed_at = EXCLUDED.closed_at,
  status = EXCLUDED.status, address = EXCLUDED.address, geom = EXCLUDED.geom, declared_crs = EXCLUDED.declared_crs,
  community_id = EXCLUDED.community_id, attrs = EXCLUDED.attrs, import_id = EXCLUDED.import_id
WHERE (c.category_code, c.source, c.reported_at, c.dispatched_at, c.due_at, c.closed_at, c.status, c.address,
       ST_AsBinary(c.geom), c.attrs)
  IS DISTINCT FROM
      (EXCLUDED.category_code, EXCLUDED.source, EXCLUDED.reported_at, EXCLUDED.dispatched_at, EXCLUDED.due_at,
       EXCLUDED.closed_at, EXCLUDED.status, EXCLUDED.address, ST_AsBinary(EXCLUDED.geom), EXCLUDED.attrs)
RETURNING (xmax = 0) AS inserted;
