/**
 * Union of polygons that form a noded coverage: neighbours share every vertex of their common
 * boundary (faces of ST_Polygonize, pieces of cut.ts after node.ts). Then the union's boundary is
 * exactly the set of edges not shared by two polygons, so it is found by cancelling each edge
 * against its reverse and re-linking what remains, with no intersection arithmetic (and no
 * robustness risk) at all. A general overlay library would recompute intersections it does not
 * need and could move shared vertices.
 */
import { type Poly, type Pt, type Ring, cleanRing, pointInRing, ptKey, ringArea } from './geometry'
import { edgeMidpoint } from './cut'

interface Edge {
  from: Pt
  to: Pt
  fromKey: string
  toKey: string
}

/**
 * Union of edge-adjacent polygons of a noded coverage, metres.
 * @returns the polygons of the union (one when the inputs are connected through shared edges)
 */
export function unionCoverage(polys: readonly Poly[]): Poly[] {
  if (polys.length === 1) return [polys[0]]
  const edges = new Map<string, Edge>()
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 0, n = ring.length; i < n; i++) {
        const a = ring[i]
        const b = ring[i + 1 === n ? 0 : i + 1]
        const ka = ptKey(a)
        const kb = ptKey(b)
        const back = `${kb}>${ka}`
        if (edges.has(back)) edges.delete(back)
        else edges.set(`${ka}>${kb}`, { from: a, to: b, fromKey: ka, toKey: kb })
      }
    }
  }
  const outgoing = new Map<string, Edge[]>()
  for (const e of edges.values()) {
    const list = outgoing.get(e.fromKey)
    if (list) list.push(e)
    else outgoing.set(e.fromKey, [e])
  }
  const used = new Set<Edge>()
  const shells: Ring[] = []
  const holes: Ring[] = []
  for (const start of edges.values()) {
    if (used.has(start)) continue
    const ring: Ring = []
    let e = start
    for (;;) {
      used.add(e)
      ring.push(e.from)
      const next = pickNext(e, outgoing.get(e.toKey) ?? [])
      if (!next || next === start || used.has(next)) break
      e = next
    }
    const clean = cleanRing(ring)
    if (clean.length < 3) continue
    const a = ringArea(clean)
    if (a > 0) shells.push(clean)
    else if (a < 0) holes.push(clean)
  }
  const out: Poly[] = shells.map((s) => [s])
  for (const h of holes) {
    const probe = edgeMidpoint(h)
    let host = -1
    let hostArea = Infinity
    shells.forEach((s, i) => {
      const a = ringArea(s)
      if (a < hostArea && pointInRing(probe, s)) {
        host = i
        hostArea = a
      }
    })
    if (host >= 0) out[host].push(h)
  }
  return out
}

/**
 * The boundary edge that follows `e`. At a vertex where the union's boundary touches itself, the
 * first outgoing edge counter-clockwise from the way back keeps the exterior wedge on the right
 * tight, so each ring bounds one exterior component: the shell and holes that touch at a vertex,
 * as OGC validity wants, never one self-touching ring (for an edge-connected union).
 */
function pickNext(e: Edge, candidates: Edge[]): Edge | undefined {
  let best: Edge | undefined
  let bestAngle = -Infinity
  const bx = e.from[0] - e.to[0]
  const by = e.from[1] - e.to[1]
  const back = Math.atan2(by, bx)
  for (const c of candidates) {
    const ang = Math.atan2(c.to[1] - c.from[1], c.to[0] - c.from[0])
    // clockwise angle from the way back to the candidate, in (0, 2π]
    let cw = back - ang
    while (cw <= 0) cw += 2 * Math.PI
    while (cw > 2 * Math.PI) cw -= 2 * Math.PI
    if (cw > bestAngle) {
      bestAngle = cw
      best = c
    }
  }
  return best
}
