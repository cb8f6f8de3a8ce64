/**
 * Small planar geometry helpers for the sample-city generator. All inputs are planar metres
 * (design space or the local metric frame), points as [x, y], rings without a closing point
 * unless stated.
 */

/** A planar point [x, y], metres. */
export type Pt = [number, number]

/** Signed area of a ring (no closing point), m²; positive when counter-clockwise. */
export function signedArea(ring: readonly Pt[]): number {
  let s = 0
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]
    const b = ring[(i + 1) % n]
    s += a[0] * b[1] - b[0] * a[1]
  }
  return s / 2
}

/** Even-odd point-in-ring test (ring with or without closing point); boundary points are unspecified. */
export function pointInRing(x: number, y: number, ring: readonly Pt[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const pi = ring[i]
    const pj = ring[j]
    const yi = pi[1]
    const yj = pj[1]
    if (yi > y !== yj > y && x < ((pj[0] - pi[0]) * (y - yi)) / (yj - yi) + pi[0]) inside = !inside
  }
  return inside
}

/** Distance from point p to segment ab, metres. */
export function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2))
  const ex = px - (ax + t * dx)
  const ey = py - (ay + t * dy)
  return Math.sqrt(ex * ex + ey * ey)
}

/** Distance from a point to the nearest edge of a closed ring (no closing point), metres. */
export function distToRing(x: number, y: number, ring: readonly Pt[]): number {
  let best = Infinity
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]
    const b = ring[i + 1 < n ? i + 1 : 0]
    const d = distToSegment(x, y, a[0], a[1], b[0], b[1])
    if (d < best) best = d
  }
  return best
}

/** True when the open segments ab and cd cross (touching at an end counts). */
export function segmentsCross(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c)
  const o2 = orient(a, b, d)
  const o3 = orient(c, d, a)
  const o4 = orient(c, d, b)
  return o1 * o2 <= 0 && o3 * o4 <= 0 && !(o1 === 0 && o2 === 0)
}

function orient(a: Pt, b: Pt, c: Pt): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
}

/** Length of a polyline, metres. */
export function polylineLength(line: readonly Pt[]): number {
  let s = 0
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1])
  return s
}

/** Point at distance `s` (metres) along a polyline, clamped to its ends. */
export function pointAlong(line: readonly Pt[], s: number): Pt {
  let rest = Math.max(0, s)
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1]
    const [bx, by] = line[i]
    const len = Math.hypot(bx - ax, by - ay)
    if (rest <= len && len > 0) return [ax + ((bx - ax) * rest) / len, ay + ((by - ay) * rest) / len]
    rest -= len
  }
  return [line[line.length - 1][0], line[line.length - 1][1]]
}

/** Unit normal to the left of the polyline's direction at distance `s`, [nx, ny]. */
export function leftNormalAt(line: readonly Pt[], s: number): Pt {
  let rest = Math.max(0, s)
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1]
    const [bx, by] = line[i]
    const len = Math.hypot(bx - ax, by - ay)
    if ((rest <= len || i === line.length - 1) && len > 0) return [-(by - ay) / len, (bx - ax) / len]
    rest -= len
  }
  return [0, 1]
}

/** Area-weighted centroid of a ring (no closing point), metres. */
export function ringCentroid(ring: readonly Pt[]): Pt {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x0, y0] = ring[i]
    const [x1, y1] = ring[(i + 1) % n]
    const f = x0 * y1 - x1 * y0
    a += f
    cx += (x0 + x1) * f
    cy += (y0 + y1) * f
  }
  return [cx / (3 * a), cy / (3 * a)]
}
