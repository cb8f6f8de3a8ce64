-- The upsert of import-upsert.sql for the bulk path (bulk.ts), which holds `cases` exclusively:
-- no other session can insert the same id meanwhile, so changed stored cases are updated and new
-- ones inserted plainly, without ON CONFLICT's speculative insertion (about half the cost of
-- writing each new row). Same result: identical cases untouched, `stacked` left to the flagging.
-- When the dataset held no cases before the import (case_import.fresh), there is nothing to
-- compare against: the update is skipped and every case inserted. Otherwise each case looks up
-- its id through the unique key (the OR keeps that a per-row probe, which stays cheap however
-- many batches have been written, where an anti-join would read the whole table every batch).
-- Returns how many cases were inserted and how many updated.
upd AS (
  UPDATE cases c SET
    category_code = s.category_code, source = s.source, reported_at = s.reported_at, dispatched_at = s.dispatched_at,
    due_at = s.due_at, closed_at = s.closed_at, status = s.status, address = s.address, geom = s.geom,
    declared_crs = s.declared_crs, community_id = s.community_id, attrs = s.attrs, import_id = s.import_id
  FROM src s
  WHERE NOT (SELECT fresh FROM case_import) AND c.dataset = s.dataset AND c.external_id = s.external_id
    AND (c.category_code, c.source, c.reported_at, c.dispatched_at, c.due_at, c.closed_at, c.status, c.address, c.geom, c.attrs)
      IS DISTINCT FROM
        (s.category_code, s.source, s.reported_at, s.dispatched_at, s.due_at, s.closed_at, s.status, s.address, s.geom, s.attrs)
  RETURNING 1
), ins AS (
  INSERT INTO cases (dataset, external_id, category_code, source, reported_at, dispatched_at, due_at, closed_at,
                     status, address, geom, declared_crs, community_id, stacked, attrs, import_id)
  SELECT * FROM src s
  WHERE (SELECT fresh FROM case_import) OR NOT EXISTS (SELECT 1 FROM cases c WHERE c.dataset = s.dataset AND c.external_id = s.external_id)
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated;
