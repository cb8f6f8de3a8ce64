-- Imports into one dataset take turns: each holds this lock from its start to its commit, so a
-- dataset found empty at the start stays empty but for the import's own rows (load.ts writes a
-- new dataset's rows without looking for stored twins). Imports into other datasets run on.
-- $1 dataset.
SELECT pg_advisory_xact_lock(hashtext('wangge.cases.import:' || $1))
