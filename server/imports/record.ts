import type { Database } from '../db/connect'
import type { ImportReport, RowError } from './report'
import { gunzipText, gzipJsonText } from '../shared/gzip-json'

/** What the smaller imports (taxonomy, mappings, boundaries, base map) return. */
export interface SimpleImportResult {
  import_id: number
  counts: Record<string, number>
  errors: RowError[]
  warnings: string[]
}

/**
 * Rejected rows packed for `imports.errors_gz` (migration 0007): a JSON array on one line,
 * gzip-compressed at level 1 because it is a few reasons repeated thousands of times, which even
 * the fastest level shrinks ~15×. A run may store its rows in several such parts, concatenated
 * (gzip reads consecutive members as one text): a case import packs the rows rejected while
 * reading while the database is still writing, and adds the ones it rejects afterwards.
 */
export function packErrors(errors: RowError[]): Promise<Buffer> {
  return gzipJsonText(`${JSON.stringify(errors)}\n`)
}

/**
 * Marks an import run done, storing its counts, every rejected row and the warnings. `packed`,
 * when given, holds every rejected row of the report already packed (packErrors).
 */
export async function recordImportDone(db: Database, id: number, report: ImportReport, counts: object,
  packed?: Promise<Buffer>[]): Promise<void> {
  const errorsGz = Buffer.concat(await Promise.all(packed ?? [packErrors(report.errors)]))
  await db.knex('imports').where({ id }).update({
    status: 'done', finished_at: db.knex.fn.now(), counts: JSON.stringify(counts),
    errors_gz: errorsGz, warnings: JSON.stringify(report.warnings),
  })
}

/** Marks an import run failed with the error's message (the data itself was rolled back). */
export async function recordImportFailed(db: Database, id: number, err: unknown): Promise<void> {
  await db.knex('imports').where({ id })
    .update({ status: 'failed', finished_at: db.knex.fn.now(), message: (err as Error).message })
}

/** Records the run as done and returns its result. */
export async function finishImport(db: Database, id: number, report: ImportReport, counts: Record<string, number>): Promise<SimpleImportResult> {
  await recordImportDone(db, id, report, counts)
  return { import_id: id, counts, errors: report.errors, warnings: report.warnings }
}

interface StoredErrors { errors?: RowError[]; errors_gz?: Buffer | null }

/** The rejected rows of a stored import row in row order, from `errors_gz` (packErrors) or, for older runs, `errors`. */
async function decodeErrors(row: StoredErrors): Promise<RowError[]> {
  if (!row.errors_gz) return row.errors ?? []
  const parts = (await gunzipText(row.errors_gz)).split('\n').filter((line) => line)
  return parts.flatMap((line) => JSON.parse(line) as RowError[]).sort((a, b) => a.row - b.row)
}

/** One import run as the API shows it (every rejected row in `errors`); undefined when there is none. */
export async function readImport(db: Database, id: number): Promise<Record<string, unknown> | undefined> {
  const row = await db.knex('imports').where({ id }).first()
  if (!row) return undefined
  const { errors_gz: _gz, ...rest } = row
  return { ...rest, errors: await decodeErrors(row) }
}

/** Every rejected row of an import; undefined when there is no such import. */
export async function readImportErrors(db: Database, id: number): Promise<RowError[] | undefined> {
  const row = await db.knex('imports').where({ id }).first('errors', 'errors_gz')
  return row ? decodeErrors(row) : undefined
}
