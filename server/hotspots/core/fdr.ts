/**
 * Benjamini–Hochberg false discovery rate control, as ArcGIS applies it to hot spot p-values:
 * sort the n p-values, find the largest rank k with p_(k) ≤ k·α / n, and call every p ≤ p_(k)
 * significant. Non-finite p-values are left out of n and are never significant.
 */

/**
 * The BH critical p-value at level `alpha`: the largest p_(k) with p_(k) ≤ k·alpha / n;
 * −Infinity when no p-value passes (so `p <= critical` is then false for every p).
 * @param p      p-values (two-sided for Gi*), any order
 * @param alpha  false discovery rate, e.g. 0.05
 */
export function bhCriticalP(p: ArrayLike<number>, alpha: number): number {
  return bhCriticalPSorted(sortedFinite(p), alpha)
}

/** bhCriticalP over p-values already sorted ascending and finite (to share one sort between levels). */
export function bhCriticalPSorted(sorted: Float64Array, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`Unexpected alpha value: ${alpha}.`)
  const n = sorted.length
  for (let k = n; k >= 1; k--) {
    if (sorted[k - 1] <= (k * alpha) / n) return sorted[k - 1]
  }
  return -Infinity
}

/** Finite p-values sorted ascending. */
export function sortedFinite(p: ArrayLike<number>): Float64Array {
  let m = 0
  for (let i = 0; i < p.length; i++) if (Number.isFinite(p[i])) m++
  const out = new Float64Array(m)
  let w = 0
  for (let i = 0; i < p.length; i++) if (Number.isFinite(p[i])) out[w++] = p[i]
  return out.sort()
}

/**
 * BH-adjusted p-values (q-values): q_(k) = min over j ≥ k of n·p_(j) / j, capped at 1, so that
 * q ≤ α exactly when p is significant by bhCriticalP at level α. Non-finite p give NaN.
 */
export function bhAdjust(p: ArrayLike<number>): Float64Array {
  const n0 = p.length
  const idx: number[] = []
  for (let i = 0; i < n0; i++) if (Number.isFinite(p[i])) idx.push(i)
  idx.sort((a, b) => p[a] - p[b])
  const n = idx.length
  const q = new Float64Array(n0).fill(NaN)
  let run = 1
  for (let k = n; k >= 1; k--) {
    const i = idx[k - 1]
    run = Math.min(run, (n * p[i]) / k)
    q[i] = run
  }
  return q
}
