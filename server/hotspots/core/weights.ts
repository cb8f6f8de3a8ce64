/**
 * Spatial weights builders. Every builder returns binary neighbour lists in the shared Csr form
 * (rows sorted ascending, self excluded); transforms (binary + self for Gi*, row-standardised for
 * Moran) are applied by the statistics that need them. Coordinates are metric (a projected CRS such
 * as the district's UTM zone or CGCS2000 / Gauss-Krüger), never degrees.
 */
import Flatbush from 'flatbush'
import KDBush from 'kdbush'
import { gridDisk } from 'h3-js'
import type { Csr } from '../../shared/csr'
import { csrFromFixedRows, csrFromPairs, PairList } from './csr-build'
import { kthNeighbourDistances, knnPysal } from './knn'

/**
 * k-nearest-neighbour weights, equal to PySAL's `KNN.from_array(coords, k)` including its choice
 * among neighbours tied at the k-th distance (see ./knn). Not symmetric: j may be among i's k
 * nearest without i being among j's.
 * @param x, y  point coordinates in metres
 * @param k     neighbours per point (1 ≤ k < n)
 */
export function knnWeights(x: Float64Array, y: Float64Array, k: number): Csr {
  const { ids } = knnPysal(x, y, k)
  return csrFromFixedRows(x.length, k, ids)
}

/**
 * Binary distance-band weights: j is a neighbour of i when their distance is ≤ threshold, as
 * libpysal's `DistanceBand(binary=True)` (scipy's sparse distance matrix keeps d ≤ threshold).
 * Squared distances are compared with threshold², so a point exactly on the band counts.
 * @param threshold  band radius in metres (> 0)
 */
export function distanceBandWeights(x: Float64Array, y: Float64Array, threshold: number): Csr {
  const n = x.length
  if (y.length !== n) throw new Error(`x and y differ in length: ${n} vs ${y.length}.`)
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new Error(`Unexpected threshold value: ${threshold}.`)
  const index = new KDBush(n)
  for (let i = 0; i < n; i++) index.add(x[i], y[i])
  index.finish()
  const offsets = new Uint32Array(n + 1)
  let indices = new Uint32Array(Math.max(16, n * 8))
  let w = 0
  for (let i = 0; i < n; i++) {
    const found = index.within(x[i], y[i], threshold)
    if (w + found.length > indices.length) {
      const next = new Uint32Array(Math.max(indices.length * 2, w + found.length))
      next.set(indices.subarray(0, w))
      indices = next
    }
    const rowStart = w
    for (let f = 0; f < found.length; f++) if (found[f] !== i) indices[w++] = found[f]
    indices.subarray(rowStart, w).sort()
    offsets[i + 1] = w
  }
  return { n, offsets, indices: indices.slice(0, w) }
}

/**
 * The smallest distance band giving every point at least one neighbour: the largest
 * nearest-neighbour distance (ArcGIS's default Distance Band for Hot Spot Analysis), metres.
 */
export function minimumBandForOneNeighbour(x: Float64Array, y: Float64Array): number {
  if (x.length < 2) throw new Error(`Need at least 2 points for a distance band; got ${x.length}.`)
  const d = kthNeighbourDistances(x, y, 1)
  let max = 0
  for (let i = 0; i < d.length; i++) if (d[i] > max) max = d[i]
  return max
}

/** A polygon cell as rings of [x, y] positions in metres (outer ring first; holes and parts may follow). */
export type PolygonRings = ReadonlyArray<ReadonlyArray<ArrayLike<number>>>

/**
 * Default vertex snapping tolerance, metres: far below any cell size, far above the noise PostGIS
 * clipping and reprojection leave in shared coordinates.
 */
export const DEFAULT_CONTIGUITY_TOLERANCE = 0.01

/** Flattened vertices and ring segments of a polygon set. */
interface Flattened {
  vx: Float64Array
  vy: Float64Array
  vPoly: Uint32Array
  /** segment s joins vertices segA[s] → segB[s] */
  segA: Uint32Array
  segB: Uint32Array
  nSeg: number
}

function flatten(polygons: ReadonlyArray<PolygonRings>): Flattened {
  let nv = 0
  for (const poly of polygons) for (const ring of poly) nv += ring.length
  const vx = new Float64Array(nv)
  const vy = new Float64Array(nv)
  const vPoly = new Uint32Array(nv)
  const segA = new Uint32Array(nv)
  const segB = new Uint32Array(nv)
  let v = 0
  let nSeg = 0
  polygons.forEach((poly, p) => {
    for (const ring of poly) {
      let len = ring.length
      if (len === 0) continue
      const first = ring[0]
      const last = ring[len - 1]
      if (len > 1 && first[0] === last[0] && first[1] === last[1]) len-- // closed ring: drop the repeat
      const v0 = v
      for (let i = 0; i < len; i++) {
        const pt = ring[i]
        if (!Number.isFinite(pt[0]) || !Number.isFinite(pt[1])) throw new Error(`Polygon ${p} has a non-finite vertex (${pt[0]}, ${pt[1]}).`)
        vx[v] = pt[0]
        vy[v] = pt[1]
        vPoly[v] = p
        v++
      }
      if (len < 2) continue
      for (let i = 0; i < len; i++) {
        segA[nSeg] = v0 + i
        segB[nSeg] = v0 + ((i + 1) % len)
        nSeg++
      }
    }
  })
  return { vx: vx.subarray(0, v), vy: vy.subarray(0, v), vPoly: vPoly.subarray(0, v), segA, segB, nSeg }
}

/**
 * Open-addressing hash of vertices by quantised position (floor(x / tol), floor(y / tol)), each
 * bucket chaining the vertices that fall in it. Lookups probe the 3 × 3 buckets around a vertex, so
 * two vertices within tol of each other meet even when rounding puts them in adjacent buckets.
 */
class VertexHash {
  private readonly mask: number
  private readonly kx: Float64Array
  private readonly ky: Float64Array
  private readonly used: Uint8Array
  /** first vertex of each bucket's chain (-1: none); next[v] continues it */
  private readonly head: Int32Array
  private readonly next: Int32Array

  constructor(
    private readonly vx: Float64Array,
    private readonly vy: Float64Array,
    private readonly tol: number,
  ) {
    const nv = vx.length
    let cap = 16
    while (cap < nv * 2) cap *= 2
    this.mask = cap - 1
    this.kx = new Float64Array(cap)
    this.ky = new Float64Array(cap)
    this.used = new Uint8Array(cap)
    this.head = new Int32Array(cap).fill(-1)
    this.next = new Int32Array(nv).fill(-1)
    for (let v = 0; v < nv; v++) {
      const slot = this.slot(Math.floor(vx[v] / tol), Math.floor(vy[v] / tol), true)
      this.next[v] = this.head[slot]
      this.head[slot] = v
    }
  }

  private hash(qx: number, qy: number): number {
    const hx = Math.imul((qx | 0) ^ ((qx / 4294967296) | 0), 0x9e3779b1)
    const hy = Math.imul((qy | 0) ^ ((qy / 4294967296) | 0), 0x85ebca77)
    return ((hx ^ (hy >>> 15) ^ hy) >>> 0) & this.mask
  }

  /** Slot of bucket (qx, qy); when absent, a newly claimed slot if `create`, else -1. */
  private slot(qx: number, qy: number, create: boolean): number {
    let s = this.hash(qx, qy)
    while (this.used[s] === 1) {
      if (this.kx[s] === qx && this.ky[s] === qy) return s
      s = (s + 1) & this.mask
    }
    if (!create) return -1
    this.used[s] = 1
    this.kx[s] = qx
    this.ky[s] = qy
    return s
  }

  /** Calls fn(u) for every vertex u within tol of vertex v (v itself included). */
  forNear(v: number, fn: (u: number) => void): void {
    const { vx, vy, tol } = this
    const qx = Math.floor(vx[v] / tol)
    const qy = Math.floor(vy[v] / tol)
    const tol2 = tol * tol
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const s = this.slot(qx + dx, qy + dy, false)
        if (s < 0) continue
        for (let u = this.head[s]; u >= 0; u = this.next[u]) {
          const ex = vx[u] - vx[v]
          const ey = vy[u] - vy[v]
          if (ex * ex + ey * ey <= tol2) fn(u)
        }
      }
    }
  }
}

/**
 * Snap class of every vertex: the smallest vertex id within tol of it, so the copies of one shared
 * corner held by the polygons meeting there agree.
 */
function snapClasses(f: Flattened, hash: VertexHash): Uint32Array {
  const nv = f.vx.length
  const canon = new Uint32Array(nv)
  for (let v = 0; v < nv; v++) {
    let min = v
    hash.forNear(v, (u) => {
      if (u < min) min = u
    })
    canon[v] = min
  }
  return canon
}

/**
 * Pairs of polygons holding the same edge (both end points in the same snap classes): the common
 * case of cells cut from one grid. Returns which segments found such a partner.
 */
function identicalEdgePairs(f: Flattened, canon: Uint32Array, pairs: PairList): Uint8Array {
  const { vPoly, segA, segB, nSeg } = f
  const nv = f.vx.length
  const matched = new Uint8Array(nSeg)
  const firstWithKey = new Map<number, number>()
  for (let s = 0; s < nSeg; s++) {
    const a = canon[segA[s]]
    const b = canon[segB[s]]
    if (a === b) continue // shorter than the tolerance
    const key = a < b ? a * nv + b : b * nv + a
    const first = firstWithKey.get(key)
    if (first === undefined) {
      firstWithKey.set(key, s)
      continue
    }
    const p = vPoly[segA[first]]
    const q = vPoly[segA[s]]
    if (p === q) continue
    pairs.pushBoth(p, q)
    matched[first] = 1
    matched[s] = 1
  }
  return matched
}

/**
 * Pairs of polygons sharing a stretch of boundary longer than tol without sharing the whole edge:
 * two segments whose end points lie within tol of each other's line and whose projections overlap by
 * more than tol (a long edge against two short ones at a T-junction, or edges split differently).
 * Segments already paired whole are left out: in a tessellation no third cell can overlap them.
 */
function overlappingEdgePairs(f: Flattened, tol: number, skip: Uint8Array, pairs: PairList): void {
  const { vx, vy, vPoly, segA, segB, nSeg } = f
  const open: number[] = []
  for (let s = 0; s < nSeg; s++) if (!skip[s]) open.push(s)
  if (open.length < 2) return
  const index = new Flatbush(open.length)
  for (const s of open) {
    const ax = vx[segA[s]]
    const ay = vy[segA[s]]
    const bx = vx[segB[s]]
    const by = vy[segB[s]]
    index.add(Math.min(ax, bx) - tol, Math.min(ay, by) - tol, Math.max(ax, bx) + tol, Math.max(ay, by) + tol)
  }
  index.finish()
  open.forEach((s, si) => {
    const p = vPoly[segA[s]]
    const ax = vx[segA[s]]
    const ay = vy[segA[s]]
    const ex = vx[segB[s]] - ax
    const ey = vy[segB[s]] - ay
    const len = Math.hypot(ex, ey)
    if (!(len > tol)) return
    const ux = ex / len
    const uy = ey / len
    index.search(Math.min(ax, ax + ex), Math.min(ay, ay + ey), Math.max(ax, ax + ex), Math.max(ay, ay + ey), (ti) => {
      // each unordered segment pair once; same-polygon pairs never count
      if (ti <= si) return false
      const t = open[ti]
      const q = vPoly[segA[t]]
      if (q === p) return false
      const cx = vx[segA[t]] - ax
      const cy = vy[segA[t]] - ay
      const dx = vx[segB[t]] - ax
      const dy = vy[segB[t]] - ay
      // perpendicular offsets of t's end points from s's line
      if (Math.abs(cx * uy - cy * ux) > tol || Math.abs(dx * uy - dy * ux) > tol) return false
      // overlap of t's projection [u0, u1] with s's extent [0, len]
      const u0 = cx * ux + cy * uy
      const u1 = dx * ux + dy * uy
      const overlap = Math.min(len, Math.max(u0, u1)) - Math.max(0, Math.min(u0, u1))
      if (overlap > tol) pairs.pushBoth(p, q)
      return false
    })
  })
}

/** Pairs of polygons sharing a stretch of edge longer than tol (identical or partly overlapping edges). */
function sharedEdgePairs(f: Flattened, canon: Uint32Array, tol: number, pairs: PairList): void {
  const matched = identicalEdgePairs(f, canon, pairs)
  overlappingEdgePairs(f, tol, matched, pairs)
}

/** Pairs of polygons with vertices within tol of each other; returns the snap classes found on the way. */
function sharedVertexPairs(f: Flattened, hash: VertexHash, pairs: PairList): Uint32Array {
  const { vx, vPoly } = f
  const canon = new Uint32Array(vx.length)
  for (let v = 0; v < vx.length; v++) {
    const p = vPoly[v]
    let min = v
    hash.forNear(v, (u) => {
      if (u < min) min = u
      if (u > v && vPoly[u] !== p) pairs.pushBoth(p, vPoly[u])
    })
    canon[v] = min
  }
  return canon
}

function checkTolerance(tolerance: number): void {
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new Error(`Unexpected tolerance value: ${tolerance}.`)
}

/**
 * Queen contiguity for arbitrary polygon cells: neighbours share at least a vertex (within
 * `tolerance`) or a stretch of edge (so a vertex lying on a neighbour's edge also counts).
 * @param polygons   one entry per cell: its rings of [x, y] in metres
 * @param tolerance  snapping distance in metres (default 0.01)
 */
export function queenWeightsFromPolygons(polygons: ReadonlyArray<PolygonRings>, tolerance = DEFAULT_CONTIGUITY_TOLERANCE): Csr {
  checkTolerance(tolerance)
  const f = flatten(polygons)
  const pairs = new PairList(f.vx.length * 4)
  const canon = sharedVertexPairs(f, new VertexHash(f.vx, f.vy, tolerance), pairs)
  sharedEdgePairs(f, canon, tolerance, pairs)
  return csrFromPairs(polygons.length, pairs)
}

/**
 * Rook contiguity for arbitrary polygon cells: neighbours share a stretch of edge longer than
 * `tolerance` (collinear overlapping segments); corner-only contacts do not count.
 * @param polygons   one entry per cell: its rings of [x, y] in metres
 * @param tolerance  snapping distance in metres (default 0.01)
 */
export function rookWeightsFromPolygons(polygons: ReadonlyArray<PolygonRings>, tolerance = DEFAULT_CONTIGUITY_TOLERANCE): Csr {
  checkTolerance(tolerance)
  const f = flatten(polygons)
  const pairs = new PairList(f.nSeg * 2)
  sharedEdgePairs(f, snapClasses(f, new VertexHash(f.vx, f.vy, tolerance)), tolerance, pairs)
  return csrFromPairs(polygons.length, pairs)
}

/**
 * Ring-1 neighbours of H3 cells: the cells of `gridDisk(h, 1)` that are themselves in the set.
 * @param h3Indexes  H3 cell ids (one resolution), item order
 */
export function h3RingWeights(h3Indexes: readonly string[]): Csr {
  const n = h3Indexes.length
  const position = new Map<string, number>()
  h3Indexes.forEach((h, i) => {
    if (position.has(h)) throw new Error(`H3 cell ${h} appears twice (items ${position.get(h)} and ${i}).`)
    position.set(h, i)
  })
  const pairs = new PairList(n * 6)
  for (let i = 0; i < n; i++) {
    for (const h of gridDisk(h3Indexes[i], 1)) {
      const j = position.get(h)
      if (j !== undefined && j !== i) pairs.push(i, j)
    }
  }
  return csrFromPairs(n, pairs)
}

/** Neighbour-count statistics of a weights set. */
export interface WeightsSummary {
  min: number
  max: number
  mean: number
  median: number
  /** items with no neighbour, ascending */
  islands: number[]
}

/** Neighbour counts (min, max, mean, median) and the islands of `w`. */
export function weightsSummary(w: Csr): WeightsSummary {
  const { n, offsets } = w
  if (n === 0) return { min: 0, max: 0, mean: 0, median: 0, islands: [] }
  const counts = new Uint32Array(n)
  const islands: number[] = []
  let min = Infinity
  let max = 0
  for (let i = 0; i < n; i++) {
    const c = offsets[i + 1] - offsets[i]
    counts[i] = c
    if (c < min) min = c
    if (c > max) max = c
    if (c === 0) islands.push(i)
  }
  counts.sort()
  const half = n >> 1
  const median = n % 2 === 1 ? counts[half] : (counts[half - 1] + counts[half]) / 2
  return { min, max, mean: offsets[n] / n, median, islands }
}
