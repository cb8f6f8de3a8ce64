/**
 * Convex hull of a set of planar points (Andrew's monotone chain) with exact orientation tests
 * (robust-predicates, Shewchuk's adaptive arithmetic), so cases geocoded along one straight
 * street or stacked on one address never yield a folded or spiky outline.
 */
import { orient2d } from 'robust-predicates'

/** Outline of a cluster as a GeoJSON-shaped geometry in the caller's metric CRS (metres). */
export type HullGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] }

/**
 * Convex hull of the points `members` (indices into x, y; all points when omitted).
 * Degenerate sets are returned as what they are, never buffered: one distinct location gives a
 * Point, distinct locations all on one line give a LineString between the two extremes; otherwise
 * a Polygon with one closed ring, counter-clockwise (RFC 7946), starting at the lowest-x
 * (then lowest-y) vertex, without collinear vertices.
 * @param x  easting per point, metres
 * @param y  northing per point, metres
 * @param members  indices of the points to enclose (at least one)
 */
export function convexHull(x: Float64Array, y: Float64Array, members?: ArrayLike<number>): HullGeometry {
  const idx = members ? Array.from(members) : Array.from({ length: x.length }, (_, i) => i)
  if (idx.length === 0) throw new RangeError('Cannot take the hull of no points.')
  idx.sort((a, b) => x[a] - x[b] || y[a] - y[b])
  // distinct locations only
  const pts: number[] = [idx[0]]
  for (let k = 1; k < idx.length; k++) {
    const p = pts[pts.length - 1]
    if (x[idx[k]] !== x[p] || y[idx[k]] !== y[p]) pts.push(idx[k])
  }
  if (pts.length === 1) return { type: 'Point', coordinates: [x[pts[0]], y[pts[0]]] }

  // orient2d > 0 means clockwise in y-up coordinates: pop while the turn is not strictly left
  const chain: number[] = []
  const lower = (p: number) => {
    while (chain.length >= 2 && orient2d(x[chain[chain.length - 2]], y[chain[chain.length - 2]], x[chain[chain.length - 1]], y[chain[chain.length - 1]], x[p], y[p]) >= 0) chain.pop()
    chain.push(p)
  }
  for (const p of pts) lower(p)
  const lowerLength = chain.length
  for (let k = pts.length - 2; k >= 0; k--) {
    const p = pts[k]
    while (chain.length > lowerLength && orient2d(x[chain[chain.length - 2]], y[chain[chain.length - 2]], x[chain[chain.length - 1]], y[chain[chain.length - 1]], x[p], y[p]) >= 0) chain.pop()
    chain.push(p)
  }
  chain.pop() // the first point again
  if (chain.length < 3) {
    const a = pts[0]
    const b = pts[pts.length - 1]
    return { type: 'LineString', coordinates: [[x[a], y[a]], [x[b], y[b]]] }
  }
  const ring = chain.map((p) => [x[p], y[p]] as [number, number])
  ring.push([ring[0][0], ring[0][1]])
  return { type: 'Polygon', coordinates: [ring] }
}
