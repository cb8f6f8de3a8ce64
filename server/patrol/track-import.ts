/**
 * Track import: a GPX, CSV or GeoJSON file → parsed fixes (core/tracks-parse) → cleaned trips
 * (core/tracks-clean) → one `patrol_trips` row per trip, in one transaction. Re-importing a file
 * replaces the trips of the workers and days it holds, so importing it twice changes nothing.
 * The import run is recorded in `imports` with what cleaning dropped and why.
 */
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import type { Database } from '../db/connect'
import { recordImportDone, recordImportFailed } from '../imports/record'
import { ImportReport } from '../imports/report'
import type { ProgressFn } from '../jobs/jobs'
import { haversineMeters, parseSourceCrs } from '../shared/coords'
import { AppError } from '../shared/errors'
import { pointInRings } from './core/coverage-geom'
import { cleanTracks, dayLabel, DROP_REASONS, type CleanOptions, type CleanReport, type DropReason } from './core/tracks-clean'
import { detectTrackFormat, parseTracks, type TrackColumns, type TrackFormat } from './core/tracks-parse'
import type { TrackTimeFormat } from './core/tracks-input'
import { deleteTrips, districtPolygons, ensureWorkers, insertTrips, type TripRow } from './repository'
import { encodeTripWkb } from './trip-wkb'

/** Options of a track import; every field has a default. */
export interface TrackImportOptions {
  /** shown in the import record; default the path */
  filename?: string
  /** csv, gpx or geojson; default from the file name, else the content */
  format?: TrackFormat
  /** WGS84 (default), GCJ02, BD09 or CGCS2000 */
  crs?: string
  /** IANA zone of times without an offset; default Asia/Shanghai (GeoLife and GPS loggers: UTC) */
  timeZone?: string
  timeFormat?: TrackTimeFormat
  /** worker of files without a worker field */
  worker?: string
  /** CSV column names (defaults: worker, time, lon, lat and their Chinese and English aliases) */
  columns?: TrackColumns
  /** cleaning: fastest plausible walk, km/h (default 15) */
  maxSpeedKmh?: number
  /** cleaning: a trip ends at a gap longer than this, minutes (default 10) */
  gapMinutes?: number
  /** cleaning: movement below this is standing jitter, metres (default 3) */
  jitterMeters?: number
  /** cleaning: fixes reporting worse accuracy are dropped, metres (default 50) */
  maxAccuracyMeters?: number
  /**
   * fixes outside this district are dropped: a district id, 'all' (any top-level district, the
   * default; no check when there is none) or 'none'
   */
  district?: number | 'all' | 'none'
  onProgress?: ProgressFn
}

/** What a track import did. */
export interface TrackImportResult {
  import_id: number
  counts: {
    fixes: number
    kept: number
    dropped: Record<DropReason, number>
    trips: number
    speed_jumps: number
    workers: number
    worker_days: number
    trips_replaced: number
  }
  /** per worker and local day: fixes in, kept, dropped by reason, trips, km and minutes walked */
  by_worker_day: CleanReport['byWorkerDay']
  speed_profile: CleanReport['speedProfile']
  /** dropped fixes (jitter excepted) with their source row and reason, at most ERROR_ROWS */
  errors: ImportReport['errors']
  warnings: string[]
}

/** Dropped fixes listed row by row (jitter only counted: it is most of a standing worker's fixes). */
const ERROR_ROWS = 10_000
const REASON_TEXT: Record<DropReason, string> = {
  exactDuplicate: 'same time and place as the previous fix',
  duplicateTime: 'same time as the previous fix, another place; the first was kept',
  lowAccuracy: 'reported accuracy worse than the limit',
  outsideDistrict: 'outside the district',
  speed: 'implies moving faster than the speed limit (a GPS jump or a vehicle)',
  jitter: 'standing still: within the jitter distance of the previous kept fix',
}

/** Reads a track file (gzip allowed) as UTF-8 text. */
async function readTrackText(path: string, label: string): Promise<string> {
  let bytes: Buffer = await readFile(path)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  if (bytes.subarray(0, 8192).includes(0)) throw new AppError('WG_NOT_TEXT', `${label} is binary; expected a GPX, CSV or GeoJSON track file (optionally gzipped)`, 415)
  return bytes.toString('utf8')
}

/** District test on WGS84 lon/lat: bounding box first, then even–odd over the polygon rings. */
function insideTest(polygons: number[][][][]): ((lon: number, lat: number) => boolean) | undefined {
  if (!polygons.length) return undefined
  const parts = polygons.map((rings) => {
    const ringStart = [0]
    const coords: number[] = []
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
    for (const ring of rings) {
      const n = ring.length - (ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? 1 : 0)
      for (let k = 0; k < n; k++) {
        coords.push(ring[k][0], ring[k][1])
        minX = Math.min(minX, ring[k][0]); maxX = Math.max(maxX, ring[k][0])
        minY = Math.min(minY, ring[k][1]); maxY = Math.max(maxY, ring[k][1])
      }
      ringStart.push(coords.length / 2)
    }
    return { coords: Float64Array.from(coords), ringStart: Uint32Array.from(ringStart), rings: rings.length, box: [minX, minY, maxX, maxY] }
  })
  return (lon, lat) => parts.some((p) => lon >= p.box[0] && lon <= p.box[2] && lat >= p.box[1] && lat <= p.box[3] &&
    pointInRings(lon, lat, p.coords, p.ringStart, 0, p.rings))
}

/**
 * Imports one track file. Parsing is strict (the first bad value fails the import, naming row,
 * field and value); cleaning drops fixes with a reason each; trips are stored in one transaction.
 * @throws AppError WG_TRACK_INPUT (422) for a bad value, WG_NOT_TEXT for a binary file
 */
export async function importTracks(db: Database, path: string, opts: TrackImportOptions = {}): Promise<TrackImportResult> {
  const filename = opts.filename ?? path
  const { onProgress } = opts
  const options = {
    format: opts.format, crs: opts.crs, timeZone: opts.timeZone, timeFormat: opts.timeFormat, worker: opts.worker, columns: opts.columns,
    maxSpeedKmh: opts.maxSpeedKmh, gapMinutes: opts.gapMinutes, jitterMeters: opts.jitterMeters, maxAccuracyMeters: opts.maxAccuracyMeters,
    district: opts.district,
  }
  const [{ id: importId }] = await db.knex('imports').insert({ kind: 'patrol-tracks', filename, options: JSON.stringify(options) }).returning('id')
  try {
    onProgress?.({ phase: 'reading' })
    const text = await readTrackText(path, filename)
    const format = opts.format ?? detectTrackFormat(text, filename)
    onProgress?.({ phase: 'parsing' })
    let crs
    try {
      crs = parseSourceCrs(opts.crs ?? 'WGS84')
    } catch (err) {
      throw new AppError('WG_UNKNOWN_CRS', `${(err as Error).message}; tracks accept WGS84, GCJ02, BD09 or CGCS2000`, 422)
    }
    const parsed = parseTracks(text, format, {
      crs, timeZone: opts.timeZone, timeFormat: opts.timeFormat, worker: opts.worker, columns: opts.columns,
    })
    const district = opts.district ?? 'all'
    const polygons = district === 'none' ? [] : await districtPolygons(db.knex, district === 'all' ? null : district)
    if (typeof district === 'number' && !polygons.length) throw new AppError('WG_NOT_FOUND', `district ${district} does not exist; list districts at /api/districts`, 404)
    onProgress?.({ phase: 'cleaning', total: parsed.fixes.t.length })
    const timeZone = opts.timeZone ?? 'Asia/Shanghai'
    let cleaned
    try {
      const clean: CleanOptions = {
        maxSpeedKmh: opts.maxSpeedKmh, gapMinutes: opts.gapMinutes, jitterMeters: opts.jitterMeters,
        maxAccuracyMeters: opts.maxAccuracyMeters, timeZone: 'Asia/Shanghai', inside: insideTest(polygons),
      }
      cleaned = cleanTracks(parsed.fixes, clean)
    } catch (err) {
      if (err instanceof RangeError) throw new AppError('WG_BAD_PARAMETER', `cleaning option: ${err.message}`, 400)
      throw err
    }
    const report = new ImportReport()
    parsed.warnings.forEach((w) => report.warn(w))
    if (timeZone !== 'Asia/Shanghai') report.warn(`times read in ${timeZone}; patrol days are Asia/Shanghai dates`)
    if (!polygons.length && district !== 'none') report.warn('no district boundary is loaded: fixes were not checked against one')
    let listed = 0
    for (let i = 0; i < cleaned.reason.length; i++) {
      const r = cleaned.reason[i]
      if (r === 0 || DROP_REASONS[r - 1] === 'jitter') continue
      if (listed++ >= ERROR_ROWS) continue
      const reason = DROP_REASONS[r - 1]
      report.reject(parsed.fixes.source[i], 'fix', `${parsed.fixes.workers[parsed.fixes.worker[i]]} ${new Date(parsed.fixes.t[i]).toISOString()} ${parsed.fixes.lon[i].toFixed(6)},${parsed.fixes.lat[i].toFixed(6)}`,
        `WG_TRACK_${reason.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, REASON_TEXT[reason])
    }
    if (listed > ERROR_ROWS) report.warn(`${listed} fixes dropped for reasons other than jitter; the first ${ERROR_ROWS} are listed`)

    // one row per trip
    const { fixes, trips } = cleaned
    const codes = [...new Set(Array.from(trips.worker, (w) => fixes.workers[w]))]
    onProgress?.({ phase: 'writing', done: 0, total: trips.worker.length })
    const result = await db.knex.transaction(async (trx) => {
      const ids = await ensureWorkers(trx, codes)
      const rows: TripRow[] = []
      const pairs = new Map<string, { workerId: number; day: string }>()
      for (let k = 0; k + 1 < trips.offsets.length; k++) {
        const s = trips.offsets[k]
        const e = trips.offsets[k + 1]
        const workerId = ids.get(fixes.workers[trips.worker[k]])!
        const day = dayLabel(trips.day[k])
        pairs.set(`${workerId}|${day}`, { workerId, day })
        let lengthM = 0
        for (let i = s + 1; i < e; i++) lengthM += haversineMeters(fixes.lon[i - 1], fixes.lat[i - 1], fixes.lon[i], fixes.lat[i])
        rows.push({
          workerId, day, startedAt: new Date(fixes.t[s]).toISOString(), endedAt: new Date(fixes.t[e - 1]).toISOString(),
          fixes: e - s, lengthM, wkb: encodeTripWkb(fixes.lon, fixes.lat, fixes.t, s, e),
        })
      }
      const replaced = await deleteTrips(trx, [...pairs.values()])
      await insertTrips(trx, rows, importId)
      return { replaced, workerDays: pairs.size }
    })
    const r = cleaned.report
    const counts: TrackImportResult['counts'] = {
      fixes: r.input, kept: r.kept, dropped: r.dropped, trips: r.trips, speed_jumps: r.speedJumps,
      workers: codes.length, worker_days: result.workerDays, trips_replaced: result.replaced,
    }
    await recordImportDone(db, importId, report, { ...counts, by_worker_day: r.byWorkerDay })
    onProgress?.({ phase: 'done', done: trips.worker.length, total: trips.worker.length })
    return { import_id: importId, counts, by_worker_day: r.byWorkerDay, speed_profile: r.speedProfile, errors: report.errors, warnings: report.warnings }
  } catch (err) {
    await recordImportFailed(db, importId, err)
    throw err
  }
}
