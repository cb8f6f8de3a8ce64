/**
 * k nearest neighbours of every point, with PySAL's answer wherever the answer is ambiguous.
 *
 * A uniform bucket grid finds each point's k + 1 nearest other points exactly (squared distances
 * computed as scipy does, so equal distances compare equal). When the k-th and (k+1)-th distances
 * differ, the k nearest form a unique set and any exact method agrees with PySAL. When they tie, or a
 * point has a duplicate at distance 0, which neighbours PySAL keeps depends on scipy's tree, so those
 * rows are answered by the scipy-compatible kd-tree in ./kdtree (built only when such a row exists).
 * On binned cells most rows are unambiguous and the grid pass is several times faster than the tree.
 */
import { buildKdTree, knnSelfExcluded, type KdTree } from './kdtree'

/** Points per grid bucket aimed at: a few, so a query's first ring of buckets usually suffices. */
const POINTS_PER_BUCKET = 4

/** Shrinks the searched radius slightly so rounding in bucket edges can never end a search early. */
const REACH_MARGIN = 1 - 1e-9

/** Neighbour ids of every point, self excluded, k per point (row i at i·k), nearest first. */
export interface KnnResult {
  k: number
  ids: Uint32Array
  /** matching squared distances, m² */
  d2: Float64Array
  /** rows answered by the scipy-compatible tree (ties at the k-th distance or duplicate points) */
  treeRows: number
}

interface Grid {
  x0: number
  y0: number
  size: number
  nx: number
  ny: number
  /** bucket b holds sorted positions start[b] .. start[b + 1] */
  start: Uint32Array
  id: Uint32Array
  gx: Float64Array
  gy: Float64Array
}

function buildGrid(x: Float64Array, y: Float64Array): Grid {
  const n = x.length
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < n; i++) {
    const xi = x[i]
    const yi = y[i]
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) throw new Error(`Point ${i} has a non-finite coordinate (${xi}, ${yi}).`)
    if (xi < minX) minX = xi
    if (xi > maxX) maxX = xi
    if (yi < minY) minY = yi
    if (yi > maxY) maxY = yi
  }
  const w = Math.max(maxX - minX, 1e-9)
  const h = Math.max(maxY - minY, 1e-9)
  // bucket side for POINTS_PER_BUCKET points per bucket on average, capped so the grid stays ≤ ~n buckets
  let size = Math.sqrt((w * h * POINTS_PER_BUCKET) / n)
  size = Math.max(size, w / 4096, h / 4096, 1e-9)
  const nx = Math.min(Math.floor(w / size) + 1, 1 << 15)
  const ny = Math.min(Math.floor(h / size) + 1, 1 << 15)
  const nb = nx * ny
  const bucket = new Uint32Array(n)
  const start = new Uint32Array(nb + 1)
  for (let i = 0; i < n; i++) {
    const bx = Math.min(nx - 1, Math.floor((x[i] - minX) / size))
    const by = Math.min(ny - 1, Math.floor((y[i] - minY) / size))
    const b = by * nx + bx
    bucket[i] = b
    start[b + 1]++
  }
  for (let b = 0; b < nb; b++) start[b + 1] += start[b]
  const fill = start.slice(0, nb)
  const id = new Uint32Array(n)
  const gx = new Float64Array(n)
  const gy = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const p = fill[bucket[i]]++
    id[p] = i
    gx[p] = x[i]
    gy[p] = y[i]
  }
  return { x0: minX, y0: minY, size, nx, ny, start, id, gx, gy }
}

/**
 * Visits every point with its m nearest other points (ascending squared distance; among equal
 * distances, in the grid's discovery order). `dup` says whether another point shares its position.
 */
function forEachNearest(
  x: Float64Array,
  y: Float64Array,
  m: number,
  visit: (i: number, bestI: Uint32Array, bestD: Float64Array, found: number, dup: boolean) => void,
): void {
  const n = x.length
  if (y.length !== n) throw new Error(`x and y differ in length: ${n} vs ${y.length}.`)
  const { x0, y0, size, nx, ny, start, id, gx, gy } = buildGrid(x, y)
  const bestD = new Float64Array(m)
  const bestI = new Uint32Array(m)
  // query in bucket order for memory locality
  for (let p = 0; p < n; p++) {
    const i = id[p]
    const qx = gx[p]
    const qy = gy[p]
    const bx = Math.min(nx - 1, Math.floor((qx - x0) / size))
    const by = Math.min(ny - 1, Math.floor((qy - y0) / size))
    let found = 0
    let worst = Infinity // squared distance of the m-th best once found === m
    let dup = false
    for (let r = 0; ; r++) {
      const xa = bx - r
      const xb = bx + r
      const ya = by - r
      const yb = by + r
      // ring r: full rows at its top and bottom, the two end buckets on the rows between
      for (let cy = Math.max(ya, 0), cyEnd = Math.min(yb, ny - 1); cy <= cyEnd; cy++) {
        const step = cy === ya || cy === yb ? 1 : xb - xa
        for (let cx = xa; cx <= xb; cx += step) {
          if (cx < 0 || cx >= nx) continue
          const b = cy * nx + cx
          for (let q = start[b], qe = start[b + 1]; q < qe; q++) {
            const j = id[q]
            if (j === i) continue
            // squared distance as scipy computes it, so equal distances compare equal
            const dx = gx[q] - qx
            const dy = gy[q] - qy
            const d = dx * dx + dy * dy
            if (d === 0) dup = true
            if (found === m && !(d < worst)) continue
            let s = found < m ? found++ : m - 1
            while (s > 0 && bestD[s - 1] > d) {
              bestD[s] = bestD[s - 1]
              bestI[s] = bestI[s - 1]
              s--
            }
            bestD[s] = d
            bestI[s] = j
            if (found === m) worst = bestD[m - 1]
          }
        }
      }
      // distance from the query to the outside of the searched square of buckets
      const reach = Math.min(qx - (x0 + xa * size), x0 + (xb + 1) * size - qx, qy - (y0 + ya * size), y0 + (yb + 1) * size - qy)
      const covered = xa <= 0 && ya <= 0 && xb >= nx - 1 && yb >= ny - 1
      if (covered || (found === m && worst < reach * reach * REACH_MARGIN)) break
    }
    visit(i, bestI, bestD, found, dup)
  }
}

/**
 * Distance (metres) from every point to its k-th nearest other point (k = 1: nearest neighbour);
 * Infinity when there are fewer than k other points.
 */
export function kthNeighbourDistances(x: Float64Array, y: Float64Array, k = 1): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`Unexpected k value: ${k}.`)
  const out = new Float64Array(x.length)
  forEachNearest(x, y, k, (i, _ids, d, found) => {
    out[i] = found === k ? Math.sqrt(d[k - 1]) : Infinity
  })
  return out
}

/**
 * k nearest neighbours (self excluded) of every point (x[i], y[i]) in metres, equal to PySAL's
 * `KNN(coords, k)` neighbour sets, including how it breaks ties at the k-th distance.
 */
export function knnPysal(x: Float64Array, y: Float64Array, k: number): KnnResult {
  const n = x.length
  if (!Number.isInteger(k) || k < 1) throw new Error(`Unexpected k value: ${k}.`)
  if (k > n - 1) throw new Error(`k = ${k} needs at least ${k + 1} points; got ${n}.`)
  const ids = new Uint32Array(n * k)
  const d2 = new Float64Array(n * k)
  const ambiguous: number[] = []
  // k + 1 nearest others: a tie between the k-th and (k+1)-th means PySAL's choice decides
  forEachNearest(x, y, k + 1, (i, bestI, bestD, found, dup) => {
    if (dup || (found === k + 1 && bestD[k - 1] === bestD[k])) {
      ambiguous.push(i)
      return
    }
    const w = i * k
    for (let s = 0; s < k; s++) {
      ids[w + s] = bestI[s]
      d2[w + s] = bestD[s]
    }
  })

  if (ambiguous.length > 0) {
    const tree: KdTree = buildKdTree(x, y)
    const rows = Uint32Array.from(ambiguous)
    const t = knnSelfExcluded(tree, k, rows)
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]
      ids.set(t.ids.subarray(r * k, r * k + k), i * k)
      d2.set(t.d2.subarray(r * k, r * k + k), i * k)
    }
  }
  return { k, ids, d2, treeRows: ambiguous.length }
}
