import type { PoolClient } from 'pg'
import type { Database } from '../../db/connect'
import { parseDeclaredCrs } from '../../imports/crs'
import { ImportReport, type RowError } from '../../imports/report'
import { packErrors, recordImportDone, recordImportFailed } from '../../imports/record'
import { assertTimeZone } from '../../imports/time'
import { AppError } from '../../shared/errors'
import type { ProgressFn } from '../../jobs/jobs'
import { loadCases, streamingLoad, type LoadOptions, type StreamingLoad } from './load'
import type { CaseImportMapping } from './mapping'
import { ERRORS_IN_RESPONSE, firstByRow, type CaseReadJob, type CaseReadSummary } from './read'
import { readCaseFileInThread } from './read-thread'

/** What a case import did; stored in `imports` and returned to the caller. */
export interface CaseImportResult {
  import_id: number
  dataset: string
  filename: string
  crs: string
  encoding: string
  counts: {
    rows: number
    inserted: number
    updated: number
    unchanged: number
    rejected: number
    stacked_points: number
  }
  errors_by_code: Record<string, number>
  /** first rejected rows (all of them in the CSV at errors_csv) */
  errors: RowError[]
  unmapped_categories: { name: string; rows: number }[]
  unmapped_sources: { name: string; rows: number }[]
  stacked_points: { lon: number; lat: number; cases: number }[]
  warnings: string[]
  errors_csv: string
  seconds: number
}

/**
 * Taxonomy codes, taxonomy names (English ones lower-cased) and the stored mapping set, merged
 * with the file's own mapping: external name → taxonomy code; and each code's deadline in hours.
 */
async function categoryNames(db: Database, mapping: CaseImportMapping, mappingSet: string):
  Promise<{ names: Map<string, string>; deadlineHours: Map<string, number | null> }> {
  const cats = await db.knex('categories').where({ level: 'minor' }).select('code', 'name_zh', 'name_en', 'deadline_hours')
  if (!cats.length) {
    throw new AppError('WG_NO_TAXONOMY', 'No categories are loaded: import a taxonomy first (npm run wangge -- import categories FILE)', 409)
  }
  const codes = new Set(cats.map((c: { code: string }) => c.code))
  const byName = new Map<string, string>()
  for (const c of cats) {
    byName.set(c.code, c.code)
    byName.set(c.name_zh, c.code)
    if (c.name_en) byName.set(c.name_en.toLowerCase(), c.code)
  }
  const stored = await db.knex('category_mappings').where({ mapping_set: mappingSet }).select('external_name', 'category_code')
  for (const m of stored) byName.set(m.external_name, m.category_code)
  const bad = Object.entries(mapping.categories ?? {}).filter(([, code]) => !codes.has(code))
  if (bad.length) {
    throw new AppError('WG_BAD_MAPPING',
      `The category mapping points at codes that are not in the taxonomy: ${bad.slice(0, 10).map(([n, c]) => `"${n}" → ${c}`).join(', ')}`, 422)
  }
  for (const [name, code] of Object.entries(mapping.categories ?? {})) byName.set(name, code)
  const deadlineHours = new Map<string, number | null>(cats.map((c: { code: string; deadline_hours: number | null }) => [c.code, c.deadline_hours]))
  return { names: byName, deadlineHours }
}

type Pool = { acquireConnection(): Promise<PoolClient>; releaseConnection(c: PoolClient): Promise<void> }

/**
 * Imports a CSV (any delimiter, UTF-8 or GBK, optionally gzipped) or GeoJSON case file.
 * Bad rows are reported with row, column and reason; good rows are written in one transaction;
 * importing the same file twice changes nothing. One implementation for HTTP and CLI.
 */
export async function importCases(
  db: Database,
  path: string,
  opts: {
    filename?: string; mapping?: CaseImportMapping; districtId?: number | null; onProgress?: ProgressFn
    /** loads of at least this many rows into a smaller table drop and rebuild its keys (load.ts) */
    bulkMinRows?: number
    /** rows per batch when streaming into a real server (load.ts) */
    batchRows?: number
  },
): Promise<CaseImportResult> {
  const t0 = performance.now()
  const mapping = opts.mapping ?? {}
  const filename = opts.filename ?? path
  const dataset = mapping.dataset ?? 'default'
  const crs = parseDeclaredCrs(mapping.crs)
  try {
    assertTimeZone(mapping.timezone ?? 'Asia/Shanghai')
  } catch {
    throw new AppError('WG_BAD_TIMEZONE', `Time zone "${mapping.timezone}" is not an IANA zone name such as Asia/Shanghai`, 422)
  }
  const progress = opts.onProgress ?? (() => undefined)
  const stackedMin = mapping.stackedMin ?? 50
  const categories = await categoryNames(db, mapping, mapping.categoryMappingSet ?? dataset)
  const job: CaseReadJob = { path, filename, mapping, stackedMin, categoryNames: categories.names, pieceRows: opts.batchRows }
  // The import is recorded (in its own transaction, so that a failure can be recorded too) just
  // before its first rows are written: a file refused as it is opened or by its header leaves no
  // record, one that fails later is recorded as failed.
  let recorded: Promise<number> | undefined
  const importId = () => (recorded ??= db.knex('imports')
    .insert({ kind: 'cases', filename, dataset, options: JSON.stringify(mapping) }).returning('id')
    .then((r: { id: number }[]) => r[0].id))
  let keptRows = 0
  const loadOpts: LoadOptions = {
    dataset, importId, declaredCrs: crs.label, districtId: opts.districtId ?? null,
    stackedMin, bulkMinRows: opts.bulkMinRows, batchRows: opts.batchRows, copyFromText: db.copyFromText,
    onProgress: (phase, done) => progress({ phase, done, total: keptRows }),
  }
  const fail = async (err: unknown) => {
    if (recorded) await recordImportFailed(db, await recorded, err).catch(() => undefined)
    return err
  }

  // The file is read in a thread of its own (read-thread.ts). On a real server its rows stream
  // into `cases` while it is read (the server writes one batch while the next is read), inside
  // the import's transaction on a connection of its own: straight into `cases` for a dataset that
  // holds no cases yet, through staging otherwise (load.ts). The embedded database runs in this
  // thread and takes one connection at a time, so it loads after reading.
  const pool = db.knex.client as Pool
  const streaming = db.kind === 'postgres'
  const conn = streaming ? await pool.acquireConnection() : undefined
  const read: Uint8Array[] = []
  let summary: CaseReadSummary
  let packedErrors: Promise<Uint8Array>
  let load: StreamingLoad | undefined
  try {
    if (conn) load = await streamingLoad(conn, loadOpts)
    const streamed = load
    // a new dataset's rows are read as rows for `cases` itself (load.ts directLoad)
    if (streamed?.direct) job.cases = { dataset, declaredCrs: crs.label, deadlineHours: categories.deadlineHours }
    progress({ phase: 'reading', done: 0 })
    const end = await readCaseFileInThread(job, (piece) => {
      progress({ phase: 'reading', done: piece.rowsRead })
      if (!streamed) {
        read.push(piece.text)
        return
      }
      streamed.add(piece)
      return streamed.flush(piece.fraction)
    })
    summary = end.summary
    packedErrors = end.packedErrors
    keptRows = summary.keptRows
  } catch (err) {
    if (conn) {
      await load?.abort()
      await pool.releaseConnection(conn)
    }
    throw await fail(err)
  }
  const rows = summary.keptRows + summary.rejectedRows
  // rejections found while writing (points outside the district)
  const report = new ImportReport()
  try {
    const outcome = await (conn
      ? load!.finish(summary.stacks).finally(() => pool.releaseConnection(conn))
      : importId().then(async () => {
        // the embedded database's single connection: the import is recorded before it is taken
        const c = await pool.acquireConnection()
        return loadCases(c, read, summary.keptRows, summary.stacks, loadOpts).finally(() => pool.releaseConnection(c))
      }))
    for (const o of outcome.outside) {
      report.reject(o.row, 'lon/lat', `${o.lon.toFixed(6)} ${o.lat.toFixed(6)}`, 'WG_OUTSIDE_DISTRICT',
        `point lies outside the district; check the coordinate system (declared ${crs.label}: WGS84, GCJ-02 or BD-09?)`)
    }
    if (!outcome.districtChecked) report.warn('No district boundary is loaded, so points were not checked against it; import districts first to catch misplaced points.')
    if (outcome.outside.length > 0.5 * Math.max(1, summary.keptRows)) {
      report.warn(`${outcome.outside.length} of ${summary.keptRows} points fall outside the district: the declared coordinate system (${crs.label}) is probably wrong.`)
    }
    for (const s of outcome.stacked) {
      report.warn(`${s.cases} cases share the coordinate ${s.lon.toFixed(6)}, ${s.lat.toFixed(6)}: flagged as stacked (a geocoder's fallback point); analyses exclude them by default.`)
    }
    const unmapped = new Map(summary.unmapped)
    const list = (prefix: string) => [...unmapped].filter(([k]) => prefix ? k.startsWith(prefix) : !k.includes(':') && k !== 'closed-without-time')
      .map(([name, n]) => ({ name: prefix ? name.slice(prefix.length) : name, rows: n })).sort((a, b) => b.rows - a.rows)
    const unmappedSources = list('source:')
    if (unmappedSources.length) report.warn(`Sources without a channel mapping were stored as "other": ${unmappedSources.slice(0, 8).map((s) => `${s.name} (${s.rows})`).join(', ')}`)
    if (unmapped.get('closed-without-time')) report.warn(`${unmapped.get('closed-without-time')} cases are closed but have no close time; they count as closed, not as closed on time.`)
    const id = await importId()
    const result: CaseImportResult = {
      import_id: id, dataset, filename, crs: crs.label, encoding: summary.encoding,
      counts: {
        rows, inserted: outcome.inserted, updated: outcome.updated, unchanged: outcome.unchanged,
        rejected: summary.rejectedRows + report.rejectedRows, stacked_points: outcome.stacked.length,
      },
      errors_by_code: report.errorsByCode(summary.errorsByCode),
      errors: firstByRow([...summary.firstErrors, ...report.errors], ERRORS_IN_RESPONSE),
      unmapped_categories: list(''),
      unmapped_sources: unmappedSources,
      stacked_points: outcome.stacked,
      warnings: report.warnings,
      errors_csv: `/api/imports/${id}/errors.csv`,
      seconds: (performance.now() - t0) / 1000,
    }
    progress({ phase: 'recording', done: rows, total: rows })
    const packed = [packedErrors.then((p) => Buffer.from(p)), ...(report.errors.length ? [packErrors(report.errors)] : [])]
    await recordImportDone(db, id, report, result.counts, packed)
    progress({ phase: 'done', done: rows, total: rows })
    return result
  } catch (err) {
    throw await fail(err)
  }
}
