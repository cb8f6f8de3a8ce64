-- The foreign keys and plain (non-unique) indexes of `cases`, each with the statement that
-- recreates it exactly as the migrations made it. A large load into a small table drops them,
-- writes, then recreates them: one index build and one set-based check per key instead of a
-- per-row index insert and a per-row trigger query (3 per case). The unique key on
-- (dataset, external_id) and the primary key stay: the upsert needs them.
SELECT 'constraint' AS kind, quote_ident(conname) AS name,
       format('ALTER TABLE cases ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) AS restore
FROM pg_constraint
WHERE conrelid = 'cases'::regclass AND contype = 'f'
UNION ALL
SELECT 'index', i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = 'cases'::regclass AND NOT i.indisunique AND NOT i.indisprimary;
