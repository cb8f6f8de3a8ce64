/**
 * Fast parsing of case and track timestamps into epoch milliseconds.
 *
 * Written here rather than with a date library because imports parse several timestamps per row
 * for millions of rows: a compiled pattern plus a cached time-zone offset per hour is ~50× faster
 * than general-purpose parsers, and the zone rules still come from Intl (the IANA database).
 */

const offsetCache = new Map<string, Map<number, number>>()
const formatters = new Map<string, Intl.DateTimeFormat>()
const HOUR = 3_600_000

/** Throws a RangeError for a time zone name Intl does not know. */
export function assertTimeZone(tz: string): void {
  formatterFor(tz)
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

/** Hours a zone's table of offsets may span (≈ 300 years, 10 MB); hours beyond it are cached in a Map. */
const MAX_TABLE_HOURS = 300 * 8766
/** Hours a table grows by at least (about five years). */
const TABLE_GROWTH_HOURS = 5 * 8766
/** marks an hour whose offset is not computed yet (no zone is 596 hours off UTC) */
const UNKNOWN = 0x7fffffff

/**
 * Offset of one zone from UTC (ms) at a UTC instant, cached per hour: in a table indexed by the
 * hour, grown to cover the hours asked for. A Map keyed by the hour cost more than the rest of
 * parsing a time (two look-ups each, with a double as key), and a city's export keeps to a few
 * years.
 */
function zoneOffsets(tz: string): (utcMs: number) => number {
  let byHour = offsetCache.get(tz)
  if (!byHour) offsetCache.set(tz, (byHour = new Map()))
  const far = byHour
  const compute = (hour: number) => {
    const parts = formatterFor(tz).formatToParts(new Date(hour * HOUR))
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - hour * HOUR
  }
  /** the hour at index 0 of `table` */
  let first = 0
  let table = new Int32Array(0)
  /** grows the table to cover `hour`; false when that would pass MAX_TABLE_HOURS */
  const cover = (hour: number): boolean => {
    // by the table's own length at least, so that a long walk through the years copies it a few times only
    const step = Math.max(TABLE_GROWTH_HOURS, table.length)
    const from = table.length ? Math.min(first, hour - step) : hour - step
    const to = table.length ? Math.max(first + table.length, hour + step) : hour + step
    if (to - from > MAX_TABLE_HOURS) return false
    const grown = new Int32Array(to - from).fill(UNKNOWN)
    if (table.length) grown.set(table, first - from)
    table = grown
    first = from
    return true
  }
  return (utcMs) => {
    const hour = Math.floor(utcMs / HOUR)
    const i = hour - first
    if (i >= 0 && i < table.length) {
      const off = table[i]
      return off !== UNKNOWN ? off : (table[i] = compute(hour))
    }
    if (cover(hour)) return (table[hour - first] = compute(hour))
    let off = far.get(hour)
    if (off === undefined) far.set(hour, (off = compute(hour)))
    return off
  }
}

const zoneOffsetFns = new Map<string, (utcMs: number) => number>()
function offsetsOf(tz: string): (utcMs: number) => number {
  let f = zoneOffsetFns.get(tz)
  if (!f) zoneOffsetFns.set(tz, (f = zoneOffsets(tz)))
  return f
}

/** Offset of `tz` from UTC in ms at the UTC instant `utcMs` (cached per hour). */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  return offsetsOf(tz)(utcMs)
}

/** Epoch ms of a wall-clock time in `tz` (the earlier instant when a DST change repeats it). */
export function wallTimeToEpoch(tz: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  return wallTimeIn(offsetsOf(tz), y, mo, d, h, mi, s, ms)
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): integer
 * arithmetic in place of Date.UTC, which costs more than the rest of parsing a time.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function wallTimeIn(offset: (utcMs: number) => number, y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  const naive = daysFromCivil(y, mo, d) * 86_400_000 + h * HOUR + mi * 60_000 + s * 1000 + ms
  const first = naive - offset(naive)
  return naive - offset(first)
}

export type TimeParser = (text: string) => number | null

// ISO 8601 and the common Chinese system exports: 2025-01-05 14:30[:00[.000]][Z|+08:00], 2025/1/5 14:30
const ISO_LIKE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/
// 2025年1月5日 14时30分 / 2025年1月5日 14:30
const CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[时:](\d{1,2})分?(?::?(\d{1,2})秒?)?)?$/
// US exports (Boston 311): 01/11/2015 12:19:31 AM
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  return d <= DAYS_IN_MONTH[mo - 1] + (leap ? 1 : 0)
}

// Hand-written scanners for the plain shapes (2025-01-05 14:30:00, 01/11/2015 12:19:31 AM): the
// regular expressions allocate a match array and its strings per call, which at four times per
// row made time parsing the largest part of reading a case file. Anything else (fractions,
// offsets, odd spacing) returns undefined and goes to the regular expression, so both accept and
// compute exactly the same.
let at = 0

/** The number in `min`..`max` digits at `at` (advanced past them), or -1. */
function digitsAt(t: string, min: number, max: number): number {
  let v = 0
  let n = 0
  while (n < max && at < t.length) {
    const c = t.charCodeAt(at) - 48
    if (c < 0 || c > 9) break
    v = v * 10 + c
    at++
    n++
  }
  return n >= min ? v : -1
}

const isSep = (c: number) => c === 45 || c === 47 || c === 46 // - / .

/** h:mm[:ss] at `at` into `clock`; false when the text is not that shape. */
const clock = { h: 0, mi: 0, s: 0 }
function clockAt(t: string): boolean {
  clock.h = digitsAt(t, 1, 2)
  if (clock.h < 0 || t.charCodeAt(at++) !== 58) return false
  clock.mi = digitsAt(t, 2, 2)
  if (clock.mi < 0) return false
  clock.s = 0
  if (t.charCodeAt(at) === 58) {
    at++
    clock.s = digitsAt(t, 2, 2)
    if (clock.s < 0) return false
  }
  return true
}

/** yyyy-mm-dd[( |T)hh:mm[:ss]] read in `offset`'s zone; undefined for any other shape. */
function isoFast(t: string, offset: (utcMs: number) => number): number | null | undefined {
  at = 0
  const y = digitsAt(t, 4, 4)
  if (y < 0 || !isSep(t.charCodeAt(at++))) return undefined
  const mo = digitsAt(t, 1, 2)
  if (mo < 0 || !isSep(t.charCodeAt(at++))) return undefined
  const d = digitsAt(t, 1, 2)
  if (d < 0) return undefined
  clock.h = clock.mi = clock.s = 0
  if (at < t.length) {
    const c = t.charCodeAt(at++)
    if ((c !== 32 && c !== 84) || !clockAt(t)) return undefined
  }
  if (at !== t.length) return undefined
  return valid(y, mo, d, clock.h, clock.mi, clock.s) ? wallTimeIn(offset, y, mo, d, clock.h, clock.mi, clock.s) : null
}

/** m/d/yyyy[ h:mm[:ss][ AM|PM]] read in `offset`'s zone; undefined for any other shape. */
function usFast(t: string, offset: (utcMs: number) => number): number | null | undefined {
  at = 0
  const mo = digitsAt(t, 1, 2)
  if (mo < 0 || t.charCodeAt(at++) !== 47) return undefined
  const d = digitsAt(t, 1, 2)
  if (d < 0 || t.charCodeAt(at++) !== 47) return undefined
  const y = digitsAt(t, 4, 4)
  if (y < 0) return undefined
  clock.h = clock.mi = clock.s = 0
  let h = 0
  if (at < t.length) {
    if (t.charCodeAt(at) !== 32) return undefined
    while (t.charCodeAt(at) === 32) at++
    if (!clockAt(t)) return undefined
    h = clock.h
    while (t.charCodeAt(at) === 32) at++
    if (at < t.length) {
      const a = t.charCodeAt(at) | 32
      if ((a !== 97 && a !== 112) || (t.charCodeAt(at + 1) | 32) !== 109 || at + 2 !== t.length) return undefined
      if (h < 1 || h > 12) return null
      h = (h % 12) + (a === 112 ? 12 : 0)
    }
  }
  return valid(y, mo, d, h, clock.mi, clock.s) ? wallTimeIn(offset, y, mo, d, h, clock.mi, clock.s) : null
}

/**
 * A parser for one column. `format` is 'auto' (ISO 8601, Chinese 年月日 or US M/D/Y with AM/PM),
 * 'iso', 'us', 'zh', 'epoch-s' or 'epoch-ms'. Times without an offset are read in `tz`.
 * Returns null for text that is not a valid time; empty text must be handled by the caller.
 */
export function timeParser(format: string, tz: string): TimeParser {
  assertTimeZone(tz)
  const offset = offsetsOf(tz)
  const iso: TimeParser = (text) => {
    const fast = isoFast(text, offset)
    if (fast !== undefined) return fast
    const m = ISO_LIKE.exec(text)
    if (!m) return null
    const y = +m[1], mo = +m[2], d = +m[3], h = +(m[4] ?? 0), mi = +(m[5] ?? 0), s = +(m[6] ?? 0)
    if (!valid(y, mo, d, h, mi, s)) return null
    const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0
    if (m[8]) {
      const off = m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(-2))) * 60_000
      return Date.UTC(y, mo - 1, d, h, mi, s, ms) - off
    }
    return wallTimeIn(offset, y, mo, d, h, mi, s, ms)
  }
  const zh: TimeParser = (text) => {
    const m = CHINESE.exec(text)
    if (!m) return null
    const y = +m[1], mo = +m[2], d = +m[3], h = +(m[4] ?? 0), mi = +(m[5] ?? 0), s = +(m[6] ?? 0)
    return valid(y, mo, d, h, mi, s) ? wallTimeIn(offset, y, mo, d, h, mi, s) : null
  }
  const us: TimeParser = (text) => {
    const fast = usFast(text, offset)
    if (fast !== undefined) return fast
    const m = US.exec(text)
    if (!m) return null
    let h = +(m[4] ?? 0)
    if (m[7]) {
      if (h < 1 || h > 12) return null
      const pm = m[7][0] === 'P' || m[7][0] === 'p'
      h = (h % 12) + (pm ? 12 : 0)
    }
    const y = +m[3], mo = +m[1], d = +m[2], mi = +(m[5] ?? 0), s = +(m[6] ?? 0)
    return valid(y, mo, d, h, mi, s) ? wallTimeIn(offset, y, mo, d, h, mi, s) : null
  }
  const epoch = (scale: number): TimeParser => (text) => {
    const v = Number(text)
    return Number.isFinite(v) ? v * scale : null
  }
  switch (format) {
    case 'iso': return (t) => iso(t.trim())
    case 'us': return (t) => us(t.trim())
    case 'zh': return (t) => zh(t.trim())
    case 'epoch-s': return epoch(1000)
    case 'epoch-ms': return epoch(1)
    case 'auto': return (t) => {
      const s = t.trim()
      return iso(s) ?? us(s) ?? zh(s)
    }
    default:
      throw new RangeError(`time format "${format}" is not one of auto, iso, us, zh, epoch-s, epoch-ms`)
  }
}
