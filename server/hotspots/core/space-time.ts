/**
 * Space-time DBSCAN in the manner of ST-DBSCAN (Birant & Kut 2007): two cases are neighbours when
 * they lie within eps metres of each other AND were reported within a time window of each other.
 *
 * Why it matters for grid management: plain DBSCAN merges a one-off burst (thirty reports of one
 * fallen tree in an afternoon) with a spot that keeps coming back (a stall every market day).
 * With a window of, say, 7 days the burst forms a cluster that lasts a day, while the recurring
 * spot forms one long chain of overlapping windows whose cases span months; clusters.ts then
 * tells them apart (distinct weeks, regularity). Birant & Kut's second, non-spatial threshold
 * (Δε on an attribute) is left out: run once per case category instead.
 *
 * Same core/border rules as dbscan.ts: minPts counts the case itself, distances and time gaps are
 * inclusive, a border case joins the lowest-numbered cluster it touches, clusters are numbered by
 * their smallest core case id.
 */
import { checkParameters, type DbscanResult } from './dbscan'
import { buildCellGrid, cellMinDist2, cellNeighbours, type CellGrid } from './dbscan-grid'
import { numberClusters, UnionFind } from './dbscan-union-find'

/**
 * Clusters of cases close in space and time.
 * @param x  easting per case, metres (any metric CRS)
 * @param y  northing per case, metres
 * @param t  report time per case, epoch milliseconds (any consistent clock)
 * @param eps  spatial radius, metres (distance ≤ eps)
 * @param windowMs  temporal radius, milliseconds (|Δt| ≤ windowMs; 7 days = 604,800,000)
 * @param minPts  cases within both radii, the case itself included, for a core case (≥ 1)
 */
export function stDbscan(x: Float64Array, y: Float64Array, t: Float64Array, eps: number, windowMs: number, minPts: number): DbscanResult {
  checkParameters(eps, minPts)
  if (!(windowMs >= 0) || !Number.isFinite(windowMs)) throw new RangeError(`Unexpected windowMs value: ${windowMs} (milliseconds, ≥ 0).`)
  const n = x.length
  if (t.length !== n) throw new RangeError(`t has ${t.length} values for ${n} points.`)
  for (let i = 0; i < n; i++) if (!Number.isFinite(t[i])) throw new RangeError(`Point ${i} has a non-finite time: ${t[i]}.`)

  // cells a hair wider than eps: two cells apart are then strictly farther than eps, so the
  // 3 × 3 block around a cell holds every spatial neighbour
  const grid = buildCellGrid(x, y, eps * (1 + 1e-6))
  const nb = cellNeighbours(grid, eps)
  const { cellCount, start, order, px, py } = grid
  const pt = sortCellsByTime(grid, x, y, t)

  const eps2 = eps * eps
  // neighbour cells of c, c itself first, in one reusable list
  const around = new Int32Array(1 + maxDegree(nb.offsets, cellCount))
  function aroundOf(c: number): number {
    around[0] = c
    let m = 1
    for (let k = nb.offsets[c]; k < nb.offsets[c + 1]; k++) around[m++] = nb.cells[k]
    return m
  }

  // 1. core cases
  const coreS = new Uint8Array(n)
  for (let c = 0; c < cellCount; c++) {
    const m = aroundOf(c)
    for (let s = start[c]; s < start[c + 1]; s++) {
      const xs = px[s]
      const ys = py[s]
      const lo = pt[s] - windowMs
      const hi = pt[s] + windowMs
      let count = 0
      for (let j = 0; j < m && count < minPts; j++) {
        const d = around[j]
        if (cellMinDist2(grid, d, xs, ys) > eps2) continue
        for (let u = lowerBound(pt, start[d], start[d + 1], lo); u < start[d + 1] && pt[u] <= hi && count < minPts; u++) {
          if (dist2(xs, ys, px[u], py[u]) <= eps2) count++
        }
      }
      if (count >= minPts) coreS[s] = 1
    }
  }

  // 2. join core cases that are neighbours
  const uf = new UnionFind(n)
  for (let c = 0; c < cellCount; c++) {
    const m = aroundOf(c)
    for (let s = start[c]; s < start[c + 1]; s++) {
      if (!coreS[s]) continue
      const xs = px[s]
      const ys = py[s]
      const lo = pt[s] - windowMs
      const hi = pt[s] + windowMs
      for (let j = 0; j < m; j++) {
        const d = around[j]
        if (d < c || cellMinDist2(grid, d, xs, ys) > eps2) continue // each pair of cells once
        for (let u = lowerBound(pt, start[d], start[d + 1], lo); u < start[d + 1] && pt[u] <= hi; u++) {
          if (coreS[u] && dist2(xs, ys, px[u], py[u]) <= eps2) uf.union(s, u)
        }
      }
    }
  }
  const { labels, labelS, clusters } = numberClusters(uf, coreS, order)

  // 3. border cases join the lowest-numbered cluster among their core neighbours
  for (let c = 0; c < cellCount; c++) {
    const m = aroundOf(c)
    for (let s = start[c]; s < start[c + 1]; s++) {
      if (coreS[s]) continue
      const xs = px[s]
      const ys = py[s]
      const lo = pt[s] - windowMs
      const hi = pt[s] + windowMs
      let best = 0x7fffffff
      for (let j = 0; j < m; j++) {
        const d = around[j]
        if (cellMinDist2(grid, d, xs, ys) > eps2) continue
        for (let u = lowerBound(pt, start[d], start[d + 1], lo); u < start[d + 1] && pt[u] <= hi; u++) {
          if (coreS[u] && labelS[u] < best && dist2(xs, ys, px[u], py[u]) <= eps2) best = labelS[u]
        }
      }
      if (best !== 0x7fffffff) labels[order[s]] = best
    }
  }

  const core = new Uint8Array(n)
  for (let s = 0; s < n; s++) core[order[s]] = coreS[s]
  return { labels, core, clusters }
}

/**
 * Reorders each cell's run of the grid by (time, id) and refreshes the grid's coordinate copies;
 * returns the times in the same sorted order, so a time window is a binary search per cell.
 */
function sortCellsByTime(grid: CellGrid, x: Float64Array, y: Float64Array, t: Float64Array): Float64Array {
  const { start, cellCount, order, px, py } = grid
  const scratch: number[] = []
  for (let c = 0; c < cellCount; c++) {
    if (start[c + 1] - start[c] < 2) continue
    scratch.length = 0
    for (let s = start[c]; s < start[c + 1]; s++) scratch.push(order[s])
    scratch.sort((a, b) => t[a] - t[b] || a - b)
    for (let s = start[c]; s < start[c + 1]; s++) order[s] = scratch[s - start[c]]
  }
  const pt = new Float64Array(order.length)
  for (let s = 0; s < order.length; s++) {
    const i = order[s]
    px[s] = x[i]
    py[s] = y[i]
    pt[s] = t[i]
  }
  return pt
}

/** First position in [lo, hi) whose time is ≥ value (times ascending there). */
function lowerBound(a: Float64Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function maxDegree(offsets: Int32Array, count: number): number {
  let m = 0
  for (let c = 0; c < count; c++) m = Math.max(m, offsets[c + 1] - offsets[c])
  return m
}

function dist2(ax: number, ay: number, bx: number, by: number): number {
  const dx = ax - bx
  const dy = ay - by
  return dx * dx + dy * dy
}
