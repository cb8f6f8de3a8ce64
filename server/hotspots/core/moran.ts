/**
 * Moran's I, global and local, with row-standardised weights (w_ij = 1/|N(i)|), as esda's `Moran`
 * and `Moran_Local` with their default transformation 'r'. Islands get an all-zero row, as
 * libpysal leaves them.
 */
import type { Csr } from '../../shared/csr'
import { ConditionalDraws, DEFAULT_PERMUTATIONS, foldedPseudoP } from './crand'
import { normalSf } from './normal'

/** Global Moran's I under the normality assumption (esda `Moran`: I, EI, VI_norm, z_norm, p_norm). */
export interface GlobalMoranResult {
  I: number
  /** expected I under no autocorrelation, −1/(n − 1) */
  EI: number
  /** variance of I under normality */
  VI_norm: number
  z_norm: number
  /** two-sided normal p-value, 2·(1 − Φ(|z_norm|)) (esda's default two_tailed=True) */
  p_norm: number
}

/** Sums of row-standardised weights used by the moments of I (libpysal's s0, s1, s2). */
export interface WeightSums {
  /** Σ_ij w_ij (the number of non-island rows) */
  s0: number
  /** ½ Σ_ij (w_ij + w_ji)² */
  s1: number
  /** Σ_i (Σ_j w_ij + Σ_j w_ji)² */
  s2: number
}

/** True when j is in the sorted neighbour row of i. */
function hasNeighbour(w: Csr, i: number, j: number): boolean {
  let lo = w.offsets[i]
  let hi = w.offsets[i + 1] - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = w.indices[mid]
    if (v === j) return true
    if (v < j) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

/** s0, s1, s2 of the row-standardised version of `w` (which may be asymmetric, e.g. kNN). */
export function rowStandardisedSums(w: Csr): WeightSums {
  const { n, offsets, indices } = w
  const inv = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const k = offsets[i + 1] - offsets[i]
    inv[i] = k > 0 ? 1 / k : 0
  }
  const colSum = new Float64Array(n)
  let s0 = 0
  let ordered = 0 // Σ over ordered pairs of (w_ij + w_ji)²
  for (let i = 0; i < n; i++) {
    const wi = inv[i]
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e]
      s0 += wi
      colSum[j] += wi
      if (hasNeighbour(w, j, i)) {
        const t = wi + inv[j]
        ordered += t * t // the (j, i) term is added from row j
      } else {
        ordered += 2 * wi * wi // (i, j) and (j, i) both equal w_ij²
      }
    }
  }
  let s2 = 0
  for (let i = 0; i < n; i++) {
    const rowSum = offsets[i + 1] > offsets[i] ? 1 : 0
    const t = rowSum + colSum[i]
    s2 += t * t
  }
  return { s0, s1: ordered / 2, s2 }
}

/** Deviations from the mean. */
function centred(values: Float64Array): { z: Float64Array; mean: number } {
  const n = values.length
  let sum = 0
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`Value of cell ${i} is not finite: ${values[i]}.`)
    sum += values[i]
  }
  const mean = sum / n
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) z[i] = values[i] - mean
  return { z, mean }
}

/** Spatial lag Σ_j w_ij x_j with row-standardised w: the mean of the neighbours' x (0 for islands). */
function rowStandardisedLag(w: Csr, x: Float64Array): Float64Array {
  const { n, offsets, indices } = w
  const lag = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = offsets[i]
    const e = offsets[i + 1]
    if (e === s) continue
    let acc = 0
    for (let p = s; p < e; p++) acc += x[indices[p]]
    lag[i] = acc / (e - s)
  }
  return lag
}

/** Moments and z of I from the statistic and the weight sums (esda's normal approximation). */
export function moranNormal(I: number, n: number, sums: WeightSums): GlobalMoranResult {
  const { s0, s1, s2 } = sums
  const EI = -1 / (n - 1)
  const n2 = n * n
  const s02 = s0 * s0
  const vNum = n2 * s1 - n * s2 + 3 * s02
  const vDen = (n - 1) * (n + 1) * s02
  const VI_norm = vNum / vDen - (1 / (n - 1)) ** 2
  const z_norm = (I - EI) / Math.sqrt(VI_norm)
  return { I, EI, VI_norm, z_norm, p_norm: Math.min(1, 2 * normalSf(Math.abs(z_norm))) }
}

/**
 * Global Moran's I with row-standardised weights.
 * @param values  one value per cell, cell order (not all equal)
 * @param w       binary neighbours, self excluded (row-standardised here)
 */
export function globalMoran(values: Float64Array, w: Csr): GlobalMoranResult {
  const n = values.length
  if (w.n !== n) throw new Error(`Weights cover ${w.n} cells but ${n} values were given.`)
  if (n < 3) throw new Error(`Moran's I needs at least 3 cells; got ${n}.`)
  const { z } = centred(values)
  let z2ss = 0
  for (let i = 0; i < n; i++) z2ss += z[i] * z[i]
  if (z2ss === 0) throw new Error("Moran's I is undefined when every cell has the same value.")
  const lag = rowStandardisedLag(w, z)
  let inum = 0
  for (let i = 0; i < n; i++) inum += z[i] * lag[i]
  const sums = rowStandardisedSums(w)
  const I = ((n / sums.s0) * inum) / z2ss
  return moranNormal(I, n, sums)
}

/** Options of localMoran. */
export interface LocalMoranOptions {
  /** permutations for `p_sim` and `z_sim` (default 999, as esda; 0 skips them) */
  permutations?: number
  /** PRNG seed (default 0) */
  seed?: number
}

/** Local Moran quadrants, esda's numbering. */
export const QUADRANT = { HH: 1, LH: 2, LL: 3, HL: 4 } as const

/** Local Moran per cell, cell order (esda names). */
export interface LocalMoranResult {
  /** local Moran's I per cell: (n − 1)·z_i·lag(z)_i / Σz², z standardised by the population SD */
  Is: Float64Array
  /** quadrant: 1 HH (high among high), 2 LH, 3 LL, 4 HL (esda's default numbering) */
  q: Uint8Array
  /** folded permutation pseudo p-value; 1 for islands (nothing to permute) */
  p_sim?: Float64Array
  /** (Is − mean of permuted Is) / their SD */
  z_sim?: Float64Array
}

/**
 * Local Moran's I (LISA) for every cell, as esda's `Moran_Local` (row-standardised weights).
 * @param values  one value per cell, cell order (not all equal)
 * @param w       binary neighbours, self excluded (row-standardised here)
 */
export function localMoran(values: Float64Array, w: Csr, options: LocalMoranOptions = {}): LocalMoranResult {
  const n = values.length
  if (w.n !== n) throw new Error(`Weights cover ${w.n} cells but ${n} values were given.`)
  if (n < 3) throw new Error(`Local Moran needs at least 3 cells; got ${n}.`)
  const { z } = centred(values)
  let ss = 0
  for (let i = 0; i < n; i++) ss += z[i] * z[i]
  const sd = Math.sqrt(ss / n)
  if (sd === 0) throw new Error('Local Moran is undefined when every cell has the same value.')
  for (let i = 0; i < n; i++) z[i] /= sd
  let den = 0
  for (let i = 0; i < n; i++) den += z[i] * z[i]
  const lag = rowStandardisedLag(w, z)
  const Is = new Float64Array(n)
  const q = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    Is[i] = ((n - 1) * z[i] * lag[i]) / den
    const hi = z[i] > 0
    const lagHi = lag[i] > 0
    q[i] = hi ? (lagHi ? QUADRANT.HH : QUADRANT.HL) : lagHi ? QUADRANT.LH : QUADRANT.LL
  }
  const result: LocalMoranResult = { Is, q }
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  if (permutations > 0) Object.assign(result, localMoranPermutations(values, z, w, Is, (n - 1) / den, permutations, options.seed ?? 0))
  return result
}

/**
 * Conditional randomisation for local Moran (esda's crand): cell i keeps z_i and draws deg(i)
 * other cells. A draw is "at least as extreme" when z_i·(Σ y_drawn − Σ y_neighbours) ≥ 0, the same
 * test as comparing the two local I values but on the raw values, so ties between integer counts
 * are decided exactly instead of by rounding in the standardised values. The permuted local I are
 * c·(Σ y_drawn − k·ȳ) with c = z_i·scaling/(k·sd), so their mean and SD follow from the moments of
 * the drawn sums.
 */
function localMoranPermutations(
  values: Float64Array,
  z: Float64Array,
  w: Csr,
  Is: Float64Array,
  scaling: number,
  permutations: number,
  seed: number,
): { p_sim: Float64Array; z_sim: Float64Array } {
  const n = values.length
  const { offsets, indices } = w
  let mean = 0
  let ss = 0
  for (let i = 0; i < n; i++) mean += values[i]
  mean /= n
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2
  const sd = Math.sqrt(ss / n)
  let maxCard = 0
  for (let i = 0; i < n; i++) maxCard = Math.max(maxCard, offsets[i + 1] - offsets[i])
  const p_sim = new Float64Array(n).fill(1)
  const z_sim = new Float64Array(n).fill(NaN)
  if (maxCard === 0) return { p_sim, z_sim }
  const draws = new ConditionalDraws(values, maxCard, permutations, seed)
  for (let i = 0; i < n; i++) {
    const k = offsets[i + 1] - offsets[i]
    // islands keep p_sim = 1 and z_sim = NaN: nothing to permute
    if (k === 0) continue
    let obsY = 0
    for (let e = offsets[i]; e < offsets[i + 1]; e++) obsY += values[indices[e]]
    const zi = z[i]
    const larger = zi === 0 ? permutations : draws.count(i, k, obsY, zi > 0)
    p_sim[i] = foldedPseudoP(larger, permutations)
    draws.moments(i, k)
    const c = (zi * scaling) / (k * sd)
    const statMean = c * (draws.mean - k * mean)
    const statSd = Math.abs(c) * Math.sqrt(Math.max(0, draws.meanSq - draws.mean * draws.mean))
    z_sim[i] = (Is[i] - statMean) / statSd
  }
  return { p_sim, z_sim }
}
