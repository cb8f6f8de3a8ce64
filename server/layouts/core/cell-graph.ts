/**
 * Edge neighbours of unit cells and the cell holding each of a set of points (pure; no DB), on
 * cell outlines in the layout's metric CRS (metres). Done here rather than with a GiST self-join
 * and ST_Relate per candidate pair (40,000 pairs for 10,000 squares took 3–10 s on PostGIS) or
 * ST_Intersects per H3 centre: a flatbush over the cells' bounding boxes finds the candidates, and
 * comparing the few edges of two cells (zones/edges.ts sharedLength, collinear overlaps, so a
 * side meeting two smaller cells still counts) or an even–odd ring test is microseconds.
 */
import Flatbush from 'flatbush'
import { pointInRings } from '../../patrol/core/coverage-geom'
import { type CellRings, EDGE_TOLERANCE_M, sharedLength } from '../../zones/edges'

/** Cells sharing less boundary than this (metres) only touch at a corner. */
export const MIN_SHARED_EDGE_M = 0.01

/** One cell's outline: ring r holds vertices ringStart[r] .. ringStart[r + 1] - 1 of coords ([x0, y0, x1, y1, …], metres). */
export interface CellOutline {
  coords: Float64Array
  ringStart: Uint32Array
}

/** The outline of a GeoJSON (Multi)Polygon whose coordinates are already metric. */
export function outlineOf(geometry: { type: string; coordinates: unknown }): CellOutline {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : []) as number[][][][]
  let nv = 0
  let nr = 0
  for (const p of polys) for (const r of p) { nv += r.length; nr++ }
  const coords = new Float64Array(nv * 2)
  const ringStart = new Uint32Array(nr + 1)
  let v = 0
  let k = 0
  for (const p of polys) {
    for (const r of p) {
      ringStart[k++] = v
      for (const pt of r) { coords[2 * v] = pt[0]; coords[2 * v + 1] = pt[1]; v++ }
    }
  }
  ringStart[nr] = v
  return { coords, ringStart }
}

function ringsOf(o: CellOutline): CellRings {
  const out: CellRings = []
  for (let r = 0; r + 1 < o.ringStart.length; r++) out.push(o.coords.subarray(2 * o.ringStart[r], 2 * o.ringStart[r + 1]))
  return out
}

/** Cells' bounding boxes (box[4i .. 4i + 3] = minX, minY, maxX, maxY of cell i, metres) and a flatbush over them. */
export interface CellIndex {
  index: Flatbush
  box: Float64Array
}

/** Indexes the cells' bounding boxes (cell order). */
export function indexCells(outlines: CellOutline[]): CellIndex {
  const index = new Flatbush(Math.max(1, outlines.length))
  const box = new Float64Array(outlines.length * 4)
  outlines.forEach((o, k) => {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
    for (let i = 0; i < o.coords.length; i += 2) {
      const x = o.coords[i], y = o.coords[i + 1]
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    }
    if (minX > maxX) minX = maxX = minY = maxY = 0
    box.set([minX, minY, maxX, maxY], 4 * k)
    index.add(minX, minY, maxX, maxY)
  })
  if (outlines.length === 0) index.add(0, 0, 0, 0)
  index.finish()
  return { index, box }
}

/**
 * Pairs of cells sharing an edge (at least MIN_SHARED_EDGE_M of boundary, vertices within `tol`
 * metres of the other's edge), each pair once with a < b (cell positions).
 * @param first  only pairs with at least one cell among the first `first` (default: all pairs);
 *   callers that know the pairs among the other cells measure only those touching the first
 */
export function edgeNeighbours(outlines: CellOutline[], { index, box }: CellIndex, tol = EDGE_TOLERANCE_M, first = outlines.length): { a: Int32Array; b: Int32Array } {
  const rings: Array<CellRings | undefined> = new Array(outlines.length)
  const ringsAt = (i: number) => (rings[i] ??= ringsOf(outlines[i]))
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < first; i++) {
    const found = index.search(box[4 * i] - tol, box[4 * i + 1] - tol, box[4 * i + 2] + tol, box[4 * i + 3] + tol)
    for (const j of found) {
      if (j <= i && j < first) continue
      if (j === i) continue
      if (sharedLength(ringsAt(i), ringsAt(j), tol) >= MIN_SHARED_EDGE_M) { a.push(Math.min(i, j)); b.push(Math.max(i, j)) }
    }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b) }
}

/**
 * The cell holding each point (x, y metres): the lowest cell position whose outline holds it
 * (even–odd, half-open in y, so a point on an edge two cells share goes to one of them), or -1.
 */
export function cellOfPoints(x: Float64Array, y: Float64Array, outlines: CellOutline[], { index }: CellIndex): Int32Array {
  const out = new Int32Array(x.length).fill(-1)
  for (let p = 0; p < x.length; p++) {
    if (outlines.length === 0) break
    const found = index.search(x[p], y[p], x[p], y[p])
    let best = -1
    for (const c of found) {
      if (best >= 0 && c > best) continue
      const o = outlines[c]
      if (pointInRings(x[p], y[p], o.coords, o.ringStart, 0, o.ringStart.length - 1)) best = c
    }
    out[p] = best
  }
  return out
}

/**
 * Shared boundary length (metres) between each cell of `around` and every other cell `keep`
 * accepts, each pair once (a < b, cell positions); pairs sharing less than MIN_SHARED_EDGE_M are
 * left out. Used for sliver merging, where only the edges of small pieces matter.
 */
export function sharedEdges(
  outlines: CellOutline[], { index, box }: CellIndex, around: Int32Array, keep: (a: number, b: number) => boolean, tol = EDGE_TOLERANCE_M,
): { a: Int32Array; b: Int32Array; len: Float64Array } {
  const rings = new Map<number, CellRings>()
  const ringsAt = (i: number) => { let r = rings.get(i); if (!r) rings.set(i, r = ringsOf(outlines[i])); return r }
  const seen = new Set<number>()
  const a: number[] = []
  const b: number[] = []
  const len: number[] = []
  const n = outlines.length
  for (const i of around) {
    for (const j of index.search(box[4 * i] - tol, box[4 * i + 1] - tol, box[4 * i + 2] + tol, box[4 * i + 3] + tol)) {
      if (j === i || !keep(i, j)) continue
      const lo = Math.min(i, j), hi = Math.max(i, j)
      const key = lo * n + hi
      if (seen.has(key)) continue
      seen.add(key)
      const l = sharedLength(ringsAt(lo), ringsAt(hi), tol)
      if (l >= MIN_SHARED_EDGE_M) { a.push(lo); b.push(hi); len.push(l) }
    }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), len: Float64Array.from(len) }
}
