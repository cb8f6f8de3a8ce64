/**
 * Space-time Getis-Ord Gi* for every bin of a cube, as ArcGIS Emerging Hot Spot Analysis defines it.
 *
 * The neighbourhood of bin (cell i, step s) is every bin (j, s′) with j = i or j a spatial
 * neighbour of i, and s − k ≤ s′ ≤ s (k = time step interval; earlier steps only, so a bin never
 * looks into its future). Weights are binary and the bin itself is included (the "star").
 * Following ArcGIS (and Getis & Ord 1992; Ord & Getis 1995), the mean X̄ and standard deviation S
 * are global over the whole cube — all n = cells × steps bins — not per time slice, so a quiet
 * month reads as cold everywhere rather than being rescaled away:
 *
 *   Gi* = (Σ w·x − X̄·Σ w) / (S · √((n·Σ w² − (Σ w)²) / (n − 1))),   S = √(Σ x²/n − X̄²)
 *
 * With binary weights Σ w = Σ w² = W, the number of bins in the neighbourhood (fewer at the
 * start of the cube, where s − k < 0, and for cells next to masked-out cells).
 */
import type { Csr } from '../../shared/csr'
import type { CubeCounts } from './cube'
import { bhCriticalPSorted, sortedFinite } from '../../hotspots/core/fdr'
import { pNormTwoSided } from '../../hotspots/core/normal'

/** Options of {@link spaceTimeGiStar}. */
export interface SpaceTimeGiOptions {
  /** k, the number of earlier time steps in each neighbourhood; default 1 (ArcGIS's default) */
  timeStepInterval?: number
  /**
   * Benjamini–Hochberg correction of the confidence bins, applied per time step (one slice's cells
   * form one family of tests); default false. `z` and `p` are never altered, only `bin`.
   */
  fdr?: boolean
  /**
   * 1 for cells inside the study area, 0 for cells left out (lakes, cells outside the district):
   * they are excluded from the global mean, the standard deviation and every neighbourhood, and
   * get z = p = NaN. Default: every cell is in.
   */
  mask?: Uint8Array
}

/** Space-time Gi* per bin, same layout as the cube: `[step * nCells + cell]`. */
export interface SpaceTimeGi {
  nCells: number
  nSteps: number
  /** Gi* z-score per bin (NaN for masked-out cells) */
  z: Float64Array
  /** two-sided analytical p-value 2·Q(|z|) per bin (esda's `p_norm` is the one-sided Q(|z|)) */
  p: Float64Array
  /**
   * confidence bin as ArcGIS's Gi_Bin: ±3 at 99 %, ±2 at 95 %, ±1 at 90 %, 0 not significant;
   * sign + for hot, − for cold; FDR-corrected per time step when `fdr` is set
   */
  bin: Int8Array
  /** global mean over the included bins, cases per bin */
  mean: number
  /** global standard deviation (population form, divides by n), cases per bin */
  std: number
  /** number of bins entering the global statistics (included cells × steps) */
  n: number
  /** k used */
  timeStepInterval: number
  /** whether `bin` is FDR-corrected */
  fdr: boolean
}

/** Significance levels of the confidence bins, most confident first. */
export const BIN_ALPHAS = [0.01, 0.05, 0.1] as const

/**
 * Space-time Gi* over a cube.
 * @param cube  counts per (step, cell), row-major by step
 * @param w     spatial neighbours of each cell (any Csr: queen, k nearest, distance band), self excluded
 * @returns z, two-sided p and confidence bin per bin, `[step * nCells + cell]`
 */
export function spaceTimeGiStar(cube: CubeCounts, w: Csr, options: SpaceTimeGiOptions = {}): SpaceTimeGi {
  const { nCells, nSteps, counts } = cube
  const k = options.timeStepInterval ?? 1
  const fdr = options.fdr ?? false
  if (w.n !== nCells) throw new RangeError(`Unexpected neighbour list size: ${w.n} items for a cube of ${nCells} cells.`)
  if (counts.length !== nCells * nSteps) throw new RangeError(`Unexpected counts length: ${counts.length}; expected ${nCells} cells × ${nSteps} steps.`)
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`Unexpected timeStepInterval value: ${k}; expected a whole number ≥ 0.`)
  const mask = options.mask
  if (mask && mask.length !== nCells) throw new RangeError(`Unexpected mask length: ${mask.length}; expected ${nCells}.`)
  const inside = (i: number) => !mask || mask[i] !== 0

  // Global moments over the included bins.
  let nIn = 0
  for (let i = 0; i < nCells; i++) if (inside(i)) nIn++
  const n = nIn * nSteps
  let sum = 0
  let sumSq = 0
  for (let s = 0; s < nSteps; s++) {
    const row = s * nCells
    for (let i = 0; i < nCells; i++) {
      if (!inside(i)) continue
      const x = counts[row + i]
      sum += x
      sumSq += x * x
    }
  }
  const mean = n > 0 ? sum / n : NaN
  const std = n > 0 ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : NaN

  // Spatial neighbourhood size (self included) of each cell.
  const size = new Float64Array(nCells)
  for (let i = 0; i < nCells; i++) {
    if (!inside(i)) continue
    let c = 1
    for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) if (inside(w.indices[e])) c++
    size[i] = c
  }

  // Running sums over time of the spatial neighbourhood sums: acc[s] = Σ_{s' ≤ s} spatial[s'].
  const acc = new Float64Array(nCells * nSteps)
  for (let s = 0; s < nSteps; s++) {
    const row = s * nCells
    const prev = row - nCells
    for (let i = 0; i < nCells; i++) {
      if (!inside(i)) continue
      let v = counts[row + i]
      for (let e = w.offsets[i]; e < w.offsets[i + 1]; e++) {
        const j = w.indices[e]
        if (inside(j)) v += counts[row + j]
      }
      acc[row + i] = s > 0 ? acc[prev + i] + v : v
    }
  }

  const z = new Float64Array(nCells * nSteps)
  const p = new Float64Array(nCells * nSteps)
  const bin = new Int8Array(nCells * nSteps)
  const flat = !(std > 0) // a constant cube has no hot or cold spots
  for (let s = 0; s < nSteps; s++) {
    const row = s * nCells
    const back = s - k - 1 // last step outside the window
    const stepsIn = Math.min(s, k) + 1
    for (let i = 0; i < nCells; i++) {
      if (!inside(i)) {
        z[row + i] = NaN
        p[row + i] = NaN
        continue
      }
      const local = back >= 0 ? acc[row + i] - acc[back * nCells + i] : acc[row + i]
      const W = size[i] * stepsIn
      const den = std * Math.sqrt((n * W - W * W) / (n - 1))
      const zi = flat || !(den > 0) ? 0 : (local - mean * W) / den
      z[row + i] = zi
      p[row + i] = pNormTwoSided(zi)
    }
    assignBins(z, p, bin, row, row + nCells, fdr)
  }
  return { nCells, nSteps, z, p, bin, mean, std, n, timeStepInterval: k, fdr }
}

// Confidence bins for bins [from, to): plain thresholds, or BH cut-offs over that slice.
function assignBins(z: Float64Array, p: Float64Array, bin: Int8Array, from: number, to: number, fdr: boolean): void {
  let cut: number[] | null = null
  if (fdr) {
    const sorted = sortedFinite(p.subarray(from, to))
    cut = BIN_ALPHAS.map((alpha) => bhCriticalPSorted(sorted, alpha))
  }
  for (let b = from; b < to; b++) {
    const pb = p[b]
    if (!(pb < 1) || z[b] === 0) continue
    let level = 0
    for (let l = 0; l < BIN_ALPHAS.length; l++) {
      const ok = cut ? pb <= cut[l] : pb < BIN_ALPHAS[l]
      if (ok) {
        level = BIN_ALPHAS.length - l
        break
      }
    }
    bin[b] = z[b] > 0 ? level : -level
  }
}
