/**
 * Nodes a coverage: every vertex that lies on another polygon's edge is inserted into that edge.
 *
 * A cut adds its crossing points to the polygon it cuts but not to the neighbour across the cut
 * edge (a T-junction). Inserting them makes neighbours share every boundary vertex again, which
 * the edge-cancelling union (union.ts) and exact shared-edge lengths need, and which PostGIS
 * coverage functions (ST_CoverageUnion, ST_CoverageInvalidEdges) expect of a clean coverage.
 */
import Flatbush from 'flatbush'
import { type Poly, type Pt, ptKey } from './geometry'

/** A vertex closer than this to an edge (m) is taken to lie on it: far below surveying precision. */
const ON_EDGE_TOLERANCE = 1e-6

/**
 * Inserts, in place, every coverage vertex lying on another ring's edge into that edge.
 * @returns the number of vertices inserted
 */
export function nodeCoverage(polys: Poly[]): number {
  const seen = new Map<string, Pt>()
  for (const poly of polys) for (const ring of poly) for (const p of ring) seen.set(ptKey(p), p)
  const pts = [...seen.values()]
  if (pts.length === 0) return 0
  const index = new Flatbush(pts.length)
  for (const p of pts) index.add(p[0], p[1], p[0], p[1])
  index.finish()
  const tol = ON_EDGE_TOLERANCE
  let inserted = 0
  for (const poly of polys) {
    for (let r = 0; r < poly.length; r++) {
      const ring = poly[r]
      const out: Pt[] = []
      const n = ring.length
      let changed = false
      for (let i = 0; i < n; i++) {
        const a = ring[i]
        const b = ring[i + 1 === n ? 0 : i + 1]
        out.push(a)
        const dx = b[0] - a[0]
        const dy = b[1] - a[1]
        const len2 = dx * dx + dy * dy
        if (len2 === 0) continue
        const hits = index.search(
          Math.min(a[0], b[0]) - tol, Math.min(a[1], b[1]) - tol, Math.max(a[0], b[0]) + tol, Math.max(a[1], b[1]) + tol,
        )
        if (hits.length <= 2) continue
        const on: { t: number; p: Pt }[] = []
        for (const h of hits) {
          const p = pts[h]
          if ((p[0] === a[0] && p[1] === a[1]) || (p[0] === b[0] && p[1] === b[1])) continue
          const t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2
          if (t <= 0 || t >= 1) continue
          const ex = a[0] + t * dx - p[0]
          const ey = a[1] + t * dy - p[1]
          if (ex * ex + ey * ey < tol * tol) on.push({ t, p })
        }
        if (on.length === 0) continue
        on.sort((x, y) => x.t - y.t)
        for (const o of on) out.push(o.p)
        inserted += on.length
        changed = true
      }
      if (changed) poly[r] = out
    }
  }
  return inserted
}
