/**
 * Per-cluster summaries of case clusters (from dbscan.ts, hdbscan.ts or space-time.ts), ranked so
 * that places where problems keep coming back come before places that had one busy day.
 *
 * Calendar arithmetic uses a fixed UTC offset (Asia/Shanghai, +08:00, has had no daylight saving
 * since 1991), so the functions stay pure and do not depend on the host's time zone.
 */
import { convexHull, type HullGeometry } from './clusters-hull'

const DAY_MS = 86_400_000
/** Asia/Shanghai, UTC+08:00 */
export const SHANGHAI_UTC_OFFSET_MINUTES = 480

/** Cases with their cluster labels, all arrays in case order. */
export interface ClusterCases {
  /** cluster per case, -1 (any negative) for noise, which is left out */
  labels: Int32Array
  /** easting per case, metres (metric CRS) */
  x: Float64Array
  /** northing per case, metres */
  y: Float64Array
  /** report time per case, epoch milliseconds (UTC) */
  t: Float64Array
  /** category index per case, 0..categoryCount-1 (optional) */
  category?: ArrayLike<number>
  /** per case: 1 closed on time, 0 closed late or overdue, any other value unknown (optional) */
  closedOnTime?: Uint8Array
}

/** Options of {@link summarizeClusters}. */
export interface ClusterSummaryOptions {
  /** local time zone as a fixed offset from UTC, minutes east (default 480, Asia/Shanghai) */
  utcOffsetMinutes?: number
  /** number of categories (default: largest category index + 1) */
  categoryCount?: number
}

/** One cluster, as reported to analysts. Coordinates in the input's metric CRS. */
export interface ClusterSummary {
  /** the cluster's label in the input */
  id: number
  /** number of cases */
  cases: number
  /** cases per category index (empty when no categories were given) */
  categoryCounts: number[]
  /** convex hull of the cases: Polygon, or Point / LineString when they span no area */
  hull: HullGeometry
  /** mean position of the cases, metres */
  centroid: [number, number]
  /** earliest and latest report, epoch milliseconds */
  firstSeen: number
  lastSeen: number
  /** local calendar days with at least one case */
  distinctDays: number
  /** ISO weeks (Monday to Sunday, local time) with at least one case */
  distinctWeeks: number
  /** median gap between consecutive case days, days; null with fewer than two case days */
  medianGapDays: number | null
  /** share of cases on the busiest local day, 0..1 */
  busiestDayShare: number
  /** inverse Simpson index of cases per ISO week: how many equally busy weeks the cluster amounts to */
  effectiveWeeks: number
  /** regularity of recurrences, 0..1 (see recurrenceScore) */
  regularity: number
  /** share of cases with a known outcome closed on time, 0..1; null when none is known */
  closedOnTimeShare: number | null
  /** see {@link summarizeClusters} */
  recurrenceScore: number
}

// pseudo-gaps of neutral regularity (0.5) added to every cluster: two case days are one gap and
// prove little, twenty weekly case days are nineteen gaps and prove a habit
const REGULARITY_PRIOR_GAPS = 2

/**
 * Summaries of every cluster, sorted by recurrence score (highest first; ties: more cases first,
 * then lower id).
 *
 * Recurrence score = effectiveWeeks × regularity × (1 + log10(cases / distinctWeeks)):
 * - effectiveWeeks (E) = N² / Σ_w n_w², the inverse Simpson index of the weekly case counts n_w.
 *   It counts weeks, so persistence outweighs volume, and it discounts weeks that hardly
 *   matter: 30 cases on one day give E = 1; 20 cases in 20 different weeks give E = 20; one busy
 *   day of 30 plus 10 stray weeks with one case each gives E ≈ 1.8, not 11. A cluster whose cases
 *   concentrate on a single day is thus penalised through its week, whatever its size.
 * - regularity = (g · 1 / (1 + cv) + 2 · 0.5) / (g + 2), where g is the number of gaps between
 *   consecutive case days and cv their coefficient of variation (standard deviation / mean).
 *   Evenly spaced recurrences (every market day, every Monday) have cv = 0; bursts separated by
 *   long silences have a large cv. The two neutral pseudo-gaps keep clusters with one or two gaps
 *   from looking perfectly regular; a cluster seen on one day only gets 0.5.
 * - 1 + log10(cases per active week) rewards intensity only mildly (×2 for ten cases a week),
 *   so volume breaks ties between equally persistent places without letting a burst win.
 * Example: 30 cases on one day score 1 × 0.5 × 2.48 ≈ 1.2; 20 cases once a week for 20 weeks
 * score 20 × 0.95 × 1 ≈ 19.
 */
export function summarizeClusters(cases: ClusterCases, options: ClusterSummaryOptions = {}): ClusterSummary[] {
  const { labels, x, y, t, category, closedOnTime } = cases
  const n = labels.length
  for (const [name, a] of [['x', x], ['y', y], ['t', t], ['category', category], ['closedOnTime', closedOnTime]] as const) {
    if (a && a.length !== n) throw new RangeError(`${name} has ${a.length} values for ${n} labels.`)
  }
  const offsetMinutes = options.utcOffsetMinutes ?? SHANGHAI_UTC_OFFSET_MINUTES
  if (!Number.isFinite(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) throw new RangeError(`Unexpected utcOffsetMinutes value: ${offsetMinutes}.`)
  const offsetMs = offsetMinutes * 60_000
  let categoryCount = options.categoryCount ?? 0
  if (category && options.categoryCount === undefined) for (let i = 0; i < n; i++) categoryCount = Math.max(categoryCount, category[i] + 1)

  // cases grouped by cluster (counting sort, CSR)
  let clusters = 0
  for (let i = 0; i < n; i++) if (labels[i] >= clusters) clusters = labels[i] + 1
  const offsets = new Int32Array(clusters + 1)
  for (let i = 0; i < n; i++) if (labels[i] >= 0) offsets[labels[i] + 1]++
  for (let c = 0; c < clusters; c++) offsets[c + 1] += offsets[c]
  const members = new Int32Array(offsets[clusters])
  const fill = offsets.slice(0, clusters)
  for (let i = 0; i < n; i++) if (labels[i] >= 0) members[fill[labels[i]]++] = i

  const result: ClusterSummary[] = []
  for (let c = 0; c < clusters; c++) {
    const m = offsets[c + 1] - offsets[c]
    if (m === 0) continue
    const ids = members.subarray(offsets[c], offsets[c + 1])
    let sx = 0
    let sy = 0
    let first = Infinity
    let last = -Infinity
    let onTime = 0
    let known = 0
    const categoryCounts: number[] = new Array(category ? categoryCount : 0).fill(0)
    const days = new Float64Array(m)
    for (let k = 0; k < m; k++) {
      const i = ids[k]
      sx += x[i]
      sy += y[i]
      if (!Number.isFinite(t[i])) throw new RangeError(`Case ${i} has a non-finite time: ${t[i]}.`)
      first = Math.min(first, t[i])
      last = Math.max(last, t[i])
      days[k] = Math.floor((t[i] + offsetMs) / DAY_MS)
      if (category) {
        const g = category[i]
        if (!(g >= 0 && g < categoryCount) || !Number.isInteger(g)) throw new RangeError(`Case ${i} has category ${g}, outside 0..${categoryCount - 1}.`)
        categoryCounts[g]++
      }
      if (closedOnTime && closedOnTime[i] <= 1) {
        known++
        onTime += closedOnTime[i]
      }
    }
    const rhythm = recurrence(days)
    result.push({
      id: c,
      cases: m,
      categoryCounts,
      hull: convexHull(x, y, ids),
      centroid: [sx / m, sy / m],
      firstSeen: first,
      lastSeen: last,
      ...rhythm,
      closedOnTimeShare: known > 0 ? onTime / known : null,
    })
  }
  result.sort((a, b) => b.recurrenceScore - a.recurrenceScore || b.cases - a.cases || a.id - b.id)
  return result
}

/** Calendar statistics of one cluster from its cases' local day numbers (days since 1970-01-01). */
export function recurrence(days: Float64Array): Pick<
  ClusterSummary,
  'distinctDays' | 'distinctWeeks' | 'medianGapDays' | 'busiestDayShare' | 'effectiveWeeks' | 'regularity' | 'recurrenceScore'
> {
  const m = days.length
  const sorted = Float64Array.from(days).sort()
  const distinct: number[] = []
  let busiest = 0
  let run = 0
  let weeks = 0
  let weekRun = 0
  let sumSquares = 0
  for (let k = 0; k < m; k++) {
    run = k > 0 && sorted[k] === sorted[k - 1] ? run + 1 : 1
    if (run === 1) distinct.push(sorted[k])
    busiest = Math.max(busiest, run)
    const sameWeek = k > 0 && isoWeek(sorted[k]) === isoWeek(sorted[k - 1])
    if (!sameWeek) {
      sumSquares += weekRun * weekRun
      weekRun = 0
      weeks++
    }
    weekRun++
  }
  sumSquares += weekRun * weekRun

  const gaps = distinct.slice(1).map((d, k) => d - distinct[k])
  const g = gaps.length
  let medianGapDays: number | null = null
  let regular = 0
  if (g > 0) {
    const s = gaps.slice().sort((a, b) => a - b)
    medianGapDays = g % 2 ? s[(g - 1) / 2] : (s[g / 2 - 1] + s[g / 2]) / 2
    const mean = gaps.reduce((a, b) => a + b, 0) / g
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / g)
    regular = 1 / (1 + sd / mean)
  }
  const regularity = (g * regular + REGULARITY_PRIOR_GAPS * 0.5) / (g + REGULARITY_PRIOR_GAPS)
  const effectiveWeeks = (m * m) / sumSquares
  const recurrenceScore = effectiveWeeks * regularity * (1 + Math.log10(m / weeks))
  return {
    distinctDays: distinct.length,
    distinctWeeks: weeks,
    medianGapDays,
    busiestDayShare: busiest / m,
    effectiveWeeks,
    regularity,
    recurrenceScore,
  }
}

/** The ISO week of a local day number, as the day number of its Monday (1970-01-01 was a Thursday). */
export function isoWeek(day: number): number {
  return day - (((day + 3) % 7) + 7) % 7
}
