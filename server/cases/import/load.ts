import type { PoolClient } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { readSql } from '../../db/sql-files'
import type { DatabaseKind } from '../../db/connect'
import type { ParsedCases } from './parse'
import { prepareBulkWrite } from './bulk'

const STAGING_DDL = readSql(import.meta.url, '../queries/import-staging.sql')
const POINTS = readSql(import.meta.url, '../queries/import-points.sql')
const STACKS = readSql(import.meta.url, '../queries/import-stacks.sql')
const FLAG_OUTSIDE = readSql(import.meta.url, '../queries/import-flag-outside.sql')
// the staged rows as a CTE, completed by the per-row-safe upsert or the bulk path's plain insert
const ROWS = readSql(import.meta.url, '../queries/import-rows.sql')
const UPSERT = `WITH ${ROWS},\n${readSql(import.meta.url, '../queries/import-upsert.sql')}`
const UPSERT_BULK = `WITH ${ROWS},\n${readSql(import.meta.url, '../queries/import-upsert-bulk.sql')}`
const FLAG_STACKED = readSql(import.meta.url, '../queries/import-flag-stacked.sql')

const COLUMNS = 'row_no, external_id, category_code, source, status, reported_ms, dispatched_ms, due_ms, closed_ms, address, lon, lat, attrs'
/** rows per unnest() statement on the embedded database (its wire server has no COPY) */
const UNNEST_BATCH = 5000

/** epoch ms, or null for NaN (an absent time) */
const ms = (t: number) => (Number.isFinite(t) ? t : null)

// COPY text format: backslash, tab and line breaks must be escaped; \N is NULL.
const copyText = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')

/** One staged row in COPY text format (tab-separated, \\N for NULL, newline-terminated). */
function copyLine(rows: ParsedCases, i: number, lon: number, lat: number): string {
  const attrs = rows.attrs[i]
  return `${rows.rowNo[i]}\t${copyText(rows.externalId[i])}\t${rows.category[i]}\t${rows.source[i]}\t${rows.status[i]}\t` +
    `${ms(rows.reportedAt[i]) ?? '\\N'}\t${ms(rows.dispatchedAt[i]) ?? '\\N'}\t${ms(rows.dueAt[i]) ?? '\\N'}\t` +
    `${ms(rows.closedAt[i]) ?? '\\N'}\t${copyText(rows.address[i])}\t${lon}\t${lat}\t${copyText(attrs ? JSON.stringify(attrs) : null)}\n`
}

/** Rows streamed into staging with COPY while the file is still being read. */
export interface CopyStager {
  /** queues row `i` of `rows` at the WGS84 position lon/lat */
  add(rows: ParsedCases, i: number, lon: number, lat: number): void
  /**
   * sends the queued rows (the server parses them while the reader goes on); resolves at once, or
   * once the stream drains when the server has fallen behind, so the reader waits for it
   */
  flush(): Promise<void>
  /** ends the COPY; resolves when the server has stored every row */
  end(): Promise<void>
  /** cancels the COPY (the transaction must then be rolled back) */
  abort(err: Error): Promise<void>
}

/**
 * COPY into staging, the fast path on a real server (~10× multi-row INSERT). Rows are sent chunk
 * by chunk as the reader accepts them, so the server parses and stores one chunk while Node reads
 * the next: on two cores the transfer costs almost nothing on top of reading the file.
 */
export function copyStager(conn: PoolClient): CopyStager {
  const stream = conn.query(copyFrom(`COPY case_staging (${COLUMNS}) FROM STDIN`))
  let failed: Error | undefined
  stream.on('error', (err: Error) => { failed ??= err })
  let text = ''
  return {
    add(rows, i, lon, lat) { text += copyLine(rows, i, lon, lat) },
    flush() {
      const sent = !text || failed ? true : stream.write(text)
      text = ''
      if (sent) return Promise.resolve()
      // an error ends the wait too: end() reports it
      return new Promise<void>((resolve) => {
        const done = () => { stream.off('drain', done); stream.off('error', done); resolve() }
        stream.once('drain', done)
        stream.once('error', done)
      })
    },
    end() {
      void this.flush()
      return new Promise<void>((resolve, reject) => {
        if (failed) { reject(failed); return }
        stream.once('error', reject)
        stream.once('finish', () => resolve())
        stream.end()
      })
    },
    async abort(err) {
      if (failed || stream.destroyed) return
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve())
        stream.destroy(err)
      })
    },
  }
}

/** Parsed rows that are all in memory as one COPY text. */
function copyTextOf(rows: ParsedCases, lon: Float64Array, lat: Float64Array): string {
  const lines: string[] = []
  for (let i = 0; i < rows.rowNo.length; i++) lines.push(copyLine(rows, i, lon[i], lat[i]))
  return lines.join('')
}

/** COPY of parsed rows that are all in memory already. */
async function copyRows(conn: PoolClient, rows: ParsedCases, lon: Float64Array, lat: Float64Array): Promise<void> {
  const stager = copyStager(conn)
  const CHUNK = 2000
  for (let i = 0; i < rows.rowNo.length; i++) {
    stager.add(rows, i, lon[i], lat[i])
    if (i % CHUNK === CHUNK - 1) await stager.flush()
  }
  await stager.end()
}

/**
 * unnest() of parameter arrays into staging: works over any wire server, including an embedded
 * database served by another process (tests share one), which has no COPY; ~2× slower than COPY.
 */
async function unnestRows(conn: PoolClient, rows: ParsedCases, lon: Float64Array, lat: Float64Array, onBatch?: (done: number) => void): Promise<void> {
  const n = rows.rowNo.length
  for (let a = 0; a < n; a += UNNEST_BATCH) {
    const b = Math.min(n, a + UNNEST_BATCH)
    const times = (col: number[]) => col.slice(a, b).map(ms)
    await conn.query(
      `INSERT INTO case_staging (${COLUMNS})
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                            $8::float8[], $9::float8[], $10::text[], $11::float8[], $12::float8[], $13::jsonb[])`,
      [rows.rowNo.slice(a, b), rows.externalId.slice(a, b), rows.category.slice(a, b), rows.source.slice(a, b),
        rows.status.slice(a, b), times(rows.reportedAt), times(rows.dispatchedAt), times(rows.dueAt), times(rows.closedAt),
        rows.address.slice(a, b), Array.from(lon.subarray(a, b)), Array.from(lat.subarray(a, b)),
        rows.attrs.slice(a, b).map((x) => (x ? JSON.stringify(x) : null))],
    )
    onBatch?.(b)
  }
}

export interface LoadOutcome {
  inserted: number
  updated: number
  unchanged: number
  outside: { row: number; lon: number; lat: number }[]
  stacked: { lon: number; lat: number; cases: number }[]
  districtChecked: boolean
}

export interface LoadOptions {
  dataset: string; importId: number; declaredCrs: string; districtId: number | null; stackedMin: number
  /** loads of at least this many rows may take the bulk path (bulk.ts; default BULK_MIN_ROWS) */
  bulkMinRows?: number
  /** the embedded database's direct COPY (Database.copyFromText), when this process runs it */
  copyFromText?: (copySql: string, text: string) => Promise<void>
  onProgress?: (phase: string, done: number) => void
}

/** Opens the import's transaction on `conn` and creates the staging table. */
export async function beginLoad(conn: PoolClient): Promise<void> {
  await conn.query('BEGIN')
  try {
    // PostGIS prices ST_Covers so high that the planner JIT-compiles every spatial statement here,
    // which costs more (~0.3 s each) than running them; and the joins over a whole import's rows
    // should hash and sort in memory rather than spill to disk at the 4 MB default.
    await conn.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
    await conn.query(STAGING_DDL)
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
}

/** Abandons the import's transaction: nothing of it stays. */
export async function rollbackLoad(conn: PoolClient): Promise<void> {
  await conn.query('ROLLBACK').catch(() => undefined)
}

/**
 * Finishes the transaction begun by beginLoad once `staged` rows are in staging: gather the
 * distinct coordinates, flag those outside the district, find this import's stacked coordinates,
 * upsert with each coordinate's community (same values → untouched, so re-importing changes
 * nothing), then flag older cases at the stacked coordinates, and commit. Every spatial step is
 * one set-based statement over the distinct coordinates. Any failure rolls everything back.
 */
export async function finishLoad(conn: PoolClient, staged: number, opts: LoadOptions): Promise<LoadOutcome> {
  try {
    opts.onProgress?.('indexing', staged)
    await conn.query(POINTS)
    opts.onProgress?.('checking', staged)
    const districts = await conn.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM districts WHERE level = 'district' AND ($1::int IS NULL OR id = $1)", [opts.districtId])
    const districtChecked = districts.rows[0].n > 0
    const outside = districtChecked
      ? (await conn.query<{ row: number; lon: number; lat: number }>(FLAG_OUTSIDE, [opts.districtId])).rows
      : []
    opts.onProgress?.('stacking', staged)
    await conn.query(STACKS, [opts.dataset, opts.stackedMin])
    opts.onProgress?.('writing', staged)
    const restoreKeys = await prepareBulkWrite(conn, staged - outside.length, opts.bulkMinRows)
    const up = await conn.query<{ inserted: number; updated: number }>(restoreKeys ? UPSERT_BULK : UPSERT, [opts.dataset, opts.declaredCrs, opts.importId])
    const { inserted, updated } = up.rows[0]
    if (restoreKeys) {
      opts.onProgress?.('reindexing', staged)
      await restoreKeys()
    }
    opts.onProgress?.('flagging', staged)
    const stacked = (await conn.query<{ lon: number; lat: number; cases: number }>(FLAG_STACKED, [opts.dataset])).rows
    opts.onProgress?.('committing', staged)
    await conn.query('COMMIT')
    return {
      inserted, updated, unchanged: staged - outside.length - inserted - updated,
      outside: outside.sort((a, b) => a.row - b.row), stacked, districtChecked,
    }
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
}

/** Writes accepted rows that are all in memory in ONE transaction on one connection (see finishLoad). */
export async function loadCases(
  conn: PoolClient, kind: DatabaseKind, rows: ParsedCases, lon: Float64Array, lat: Float64Array, opts: LoadOptions,
): Promise<LoadOutcome> {
  opts.onProgress?.('staging', 0)
  await beginLoad(conn)
  try {
    if (kind === 'postgres') await copyRows(conn, rows, lon, lat)
    else if (opts.copyFromText) await opts.copyFromText(`COPY case_staging (${COLUMNS}) FROM '/dev/blob'`, copyTextOf(rows, lon, lat))
    else await unnestRows(conn, rows, lon, lat, (d) => opts.onProgress?.('staging', d))
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
  return finishLoad(conn, rows.rowNo.length, opts)
}
