/**
 * Calendar of the sample year 2025 in Asia/Shanghai (UTC+8 all year, no daylight saving) and the
 * daily, weekly and yearly rhythms of urban-management cases.
 */
import { cumulative, drawCumulative, type Random } from './rand'

const HOUR = 3_600_000
/** Epoch ms of 2025-01-01T00:00:00+08:00. */
export const YEAR_START = Date.UTC(2025, 0, 1) - 8 * HOUR
/** Days in 2025. */
export const DAYS = 365
/** Epoch ms when the case export was taken: the end of 2025, Shanghai time. */
export const EXPORT_AT = YEAR_START + DAYS * 24 * HOUR
/** One minute and one hour, ms. */
export const MINUTE = 60_000
export { HOUR }

/** Epoch ms → ISO 8601 with seconds and the +08:00 offset, e.g. 2025-06-01T17:32:05+08:00. */
export function isoShanghai(ms: number): string {
  const s = Math.floor(ms / 1000) + 8 * 3600
  const day = Math.floor(s / 86400)
  let prefix = datePrefix.get(day)
  if (prefix === undefined) datePrefix.set(day, (prefix = new Date(day * 86_400_000).toISOString().slice(0, 11)))
  const sod = s - day * 86400
  return prefix + two(Math.floor(sod / 3600)) + ':' + two(Math.floor(sod / 60) % 60) + ':' + two(sod % 60) + '+08:00'
}
const datePrefix = new Map<number, string>()
const two = (n: number) => (n < 10 ? '0' + n : String(n))

/** Month (1–12) of a day of 2025 (0 = Jan 1). */
export function monthOfDay(day: number): number {
  return new Date(YEAR_START + 8 * HOUR + day * 24 * HOUR).getUTCMonth() + 1
}

/** Weekday of a day of 2025, 0 = Monday … 6 = Sunday (2025-01-01 was a Wednesday). */
export function weekdayOfDay(day: number): number {
  return (day + 2) % 7
}

/** Day of 2025 (0-based) of a calendar date. */
export function dayOf(month: number, date: number): number {
  return Math.round((Date.UTC(2025, month - 1, date) - Date.UTC(2025, 0, 1)) / (24 * HOUR))
}

/** Spring Festival holiday 2025 (Jan 28 – Feb 4): patrols thin out and stalls vanish. */
const SPRING_FESTIVAL: readonly [number, number] = [dayOf(1, 28), dayOf(2, 4)]

/** Weekday rhythms: patrols slacken at weekends, hotlines less so, evening stalls peak. */
export const WEEKDAY_PROFILES = {
  patrol: [1, 1, 1, 1, 1, 0.7, 0.6],
  hotline: [1.1, 1, 1, 1, 1, 0.9, 0.9],
  stall: [0.9, 0.9, 0.9, 1, 1.1, 1.35, 1.3],
} as const
/** Name of a weekday rhythm. */
export type WeekdayProfile = keyof typeof WEEKDAY_PROFILES

/** Hour-of-day weights (00–23) by how a case is found. */
export const HOUR_PROFILES = {
  /** patrol shifts: morning 8–11, afternoon 14–17 */
  patrol: [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 4, 4, 3, 1, 1.5, 3.5, 4, 3.5, 2, 1, 0.6, 0.4, 0.3, 0.2, 0.1],
  /** hotline and app reports: waking hours, after-work bump */
  hotline: [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 2.8, 3.2, 3, 2.6, 2, 2.2, 2.5, 2.5, 2.4, 2.3, 2.4, 2.6, 2.4, 1.8, 1.1, 0.6],
  /** video analytics: daylight, fewer at night */
  video: [0.5, 0.4, 0.3, 0.3, 0.3, 0.5, 1, 1.6, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1.8, 1.5, 1.2, 1, 0.8, 0.6],
  /** street stalls: a morning market, then the evening peak 17:00–21:00 */
  stall: [0.1, 0.05, 0.02, 0.02, 0.05, 0.3, 1.2, 1.6, 1.2, 0.6, 0.5, 0.6, 0.7, 0.5, 0.5, 0.7, 1.5, 5, 8, 9, 8, 5, 1.5, 0.4],
  /** outdoor barbecue: late evening into the night */
  night: [2.5, 1.5, 0.8, 0.2, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 3, 4.5, 5, 4.5, 3.5],
} as const
/** Name of an hour-of-day rhythm. */
export type HourProfile = keyof typeof HOUR_PROFILES

const hourTables = new Map<string, Float64Array>()
/** Draws a time of day (ms after midnight) with the given hourly rhythm, uniform within the hour. */
export function drawTimeOfDay(rand: Random, profile: HourProfile): number {
  let cum = hourTables.get(profile)
  if (!cum) hourTables.set(profile, (cum = cumulative(HOUR_PROFILES[profile])))
  const h = drawCumulative(rand, cum)
  return h * HOUR + Math.floor(rand() * HOUR)
}

/**
 * Cumulative table over the days of 2025 for `drawDay`.
 * @param monthly  12 month weights (Jan … Dec)
 * @param weekday  weekday rhythm
 * @param special  extra multipliers for single days (storms, snow), day → factor
 * @param window   optional [firstDay, lastDay] outside which the weight is zero
 */
export function dayTable(monthly: readonly number[], weekday: WeekdayProfile, special?: ReadonlyMap<number, number>, window?: readonly [number, number]): Float64Array {
  const w = new Float64Array(DAYS)
  for (let d = 0; d < DAYS; d++) {
    if (window && (d < window[0] || d > window[1])) continue
    const festival = d >= SPRING_FESTIVAL[0] && d <= SPRING_FESTIVAL[1] ? 0.45 : 1
    w[d] = monthly[monthOfDay(d) - 1] * WEEKDAY_PROFILES[weekday][weekdayOfDay(d)] * festival * (special?.get(d) ?? 1)
  }
  return cumulative(w)
}

/** Draws a day of 2025 from a table made by `dayTable`. */
export function drawDay(rand: Random, table: Float64Array): number {
  return drawCumulative(rand, table)
}

/** Epoch ms of a day of 2025 plus a time of day. */
export function at(day: number, msOfDay: number): number {
  return YEAR_START + day * 24 * HOUR + msOfDay
}
