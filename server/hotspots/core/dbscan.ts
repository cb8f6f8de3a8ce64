/**
 * DBSCAN (Ester et al. 1996) over planar points, with the same answers as scikit-learn's
 * `DBSCAN(eps, min_samples)`: a point is core when at least `minPts` points (itself included) lie
 * within distance ≤ eps. PostGIS `ST_ClusterDBSCAN(geom, eps, minpoints)` uses the same rule and
 * finds the same core points, clusters and noise; only a border point within reach of two clusters
 * may land in the other one there (PostGIS leaves that choice open).
 *
 * Why a grid and not kdbush range queries: with cells of side eps/√2 every pair of points in a
 * cell is within eps, so a cell holding ≥ minPts points makes all of them core without a single
 * distance, its core points join one cluster at once, and two neighbouring cells join as soon as
 * one close pair of core points is found. The work is then about linear in n even in dense
 * centres, where a per-point radius query (kdbush `withinInto`) visits every neighbour of every
 * point (hundreds to thousands each at city densities). test/bench/dbscan.bench.ts measures both.
 */
import { buildCellGrid, cellMaxDist2, cellMinDist2, cellNeighbours } from './dbscan-grid'
import { numberClusters, UnionFind } from './dbscan-union-find'

/** Result of a density clustering, point order. */
export interface DbscanResult {
  /** cluster per point: -1 noise, else 0..clusters-1, numbered by the smallest core point id of each cluster */
  labels: Int32Array
  /** 1 where the point is a core point */
  core: Uint8Array
  /** number of clusters */
  clusters: number
}

/**
 * Density-based clusters of planar points.
 *
 * Border points (non-core points within eps of a core point) join the cluster with the smallest
 * number among those they touch, as scikit-learn's expansion order does.
 * @param x  easting per point, metres (any metric CRS)
 * @param y  northing per point, metres
 * @param eps  neighbourhood radius, metres (inclusive: distance ≤ eps)
 * @param minPts  points within eps, the point itself included, for a core point (≥ 1)
 */
export function dbscan(x: Float64Array, y: Float64Array, eps: number, minPts: number): DbscanResult {
  checkParameters(eps, minPts)
  const n = x.length
  const grid = buildCellGrid(x, y, eps / Math.SQRT2)
  const nb = cellNeighbours(grid, eps)
  const { cellCount, start, px, py, order, bbox } = grid
  const eps2 = eps * eps

  // a cell is compact when the box of its points has a diagonal ≤ eps: every pair inside is then
  // within eps. Cells of side eps/√2 always are, unless rounding puts a point on the wrong side.
  const compact = new Uint8Array(cellCount)
  for (let c = 0; c < cellCount; c++) {
    const dx = bbox[4 * c + 2] - bbox[4 * c]
    const dy = bbox[4 * c + 3] - bbox[4 * c + 1]
    compact[c] = dx * dx + dy * dy <= eps2 ? 1 : 0
  }

  // 1. core points (flags by sorted position)
  const coreS = new Uint8Array(n)
  for (let c = 0; c < cellCount; c++) {
    const s0 = start[c]
    const s1 = start[c + 1]
    if (compact[c] && s1 - s0 >= minPts) {
      coreS.fill(1, s0, s1)
      continue
    }
    for (let s = s0; s < s1; s++) {
      const xs = px[s]
      const ys = py[s]
      let count = 0
      if (compact[c]) count = s1 - s0
      else for (let t = s0; t < s1; t++) if (dist2(xs, ys, px[t], py[t]) <= eps2) count++
      for (let k = nb.offsets[c]; k < nb.offsets[c + 1] && count < minPts; k++) {
        const d = nb.cells[k]
        if (cellMinDist2(grid, d, xs, ys) > eps2) continue
        const e0 = start[d]
        const e1 = start[d + 1]
        if (cellMaxDist2(grid, d, xs, ys) <= eps2) {
          count += e1 - e0
          continue
        }
        for (let t = e0; t < e1 && count < minPts; t++) if (dist2(xs, ys, px[t], py[t]) <= eps2) count++
      }
      if (count >= minPts) coreS[s] = 1
    }
  }

  // first core point of each cell (sorted position), -1 if none
  const firstCore = new Int32Array(cellCount).fill(-1)
  for (let c = 0; c < cellCount; c++) {
    for (let s = start[c]; s < start[c + 1]; s++) {
      if (coreS[s]) {
        firstCore[c] = s
        break
      }
    }
  }

  // 2. connect core points: inside a cell, then across neighbouring cells
  const uf = new UnionFind(n)
  for (let c = 0; c < cellCount; c++) {
    const f = firstCore[c]
    if (f < 0) continue
    const s1 = start[c + 1]
    if (compact[c]) {
      for (let s = f + 1; s < s1; s++) if (coreS[s]) uf.union(f, s)
    } else {
      for (let s = f; s < s1; s++) {
        if (!coreS[s]) continue
        for (let t = s + 1; t < s1; t++) if (coreS[t] && dist2(px[s], py[s], px[t], py[t]) <= eps2) uf.union(s, t)
      }
    }
  }
  for (let c = 0; c < cellCount; c++) {
    const fc = firstCore[c]
    if (fc < 0) continue
    for (let k = nb.offsets[c]; k < nb.offsets[c + 1]; k++) {
      const d = nb.cells[k]
      const fd = firstCore[d]
      if (d < c || fd < 0) continue // each pair of cells once
      if (boxGap2(bbox, c, d) > eps2) continue
      const bothCompact = compact[c] && compact[d]
      if (bothCompact && uf.find(fc) === uf.find(fd)) continue
      joinCells(c, d)
    }
  }

  function joinCells(c: number, d: number): void {
    const e1 = start[d + 1]
    for (let s = firstCore[c]; s < start[c + 1]; s++) {
      if (!coreS[s]) continue
      const xs = px[s]
      const ys = py[s]
      if (cellMinDist2(grid, d, xs, ys) > eps2) continue
      let joined = false
      for (let t = firstCore[d]; t < e1; t++) {
        if (coreS[t] && dist2(xs, ys, px[t], py[t]) <= eps2) {
          uf.union(s, t)
          joined = true
          if (compact[d]) break // s now reaches every core point of d
        }
      }
      if (joined && compact[c] && compact[d]) return // and so does every core point of c
    }
  }

  // 3. number clusters by their smallest core point id (scikit-learn's discovery order)
  const { labels, labelS, clusters } = numberClusters(uf, coreS, order)

  // 4. border points join the lowest-numbered cluster they touch
  for (let c = 0; c < cellCount; c++) {
    for (let s = start[c]; s < start[c + 1]; s++) {
      if (coreS[s]) continue
      const xs = px[s]
      const ys = py[s]
      let best = touchCell(c, xs, ys, 0x7fffffff)
      for (let k = nb.offsets[c]; k < nb.offsets[c + 1]; k++) best = touchCell(nb.cells[k], xs, ys, best)
      if (best !== 0x7fffffff) labels[order[s]] = best
    }
  }

  /** The lowest cluster number below `best` among core points of cell d within eps of (xs, ys). */
  function touchCell(d: number, xs: number, ys: number, best: number): number {
    const f = firstCore[d]
    if (f < 0 || cellMinDist2(grid, d, xs, ys) > eps2) return best
    if (compact[d]) {
      // one cluster per compact cell: a single close core point settles it
      if (labelS[f] >= best) return best
      for (let t = f; t < start[d + 1]; t++) if (coreS[t] && dist2(xs, ys, px[t], py[t]) <= eps2) return labelS[f]
      return best
    }
    for (let t = f; t < start[d + 1]; t++) {
      if (coreS[t] && labelS[t] < best && dist2(xs, ys, px[t], py[t]) <= eps2) best = labelS[t]
    }
    return best
  }

  const core = new Uint8Array(n)
  for (let s = 0; s < n; s++) core[order[s]] = coreS[s]
  return { labels, core, clusters }
}

/** Throws a RangeError naming the bad value. Shared with the space-time variant. */
export function checkParameters(eps: number, minPts: number): void {
  if (!(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`Unexpected eps value: ${eps} (metres, > 0).`)
  if (!Number.isInteger(minPts) || minPts < 1) throw new RangeError(`Unexpected minPts value: ${minPts} (integer ≥ 1, the point itself counts).`)
}

function dist2(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx
  const dy = ay - by
  return dx * dx + dy * dy
}

/** Squared gap between the point boxes of cells c and d (0 when they overlap), metres². */
function boxGap2(b: Float64Array, c: number, d: number): number {
  const dx = Math.max(b[4 * d] - b[4 * c + 2], 0, b[4 * c] - b[4 * d + 2])
  const dy = Math.max(b[4 * d + 1] - b[4 * c + 3], 0, b[4 * c + 1] - b[4 * d + 3])
  return dx * dx + dy * dy
}
