/**
 * Emerging hot spot categories: the 17 patterns of ArcGIS Emerging Hot Spot Analysis, from each
 * cell's space-time Gi* series (significance at 90 %, i.e. confidence bin ≠ 0) and the
 * Mann-Kendall trend of its Gi* z-scores.
 *
 * Definitions are quoted from Esri, "How Emerging Hot Spot Analysis works" (ArcGIS Pro tool
 * reference, Space Time Pattern Mining toolbox). Cold spot patterns mirror hot spot patterns with
 * hot and cold swapped; for cold spots, "intensifying" means z falling (getting colder).
 *
 * Where the published definitions overlap, one order decides (the present first):
 *  1. If the final step is a significant hot (cold) spot, the hot (cold) rules are tried in this
 *     order: intensifying, diminishing, persistent, new, consecutive, oscillating, sporadic.
 *     A cell that was a cold spot once and is hot only now satisfies both "new" (never a hot spot
 *     before) and "oscillating" (hot now, cold before). New and consecutive win: their definitions
 *     constrain only the hot history, and at 90 % confidence one cold bin somewhere in a long
 *     series is common by chance (over 24 noisy weeks most cells have one), which would otherwise
 *     turn nearly every new hot spot into an oscillating one. (xarray-spatial reads the
 *     definitions the same way; R sfdep instead requires no significant bin of either kind.)
 *  2. If the final step is not significant, the historical rules apply.
 * So a cell hot in ≥ 90 % of steps that turns into a cold spot at the final step is a new cold
 * spot, not a historical hot spot: its present state wins.
 *
 * "90 percent of the time-step intervals" is read as at least 90 % (10·count ≥ 9·steps).
 */
import type { SpaceTimeGi } from './space-time-gi'
import { mannKendallOf, type Trend } from './mann-kendall'

/** One emerging hot spot category. */
export interface EmergingCategory {
  /** +1 … +8 hot patterns, −1 … −8 their cold mirrors, 0 no pattern */
  code: number
  /** stable key, e.g. 'new-hot-spot' */
  key: string
  en: string
  zh: string
}

/** Category codes of the hot spot patterns; cold mirrors are the negatives. */
export const PATTERN = {
  none: 0,
  new: 1,
  consecutive: 2,
  intensifying: 3,
  persistent: 4,
  diminishing: 5,
  sporadic: 6,
  oscillating: 7,
  historical: 8,
} as const

/** All 17 categories, code order −8 … 8. */
export const EMERGING_CATEGORIES: readonly EmergingCategory[] = [
  { code: -8, key: 'historical-cold-spot', en: 'Historical Cold Spot', zh: '历史冷点' },
  { code: -7, key: 'oscillating-cold-spot', en: 'Oscillating Cold Spot', zh: '振荡冷点' },
  { code: -6, key: 'sporadic-cold-spot', en: 'Sporadic Cold Spot', zh: '零星冷点' },
  { code: -5, key: 'diminishing-cold-spot', en: 'Diminishing Cold Spot', zh: '减弱冷点' },
  { code: -4, key: 'persistent-cold-spot', en: 'Persistent Cold Spot', zh: '持续冷点' },
  { code: -3, key: 'intensifying-cold-spot', en: 'Intensifying Cold Spot', zh: '加剧冷点' },
  { code: -2, key: 'consecutive-cold-spot', en: 'Consecutive Cold Spot', zh: '连续冷点' },
  { code: -1, key: 'new-cold-spot', en: 'New Cold Spot', zh: '新冷点' },
  { code: 0, key: 'no-pattern', en: 'No Pattern Detected', zh: '无模式' },
  { code: 1, key: 'new-hot-spot', en: 'New Hot Spot', zh: '新热点' },
  { code: 2, key: 'consecutive-hot-spot', en: 'Consecutive Hot Spot', zh: '连续热点' },
  { code: 3, key: 'intensifying-hot-spot', en: 'Intensifying Hot Spot', zh: '加剧热点' },
  { code: 4, key: 'persistent-hot-spot', en: 'Persistent Hot Spot', zh: '持续热点' },
  { code: 5, key: 'diminishing-hot-spot', en: 'Diminishing Hot Spot', zh: '减弱热点' },
  { code: 6, key: 'sporadic-hot-spot', en: 'Sporadic Hot Spot', zh: '零星热点' },
  { code: 7, key: 'oscillating-hot-spot', en: 'Oscillating Hot Spot', zh: '振荡热点' },
  { code: 8, key: 'historical-hot-spot', en: 'Historical Hot Spot', zh: '历史热点' },
]

/** The category of a code (−8 … 8). */
export function category(code: number): EmergingCategory {
  const c = EMERGING_CATEGORIES[code + 8]
  if (!c || c.code !== code) throw new RangeError(`Unexpected category code: ${code}; expected −8 … 8.`)
  return c
}

/**
 * One cell's series seen from one side (hot, or cold with hot and cold swapped), all the rules need.
 */
export interface SideProfile {
  /** number of time steps */
  n: number
  /** steps that are significant spots of this side */
  sig: number
  /** steps that are significant spots of the opposite side */
  opp: number
  /** the final step is a significant spot of this side */
  final: boolean
  /** length of the uninterrupted run of this side's spots ending at the final step (0 if none) */
  run: number
  /** this side's spots before that final run */
  before: number
  /** +1 significant Mann-Kendall trend towards this side (hotter for hot), −1 away, 0 none */
  trend: number
}

const atLeast90 = (pr: SideProfile) => 10 * pr.sig >= 9 * pr.n

/**
 * "A location that is a statistically significant hot spot for the final time step and has never
 * been a statistically significant hot spot before."
 */
export const isNew = (pr: SideProfile): boolean => pr.final && pr.sig === 1

/**
 * "A location with a single uninterrupted run of at least two statistically significant hot spot
 * bins in the final time-step intervals. The location has never been a statistically significant
 * hot spot prior to the final hot spot run and less than 90 percent of all bins are statistically
 * significant hot spots."
 */
export const isConsecutive = (pr: SideProfile): boolean => pr.final && pr.run >= 2 && pr.before === 0 && !atLeast90(pr)

/**
 * "A location that has been a statistically significant hot spot for 90 percent of the time-step
 * intervals, including the final time step. In addition, the intensity of clustering of high
 * counts in each time step is increasing overall and that increase is statistically significant."
 */
export const isIntensifying = (pr: SideProfile): boolean => atLeast90(pr) && pr.final && pr.trend > 0

/**
 * "A location that has been a statistically significant hot spot for 90 percent of the time-step
 * intervals with no discernible trend indicating an increase or decrease in the intensity of
 * clustering over time."
 */
export const isPersistent = (pr: SideProfile): boolean => atLeast90(pr) && pr.trend === 0

/**
 * "A location that has been a statistically significant hot spot for 90 percent of the time-step
 * intervals, including the final time step. In addition, the intensity of clustering in each time
 * step is decreasing overall and that decrease is statistically significant."
 */
export const isDiminishing = (pr: SideProfile): boolean => atLeast90(pr) && pr.final && pr.trend < 0

/**
 * "A statistically significant hot spot for the final time-step interval with a history of also
 * being an on-again and off-again hot spot. Less than 90 percent of the time-step intervals have
 * been statistically significant hot spots and none of the time-step intervals have been
 * statistically significant cold spots."
 * (On-again, off-again: a hot spot before the final run, i.e. separated from it by a gap.)
 */
export const isSporadic = (pr: SideProfile): boolean => pr.final && pr.before > 0 && !atLeast90(pr) && pr.opp === 0

/**
 * "A statistically significant hot spot for the final time-step interval that has a history of
 * also being a statistically significant cold spot during a prior time step. Less than 90 percent
 * of the time-step intervals have been statistically significant hot spots."
 */
export const isOscillating = (pr: SideProfile): boolean => pr.final && pr.opp > 0 && !atLeast90(pr)

/**
 * "The most recent time period is not hot, but at least 90 percent of the time-step intervals
 * have been statistically significant hot spots."
 */
export const isHistorical = (pr: SideProfile): boolean => !pr.final && atLeast90(pr)

// Tried in this order for the side of a significant final step (see the module comment).
const PRESENT_RULES: readonly [number, (pr: SideProfile) => boolean][] = [
  [PATTERN.intensifying, isIntensifying],
  [PATTERN.diminishing, isDiminishing],
  [PATTERN.persistent, isPersistent],
  [PATTERN.new, isNew],
  [PATTERN.consecutive, isConsecutive],
  [PATTERN.oscillating, isOscillating],
  [PATTERN.sporadic, isSporadic],
]

/**
 * The category code of one cell from its hot-side and cold-side profiles.
 * @returns −8 … 8 (see {@link EMERGING_CATEGORIES})
 */
export function classify(hot: SideProfile, cold: SideProfile): number {
  const side = hot.final ? hot : cold.final ? cold : null
  if (side) {
    const sign = side === hot ? 1 : -1
    for (const [code, rule] of PRESENT_RULES) if (rule(side)) return sign * code
    return PATTERN.none
  }
  if (isHistorical(hot)) return PATTERN.historical
  if (isHistorical(cold)) return -PATTERN.historical
  return PATTERN.none
}

/**
 * Profile of one side of a cell's confidence-bin series.
 * @param bins   confidence bins in step order (sign + hot, − cold, 0 not significant)
 * @param sign   +1 for the hot side, −1 for the cold side
 * @param trend  Mann-Kendall result direction of the Gi* z series ('up' = hotter)
 */
export function sideProfile(bins: ArrayLike<number>, sign: 1 | -1, trend: Trend): SideProfile {
  const n = bins.length
  let sig = 0
  let opp = 0
  for (let s = 0; s < n; s++) {
    const b = bins[s] * sign
    if (b > 0) sig++
    else if (b < 0) opp++
  }
  let run = 0
  while (run < n && bins[n - 1 - run] * sign > 0) run++
  const toward = sign > 0 ? 'up' : 'down'
  const away = sign > 0 ? 'down' : 'up'
  return {
    n,
    sig,
    opp,
    final: run > 0,
    run,
    before: sig - run,
    trend: trend === toward ? 1 : trend === away ? -1 : 0,
  }
}

/** Options of {@link emergingHotSpots}. */
export interface EmergingOptions {
  /**
   * significance level of the Mann-Kendall trend that makes a ≥ 90 % spot intensifying or
   * diminishing; default 0.1, the same 90 % confidence the Gi* bins use
   */
  trendAlpha?: number
}

/** Per-cell results of {@link emergingHotSpots}, cell order. */
export interface EmergingResult {
  nCells: number
  nSteps: number
  /** category code −8 … 8 per cell (0 also for masked-out cells) */
  code: Int8Array
  /** number of steps that are significant hot spots (90 %+) */
  nHot: Uint16Array
  /** number of steps that are significant cold spots (90 %+) */
  nCold: Uint16Array
  /** confidence bin of the final step */
  finalBin: Int8Array
  /** Mann-Kendall S of the Gi* z series (NaN for masked-out cells) */
  mkS: Float64Array
  /** Mann-Kendall z (continuity-corrected) */
  mkZ: Float64Array
  /** Mann-Kendall two-sided p */
  mkP: Float64Array
  /** Kendall's tau-b */
  mkTau: Float64Array
  /** trend of the Gi* z series at `trendAlpha`: +1 rising, −1 falling, 0 none */
  mkTrend: Int8Array
  /** trend significance level used */
  trendAlpha: number
}

/** Default significance level of the Gi* z trend. */
export const TREND_ALPHA = 0.1

/**
 * Emerging hot spot category of every cell.
 * @param gi  space-time Gi* of the cube (z and confidence bins, `[step * nCells + cell]`)
 * @returns per-cell category code, counts of hot/cold steps, final bin and Mann-Kendall results
 */
export function emergingHotSpots(gi: Pick<SpaceTimeGi, 'nCells' | 'nSteps' | 'z' | 'bin'>, options: EmergingOptions = {}): EmergingResult {
  const { nCells, nSteps, z, bin } = gi
  const trendAlpha = options.trendAlpha ?? TREND_ALPHA
  if (!(trendAlpha > 0 && trendAlpha < 1)) throw new RangeError(`Unexpected trendAlpha value: ${trendAlpha}; expected a level in (0, 1).`)
  if (nSteps > 0xffff) throw new RangeError(`Unexpected nSteps value: ${nSteps}; at most 65535 steps.`)
  const out: EmergingResult = {
    nCells,
    nSteps,
    code: new Int8Array(nCells),
    nHot: new Uint16Array(nCells),
    nCold: new Uint16Array(nCells),
    finalBin: new Int8Array(nCells),
    mkS: new Float64Array(nCells),
    mkZ: new Float64Array(nCells),
    mkP: new Float64Array(nCells),
    mkTau: new Float64Array(nCells),
    mkTrend: new Int8Array(nCells),
    trendAlpha,
  }
  const series = new Float64Array(nSteps)
  const bins = new Int8Array(nSteps)
  const scratch = new Float64Array(nSteps)
  for (let i = 0; i < nCells; i++) {
    let masked = false
    for (let s = 0; s < nSteps; s++) {
      const v = z[s * nCells + i]
      if (Number.isNaN(v)) masked = true
      series[s] = v
      bins[s] = bin[s * nCells + i]
    }
    if (masked) {
      out.mkS[i] = out.mkZ[i] = out.mkP[i] = out.mkTau[i] = NaN
      continue
    }
    const mk = mannKendallOf(series, nSteps, scratch, trendAlpha)
    const hot = sideProfile(bins, 1, mk.trend)
    const cold = sideProfile(bins, -1, mk.trend)
    out.code[i] = classify(hot, cold)
    out.nHot[i] = hot.sig
    out.nCold[i] = cold.sig
    out.finalBin[i] = bins[nSteps - 1]
    out.mkS[i] = mk.S
    out.mkZ[i] = mk.z
    out.mkP[i] = mk.p
    out.mkTau[i] = mk.tau
    out.mkTrend[i] = mk.trend === 'up' ? 1 : mk.trend === 'down' ? -1 : 0
  }
  return out
}

/** Why a cell got its category, for the map's popup and for reports. */
export interface EmergingExplanation {
  cell: number
  code: number
  key: string
  en: string
  zh: string
  /** steps (0-based) that were significant hot spots */
  hotSteps: number[]
  /** steps (0-based) that were significant cold spots */
  coldSteps: number[]
  /** share of steps that were hot spots, 0 … 1 */
  hotShare: number
  /** share of steps that were cold spots, 0 … 1 */
  coldShare: number
  /** significance of the final step */
  final: 'hot' | 'cold' | 'not significant'
  /** Gi* z and confidence bin of the final step */
  finalZ: number
  finalBin: number
  /** Mann-Kendall test of the Gi* z series */
  trend: { S: number; z: number; p: number; tau: number; direction: Trend; alpha: number }
  /** one-sentence reason, English */
  reasonEn: string
  /** one-sentence reason, Chinese */
  reasonZh: string
}

/**
 * Explains one cell's category: significant steps, shares, final-step status and trend.
 * @param result  output of {@link emergingHotSpots}
 * @param gi      the Gi* it was computed from
 * @param cell    cell index
 */
export function explainCell(result: EmergingResult, gi: Pick<SpaceTimeGi, 'nCells' | 'nSteps' | 'z' | 'bin'>, cell: number): EmergingExplanation {
  const { nCells, nSteps } = result
  if (!(Number.isInteger(cell) && cell >= 0 && cell < nCells)) throw new RangeError(`Unexpected cell value: ${cell}; the result has ${nCells} cells.`)
  const hotSteps: number[] = []
  const coldSteps: number[] = []
  for (let s = 0; s < nSteps; s++) {
    const b = gi.bin[s * nCells + cell]
    if (b > 0) hotSteps.push(s)
    else if (b < 0) coldSteps.push(s)
  }
  const code = result.code[cell]
  const cat = category(code)
  const finalBin = gi.bin[(nSteps - 1) * nCells + cell]
  const final = finalBin > 0 ? 'hot' : finalBin < 0 ? 'cold' : 'not significant'
  const p = result.mkP[cell]
  const direction: Trend = result.mkTrend[cell] > 0 ? 'up' : result.mkTrend[cell] < 0 ? 'down' : 'none'
  const trend = { S: result.mkS[cell], z: result.mkZ[cell], p, tau: result.mkTau[cell], direction, alpha: result.trendAlpha }
  const pct = (k: number) => `${Math.round((100 * k) / nSteps)}%`
  const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a')
  const f3 = (x: number) => (Number.isFinite(x) ? (x < 0.001 ? x.toExponential(1) : x.toFixed(3)) : 'n/a')
  const dirEn = { up: 'rising', down: 'falling', none: 'no significant trend' }[direction]
  const dirZh = { up: '上升', down: '下降', none: '无显著趋势' }[direction]
  const finalEn = { hot: 'a hot spot', cold: 'a cold spot', 'not significant': 'not significant' }[final]
  const finalZh = { hot: '热点', cold: '冷点', 'not significant': '不显著' }[final]
  const reasonEn =
    `${cat.en}: hot spot in ${hotSteps.length} of ${nSteps} steps (${pct(hotSteps.length)}), ` +
    `cold spot in ${coldSteps.length} (${pct(coldSteps.length)}); final step ${finalEn} (z = ${f2(gi.z[(nSteps - 1) * nCells + cell])}); ` +
    `Gi* trend ${dirEn} (Mann-Kendall z = ${f2(trend.z)}, p = ${f3(p)}).`
  const reasonZh =
    `${cat.zh}：${nSteps} 个时间步中 ${hotSteps.length} 个为显著热点（${pct(hotSteps.length)}），` +
    `${coldSteps.length} 个为显著冷点（${pct(coldSteps.length)}）；最后一步${finalZh}（z = ${f2(gi.z[(nSteps - 1) * nCells + cell])}）；` +
    `Gi* 趋势${dirZh}（Mann-Kendall z = ${f2(trend.z)}，p = ${f3(p)}）。`
  return {
    cell,
    code,
    key: cat.key,
    en: cat.en,
    zh: cat.zh,
    hotSteps,
    coldSteps,
    hotShare: hotSteps.length / nSteps,
    coldShare: coldSteps.length / nSteps,
    final,
    finalZ: gi.z[(nSteps - 1) * nCells + cell],
    finalBin,
    trend,
    reasonEn,
    reasonZh,
  }
}
