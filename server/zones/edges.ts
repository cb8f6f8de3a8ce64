/**
 * Shared boundary lengths between neighbouring cells and cell perimeters, on cell rings projected
 * to a metric CRS. Done here rather than with ST_Intersection per neighbour pair: PostGIS takes
 * minutes for the ~20,000 pairs of a 10,000-cell layout on the embedded database, while comparing
 * the few edges of two neighbours is microseconds. Edges need not match vertex for vertex (a street
 * cell's side may meet two smaller cells): collinear overlaps are measured.
 */

/** Rings of one cell, each a flat [x0, y0, x1, y1, …] closed ring in metres. */
export type CellRings = Float64Array[]

/** Default tolerance, metres: vertices within this of a neighbour's edge count as on it. */
export const EDGE_TOLERANCE_M = 0.05

/** Perimeter of a cell, metres (all rings, holes included). */
export function ringsPerimeter(rings: CellRings): number {
  let p = 0
  for (const r of rings) for (let k = 0; k + 3 < r.length; k += 2) p += Math.hypot(r[k + 2] - r[k], r[k + 3] - r[k + 1])
  return p
}

/** Length of boundary two cells share, metres: Σ over edge pairs of their collinear overlap. */
export function sharedLength(a: CellRings, b: CellRings, tol = EDGE_TOLERANCE_M): number {
  let total = 0
  for (const ra of a) {
    for (let s = 0; s + 3 < ra.length; s += 2) {
      const ax = ra[s], ay = ra[s + 1]
      const dx = ra[s + 2] - ax, dy = ra[s + 3] - ay
      const len = Math.hypot(dx, dy)
      if (len <= tol) continue
      const ux = dx / len, uy = dy / len
      const minX = Math.min(ax, ra[s + 2]) - tol, maxX = Math.max(ax, ra[s + 2]) + tol
      const minY = Math.min(ay, ra[s + 3]) - tol, maxY = Math.max(ay, ra[s + 3]) + tol
      for (const rb of b) {
        for (let t = 0; t + 3 < rb.length; t += 2) {
          const bx0 = rb[t], by0 = rb[t + 1], bx1 = rb[t + 2], by1 = rb[t + 3]
          if (Math.max(bx0, bx1) < minX || Math.min(bx0, bx1) > maxX || Math.max(by0, by1) < minY || Math.min(by0, by1) > maxY) continue
          // both ends of b within tol of a's line
          if (Math.abs(ux * (by0 - ay) - uy * (bx0 - ax)) > tol || Math.abs(ux * (by1 - ay) - uy * (bx1 - ax)) > tol) continue
          const t0 = ux * (bx0 - ax) + uy * (by0 - ay)
          const t1 = ux * (bx1 - ax) + uy * (by1 - ay)
          const overlap = Math.min(len, Math.max(t0, t1)) - Math.max(0, Math.min(t0, t1))
          if (overlap > 0) total += overlap
        }
      }
    }
  }
  return total
}

/**
 * Flattens a GeoJSON (Multi)Polygon's rings and projects them with `forward` (lon/lat → metres).
 */
export function projectRings(geometry: { type: string; coordinates: unknown }, forward: (lon: number, lat: number) => [number, number]): CellRings {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : []) as number[][][][]
  const out: CellRings = []
  for (const poly of polys) {
    for (const ring of poly) {
      const r = new Float64Array(ring.length * 2)
      ring.forEach((p, k) => {
        const [x, y] = forward(p[0], p[1])
        r[2 * k] = x
        r[2 * k + 1] = y
      })
      out.push(r)
    }
  }
  return out
}
