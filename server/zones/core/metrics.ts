/**
 * Metrics of any assignment of cells to zones — the current responsibility grids or a proposed
 * plan — so that both are judged by the same yardstick.
 */
import { cellGeometry, inertiaCompactness, polsbyPopper, type CellGeometry } from './geometry'
import { pieces } from './graph'
import type { ZoningInput, ZoningMetrics } from './types'

/**
 * Coefficient of variation of zone workloads: population standard deviation / mean (divide by K,
 * not K − 1), the definition behind spopt users' figures (`np.std(sums) / np.mean(sums)`).
 * 0 for a single zone; NaN when the mean is 0.
 */
export function coefficientOfVariation(values: ArrayLike<number>): number {
  const k = values.length
  if (!k) return NaN
  let mean = 0
  for (let z = 0; z < k; z++) mean += values[z]
  mean /= k
  let ss = 0
  for (let z = 0; z < k; z++) ss += (values[z] - mean) ** 2
  return Math.sqrt(ss / k) / mean
}

/** Heaviest / lightest value (Infinity when the lightest is 0 and the heaviest is not). */
export function maxOverMin(values: ArrayLike<number>): number {
  let lo = Infinity
  let hi = -Infinity
  for (let z = 0; z < values.length; z++) {
    lo = Math.min(lo, values[z])
    hi = Math.max(hi, values[z])
  }
  if (hi === 0) return 1
  return lo > 0 ? hi / lo : Infinity
}

/**
 * Workload, balance, contiguity, compactness, diameter, similarity and cluster splits of a zoning.
 * @param input     the cells (see `ZoningInput`); `current` and `clusters` enable the last two figures
 * @param zone      zone id per cell (0 … K − 1; negative ids are left out of every figure)
 * @param K         number of zones; defaults to max(zone) + 1
 * @param geometry  precomputed `cellGeometry(input)`, to skip recomputing it
 */
export function zoningMetrics(input: ZoningInput, zone: Int32Array, K?: number, geometry?: CellGeometry): ZoningMetrics {
  const { n, adjacency } = input
  let k = K ?? 0
  if (K === undefined) for (let i = 0; i < n; i++) k = Math.max(k, zone[i] + 1)
  const geo = geometry ?? cellGeometry(input)

  const workload = new Float64Array(k)
  const cells = new Int32Array(k)
  const sa = new Float64Array(k)
  const sx = new Float64Array(k)
  const sy = new Float64Array(k)
  const sq = new Float64Array(k)
  const perimeter = new Float64Array(k)
  const members: number[][] = Array.from({ length: k }, () => [])
  for (let i = 0; i < n; i++) {
    const z = zone[i]
    if (z < 0 || z >= k) continue
    const a = geo.area[i]
    workload[z] += input.workload[i]
    cells[z]++
    sa[z] += a
    sx[z] += a * geo.x[i]
    sy[z] += a * geo.y[i]
    sq[z] += a * (geo.x[i] ** 2 + geo.y[i] ** 2) + geo.selfInertia[i]
    members[z].push(i)
    if (geo.measure === 'polsby-popper') {
      perimeter[z] += geo.exterior[i]
      for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
        if (zone[adjacency.indices[e]] !== z) perimeter[z] += geo.edgeLength[e]
      }
    }
  }

  const compactness = new Float64Array(k)
  for (let z = 0; z < k; z++) {
    compactness[z] = geo.measure === 'polsby-popper' ? polsbyPopper(sa[z], perimeter[z]) : inertiaCompactness(sa[z], sx[z], sy[z], sq[z])
  }

  const parts = pieces(adjacency, Int32Array.from(zone, (z) => (z >= 0 && z < k ? z : -1)))
  const pieceCount = new Int32Array(k)
  for (let p = 0; p < parts.count; p++) pieceCount[parts.key[p]]++
  const contiguous = Array.from(pieceCount, (c) => c === 1)

  const diameter = new Float64Array(k)
  for (let z = 0; z < k; z++) diameter[z] = diameterOf(members[z], input.x, input.y)

  let cellsMoved: number | null = null
  if (input.current) {
    cellsMoved = 0
    for (let i = 0; i < n; i++) if (zone[i] !== input.current[i]) cellsMoved++
  }

  let clustersSplit: number | null = null
  if (input.clusters) {
    const zonesOf = new Map<number, Set<number>>()
    for (let i = 0; i < n; i++) {
      const c = input.clusters[i]
      if (c < 0) continue
      let s = zonesOf.get(c)
      if (!s) zonesOf.set(c, (s = new Set()))
      s.add(zone[i])
    }
    clustersSplit = 0
    for (const s of zonesOf.values()) if (s.size > 1) clustersSplit++
  }

  return {
    K: k,
    workload,
    cells,
    cv: coefficientOfVariation(workload),
    maxOverMin: maxOverMin(workload),
    contiguous,
    pieces: pieceCount,
    compactness,
    compactnessMeasure: geo.measure,
    diameter,
    cellsMoved,
    clustersSplit,
  }
}

/** Largest centroid-to-centroid distance among `cells`, metres (0 for fewer than two cells). */
export function diameterOf(cells: ArrayLike<number>, x: Float64Array, y: Float64Array): number {
  let best = 0
  for (let a = 0; a < cells.length; a++) {
    const i = cells[a]
    for (let b = a + 1; b < cells.length; b++) {
      const j = cells[b]
      const d = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
      if (d > best) best = d
    }
  }
  return Math.sqrt(best)
}
