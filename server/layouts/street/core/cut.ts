/**
 * Straight cuts of a polygon (with holes) along a line, and the area-balancing cut position.
 *
 * A cut is the line {p : p·u = s} for a unit vector u. Written here rather than taken from a
 * clipping library because both sides must share the crossing points bit for bit (so the cells
 * tile the block without slivers or overlaps, like ST_Split) and because the balancing search
 * evaluates the area on one side some fifty times per cut, which a half-plane Sutherland–Hodgman
 * pass does in O(n) without building geometry.
 */
import { type Poly, type Pt, type Ring, ringArea, pointInRing } from './geometry'

/** Vertices closer than this to a cut line (m) move the line, so every crossing is proper. */
const ON_LINE_EPS = 1e-7
/** How far the cut line moves (m) when a vertex lies on it; far below any surveying precision. */
const NUDGE = 1e-5
/** The balancing search stops when the cut position is known to this precision (m). */
const OFFSET_TOLERANCE = 1e-4

/**
 * Area of `poly` on the low side of the line (p·u ≤ s), m². Sutherland–Hodgman against one
 * half-plane: a concave ring may come out with zero-width bridges along the line, which add no
 * area, so the shoelace sum is exact without building valid geometry.
 */
export function lowSideArea(poly: Poly, u: Pt, s: number): number {
  const [ux, uy] = u
  let total = 0
  for (const ring of poly) {
    const n = ring.length
    // running shoelace over the clipped ring: (px, py) the last point emitted, (fx, fy) the first
    let sum = 0
    let fx = 0, fy = 0, px = 0, py = 0
    let started = false
    let ax = ring[n - 1][0]
    let ay = ring[n - 1][1]
    let da = ax * ux + ay * uy - s
    for (let i = 0; i < n; i++) {
      const bx = ring[i][0]
      const by = ring[i][1]
      const db = bx * ux + by * uy - s
      // edge a → b: emit a when inside, then the crossing when the edge crosses the line
      for (let k = 0; k < 2; k++) {
        let x: number, y: number
        if (k === 0) {
          if (da > 0) continue
          x = ax
          y = ay
        } else {
          if (!((da < 0 && db > 0) || (da > 0 && db < 0))) continue
          const f = da / (da - db)
          x = ax + (bx - ax) * f
          y = ay + (by - ay) * f
        }
        if (started) sum += px * y - x * py
        else { fx = x; fy = y; started = true }
        px = x
        py = y
      }
      ax = bx
      ay = by
      da = db
    }
    if (started) sum += px * fy - fx * py
    total += sum / 2
  }
  return total
}

/**
 * Distance (m) from the line p·u = s to the nearest vertex of `poly`, leaving out vertices within
 * `except` metres of the points `skip` (a guide's own ends, one of which lies on the boundary).
 */
export function lineClearance(poly: Poly, u: Pt, s: number, skip: readonly Pt[] = [], except = 0): number {
  let min = Infinity
  for (const ring of poly) {
    for (const p of ring) {
      if (skip.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) <= except)) continue
      const d = Math.abs(p[0] * u[0] + p[1] * u[1] - s)
      if (d < min) min = d
    }
  }
  return min
}

/**
 * An offset near `s` whose line keeps `clearance` metres from every vertex, when one exists
 * within a few steps: a line grazing a vertex or running along an edge gives crossings at
 * glancing angles, whose rounding can fold a ring.
 */
export function clearOffset(poly: Poly, u: Pt, s: number, clearance: number): number {
  if (lineClearance(poly, u, s) >= clearance) return s
  for (let k = 1; k <= 8; k++) {
    for (const sign of [1, -1]) {
      const t = s + sign * k * clearance
      if (lineClearance(poly, u, t) >= clearance) return t
    }
  }
  return s
}

/** Range of p·u over the shell, metres. */
export function extent(poly: Poly, u: Pt): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const p of poly[0]) {
    const d = p[0] * u[0] + p[1] * u[1]
    if (d < lo) lo = d
    if (d > hi) hi = d
  }
  return [lo, hi]
}

/**
 * Position s of the cut line perpendicular to u that leaves `share` of the area on the low side:
 * bisection on s, since the low-side area grows monotonically with s.
 * @param share  0 < share < 1
 * @param area   the polygon's area, m² (passed in because callers already have it)
 */
export function balancedOffset(poly: Poly, u: Pt, share: number, area: number): number {
  let [lo, hi] = extent(poly, u)
  const goal = share * area
  while (hi - lo > OFFSET_TOLERANCE) {
    const mid = (lo + hi) / 2
    if (lowSideArea(poly, u, mid) < goal) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** The two sides of a cut. */
export interface CutResult {
  /** polygons with p·u < s (several when a concave polygon falls apart) */
  low: Poly[]
  /** polygons with p·u > s */
  high: Poly[]
  /** length of the cut inside the polygon, metres */
  length: number
  /** the offset actually used (moved by a few µm when a vertex lay on the line) */
  s: number
}

interface Crossing {
  pt: Pt
  /** position along the line (p·v, v = u rotated +90°) */
  t: number
  /** arc that starts here and arc that ends here */
  startArc: number
  endArc: number
}

interface Arc {
  pts: Pt[]
  low: boolean
  start: number
  end: number
}

/**
 * Cuts `poly` by the line p·u = s. The polygon boundary crosses the line at points that, sorted
 * along it, pair up into the intervals inside the polygon (a line crosses a valid polygon's
 * boundary alternately in and out). Each side's shells are the boundary arcs on that side,
 * joined by walking from an arc's end to its interval partner; rings that never cross stay
 * whole (holes go to the shell that contains them).
 * @throws Error when the crossings do not pair up (invalid input polygon)
 */
export function cutPolygon(poly: Poly, u: Pt, s0: number): CutResult {
  let s = s0
  for (let tries = 0; tries < 100 && touchesLine(poly, u, s); tries++) s = s0 + NUDGE * (tries + 1) * (tries % 2 ? -1 : 1)
  const v: Pt = [-u[1], u[0]]
  const crossings: Crossing[] = []
  const arcs: Arc[] = []
  const whole: { ring: Ring; low: boolean; shell: boolean }[] = []
  poly.forEach((ring, ri) => {
    const n = ring.length
    const d = ring.map((p) => p[0] * u[0] + p[1] * u[1] - s)
    // crossings in ring order: after vertex i on edge i → i+1
    const at: number[] = []
    const first = crossings.length
    for (let i = 0; i < n; i++) {
      const j = i + 1 === n ? 0 : i + 1
      if ((d[i] < 0) !== (d[j] < 0)) {
        const f = d[i] / (d[i] - d[j])
        const pt: Pt = [ring[i][0] + (ring[j][0] - ring[i][0]) * f, ring[i][1] + (ring[j][1] - ring[i][1]) * f]
        at.push(i)
        crossings.push({ pt, t: pt[0] * v[0] + pt[1] * v[1], startArc: -1, endArc: -1 })
      }
    }
    if (at.length === 0) {
      whole.push({ ring, low: d[0] < 0, shell: ri === 0 })
      return
    }
    for (let k = 0; k < at.length; k++) {
      const c0 = first + k
      const c1 = first + ((k + 1) % at.length)
      const pts: Pt[] = [crossings[c0].pt]
      let i = at[k]
      const stop = at[(k + 1) % at.length]
      do {
        i = i + 1 === n ? 0 : i + 1
        pts.push(ring[i])
      } while (i !== stop)
      pts.push(crossings[c1].pt)
      const a = arcs.length
      arcs.push({ pts, low: d[(at[k] + 1) % n] < 0, start: c0, end: c1 })
      crossings[c0].startArc = a
      crossings[c1].endArc = a
    }
  })
  if (crossings.length % 2) throw new Error(`cut line crosses the polygon boundary an odd number of times (${crossings.length}); the polygon is invalid`)
  const order = crossings.map((_, i) => i).sort((a, b) => crossings[a].t - crossings[b].t)
  const partner = new Int32Array(crossings.length)
  let length = 0
  for (let k = 0; k < order.length; k += 2) {
    partner[order[k]] = order[k + 1]
    partner[order[k + 1]] = order[k]
    length += crossings[order[k + 1]].t - crossings[order[k]].t
  }
  const used = new Uint8Array(arcs.length)
  const sides = { low: [] as Poly[], high: [] as Poly[] }
  for (let a = 0; a < arcs.length; a++) {
    if (used[a]) continue
    const low = arcs[a].low
    const ring: Ring = []
    let cur = a
    for (let guard = 0; ; guard++) {
      if (guard > arcs.length) throw new Error('cut arcs do not close into rings; the polygon is invalid')
      used[cur] = 1
      ring.push(...arcs[cur].pts)
      const next = crossings[partner[arcs[cur].end]].startArc
      if (next < 0 || arcs[next].low !== low) throw new Error('cut arcs alternate sides wrongly; the polygon is invalid')
      if (next === a) break
      cur = next
    }
    if (ringArea(ring) <= 0) throw new Error('a cut produced a clockwise shell; the polygon is invalid')
    ;(low ? sides.low : sides.high).push([ring])
  }
  for (const w of whole) if (w.shell) (w.low ? sides.low : sides.high).push([w.ring])
  for (const w of whole) {
    if (w.shell) continue
    const list = w.low ? sides.low : sides.high
    const probe = edgeMidpoint(w.ring)
    const host = list.find((p) => pointInRing(probe, p[0])) ?? list[0]
    host.push(w.ring)
  }
  return { low: sides.low, high: sides.high, length, s }
}

function touchesLine(poly: Poly, u: Pt, s: number): boolean {
  for (const ring of poly) for (const p of ring) if (Math.abs(p[0] * u[0] + p[1] * u[1] - s) < ON_LINE_EPS) return true
  return false
}

/** Midpoint of a ring's first edge: never on another ring of a valid polygon (unlike a vertex). */
export function edgeMidpoint(ring: Ring): Pt {
  return [(ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[1][1]) / 2]
}
