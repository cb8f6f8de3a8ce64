-- The flagging of import-flag-stacked.sql for a new dataset written straight into `cases`
-- (load.ts directLoad): the reading thread knows which of its cases were written unflagged at a
-- coordinate that reached the stacked minimum later (at most the minimum less one per coordinate),
-- so they are found by id through the unique key instead of by comparing every case's coordinate.
-- Ids of cases outside the district match nothing: they were not written.
-- $1 dataset   $2 external ids.
WITH flagged AS (
  UPDATE cases SET stacked = true
  WHERE dataset = $1 AND external_id = ANY ($2::text[])
  RETURNING id
)
SELECT lon, lat, cases FROM case_stacks ORDER BY cases DESC, lon, lat
