/**
 * Patrol effect by difference-in-differences: did case rates change differently in cells whose
 * patrol coverage changed (treated) than in cells whose coverage stayed the same (control)?
 *
 * Model (two periods, cell fixed effects):
 *
 *   y_it = α_i + λ·post_t + δ·(D_i · post_t) + ε_it
 *
 * y_it is cell i's case rate before (t = 0) or after (t = 1) the change, D_i = 1 for treated cells,
 * α_i absorbs everything fixed about a cell (its streets, shops, size), λ the change common to all
 * cells (season, city-wide campaigns). With two periods OLS with cell effects equals the first
 * difference regression Δ_i = λ + δ·D_i + u_i, so
 *
 *   δ̂ = mean(Δ | treated) − mean(Δ | control),   Δ_i = y_i1 − y_i0.
 *
 * Standard error clustered by cell: each cell contributes one Δ_i, so clustering by cell is
 * heteroskedasticity-robust inference on the difference regression; we use the CR2 / HC2 form
 * (Bell & McCaffrey 2002), which here is the Welch standard error √(s²_T/n_T + s²_C/n_C), with
 * Welch–Satterthwaite degrees of freedom for the t interval, because districts often have few
 * treated cells. A stratified cell-level bootstrap (cells resampled within each group, seeded) is
 * the alternative.
 *
 * Identification rests on parallel trends: without the change, treated cells would have moved like
 * control cells. Given a rate for an earlier period, a placebo DiD (earlier → before) checks it.
 *
 * Read the sign with care: in 数字城管 many cases are logged by the patrol workers themselves, so
 * more patrol can raise recorded cases (more found) while lowering real problems.
 */
import { seededRandom } from '../../shared/random'
import { studentTQuantile } from './student-t'

/** Input of {@link differenceInDifferences}: one entry per cell, cell order. */
export interface DidInput {
  /** 1 if the cell's patrol coverage changed between the periods, 0 if it did not */
  treated: Uint8Array
  /** case rate per cell before the change (any unit, e.g. cases per month) */
  before: Float64Array
  /** case rate per cell after the change, same unit */
  after: Float64Array
  /** optional rate in a period before `before`, same unit, for the pre-trend (placebo) check */
  earlier?: Float64Array
}

/** Options of {@link differenceInDifferences}. */
export interface DidOptions {
  /** 1 − confidence level; default 0.05 (95 % interval) */
  alpha?: number
  /** fewest treated and fewest control cells for a conclusion; default 10 each */
  minCells?: number
  /** 'cluster' (default): CR2 cluster-robust SE with a t interval; 'bootstrap': cell-level bootstrap */
  method?: 'cluster' | 'bootstrap'
  /** bootstrap replicates; default 2000 */
  replicates?: number
  /** bootstrap seed; default 1 */
  seed?: number
  /**
   * the pre-trend is "large" when the placebo interval excludes zero or the placebo estimate is at
   * least this share of the effect's size; default 0.5
   */
  preTrendRatio?: number
  /** unit of the rates for the verdict, e.g. { en: 'cases per month', zh: '件/月' } */
  unit?: { en: string; zh: string }
}

/** An estimate with its uncertainty. */
export interface DidEstimate {
  /** δ̂, rate unit */
  estimate: number
  /** standard error (cluster-robust, or bootstrap standard deviation) */
  se: number
  /** confidence interval [low, high] at 1 − alpha */
  ci: [number, number]
  /** degrees of freedom of the t interval (NaN for the bootstrap) */
  df: number
}

/** Why a conclusion can or cannot be drawn. */
export type DidVerdict = 'increase' | 'decrease' | 'too-few-cells' | 'pre-trend' | 'ci-spans-zero'

/** Result of {@link differenceInDifferences}. */
export interface DidResult extends DidEstimate {
  method: 'cluster' | 'bootstrap'
  alpha: number
  nTreated: number
  nControl: number
  /** mean change after − before in treated cells */
  changeTreated: number
  /** mean change after − before in control cells */
  changeControl: number
  /** placebo DiD earlier → before, when `earlier` was given */
  preTrend?: DidEstimate
  /** true only for 'increase' or 'decrease' */
  conclusive: boolean
  verdict: DidVerdict
  /** plain sentence for reports */
  verdictEn: string
  verdictZh: string
}

/**
 * Difference-in-differences estimate of the patrol change's effect on case rates.
 * @returns δ̂ with standard error, interval and a verdict that refuses to conclude when the data
 *          cannot support it (too few cells, pre-trends differ, interval spans zero)
 */
export function differenceInDifferences(input: DidInput, options: DidOptions = {}): DidResult {
  const { treated, before, after, earlier } = input
  const m = treated.length
  for (const [name, arr] of [['before', before], ['after', after], ['earlier', earlier]] as const) {
    if (arr && arr.length !== m) throw new RangeError(`Unexpected ${name} length: ${arr.length}; expected ${m} cells like treated.`)
  }
  const alpha = options.alpha ?? 0.05
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Unexpected alpha value: ${alpha}; expected a level in (0, 1).`)
  const minCells = options.minCells ?? 10
  const method = options.method ?? 'cluster'
  const preTrendRatio = options.preTrendRatio ?? 0.5
  const unit = options.unit ?? { en: 'cases per cell per period', zh: '件/格/期' }

  const deltaT: number[] = []
  const deltaC: number[] = []
  for (let i = 0; i < m; i++) {
    const d = after[i] - before[i]
    if (!Number.isFinite(d)) continue // a cell without both rates says nothing about change
    ;(treated[i] ? deltaT : deltaC).push(d)
  }
  const estimateOf = (t: number[], c: number[]) =>
    method === 'bootstrap' ? bootstrapDiff(t, c, alpha, options.replicates ?? 2000, options.seed ?? 1) : welchDiff(t, c, alpha)
  const main = estimateOf(deltaT, deltaC)

  let preTrend: DidEstimate | undefined
  if (earlier) {
    const pT: number[] = []
    const pC: number[] = []
    for (let i = 0; i < m; i++) {
      const d = before[i] - earlier[i]
      if (Number.isFinite(d)) (treated[i] ? pT : pC).push(d)
    }
    preTrend = estimateOf(pT, pC)
  }

  const nTreated = deltaT.length
  const nControl = deltaC.length
  let verdict: DidVerdict
  // Pre-trends are checked once an effect shows: they are the reason not to believe it.
  if (nTreated < minCells || nControl < minCells || !Number.isFinite(main.se)) verdict = 'too-few-cells'
  else if (!excludesZero(main.ci)) verdict = 'ci-spans-zero'
  else if (preTrend && (excludesZero(preTrend.ci) || Math.abs(preTrend.estimate) >= preTrendRatio * Math.abs(main.estimate))) verdict = 'pre-trend'
  else verdict = main.estimate > 0 ? 'increase' : 'decrease'

  const result: DidResult = {
    ...main,
    method,
    alpha,
    nTreated,
    nControl,
    changeTreated: mean(deltaT),
    changeControl: mean(deltaC),
    preTrend,
    conclusive: verdict === 'increase' || verdict === 'decrease',
    verdict,
    verdictEn: '',
    verdictZh: '',
  }
  const text = verdictText(result, minCells, unit)
  result.verdictEn = text.en
  result.verdictZh = text.zh
  return result
}

const excludesZero = (ci: [number, number]) => ci[0] > 0 || ci[1] < 0

function mean(x: number[]): number {
  if (x.length === 0) return NaN
  let s = 0
  for (const v of x) s += v
  return s / x.length
}

function variance(x: number[], mu: number): number {
  let s = 0
  for (const v of x) s += (v - mu) * (v - mu)
  return s / (x.length - 1)
}

// Difference of means with the Welch (= CR2 cluster-robust) SE and a Welch–Satterthwaite t interval.
function welchDiff(t: number[], c: number[], alpha: number): DidEstimate {
  const mt = mean(t)
  const mc = mean(c)
  const estimate = mt - mc
  if (t.length < 2 || c.length < 2) return { estimate, se: NaN, ci: [NaN, NaN], df: NaN }
  const vt = variance(t, mt) / t.length
  const vc = variance(c, mc) / c.length
  const se = Math.sqrt(vt + vc)
  if (!(se > 0)) return { estimate, se: 0, ci: [estimate, estimate], df: Infinity }
  const df = ((vt + vc) * (vt + vc)) / ((vt * vt) / (t.length - 1) + (vc * vc) / (c.length - 1))
  const q = studentTQuantile(1 - alpha / 2, df)
  return { estimate, se, ci: [estimate - q * se, estimate + q * se], df }
}

// Stratified cell bootstrap: resample cells with replacement within each group; percentile interval.
function bootstrapDiff(t: number[], c: number[], alpha: number, replicates: number, seed: number): DidEstimate {
  const estimate = mean(t) - mean(c)
  if (!Number.isInteger(replicates) || replicates < 100) throw new RangeError(`Unexpected replicates value: ${replicates}; use at least 100.`)
  if (t.length < 2 || c.length < 2) return { estimate, se: NaN, ci: [NaN, NaN], df: NaN }
  const rand = seededRandom(seed)
  const draws = new Float64Array(replicates)
  const resampleMean = (x: number[]) => {
    let s = 0
    for (let k = 0; k < x.length; k++) s += x[Math.floor(rand() * x.length)]
    return s / x.length
  }
  for (let r = 0; r < replicates; r++) draws[r] = resampleMean(t) - resampleMean(c)
  draws.sort()
  let mu = 0
  for (const d of draws) mu += d
  mu /= replicates
  let ss = 0
  for (const d of draws) ss += (d - mu) * (d - mu)
  const quantile = (q: number) => {
    const pos = q * (replicates - 1)
    const lo = Math.floor(pos)
    return draws[lo] + (pos - lo) * (draws[Math.min(lo + 1, replicates - 1)] - draws[lo])
  }
  return { estimate, se: Math.sqrt(ss / (replicates - 1)), ci: [quantile(alpha / 2), quantile(1 - alpha / 2)], df: NaN }
}

function verdictText(r: DidResult, minCells: number, unit: { en: string; zh: string }): { en: string; zh: string } {
  const f = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(2)) : 'n/a')
  const level = Math.round((1 - r.alpha) * 100)
  const ciEn = `${level}% CI ${f(r.ci[0])} to ${f(r.ci[1])}`
  const ciZh = `${level}% 置信区间 ${f(r.ci[0])} 至 ${f(r.ci[1])}`
  switch (r.verdict) {
    case 'too-few-cells':
      return {
        en: `No conclusion: ${r.nTreated} cells with changed patrol and ${r.nControl} without; at least ${minCells} of each are needed.`,
        zh: `无法下结论：巡查变化的网格 ${r.nTreated} 个、未变化的 ${r.nControl} 个，每组至少需要 ${minCells} 个。`,
      }
    case 'pre-trend':
      return {
        en: `No conclusion: before the change, treated cells already moved differently from the others (placebo difference ${f(r.preTrend!.estimate)} ${unit.en}, ${level}% CI ${f(r.preTrend!.ci[0])} to ${f(r.preTrend!.ci[1])}), so the comparison is not fair.`,
        zh: `无法下结论：巡查变化之前，两组网格的案件趋势已经不同（安慰剂差异 ${f(r.preTrend!.estimate)} ${unit.zh}，${level}% 置信区间 ${f(r.preTrend!.ci[0])} 至 ${f(r.preTrend!.ci[1])}），比较不公平。`,
      }
    case 'ci-spans-zero':
      return {
        en: `No conclusion: the difference ${f(r.estimate)} ${unit.en} (${ciEn}) could be zero; the data cannot tell an effect from chance.`,
        zh: `无法下结论：差异 ${f(r.estimate)} ${unit.zh}（${ciZh}）可能为零，数据不足以区分效果与偶然。`,
      }
    case 'increase':
    case 'decrease': {
      const en = r.verdict === 'increase' ? 'rose' : 'fell'
      const zh = r.verdict === 'increase' ? '上升' : '下降'
      return {
        en: `Case rates ${en} by ${f(Math.abs(r.estimate))} ${unit.en} more in the ${r.nTreated} cells with changed patrol than in the ${r.nControl} without (${ciEn}).`,
        zh: `巡查变化的 ${r.nTreated} 个网格案件率比未变化的 ${r.nControl} 个多${zh} ${f(Math.abs(r.estimate))} ${unit.zh}（${ciZh}）。`,
      }
    }
  }
}
