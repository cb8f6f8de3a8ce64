import type { Database } from '../db/connect'
import type { ImportReport, RowError } from './report'

/** What the smaller imports (taxonomy, mappings, boundaries, base map) return. */
export interface SimpleImportResult {
  import_id: number
  counts: Record<string, number>
  errors: RowError[]
  warnings: string[]
}

/** Marks an import run done, storing its counts, every rejected row and the warnings. */
export async function recordImportDone(db: Database, id: number, report: ImportReport, counts: object): Promise<void> {
  await db.knex('imports').where({ id }).update({
    status: 'done', finished_at: db.knex.fn.now(), counts: JSON.stringify(counts),
    errors: JSON.stringify(report.errors), warnings: JSON.stringify(report.warnings),
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
