/**
 * Exact interval geometry for coverage: which part of a straight path segment lies inside a
 * polygon, or within a distance of a polygon edge or of another segment.
 *
 * Everything is expressed as parameter intervals on a segment A + s·(B − A), s ∈ [0, 1], in a
 * metric CRS (metres). Rings are flat vertex arrays `coords[2k], coords[2k + 1]` without the
 * closing vertex; point-in-polygon is even–odd over all rings of a polygon (holes work).
 */

/** Parameters closer than this (on s ∈ [0, 1]) are the same point. */
export const S_EPS = 1e-9

/**
 * Even–odd point-in-polygon over rings `ringStart[r] .. ringStart[r + 1]` (vertex indices into
 * `coords`) for r in [r0, r1). Half-open in y, so a point on an edge shared by two cells of a
 * grid belongs to exactly one of them.
 */
export function pointInRings(x: number, y: number, coords: Float64Array, ringStart: Uint32Array, r0: number, r1: number): boolean {
  let inside = false
  for (let r = r0; r < r1; r++) {
    const v0 = ringStart[r]
    const v1 = ringStart[r + 1]
    for (let i = v0, j = v1 - 1; i < v1; j = i++) {
      const yi = coords[2 * i + 1]
      const yj = coords[2 * j + 1]
      if (yi > y !== yj > y) {
        const xi = coords[2 * i]
        const xj = coords[2 * j]
        if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
      }
    }
  }
  return inside
}

/** Distance from a point to segment B→C, metres. */
export function pointSegmentDistance(px: number, py: number, bx: number, by: number, cx: number, cy: number): number {
  const ex = cx - bx
  const ey = cy - by
  const l2 = ex * ex + ey * ey
  let u = l2 > 0 ? ((px - bx) * ex + (py - by) * ey) / l2 : 0
  u = u < 0 ? 0 : u > 1 ? 1 : u
  return Math.hypot(px - bx - u * ex, py - by - u * ey)
}

/** Distance from a point to the boundary of a polygon (rings r0 .. r1 - 1), metres; not 0 inside. */
export function pointBoundaryDistance(x: number, y: number, coords: Float64Array, ringStart: Uint32Array, r0: number, r1: number): number {
  let best = Infinity
  for (let r = r0; r < r1; r++) {
    const v0 = ringStart[r]
    const v1 = ringStart[r + 1]
    for (let i = v0, j = v1 - 1; i < v1; j = i++) {
      const d = pointSegmentDistance(x, y, coords[2 * j], coords[2 * j + 1], coords[2 * i], coords[2 * i + 1])
      if (d < best) best = d
    }
  }
  return best
}

/**
 * The parameter interval of segment P + s·D, s ∈ [0, 1], that lies within `r` metres of segment
 * B→C (the capsule around B→C: a rectangle and two end discs). The capsule is convex, so the
 * answer is one interval: the hull of the line's intersections with the three pieces.
 * @param out  receives [s0, s1] when the result is not empty
 * @returns false when no point of the segment is within `r`
 */
export function capsuleInterval(
  px: number, py: number, dx: number, dy: number, bx: number, by: number, cx: number, cy: number, r: number, out: Float64Array,
): boolean {
  const a = dx * dx + dy * dy
  if (a === 0) {
    // a stationary path: all of it or none
    if (pointSegmentDistance(px, py, bx, by, cx, cy) > r) return false
    out[0] = 0
    out[1] = 1
    return true
  }
  let lo = Infinity
  let hi = -Infinity
  const r2 = r * r
  // end discs: |P + sD − X|² ≤ r²
  for (let k = 0; k < 2; k++) {
    const fx = px - (k === 0 ? bx : cx)
    const fy = py - (k === 0 ? by : cy)
    const b = fx * dx + fy * dy
    const disc = b * b - a * (fx * fx + fy * fy - r2)
    if (disc >= 0) {
      const sq = Math.sqrt(disc)
      const s0 = (-b - sq) / a
      const s1 = (-b + sq) / a
      if (s0 < lo) lo = s0
      if (s1 > hi) hi = s1
    }
  }
  // rectangle: 0 ≤ (X − B)·E ≤ |E|² and |(X − B) × E| ≤ r·|E|
  const ex = cx - bx
  const ey = cy - by
  const l2 = ex * ex + ey * ey
  if (l2 > 0) {
    const fx = px - bx
    const fy = py - by
    let s0 = -Infinity
    let s1 = Infinity
    const rl = r * Math.sqrt(l2)
    for (let k = 0; k < 2 && s0 <= s1; k++) {
      const alpha = k === 0 ? fx * ex + fy * ey : fx * ey - fy * ex
      const beta = k === 0 ? dx * ex + dy * ey : dx * ey - dy * ex
      const min = k === 0 ? 0 : -rl
      const max = k === 0 ? l2 : rl
      if (beta === 0) {
        if (alpha < min || alpha > max) s1 = -Infinity
      } else {
        let u0 = (min - alpha) / beta
        let u1 = (max - alpha) / beta
        if (u0 > u1) [u0, u1] = [u1, u0]
        if (u0 > s0) s0 = u0
        if (u1 < s1) s1 = u1
      }
    }
    if (s0 <= s1) {
      if (s0 < lo) lo = s0
      if (s1 > hi) hi = s1
    }
  }
  if (lo < 0) lo = 0
  if (hi > 1) hi = 1
  if (!(lo <= hi)) return false
  out[0] = lo
  out[1] = hi
  return true
}

/**
 * Parameter intervals of segment A→B inside a polygon (rings r0 .. r1 - 1), exact: the segment is
 * cut at every edge crossing and each piece is tested at its midpoint.
 * @param cuts  scratch of at least (edge count + 2) entries
 * @param out   receives intervals as [s0, s1, s0, s1, …], ascending and disjoint
 * @returns number of intervals written
 */
export function insideIntervals(
  ax: number, ay: number, bx: number, by: number,
  coords: Float64Array, ringStart: Uint32Array, r0: number, r1: number,
  cuts: Float64Array, out: Float64Array,
): number {
  const dx = bx - ax
  const dy = by - ay
  let n = 0
  cuts[n++] = 0
  for (let r = r0; r < r1; r++) {
    const v0 = ringStart[r]
    const v1 = ringStart[r + 1]
    for (let i = v0, j = v1 - 1; i < v1; j = i++) {
      const px = coords[2 * j]
      const py = coords[2 * j + 1]
      const ex = coords[2 * i] - px
      const ey = coords[2 * i + 1] - py
      const denom = dx * ey - dy * ex
      if (denom === 0) continue // parallel: collinear overlaps are settled by the midpoint tests
      const qx = px - ax
      const qy = py - ay
      const s = (qx * ey - qy * ex) / denom
      const u = (qx * dy - qy * dx) / denom
      if (s > 0 && s < 1 && u >= 0 && u <= 1) cuts[n++] = s
    }
  }
  cuts[n++] = 1
  // insertion sort: a handful of cuts per segment
  for (let i = 1; i < n; i++) {
    const v = cuts[i]
    let j = i - 1
    while (j >= 0 && cuts[j] > v) {
      cuts[j + 1] = cuts[j]
      j--
    }
    cuts[j + 1] = v
  }
  let m = 0
  for (let k = 0; k + 1 < n; k++) {
    const s0 = cuts[k]
    const s1 = cuts[k + 1]
    if (s1 - s0 <= S_EPS) continue
    const mid = (s0 + s1) / 2
    if (!pointInRings(ax + mid * dx, ay + mid * dy, coords, ringStart, r0, r1)) continue
    if (m > 0 && s0 - out[2 * m - 1] <= S_EPS) out[2 * m - 1] = s1
    else {
      out[2 * m] = s0
      out[2 * m + 1] = s1
      m++
    }
  }
  return m
}

/**
 * Sorts intervals [s0, s1, s0, s1, …] (first `n` of them) by start and merges overlapping or
 * touching ones, in place.
 * @returns number of merged intervals
 */
export function mergeIntervals(iv: Float64Array | number[], n: number): number {
  if (n > 32) {
    const pairs = Array.from({ length: n }, (_, i) => [iv[2 * i], iv[2 * i + 1]]).sort((p, q) => p[0] - q[0])
    pairs.forEach(([s0, s1], i) => {
      iv[2 * i] = s0
      iv[2 * i + 1] = s1
    })
  }
  // insertion sort on pairs: usually a few per segment and cell, or already sorted above
  for (let i = 1; i < n; i++) {
    const s0 = iv[2 * i]
    const s1 = iv[2 * i + 1]
    let j = i - 1
    while (j >= 0 && iv[2 * j] > s0) {
      iv[2 * j + 2] = iv[2 * j]
      iv[2 * j + 3] = iv[2 * j + 1]
      j--
    }
    iv[2 * j + 2] = s0
    iv[2 * j + 3] = s1
  }
  let m = 0
  for (let i = 0; i < n; i++) {
    const s0 = iv[2 * i]
    const s1 = iv[2 * i + 1]
    if (m > 0 && s0 <= iv[2 * m - 1] + S_EPS) {
      if (s1 > iv[2 * m - 1]) iv[2 * m - 1] = s1
    } else {
      iv[2 * m] = s0
      iv[2 * m + 1] = s1
      m++
    }
  }
  return m
}
