/**
 * Calendar arithmetic for time windows. Windows are half-open ranges of calendar days
 * `[from, to)` written `YYYY-MM-DD` and read in China Standard Time, the city's own calendar:
 * a "week" of cases is Monday 00:00 to Monday 00:00 Beijing time, whatever the viewer's zone.
 */

/** Time-window step of the slider and of the chart's bins. */
export type Step = 'week' | 'month'

/** UTC offset of the city's calendar (China has one zone and no daylight saving time). */
export const CITY_UTC_OFFSET = '+08:00'
const CITY_OFFSET_MS = 8 * 3600_000

const DAY_MS = 86_400_000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A half-open window of calendar days in city time. */
export interface TimeWindow {
  /** first day, `YYYY-MM-DD`, inclusive */
  from: string
  /** day after the last day, `YYYY-MM-DD`, exclusive */
  to: string
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2025-02-30). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]
}

function parts(date: string): [number, number, number] {
  if (!isIsoDate(date)) throw new Error(`Unexpected date value: ${JSON.stringify(date)}; expected YYYY-MM-DD`)
  const m = DATE_RE.exec(date)!
  return [+m[1], +m[2] - 1, +m[3]]
}

function fromUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Days since 1970-01-01 as UTC midnight milliseconds (calendar arithmetic only). */
function dayMs(date: string): number {
  const [y, m, d] = parts(date)
  return Date.UTC(y, m, d)
}

/** `date` plus `n` days. */
export function addDays(date: string, n: number): string {
  return fromUtcDay(dayMs(date) + n * DAY_MS)
}

/** `date` plus `n` steps (weeks of 7 days, or calendar months keeping day 1 on day 1). */
export function addSteps(date: string, step: Step, n: number): string {
  if (step === 'week') return addDays(date, 7 * n)
  const [y, m, d] = parts(date)
  return fromUtcDay(Date.UTC(y, m + n, d))
}

/** The start of the step holding `date`: the Monday of its ISO week, or the 1st of its month. */
export function floorToStep(date: string, step: Step): string {
  const [y, m, d] = parts(date)
  if (step === 'month') return fromUtcDay(Date.UTC(y, m, 1))
  const dow = (new Date(Date.UTC(y, m, d)).getUTCDay() + 6) % 7 // Monday = 0
  return addDays(date, -dow)
}

/** The city-calendar day on which an instant falls (e.g. `2025-03-02T17:00:00Z` → `2025-03-03`). */
export function cityDate(instant: string | number | Date): string {
  const ms = typeof instant === 'number' ? instant : new Date(instant).getTime()
  if (!Number.isFinite(ms)) throw new Error(`Unexpected instant value: ${JSON.stringify(instant)}`)
  return fromUtcDay(ms + CITY_OFFSET_MS)
}

/** The API bound for a city-calendar day: its midnight in city time, ISO 8601 with offset. */
export function apiBound(date: string): string {
  parts(date)
  return `${date}T00:00:00${CITY_UTC_OFFSET}`
}

/** Milliseconds since the epoch of a city-calendar day's midnight. */
export function cityMidnightMs(date: string): number {
  return dayMs(date) - CITY_OFFSET_MS
}

/**
 * Window starts covering `[domain.from, domain.to)` in whole steps: the first start is the step
 * holding `domain.from`, the last is the step holding the day before `domain.to`.
 */
export function stepStarts(domain: TimeWindow, step: Step): string[] {
  const first = floorToStep(domain.from, step)
  const last = floorToStep(addDays(domain.to, -1), step)
  const out: string[] = []
  for (let s = first; s <= last; s = addSteps(s, step, 1)) out.push(s)
  return out
}

/** The one-step window starting at `start`. */
export function stepWindow(start: string, step: Step): TimeWindow {
  return { from: start, to: addSteps(start, step, 1) }
}

/** Index of the step start nearest to `date` (the slider position of a window from the URL). */
export function nearestStepIndex(starts: readonly string[], date: string): number {
  if (starts.length === 0) return -1
  const target = dayMs(date)
  let best = 0
  for (let i = 1; i < starts.length; i++) {
    if (Math.abs(dayMs(starts[i]) - target) < Math.abs(dayMs(starts[best]) - target)) best = i
  }
  return best
}

/** Last day included in a window (`to` is exclusive), for display. */
export function lastDay(w: TimeWindow): string {
  return addDays(w.to, -1)
}
