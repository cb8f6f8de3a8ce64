/**
 * Patrol track files (CSV, GPX, GeoJSON) → columnar WGS84 `Fixes`, sorted by worker then time.
 *
 * Parsing is strict: the first bad value stops the import with a message naming its row (or
 * feature, or GPX line), field and value, e.g. `Row 17: time "2025-13-01" is not a date`,
 * because a silently skipped fix becomes an unexplained hole in a worker's coverage.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { toWgs84Columns } from '../../shared/coords'
import { gpxTrackFeatures } from './gpx'
import { FixCollector, type Fixes } from './tracks-fixes'
import { addGeoJsonFeatures, type TrackProperties } from './tracks-geojson'
import {
  FIELD_ALIASES, readLonLat, readOptional, readTime, readWorker, timeReader, TrackInputError, type TrackParseOptions,
} from './tracks-input'

export type { TrackParseOptions } from './tracks-input'

/** Fixes read from one file, and what was skipped on purpose. */
export interface ParsedTracks {
  fixes: Fixes
  warnings: string[]
}

/** CSV column names; each defaults to the first FIELD_ALIASES name found in the header (case-insensitive). */
export interface TrackColumns {
  worker?: string
  time?: string
  lon?: string
  lat?: string
  /** optional: horizontal accuracy, metres */
  accuracy?: string
  /** optional: device speed, m/s */
  speed?: string
}

/** Options for CSV tracks. */
export interface CsvTrackOptions extends TrackParseOptions {
  columns?: TrackColumns
  /** field delimiter; default ',' */
  delimiter?: string
}

/** Options for GeoJSON tracks. */
export interface GeoJsonTrackOptions extends TrackParseOptions {
  properties?: TrackProperties
}

function finish(collector: FixCollector, options: TrackParseOptions, warnings: string[]): ParsedTracks {
  const fixes = collector.finish()
  const crs = options.crs ?? 'WGS84'
  if (crs !== 'WGS84') toWgs84Columns(fixes.lon, fixes.lat, crs, fixes)
  if (fixes.t.length === 0) warnings.push('the file holds no fixes')
  return { fixes, warnings }
}

function columnIndex(header: string[], wanted: string | undefined, aliases: readonly string[], field: string, required: boolean): number {
  const norm = header.map((h) => h.trim().toLowerCase())
  if (wanted !== undefined) {
    const i = norm.indexOf(wanted.trim().toLowerCase())
    if (i < 0) throw TrackInputError('Header', `no ${field} column "${wanted}" (columns: ${header.join(', ')})`, { where: 'Header', field, value: wanted })
    return i
  }
  for (const a of aliases) {
    const i = norm.indexOf(a)
    if (i >= 0) return i
  }
  if (required) {
    throw TrackInputError('Header', `no ${field} column (tried ${aliases.join(', ')}; columns: ${header.join(', ')}); name it in columns.${field}`,
      { where: 'Header', field, value: null })
  }
  return -1
}

/**
 * Line number (1-based) of each record when every record is one line: no quotes in the text, and
 * as many non-blank lines as records. Null otherwise, and the caller asks the parser instead.
 */
function plainLineNumbers(text: string, records: number): Int32Array | null {
  if (text.includes('"')) return null
  const out = new Int32Array(records)
  let k = 0
  let line = 1
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (text.slice(start, end).trim() !== '') {
      if (k === records) return null
      out[k++] = line
    }
    line++
    start = end + 1
  }
  return k === records ? out : null
}

/**
 * Reads a CSV of fixes: one row per fix with worker, time, lon, lat and optional accuracy (m) and
 * speed (m/s). Without a worker column, `options.worker` names the worker of every row.
 * @throws TrackInputError `Row N: …` where N is the line number as a spreadsheet shows it (header = 1)
 */
export function parseCsvTracks(input: string | Uint8Array, options: CsvTrackOptions = {}): ParsedTracks {
  const read = timeReader(options.timeFormat, options.timeZone)
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input)
  const delimiter = options.delimiter ?? ','
  let rows: string[][]
  let lines: ArrayLike<number> | null
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, delimiter })
    lines = plainLineNumbers(text, rows.length)
    if (!lines) {
      // quoted fields may span lines: ask the parser for each record's line (twice as slow)
      const withInfo = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, delimiter, info: true }) as unknown as
        { record: string[]; info: { lines: number } }[]
      rows = withInfo.map((r) => r.record)
      lines = withInfo.map((r) => r.info.lines)
    }
  } catch (e) {
    const err = e as Error & { lines?: number }
    const where = err.lines ? `Row ${err.lines}` : 'CSV'
    throw TrackInputError(where, err.message, { where, field: 'csv', value: null })
  }
  const collector = new FixCollector()
  if (rows.length === 0) return finish(collector, options, [])
  const header = rows[0]
  const cols = options.columns ?? {}
  const noWorker = options.worker !== undefined && cols.worker === undefined
  const iWorker = columnIndex(header, cols.worker, FIELD_ALIASES.worker, 'worker', !noWorker)
  const iTime = columnIndex(header, cols.time, FIELD_ALIASES.time, 'time', true)
  const iLon = columnIndex(header, cols.lon, FIELD_ALIASES.lon, 'lon', true)
  const iLat = columnIndex(header, cols.lat, FIELD_ALIASES.lat, 'lat', true)
  const iAcc = columnIndex(header, cols.accuracy, FIELD_ALIASES.accuracy, 'accuracy', false)
  const iSpd = columnIndex(header, cols.speed, FIELD_ALIASES.speed, 'speed', false)
  for (let r = 1; r < rows.length; r++) {
    const record = rows[r]
    const line = lines[r]
    const where = `Row ${line}`
    const worker = iWorker >= 0 ? readWorker(record[iWorker], where) : options.worker!
    const t = readTime(read, record[iTime], where)
    const [lon, lat] = readLonLat(record[iLon], record[iLat], where)
    const acc = iAcc >= 0 ? readOptional(record[iAcc], where, 'accuracy') : NaN
    const spd = iSpd >= 0 ? readOptional(record[iSpd], where, 'speed') : NaN
    collector.add(worker, t, lon, lat, line, acc, spd)
  }
  return finish(collector, options, [])
}

/**
 * Reads GeoJSON fixes: a FeatureCollection (or one Feature, or an array of features) of Point
 * features with worker and time properties, or LineStrings with a time per coordinate.
 * @throws TrackInputError `Feature N[, point M]: …` (1-based)
 */
export function parseGeoJsonTracks(input: string | object, options: GeoJsonTrackOptions = {}): ParsedTracks {
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch (e) {
      throw TrackInputError('GeoJSON', `not valid JSON: ${(e as Error).message}`, { where: 'GeoJSON', field: 'json', value: null })
    }
  }
  const d = doc as Partial<FeatureCollection> & Partial<Feature>
  const features: Feature<Geometry | null>[] | undefined = Array.isArray(doc) ? (doc as Feature[])
    : d.type === 'FeatureCollection' && Array.isArray(d.features) ? d.features
      : d.type === 'Feature' ? [d as Feature]
        : undefined
  if (!features) throw TrackInputError('GeoJSON', `expected a FeatureCollection or Feature, got ${JSON.stringify(d?.type ?? typeof doc)}`, { where: 'GeoJSON', field: 'type', value: d?.type })
  const collector = new FixCollector()
  addGeoJsonFeatures(features, {
    collector,
    readTime: timeReader(options.timeFormat, options.timeZone),
    properties: options.properties ?? {},
    worker: options.worker,
    label: (k) => `Feature ${k + 1}`,
  })
  return finish(collector, options, [])
}

/**
 * Reads GPX tracks (<trk>, any number of segments); the worker is `options.worker` or each
 * track's <name>. GPX times are UTC by the standard; a time without 'Z' is read in `timeZone`.
 * @throws TrackInputError `GPX line N (track K, point M): …`
 */
export function parseGpxTracks(text: string, options: TrackParseOptions = {}): ParsedTracks {
  const read = timeReader(options.timeFormat, options.timeZone)
  const { features, labels, warnings } = gpxTrackFeatures(text, read, options.worker)
  const collector = new FixCollector()
  addGeoJsonFeatures(features, { collector, readTime: read, properties: { worker: 'worker', time: 'time' }, label: (k) => labels[k] })
  return finish(collector, options, warnings)
}

/** Track file formats. */
export type TrackFormat = 'csv' | 'gpx' | 'geojson'

/** Guesses the format from a file name, else from the first non-blank character (`<` GPX, `{`/`[` GeoJSON, else CSV). */
export function detectTrackFormat(text: string, fileName?: string): TrackFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1]
  if (ext === 'gpx') return 'gpx'
  if (ext === 'geojson' || ext === 'json') return 'geojson'
  if (ext === 'csv' || ext === 'txt') return 'csv'
  const first = text.replace(/^\uFEFF/, '').trimStart()[0]
  return first === '<' ? 'gpx' : first === '{' || first === '[' ? 'geojson' : 'csv'
}

/** Reads a track file of any supported format (see the format-specific parsers). */
export function parseTracks(text: string, format: TrackFormat, options: CsvTrackOptions & GeoJsonTrackOptions = {}): ParsedTracks {
  switch (format) {
    case 'csv': return parseCsvTracks(text, options)
    case 'gpx': return parseGpxTracks(text, options)
    case 'geojson': return parseGeoJsonTracks(text, options)
    default: throw new RangeError(`Unexpected track format: ${String(format)}. Use csv, gpx or geojson.`)
  }
}
