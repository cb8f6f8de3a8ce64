/**
 * Getis-Ord Gi* hot spot statistic with binary weights that include the cell itself, exactly as
 * esda's `G_Local(y, w, transform='B', star=True)`, plus ArcGIS's confidence bins (Gi_Bin).
 *
 * For cell i with neighbour set N(i) (self excluded in `w`) and card = |N(i)| + 1:
 *   G_i  = (y_i + Σ_{j∈N(i)} y_j) / Σ_j y_j
 *   E[G] = card / n
 *   V[G] = card·(n − card)/(n − 1) · 1/n² · s² / ȳ²      (s² the population variance of y)
 *   z_i  = (G_i − E[G]) / √V[G]
 * Islands (no neighbours) still get a value: the cell alone (card = 1).
 */
import type { Csr } from '../../shared/csr'
import { ConditionalDraws, foldedPseudoP } from './crand'
import { bhCriticalPSorted, sortedFinite } from './fdr'
import { normalSf } from './normal'

/** Options of giStar. */
export interface GiStarOptions {
  /** permutations for the pseudo p-value `p_sim` (default 0: analytical inference only) */
  permutations?: number
  /** PRNG seed for the permutations (default 0) */
  seed?: number
}

/** Gi* per cell, cell order (esda names). */
export interface GiStarResult {
  /** standardised Gi* per cell (esda `Zs`), cell order */
  z: Float64Array
  /** one-sided normal p-value 1 − Φ(|z|), as esda's `p_norm` */
  p_norm: Float64Array
  /** two-sided normal p-value 2·(1 − Φ(|z|)), as ArcGIS's GiPValue */
  p_two: Float64Array
  /** folded permutation pseudo p-value (esda's `p_sim`), present when permutations > 0; 1 for islands */
  p_sim?: Float64Array
}

/**
 * Gi* for every cell.
 * @param values  one value per cell (e.g. case counts), cell order; their sum must be non-zero
 * @param w       neighbours in Csr form, self excluded (the cell itself is added here)
 */
export function giStar(values: Float64Array, w: Csr, options: GiStarOptions = {}): GiStarResult {
  const n = values.length
  if (w.n !== n) throw new Error(`Weights cover ${w.n} cells but ${n} values were given.`)
  if (n < 2) throw new Error(`Gi* needs at least 2 cells; got ${n}.`)
  const { offsets, indices } = w
  let sum = 0
  let sumSq = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) throw new Error(`Value of cell ${i} is not finite: ${v}.`)
    sum += v
    sumSq += v * v
  }
  if (sum === 0) throw new Error('Gi* is undefined when the values sum to 0 (no cases in any cell).')
  const mean = sum / n
  const variance = sumSq / n - mean * mean
  // the factor of V[G] shared by all cells, in esda's order of operations
  const invN2 = 1 / (n * n)
  const spread = variance / (mean * mean)

  const z = new Float64Array(n)
  const p_norm = new Float64Array(n)
  const p_two = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let lag = values[i]
    const start = offsets[i]
    const end = offsets[i + 1]
    for (let e = start; e < end; e++) lag += values[indices[e]]
    const card = end - start + 1
    const g = lag / sum
    const eg = card / n
    const vg = ((card * (n - card)) / (n - 1)) * invN2 * spread
    const zi = (g - eg) / Math.sqrt(vg)
    z[i] = zi
    const tail = normalSf(Math.abs(zi))
    p_norm[i] = tail
    p_two[i] = Math.min(1, 2 * tail)
  }
  const result: GiStarResult = { z, p_norm, p_two }
  const permutations = options.permutations ?? 0
  if (permutations > 0) result.p_sim = giStarPseudoP(values, w, sum, permutations, options.seed ?? 0)
  return result
}

/**
 * Conditional randomisation: cell i keeps its own value and draws deg(i) others without replacement;
 * p_sim folds the count of draws whose Gi* is ≥ the observed one (esda's crand). Gi*_rand ≥ Gi*_obs
 * exactly when the drawn neighbour sum is ≥ the observed one (≤ when the values sum below 0).
 */
function giStarPseudoP(values: Float64Array, w: Csr, sum: number, permutations: number, seed: number): Float64Array {
  const n = values.length
  const { offsets, indices } = w
  let maxCard = 0
  for (let i = 0; i < n; i++) maxCard = Math.max(maxCard, offsets[i + 1] - offsets[i])
  const p_sim = new Float64Array(n).fill(1)
  if (maxCard === 0) return p_sim
  const draws = new ConditionalDraws(values, maxCard, permutations, seed)
  for (let i = 0; i < n; i++) {
    const k = offsets[i + 1] - offsets[i]
    // islands keep p_sim = 1: the statistic is the cell alone in every draw, so no evidence either way
    if (k === 0) continue
    let obs = 0
    for (let e = offsets[i]; e < offsets[i + 1]; e++) obs += values[indices[e]]
    p_sim[i] = foldedPseudoP(draws.count(i, k, obs, sum > 0), permutations)
  }
  return p_sim
}

/** Options of giBin. */
export interface GiBinOptions {
  /** apply the Benjamini–Hochberg false discovery rate correction, as ArcGIS's FDR option (default false) */
  fdr?: boolean
  /** significance levels of bins ±1, ±2, ±3 (default [0.10, 0.05, 0.01]: 90, 95, 99 % confidence) */
  alpha?: readonly [number, number, number]
}

/** ArcGIS's confidence levels for Gi_Bin ±1, ±2, ±3. */
export const GI_BIN_ALPHA: readonly [number, number, number] = [0.1, 0.05, 0.01]

/**
 * ArcGIS's Gi_Bin: +3/+2/+1 hot spot at 99/95/90 % confidence, −3/−2/−1 cold spot, 0 not
 * significant. A cell is in bin ±b when its two-sided p ≤ alpha[b − 1] (highest b that holds), sign
 * from z. With `fdr`, each level's threshold is instead the Benjamini–Hochberg critical p-value
 * at that level over all cells, so fewer cells pass.
 * @param z  z-scores, cell order
 * @param p  two-sided p-values (GiStarResult.p_two), cell order
 */
export function giBin(z: ArrayLike<number>, p: ArrayLike<number>, options: GiBinOptions = {}): Int8Array {
  const n = z.length
  if (p.length !== n) throw new Error(`z and p differ in length: ${n} vs ${p.length}.`)
  const alpha = options.alpha ?? GI_BIN_ALPHA
  if (!(alpha[0] >= alpha[1] && alpha[1] >= alpha[2])) throw new Error(`alpha must be decreasing (bins 1, 2, 3); got ${alpha.join(', ')}.`)
  let cut: number[] = [alpha[0], alpha[1], alpha[2]]
  if (options.fdr) {
    const sorted = sortedFinite(p)
    cut = cut.map((a) => bhCriticalPSorted(sorted, a))
  }
  const bins = new Int8Array(n)
  for (let i = 0; i < n; i++) {
    const pi = p[i]
    const zi = z[i]
    if (!(pi <= cut[0]) || zi === 0 || Number.isNaN(zi)) continue
    const level = pi <= cut[2] ? 3 : pi <= cut[1] ? 2 : 1
    bins[i] = zi > 0 ? level : -level
  }
  return bins
}
