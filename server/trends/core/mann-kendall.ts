/**
 * Mann-Kendall trend test (Mann 1945; Kendall 1975, Rank Correlation Methods, 4th ed.), the test
 * ArcGIS Emerging Hot Spot Analysis runs on each location's Gi* z series.
 *
 *   S = Σ_{i<j} sign(x_j − x_i)
 *   Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18      (t_g = size of tie group g)
 *   z = (S − 1)/√Var(S) if S > 0,  0 if S = 0,  (S + 1)/√Var(S) if S < 0   (continuity correction)
 *   p = 2·Q(|z|)
 *
 * The tie term makes Var(S) the exact variance of S over all orderings of the observed values
 * (Kendall 1975, eq. 4.3), which matters for Gi* series of quiet cells where many values repeat.
 */
import { pNormTwoSided } from '../../hotspots/core/normal'

/** Direction of a monotonic trend, or 'none' when it is not significant. */
export type Trend = 'up' | 'down' | 'none'

/** Result of {@link mannKendall}. */
export interface MannKendallResult {
  /** number of finite values used */
  n: number
  /** Kendall's S: concordant minus discordant pairs in time order */
  S: number
  /** variance of S under no trend, tie-corrected */
  varS: number
  /** standard normal score with continuity correction */
  z: number
  /** two-sided p-value of z */
  p: number
  /** Kendall's tau-b between value and time (equals tau-a without ties); 0 when all values tie */
  tau: number
  /** 'up' or 'down' when p < alpha, otherwise 'none' */
  trend: Trend
}

/** Default significance level of {@link mannKendall}. */
export const MK_ALPHA = 0.05

/**
 * Mann-Kendall trend test of a series in time order; NaN values are dropped (the remaining values
 * keep their order).
 * @param series  values in time order (e.g. one cell's Gi* z per step)
 * @param alpha   significance level for `trend`, default 0.05
 */
export function mannKendall(series: ArrayLike<number>, alpha = MK_ALPHA): MannKendallResult {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`Unexpected alpha value: ${alpha}; expected a level in (0, 1).`)
  const x = new Float64Array(series.length)
  let n = 0
  for (let i = 0; i < series.length; i++) if (!Number.isNaN(series[i])) x[n++] = series[i]
  return mannKendallOf(x, n, new Float64Array(n), alpha)
}

/**
 * Allocation-light form for loops over many cells: tests `x[0 .. n)`, using `scratch`
 * (length ≥ n) for sorting. Values must be finite.
 */
export function mannKendallOf(x: Float64Array, n: number, scratch: Float64Array, alpha = MK_ALPHA): MannKendallResult {
  let S = 0
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]
    for (let j = i + 1; j < n; j++) {
      const d = x[j] - xi
      if (d > 0) S++
      else if (d < 0) S--
    }
  }
  // Tie groups from the sorted values.
  const sorted = scratch.subarray(0, n)
  sorted.set(x.subarray(0, n))
  sorted.sort()
  let tieVar = 0 // Σ t(t−1)(2t+5)
  let tiePairs = 0 // Σ t(t−1)/2
  for (let i = 0; i < n; ) {
    let j = i + 1
    while (j < n && sorted[j] === sorted[i]) j++
    const t = j - i
    if (t > 1) {
      tieVar += t * (t - 1) * (2 * t + 5)
      tiePairs += (t * (t - 1)) / 2
    }
    i = j
  }
  const varS = n > 1 ? (n * (n - 1) * (2 * n + 5) - tieVar) / 18 : 0
  const z = varS > 0 && S !== 0 ? (S > 0 ? S - 1 : S + 1) / Math.sqrt(varS) : 0
  const p = pNormTwoSided(z)
  const pairs = (n * (n - 1)) / 2
  const tauDen = Math.sqrt((pairs - tiePairs) * pairs)
  const tau = tauDen > 0 ? S / tauDen : 0
  const trend: Trend = p < alpha ? (S > 0 ? 'up' : 'down') : 'none'
  return { n, S, varS, z, p, tau, trend }
}
