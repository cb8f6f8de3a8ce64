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
const UPSERT = readSql(import.meta.url, '../queries/import-upsert.sql')
const FLAG_STACKED = readSql(import.meta.url, '../queries/import-flag-stacked.sql')

const COLUMNS = 'row_no, external_id, category_code, source, status, reported_at, dispatched_at, due_at, closed_at, address, lon, lat, attrs'
/** rows per unnest() statement on the embedded database (its wire server has no COPY) */
const UNNEST_BATCH = 5000

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null)

// COPY text format: backslash, tab and line breaks must be escaped; \N is NULL.
const copyText = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')

/** COPY into staging: the fast path on a real server (~10× multi-row INSERT). */
async function copyRows(conn: PoolClient, rows: ParsedCases, lon: Float64Array, lat: Float64Array): Promise<void> {
  const stream = conn.query(copyFrom(`COPY case_staging (${COLUMNS}) FROM STDIN`))
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve())
    stream.on('error', reject)
    const n = rows.rowNo.length
    let i = 0
    const CHUNK = 2000
    const pump = () => {
      while (i < n) {
        const end = Math.min(n, i + CHUNK)
        let text = ''
        for (; i < end; i++) {
          text += [
            rows.rowNo[i], copyText(rows.externalId[i]), rows.category[i], rows.source[i], rows.status[i],
            iso(rows.reportedAt[i]) ?? '\\N', iso(rows.dispatchedAt[i]) ?? '\\N', iso(rows.dueAt[i]) ?? '\\N',
            iso(rows.closedAt[i]) ?? '\\N', copyText(rows.address[i]), lon[i], lat[i],
            copyText(rows.attrs[i] ? JSON.stringify(rows.attrs[i]) : null),
          ].join('\t') + '\n'
        }
        if (!stream.write(text)) { stream.once('drain', pump); return }
      }
      stream.end()
    }
    pump()
  })
}

/** unnest() of parameter arrays into staging: works over any wire server, including the embedded one. */
async function unnestRows(conn: PoolClient, rows: ParsedCases, lon: Float64Array, lat: Float64Array, onBatch?: (done: number) => void): Promise<void> {
  const n = rows.rowNo.length
  for (let a = 0; a < n; a += UNNEST_BATCH) {
    const b = Math.min(n, a + UNNEST_BATCH)
    const times = (col: number[]) => col.slice(a, b).map(iso)
    await conn.query(
      `INSERT INTO case_staging (${COLUMNS})
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
                            $8::timestamptz[], $9::timestamptz[], $10::text[], $11::float8[], $12::float8[], $13::jsonb[])`,
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

/**
 * Writes accepted rows in ONE transaction on one connection: stage, gather the distinct
 * coordinates, flag those outside the district, find this import's stacked coordinates, upsert
 * with each coordinate's community (same values → untouched, so re-importing changes nothing),
 * then flag older cases at the stacked coordinates. Every spatial step is one set-based statement
 * over the distinct coordinates. Any failure rolls everything back.
 */
export async function loadCases(
  conn: PoolClient,
  kind: DatabaseKind,
  rows: ParsedCases,
  lon: Float64Array,
  lat: Float64Array,
  opts: {
    dataset: string; importId: number; declaredCrs: string; districtId: number | null; stackedMin: number
    /** loads of at least this many rows may take the bulk path (bulk.ts; default BULK_MIN_ROWS) */
    bulkMinRows?: number
    onProgress?: (phase: string, done: number) => void
  },
): Promise<LoadOutcome> {
  await conn.query('BEGIN')
  try {
    // PostGIS prices ST_Covers so high that the planner JIT-compiles every spatial statement here,
    // which costs more (~0.3 s each) than running them; and the joins over a whole import's rows
    // should hash and sort in memory rather than spill to disk at the 4 MB default.
    await conn.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
    opts.onProgress?.('staging', 0)
    await conn.query(STAGING_DDL)
    if (kind === 'postgres') await copyRows(conn, rows, lon, lat)
    else await unnestRows(conn, rows, lon, lat, (d) => opts.onProgress?.('staging', d))
    opts.onProgress?.('indexing', rows.rowNo.length)
    await conn.query(POINTS)
    opts.onProgress?.('checking', rows.rowNo.length)
    const districts = await conn.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM districts WHERE level = 'district' AND ($1::int IS NULL OR id = $1)", [opts.districtId])
    const districtChecked = districts.rows[0].n > 0
    const outside = districtChecked
      ? (await conn.query<{ row: number; lon: number; lat: number }>(FLAG_OUTSIDE, [opts.districtId])).rows
      : []
    opts.onProgress?.('stacking', rows.rowNo.length)
    await conn.query(STACKS, [opts.dataset, opts.stackedMin])
    opts.onProgress?.('writing', rows.rowNo.length)
    const restoreKeys = await prepareBulkWrite(conn, rows.rowNo.length - outside.length, opts.bulkMinRows)
    const up = await conn.query<{ inserted: number; updated: number }>(UPSERT, [opts.dataset, opts.declaredCrs, opts.importId])
    const { inserted, updated } = up.rows[0]
    if (restoreKeys) {
      opts.onProgress?.('reindexing', rows.rowNo.length)
      await restoreKeys()
    }
    opts.onProgress?.('flagging', rows.rowNo.length)
    const stacked = (await conn.query<{ lon: number; lat: number; cases: number }>(FLAG_STACKED, [opts.dataset])).rows
    opts.onProgress?.('committing', rows.rowNo.length)
    await conn.query('COMMIT')
    return {
      inserted, updated, unchanged: rows.rowNo.length - outside.length - inserted - updated,
      outside: outside.sort((a, b) => a.row - b.row), stacked, districtChecked,
    }
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}
