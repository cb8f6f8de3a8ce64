import type { PoolClient } from 'pg'
import { readSql } from '../../db/sql-files'

const KEYS = readSql(import.meta.url, '../queries/import-bulk-keys.sql')

/** Loads smaller than this keep the per-row path: a few seconds of table lock would buy nothing. */
const BULK_MIN_ROWS = 5000

/**
 * Prepares `cases` for a large write inside the caller's transaction, or returns null when the
 * per-row path is cheaper. When the load holds more rows than the table (a first import, a new
 * city), the foreign keys and plain indexes are dropped and the returned function recreates them
 * after the write: the index builds sort once, and re-adding a key checks every row in one join
 * (the key stays enforced: a row pointing nowhere fails the import and rolls everything back).
 * Where the table already holds more rows than the load, rebuilding would cost more than it saves.
 * Dropping takes an exclusive lock on `cases` until commit: readers wait for the few seconds of
 * the write instead of seeing a half-indexed table.
 */
export async function prepareBulkWrite(conn: PoolClient, rows: number, minRows = BULK_MIN_ROWS): Promise<(() => Promise<void>) | null> {
  if (rows < minRows) return null
  const stored = await conn.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM cases LIMIT $1) x', [rows])
  if (stored.rows[0].n >= rows) return null
  const keys = (await conn.query<{ kind: 'constraint' | 'index'; name: string; restore: string }>(KEYS)).rows
  const constraints = keys.filter((k) => k.kind === 'constraint')
  const indexes = keys.filter((k) => k.kind === 'index')
  if (constraints.length) await conn.query(`ALTER TABLE cases ${constraints.map((k) => `DROP CONSTRAINT ${k.name}`).join(', ')}`)
  if (indexes.length) await conn.query(`DROP INDEX ${indexes.map((k) => k.name).join(', ')}`)
  return async () => {
    // indexes first: re-adding a key validates by joining, which an index on the key column helps
    for (const k of [...indexes, ...constraints]) await conn.query(k.restore)
  }
}
