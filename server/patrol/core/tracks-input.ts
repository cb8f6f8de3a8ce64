/**
 * What every track format shares on input: options, error messages that name the row and field,
 * and strict readers for times, coordinates and optional numbers.
 */
import { createError } from '../../shared/errors'
import type { SourceCrs } from '../../shared/coords'
import { timeParser } from '../../imports/time'

/**
 * A bad value in a track file. The message starts with where it is (`Row 17`, `Feature 3, point 5`,
 * `GPX line 42`) and names the field and value; `details` holds {where, field, value}.
 */
export const TrackInputError = createError('WG_TRACK_INPUT', '%s: %s', 422)

/** Time formats understood in track files ('auto' also accepts 10-digit epoch seconds and 13-digit epoch ms). */
export type TrackTimeFormat = 'auto' | 'iso' | 'us' | 'zh' | 'epoch-s' | 'epoch-ms'

/** Options common to every track format. */
export interface TrackParseOptions {
  /** CRS of the coordinates in the file; default 'WGS84'. Fixes come out in WGS84. */
  crs?: SourceCrs
  /**
   * IANA time zone for times written without an offset; default 'Asia/Shanghai', because Chinese
   * patrol apps export local wall-clock time. GeoLife and most GPS loggers write UTC: pass 'UTC'.
   */
  timeZone?: string
  /** how times are written; default 'auto' */
  timeFormat?: TrackTimeFormat
  /** worker id for files without a worker field (a GPX of one worker, a CSV per worker) */
  worker?: string
}

/** Field names tried, in order, when the caller does not name a column or property. */
export const FIELD_ALIASES = {
  worker: ['worker', 'worker_id', 'workerid', 'uid', 'user', 'user_id', 'userid', 'patroller', 'name', '巡查员', '人员', '姓名'],
  time: ['time', 'timestamp', 'datetime', 'date_time', 'gps_time', 'gpstime', 'loc_time', '时间', '定位时间'],
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
  accuracy: ['accuracy', 'acc', 'hacc', 'horizontal_accuracy', '精度'],
  speed: ['speed', 'velocity', '速度'],
} as const

/** A parser from time text to epoch ms; null when the text is not a time. */
export type TimeReader = (text: string) => number | null

const EPOCH_DIGITS = /^\d{10}(?:\.\d+)?$|^\d{13}$/

/**
 * Time reader for one file. In 'auto', 10-digit numbers are epoch seconds and 13-digit numbers
 * epoch milliseconds (the two forms phone apps export); everything else goes to the shared parser.
 * @throws RangeError for an unknown time zone or format
 */
export function timeReader(format: TrackTimeFormat = 'auto', timeZone = 'Asia/Shanghai'): TimeReader {
  const parse = timeParser(format, timeZone)
  if (format !== 'auto') return (text) => (text.trim() === '' ? null : parse(text))
  return (text) => {
    const s = text.trim()
    if (EPOCH_DIGITS.test(s)) return s.length === 13 ? Number(s) : Math.round(Number(s) * 1000)
    return parse(s)
  }
}

/** Reads a required time field. */
export function readTime(read: TimeReader, value: unknown, where: string, field = 'time'): number {
  if (value === undefined || value === null || value === '') throw TrackInputError(where, `${field} is empty`, { where, field, value })
  if (typeof value === 'number') {
    // numbers in JSON are epoch time: seconds below 1e11 (until year 5138), milliseconds above
    if (Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value
    throw TrackInputError(where, `${field} ${value} is not a date`, { where, field, value })
  }
  const t = typeof value === 'string' ? read(value) : null
  if (t === null || !Number.isFinite(t)) throw TrackInputError(where, `${field} ${JSON.stringify(value)} is not a date`, { where, field, value })
  return t
}

function readNumber(value: unknown, where: string, field: string): number {
  if (value === undefined || value === null || value === '') throw TrackInputError(where, `${field} is empty`, { where, field, value })
  const v = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN
  if (!Number.isFinite(v)) throw TrackInputError(where, `${field} ${JSON.stringify(value)} is not a number`, { where, field, value })
  return v
}

/** Reads a lon/lat pair in degrees and checks ranges (with a hint when they look swapped). */
export function readLonLat(lonValue: unknown, latValue: unknown, where: string): [number, number] {
  const lon = readNumber(lonValue, where, 'lon')
  const lat = readNumber(latValue, where, 'lat')
  if (lat < -90 || lat > 90) {
    const hint = Math.abs(lon) <= 90 ? ' (are lon and lat swapped?)' : ''
    throw TrackInputError(where, `lat ${lat} is outside -90…90${hint}`, { where, field: 'lat', value: latValue })
  }
  if (lon < -180 || lon > 180) throw TrackInputError(where, `lon ${lon} is outside -180…180`, { where, field: 'lon', value: lonValue })
  return [lon, lat]
}

/** Reads an optional non-negative number (accuracy in metres, speed in m/s); NaN when empty. */
export function readOptional(value: unknown, where: string, field: string): number {
  if (value === undefined || value === null || value === '') return NaN
  const v = readNumber(value, where, field)
  if (v < 0) throw TrackInputError(where, `${field} ${v} is negative`, { where, field, value })
  return v
}

/** Reads a required worker id. */
export function readWorker(value: unknown, where: string): string {
  const w = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (w === '') throw TrackInputError(where, 'worker is empty', { where, field: 'worker', value })
  return w
}
