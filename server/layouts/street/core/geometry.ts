/**
 * Planar polygon primitives for street-following cells, in a metric CRS (metres, x east, y north).
 *
 * Rings are open (the first vertex is not repeated at the end). Shells run counter-clockwise and
 * holes clockwise, so the interior is always on the left of every edge: the edge-cancelling union
 * (union.ts) and the line cutter (cut.ts) rely on it. Coordinates should be near the origin
 * (the adapter subtracts the scope's centre) so that sums of products keep their precision.
 */

/** A point, metres: [x, y]. */
export type Pt = [number, number]
/** An open ring of at least 3 vertices, metres. */
export type Ring = Pt[]
/** A polygon: the shell (counter-clockwise) then its holes (clockwise), metres. */
export type Poly = Ring[]

/** Signed area of a ring, m² (shoelace; positive when counter-clockwise). */
export function ringArea(ring: Ring): number {
  let s = 0
  const n = ring.length
  for (let i = 0, j = n - 1; i < n; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
  return s / 2
}

/** Area of a polygon (shell minus holes), m²; assumes the orientation convention above. */
export function polyArea(poly: Poly): number {
  let s = 0
  for (const r of poly) s += ringArea(r)
  return s
}

/** Perimeter of a polygon, shell and holes, metres. */
export function polyPerimeter(poly: Poly): number {
  let s = 0
  for (const r of poly) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += Math.hypot(r[i][0] - r[j][0], r[i][1] - r[j][1])
  }
  return s
}

/** Area-weighted centroid of a polygon, metres. */
export function polyCentroid(poly: Poly): Pt {
  let a = 0
  let cx = 0
  let cy = 0
  for (const r of poly) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const f = r[j][0] * r[i][1] - r[i][0] * r[j][1]
      a += f
      cx += (r[j][0] + r[i][0]) * f
      cy += (r[j][1] + r[i][1]) * f
    }
  }
  return a === 0 ? [poly[0][0][0], poly[0][0][1]] : [cx / (3 * a), cy / (3 * a)]
}

/** A ring without repeated consecutive vertices (and without the closing repeat). */
export function cleanRing(ring: Ring): Ring {
  const out: Ring = []
  for (const p of ring) {
    const q = out[out.length - 1]
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p)
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop()
  return out
}

/** Orients a polygon to the convention: shell counter-clockwise, holes clockwise (copies reversed rings). */
export function orient(poly: Poly): Poly {
  return poly.map((r, i) => {
    const a = ringArea(r)
    return (i === 0 ? a < 0 : a > 0) ? [...r].reverse() : r
  })
}

/** Whether `p` lies inside `ring` (even-odd rule; points on the boundary may go either way). */
export function pointInRing(p: Pt, ring: Ring): boolean {
  let inside = false
  const [x, y] = p
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Exact key of a vertex, for matching shared vertices bit for bit. */
export function ptKey(p: Pt): string {
  return `${p[0]},${p[1]}`
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, no collinear points. */
export function convexHull(points: readonly Pt[]): Pt[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  if (pts.length < 3) return pts
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
  const lower: Pt[] = []
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop()
    lower.push(p)
  }
  const upper: Pt[] = []
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop()
    upper.push(p)
  }
  lower.pop()
  upper.pop()
  return lower.concat(upper)
}

/** The minimum-area rectangle enclosing a point set. */
export interface RotatedRect {
  /** unit vector along the longer side */
  long: Pt
  /** unit vector along the shorter side (long rotated +90°) */
  short: Pt
  /** side lengths, metres (longLength ≥ shortLength) */
  longLength: number
  shortLength: number
}

/**
 * Minimum rotated rectangle of a polygon's shell: one side of the optimum lies on a convex-hull
 * edge (Freeman & Shapira 1975), so every hull edge direction is tried (O(h²), h is small for
 * blocks). Equivalent to PostGIS ST_OrientedEnvelope.
 */
export function minRotatedRect(poly: Poly): RotatedRect {
  const hull = convexHull(poly[0])
  let best: RotatedRect = { long: [1, 0], short: [0, 1], longLength: 0, shortLength: 0 }
  let bestArea = Infinity
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]
    const b = hull[(i + 1) % hull.length]
    const len = Math.hypot(b[0] - a[0], b[1] - a[1])
    if (len === 0) continue
    const ux = (b[0] - a[0]) / len
    const uy = (b[1] - a[1]) / len
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy
      const v = -p[0] * uy + p[1] * ux
      if (u < minU) minU = u
      if (u > maxU) maxU = u
      if (v < minV) minV = v
      if (v > maxV) maxV = v
    }
    const w = maxU - minU
    const h = maxV - minV
    if (w * h < bestArea) {
      bestArea = w * h
      best = w >= h
        ? { long: [ux, uy], short: [-uy, ux], longLength: w, shortLength: h }
        : { long: [-uy, ux], short: [-ux, -uy], longLength: h, shortLength: w }
    }
  }
  return best
}
