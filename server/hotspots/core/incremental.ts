/**
 * Incremental spatial autocorrelation for the optimized hot spot scale search, after ArcGIS's
 * Incremental Spatial Autocorrelation + Optimized Hot Spot Analysis: global Moran's I (binary
 * distance bands, row-standardised, as esda `Moran`) at a series of distances, then a choice of one
 * distance with the rule that picked it spelled out for the run's report.
 *
 * All bands are computed in one sweep over the point pairs within the largest distance: a first pass
 * counts each point's neighbours per band, a second accumulates lags and weight sums for every band
 * a pair belongs to, so no per-band weights are materialised.
 */
import KDBush from 'kdbush'
import { kthNeighbourDistances } from './knn'
import { moranNormal, type GlobalMoranResult } from './moran'

/** ArcGIS's default number of distance bands. */
export const DEFAULT_BAND_COUNT = 10
/** Features whose nearest-neighbour distance exceeds mean + this many SDs are locational outliers. */
const OUTLIER_SDS = 3

/** Global Moran's I at one distance band, with the band's neighbour counts. */
export interface IncrementalBand extends GlobalMoranResult {
  /** band radius, metres (neighbours at distance ≤ it) */
  distance: number
  minNeighbours: number
  meanNeighbours: number
  /** cells with no neighbour in this band */
  islands: number
}

/**
 * Moran's I and its normal z at every distance of `distances` (ascending, metres), with binary
 * distance-band weights (d ≤ distance) row-standardised per band.
 * @param x, y    cell centres or points, metres
 * @param values  one value per point (e.g. case counts)
 */
export function incrementalMoran(x: Float64Array, y: Float64Array, values: Float64Array, distances: readonly number[]): IncrementalBand[] {
  const n = values.length
  if (x.length !== n || y.length !== n) throw new Error(`x, y and values differ in length: ${x.length}, ${y.length}, ${n}.`)
  if (n < 3) throw new Error(`Incremental Moran needs at least 3 points; got ${n}.`)
  const nb = distances.length
  if (nb === 0) throw new Error('No distance bands given.')
  for (let b = 0; b < nb; b++) {
    if (!(distances[b] > 0) || !Number.isFinite(distances[b])) throw new Error(`Unexpected distance value: ${distances[b]}.`)
    if (b > 0 && !(distances[b] > distances[b - 1])) throw new Error(`Distances must increase; got ${distances[b - 1]} then ${distances[b]}.`)
  }
  const r2 = distances.map((d) => d * d)
  const dMax = distances[nb - 1]

  let mean = 0
  for (let i = 0; i < n; i++) mean += values[i]
  mean /= n
  const z = new Float64Array(n)
  let z2ss = 0
  for (let i = 0; i < n; i++) {
    z[i] = values[i] - mean
    z2ss += z[i] * z[i]
  }
  if (z2ss === 0) throw new Error("Moran's I is undefined when every value is the same.")

  const index = new KDBush(n)
  for (let i = 0; i < n; i++) index.add(x[i], y[i])
  index.finish()
  /** first band containing a pair at squared distance d2 */
  const bandOf = (d2: number): number => {
    let b = 0
    while (r2[b] < d2) b++
    return b
  }

  // pass 1: neighbours per band, cumulated so count[i·nb + b] = |N_b(i)|
  const count = new Uint32Array(n * nb)
  for (let i = 0; i < n; i++) {
    for (const j of index.within(x[i], y[i], dMax)) {
      if (j === i) continue
      const dx = x[j] - x[i]
      const dy = y[j] - y[i]
      count[i * nb + bandOf(dx * dx + dy * dy)]++
    }
    for (let b = 1; b < nb; b++) count[i * nb + b] += count[i * nb + b - 1]
  }

  // pass 2: per band, lag of z and column sums of the row-standardised weights (symmetric bands:
  // the column sum of i is Σ_{j∈N(i)} 1/|N(j)|); s1 over ordered pairs (i, j) is Σ (1/|N(i)| + 1/|N(j)|)²
  const lagZ = new Float64Array(n * nb)
  const colSum = new Float64Array(n * nb)
  const s1Ordered = new Float64Array(nb)
  for (let i = 0; i < n; i++) {
    const ri = i * nb
    for (const j of index.within(x[i], y[i], dMax)) {
      if (j === i) continue
      const dx = x[j] - x[i]
      const dy = y[j] - y[i]
      const rj = j * nb
      const zj = z[j]
      for (let b = bandOf(dx * dx + dy * dy); b < nb; b++) {
        const wi = 1 / count[ri + b]
        const wj = 1 / count[rj + b]
        lagZ[ri + b] += zj
        colSum[ri + b] += wj
        s1Ordered[b] += (wi + wj) * (wi + wj)
      }
    }
  }

  const bands: IncrementalBand[] = []
  for (let b = 0; b < nb; b++) {
    let s0 = 0
    let s2 = 0
    let inum = 0
    let minK = Infinity
    let sumK = 0
    let islands = 0
    for (let i = 0; i < n; i++) {
      const k = count[i * nb + b]
      sumK += k
      if (k < minK) minK = k
      const rowSum = k > 0 ? 1 : 0
      if (k === 0) islands++
      else inum += z[i] * (lagZ[i * nb + b] / k)
      s0 += rowSum
      const t = rowSum + colSum[i * nb + b]
      s2 += t * t
    }
    const I = ((n / s0) * inum) / z2ss
    const m = moranNormal(I, n, { s0, s1: s1Ordered[b] / 2, s2 })
    bands.push({ distance: distances[b], ...m, minNeighbours: minK, meanNeighbours: sumK / n, islands })
  }
  return bands
}

/** Candidate distances and how they were derived. */
export interface DefaultBands {
  /** first band: every non-outlier point has ≥ 1 neighbour, metres */
  start: number
  /** step between bands, metres */
  increment: number
  distances: number[]
  /** points left out of the start distance as locational outliers */
  outliers: number[]
  reason: string
}

/**
 * ArcGIS-style default bands: start at the smallest distance giving every point a neighbour
 * (ignoring locational outliers, points whose nearest-neighbour distance exceeds the mean by more
 * than 3 SD), step by the mean nearest-neighbour distance of the other points, `count` bands.
 */
export function defaultBands(x: Float64Array, y: Float64Array, count = DEFAULT_BAND_COUNT): DefaultBands {
  const n = x.length
  if (n < 2) throw new Error(`Need at least 2 points for distance bands; got ${n}.`)
  if (!Number.isInteger(count) || count < 1) throw new Error(`Unexpected count value: ${count}.`)
  const nn = kthNeighbourDistances(x, y, 1)
  let mean = 0
  for (let i = 0; i < n; i++) mean += nn[i]
  mean /= n
  let v = 0
  for (let i = 0; i < n; i++) v += (nn[i] - mean) ** 2
  const cut = mean + OUTLIER_SDS * Math.sqrt(v / n)
  const outliers: number[] = []
  let start = 0
  let sum = 0
  for (let i = 0; i < n; i++) {
    if (nn[i] > cut) outliers.push(i)
    else {
      if (nn[i] > start) start = nn[i]
      sum += nn[i]
    }
  }
  let increment = sum / (n - outliers.length)
  if (!(increment > 0)) increment = start > 0 ? start : 1 // all points coincide: any positive step
  if (!(start > 0)) start = increment
  const distances = Array.from({ length: count }, (_, b) => start + b * increment)
  const outlierNote = outliers.length > 0 ? ` (${outliers.length} locational outlier(s) beyond mean + ${OUTLIER_SDS} SD of nearest-neighbour distance ignored)` : ''
  const reason =
    `start ${round(start)} m: smallest band giving every point a neighbour${outlierNote}; ` +
    `increment ${round(increment)} m: mean nearest-neighbour distance; ${count} bands`
  return { start, increment, distances, outliers, reason }
}

/**
 * Fallback scale when no band shows significant clustering: the mean distance to each point's k-th
 * nearest neighbour (k = 8 by default, the ring of cells around a unit cell), metres.
 */
export function fallbackDistance(x: Float64Array, y: Float64Array, k = 8): number {
  const d = kthNeighbourDistances(x, y, Math.min(k, x.length - 1))
  let s = 0
  for (let i = 0; i < d.length; i++) s += d[i]
  return s / d.length
}

/** The distance chosen for the hot spot analysis and the rule that chose it. */
export interface ScaleChoice {
  distance: number
  rule: 'first-peak' | 'max-z' | 'fallback'
  /** index into the bands, −1 for the fallback */
  band: number
  /** one sentence for the "every choice it made and why" report */
  reason: string
}

/** Options of chooseScale. */
export interface ChooseScaleOptions {
  /** distance to use when no band is significant, metres (see fallbackDistance) */
  fallbackDistance: number
  /** a band counts only if its two-sided p_norm ≤ alpha (default 0.05) */
  alpha?: number
}

/**
 * Picks the analysis distance from incremental Moran bands: the first peak of z (a significant band
 * whose z exceeds both neighbours' z), else the significant band with the largest z, else the fallback.
 */
export function chooseScale(bands: readonly IncrementalBand[], options: ChooseScaleOptions): ScaleChoice {
  const alpha = options.alpha ?? 0.05
  if (!(options.fallbackDistance > 0)) throw new Error(`Unexpected fallbackDistance value: ${options.fallbackDistance}.`)
  const significant = (b: IncrementalBand) => b.p_norm <= alpha && b.z_norm > 0
  for (let b = 1; b < bands.length - 1; b++) {
    const band = bands[b]
    if (significant(band) && band.z_norm > bands[b - 1].z_norm && band.z_norm > bands[b + 1].z_norm) {
      return {
        distance: band.distance,
        rule: 'first-peak',
        band: b,
        reason: `first peak of clustering z at ${round(band.distance)} m (z = ${band.z_norm.toFixed(2)}, between ${bands[b - 1].z_norm.toFixed(2)} and ${bands[b + 1].z_norm.toFixed(2)})`,
      }
    }
  }
  let best = -1
  for (let b = 0; b < bands.length; b++) {
    if (significant(bands[b]) && (best < 0 || bands[b].z_norm > bands[best].z_norm)) best = b
  }
  if (best >= 0) {
    const band = bands[best]
    return {
      distance: band.distance,
      rule: 'max-z',
      band: best,
      reason: `no peak in z over ${bands.length} bands; using the band with the largest significant z, ${round(band.distance)} m (z = ${band.z_norm.toFixed(2)})`,
    }
  }
  return {
    distance: options.fallbackDistance,
    rule: 'fallback',
    band: -1,
    reason: `no band shows significant clustering (p ≤ ${alpha}); using the fallback distance ${round(options.fallbackDistance)} m`,
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}
