import { extname } from 'node:path'
import { readFile } from 'node:fs/promises'
import type { PoolClient } from 'pg'
import type { Database } from '../../db/connect'
import { declaredToWgs84, describeArea, parseDeclaredCrs, plausiblePosition, type DeclaredCrs } from '../../imports/crs'
import { ImportReport, type RowError } from '../../imports/report'
import { packErrors, recordImportDone, recordImportFailed } from '../../imports/record'
import { openTextFile } from '../../imports/text-file'
import { assertTimeZone } from '../../imports/time'
import { AppError } from '../../shared/errors'
import type { ProgressFn } from '../../jobs/jobs'
import { loadCases, streamingLoad, type LoadOptions, type LoadOutcome, type StreamingLoad } from './load'
import type { CaseImportMapping } from './mapping'
import { parseCaseCsv, parseCaseGeoJson, type CategoryResolver, type ParsedCases } from './parse'

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

const ERRORS_IN_RESPONSE = 200

/** The first `n` rejections in row order (the report lists them as found: reading, then writing). */
function firstByRow(errors: RowError[], n: number): RowError[] {
  return errors.slice().sort((a, b) => a.row - b.row).slice(0, n)
}

/** Taxonomy codes, taxonomy names and the stored mapping set, merged with the file's own mapping. */
async function categoryResolver(db: Database, mapping: CaseImportMapping, mappingSet: string): Promise<CategoryResolver> {
  const cats = await db.knex('categories').where({ level: 'minor' }).select('code', 'name_zh', 'name_en')
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
  return (name) => byName.get(name) ?? byName.get(name.toLowerCase())
}

function keepRows(p: ParsedCases, idx: number[]): ParsedCases {
  if (idx.length === p.rowNo.length) return p
  const pick = <T>(a: T[]) => idx.map((i) => a[i])
  return {
    rowNo: pick(p.rowNo), externalId: pick(p.externalId), category: pick(p.category), source: pick(p.source),
    status: pick(p.status), reportedAt: pick(p.reportedAt), dispatchedAt: pick(p.dispatchedAt), dueAt: pick(p.dueAt),
    closedAt: pick(p.closedAt), address: pick(p.address), x: pick(p.x), y: pick(p.y), attrs: pick(p.attrs),
    coordinateColumns: p.coordinateColumns,
  }
}

type Pool = { acquireConnection(): Promise<PoolClient>; releaseConnection(c: PoolClient): Promise<void> }

/**
 * Converts parsed rows to WGS84 and keeps those at a plausible position: `convert` hands each kept
 * row to `onKept` (a CSV streamed a chunk at a time, each chunk's rows dropped afterwards);
 * `collect` keeps the kept rows' indices and positions for a load after reading. Rows of a
 * projected CRS that convert to no plausible place are listed in `implausible` and reported
 * after reading, as one pass would.
 */
function positionConverter(crs: DeclaredCrs, onKept: (p: ParsedCases, i: number, lon: number, lat: number) => void) {
  const kept: number[] = []
  const lons: number[] = []
  const lats: number[] = []
  const implausible: { row: number; x: number; y: number }[] = []
  let keptRows = 0
  const each = (p: ParsedCases, keep: (i: number, lon: number, lat: number) => void) => {
    const n = p.rowNo.length
    if (!n) return
    const { lon, lat } = declaredToWgs84(crs, Float64Array.from(p.x), Float64Array.from(p.y))
    for (let i = 0; i < n; i++) {
      if (crs.kind === 'projected' && !plausiblePosition(crs, lon[i], lat[i])) {
        implausible.push({ row: p.rowNo[i], x: p.x[i], y: p.y[i] })
        continue
      }
      keptRows++
      keep(i, lon[i], lat[i])
    }
  }
  return {
    kept, lons, lats, implausible,
    /** how many rows were kept so far */
    get keptRows() { return keptRows },
    /** converts every row of `p` (one batch of rows), handing the kept ones on */
    convert(p: ParsedCases): void { each(p, (i, lon, lat) => onKept(p, i, lon, lat)) },
    /** converts every row of `p` (all rows, once), collecting the kept ones */
    collect(p: ParsedCases): void { each(p, (i, lon, lat) => { kept.push(i); lons.push(lon); lats.push(lat) }) },
  }
}

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
  const resolveCategory = await categoryResolver(db, mapping, mapping.categoryMappingSet ?? dataset)
  const report = new ImportReport()
  const unmapped = new Map<string, number>()
  const isJson = /\.(geo)?json$/i.test(extname(filename))
  const file = await openTextFile(path, {
    label: filename, encoding: mapping.encoding,
    expected: isJson ? 'a GeoJSON FeatureCollection of Point features' : 'a CSV (or gzipped CSV) of cases with a header line',
  })
  const geojson = isJson || file.sample.trimStart().startsWith('{')
  // The import is recorded (in its own transaction, so that a failure can be recorded too) just
  // before its first rows are written: a file refused as it is opened or by its header leaves no
  // record, one that fails later is recorded as failed.
  let recorded: Promise<number> | undefined
  const importId = () => (recorded ??= db.knex('imports')
    .insert({ kind: 'cases', filename, dataset, options: JSON.stringify(mapping) }).returning('id')
    .then((r: { id: number }[]) => r[0].id))
  const loadOpts: LoadOptions = {
    dataset, importId, declaredCrs: crs.label, districtId: opts.districtId ?? null,
    stackedMin: mapping.stackedMin ?? 50, bulkMinRows: opts.bulkMinRows, batchRows: opts.batchRows, copyFromText: db.copyFromText,
    onProgress: (phase, done) => progress({ phase, done, total: positions.keptRows }),
  }

  // On a real server a CSV streams into `cases` while it is read (the server writes one batch
  // while Node parses the next), inside the import's transaction on a connection of its own. The
  // embedded database runs in this thread, so there is nothing to overlap: it loads after reading.
  const pool = db.knex.client as Pool
  const streaming = db.kind === 'postgres' && !geojson
  const conn = streaming ? await pool.acquireConnection() : undefined
  let load: StreamingLoad | undefined
  let outcome: LoadOutcome
  let parsed: ParsedCases
  const positions = positionConverter(crs, (p, i, lon, lat) => load!.add(p, i, lon, lat))
  const fail = async (err: unknown) => {
    if (recorded) await recordImportFailed(db, await recorded, err).catch(() => undefined)
    return err
  }
  try {
    if (conn) load = await streamingLoad(conn, loadOpts)
    const streamed = load
    const ctx = {
      mapping, resolveCategory, report, unmapped,
      onRow: (n: number) => progress({ phase: 'reading', done: n }),
      onChunk: streamed ? (p: ParsedCases, chars: number) => { positions.convert(p); return streamed.flush(file.fractionAt(chars)) } : undefined,
    }
    progress({ phase: 'reading', done: 0 })
    parsed = geojson
      ? parseCaseGeoJson((await readFile(path)).toString('utf8'), ctx)
      : await parseCaseCsv(file, ctx)
    if (!streamed) {
      progress({ phase: 'converting', done: 0, total: parsed.rowNo.length })
      positions.collect(parsed)
    } else positions.convert(parsed)
    const where = crs.kind === 'projected' && crs.area ? ` (its area of use is ${describeArea(crs.area)})` : ''
    for (const { row, x, y } of positions.implausible) {
      report.reject(row, parsed.coordinateColumns, `${x} ${y}`, 'WG_COORDINATES_OUT_OF_RANGE',
        `not a position in ${crs.label}${where}; check the declared CRS and the x/y columns`)
    }
  } catch (err) {
    if (conn) {
      await load?.abort()
      await pool.releaseConnection(conn)
    }
    throw await fail(err)
  }
  const rows = positions.keptRows + report.rejectedRows
  const readErrors = report.errors.length
  try {
    const loading = conn
      ? load!.finish().finally(() => pool.releaseConnection(conn))
      : importId().then(async () => {
        // the embedded database's single connection: the import is recorded before it is taken
        const c = await pool.acquireConnection()
        return loadCases(c, db.kind, keepRows(parsed, positions.kept), Float64Array.from(positions.lons),
          Float64Array.from(positions.lats), loadOpts).finally(() => pool.releaseConnection(c))
      })
    // the rows rejected while reading are packed for the record while the database writes
    const packedRead = packErrors(report.errors)
    packedRead.catch(() => undefined)
    outcome = await loading
    for (const o of outcome.outside) {
      report.reject(o.row, 'lon/lat', `${o.lon.toFixed(6)} ${o.lat.toFixed(6)}`, 'WG_OUTSIDE_DISTRICT',
        `point lies outside the district; check the coordinate system (declared ${crs.label}: WGS84, GCJ-02 or BD-09?)`)
    }
    if (!outcome.districtChecked) report.warn('No district boundary is loaded, so points were not checked against it; import districts first to catch misplaced points.')
    if (outcome.outside.length > 0.5 * Math.max(1, positions.keptRows)) {
      report.warn(`${outcome.outside.length} of ${positions.keptRows} points fall outside the district: the declared coordinate system (${crs.label}) is probably wrong.`)
    }
    for (const s of outcome.stacked) {
      report.warn(`${s.cases} cases share the coordinate ${s.lon.toFixed(6)}, ${s.lat.toFixed(6)}: flagged as stacked (a geocoder's fallback point); analyses exclude them by default.`)
    }
    const list = (prefix: string) => [...unmapped].filter(([k]) => prefix ? k.startsWith(prefix) : !k.includes(':') && k !== 'closed-without-time')
      .map(([name, n]) => ({ name: prefix ? name.slice(prefix.length) : name, rows: n })).sort((a, b) => b.rows - a.rows)
    const unmappedSources = list('source:')
    if (unmappedSources.length) report.warn(`Sources without a channel mapping were stored as "other": ${unmappedSources.slice(0, 8).map((s) => `${s.name} (${s.rows})`).join(', ')}`)
    if (unmapped.get('closed-without-time')) report.warn(`${unmapped.get('closed-without-time')} cases are closed but have no close time; they count as closed, not as closed on time.`)
    const id = await importId()
    const result: CaseImportResult = {
      import_id: id, dataset, filename, crs: crs.label, encoding: file.encoding,
      counts: {
        rows, inserted: outcome.inserted, updated: outcome.updated, unchanged: outcome.unchanged,
        rejected: report.rejectedRows, stacked_points: outcome.stacked.length,
      },
      errors_by_code: report.errorsByCode(),
      errors: firstByRow(report.errors, ERRORS_IN_RESPONSE),
      unmapped_categories: list(''),
      unmapped_sources: unmappedSources,
      stacked_points: outcome.stacked,
      warnings: report.warnings,
      errors_csv: `/api/imports/${id}/errors.csv`,
      seconds: (performance.now() - t0) / 1000,
    }
    progress({ phase: 'recording', done: rows, total: rows })
    const packedLater = report.errors.length > readErrors ? [packErrors(report.errors.slice(readErrors))] : []
    await recordImportDone(db, id, report, result.counts, [packedRead, ...packedLater])
    progress({ phase: 'done', done: rows, total: rows })
    return result
  } catch (err) {
    throw await fail(err)
  }
}
