-- Moves the staged cases (src, import-rows.sql) into `cases`. A case already stored with
-- identical values is left alone (re-importing a file changes nothing); changed values (a case
-- closed since) are updated. ON CONFLICT keeps this right while other sessions write cases too.
-- Returns how many cases were inserted and how many updated.
up AS (
  INSERT INTO cases AS c (dataset, external_id, category_code, source, reported_at, dispatched_at, due_at, closed_at,
                          status, address, geom, declared_crs, community_id, stacked, attrs, import_id)
  SELECT * FROM src
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
