/**
 * Balanced straight cuts of a polygon into pieces near a target area.
 *
 * Method (recursive bisection, as in k-d splitting of land parcels): a polygon that should become
 * n pieces is cut by a straight line into ⌊n/2⌋ and ⌈n/2⌉ pieces' worth of area; the line's
 * position is found by bisection on its offset (cut.ts balancedOffset). Candidate directions are
 * perpendicular to the long and to the short axis of the minimum rotated rectangle (the classic
 * choice: short cuts, compact pieces) and perpendicular to the longest shell edge (each piece
 * keeps frontage on the block's main street). The candidate that leaves no fragment (a
 * disconnected scrap of a concave polygon) and then has the fewest pieces and the shortest cut
 * wins. When a side falls apart into several polygons, each gets its own count of pieces.
 */
import { balancedOffset, cutPolygon, type CutResult } from './cut'
import { type Poly, type Pt, minRotatedRect, polyArea } from './geometry'

/** Directions closer than this (|cos|) are the same candidate. */
const SAME_DIRECTION = Math.cos((5 * Math.PI) / 180)

/** One piece of a split. */
export interface Piece {
  poly: Poly
  area: number
  /** a scrap below `fragmentShare` of the piece size the cut aimed at (to be merged afterwards) */
  fragment: boolean
}

/**
 * Number of pieces for a polygon of `area` aiming at `target`: the integer n ≥ 1 minimising the
 * larger of area/(n·target) and n·target/area (rounding on the log scale, so 1.4 × target stays
 * whole and 1.42 × target becomes two pieces of 0.71).
 */
export function pieceCount(area: number, target: number): number {
  const n = Math.max(1, Math.floor(area / target))
  return area * area > n * (n + 1) * target * target ? n + 1 : n
}

/**
 * Splits `poly` into `n` pieces of about equal area by recursive straight cuts.
 * @param fragmentShare  pieces smaller than this share of area/n are flagged as fragments
 * @returns the pieces (n of them unless a concave polygon fell apart differently)
 */
export function splitBalanced(poly: Poly, area: number, n: number, fragmentShare: number): Piece[] {
  const out: Piece[] = []
  const unit = area / n
  const recurse = (p: Poly, a: number, k: number) => {
    if (k <= 1) {
      out.push({ poly: p, area: a, fragment: a < fragmentShare * unit })
      return
    }
    const k1 = Math.floor(k / 2)
    const cut = bestCut(p, a, k1 / k, fragmentShare * unit)
    if (!cut) {
      out.push({ poly: p, area: a, fragment: false })
      return
    }
    for (const [side, kSide] of [[cut.low, k1], [cut.high, k - k1]] as const) {
      if (side.length === 1) {
        recurse(side[0], polyArea(side[0]), kSide)
        continue
      }
      for (const part of side) {
        const pa = polyArea(part)
        recurse(part, pa, pa < fragmentShare * unit ? 1 : pieceCount(pa, unit))
      }
    }
  }
  recurse(poly, area, n)
  return out
}

function candidateDirections(poly: Poly): Pt[] {
  const rr = minRotatedRect(poly)
  const dirs: Pt[] = [rr.long, rr.short]
  const shell = poly[0]
  let best = 0
  let edge: Pt | null = null
  for (let i = 0; i < shell.length; i++) {
    const a = shell[i]
    const b = shell[(i + 1) % shell.length]
    const len = Math.hypot(b[0] - a[0], b[1] - a[1])
    if (len > best) {
      best = len
      edge = [(b[0] - a[0]) / len, (b[1] - a[1]) / len]
    }
  }
  if (edge && dirs.every((d) => Math.abs(d[0] * edge[0] + d[1] * edge[1]) < SAME_DIRECTION)) dirs.push(edge)
  return dirs
}

/**
 * The best balanced cut leaving `share` of the area on the low side, over the candidate
 * directions; undefined when every candidate failed (an invalid polygon).
 */
function bestCut(poly: Poly, area: number, share: number, fragmentArea: number): CutResult | undefined {
  let best: CutResult | undefined
  let bestScore = Infinity
  for (const u of candidateDirections(poly)) {
    let cut: CutResult
    try {
      cut = cutPolygon(poly, u, balancedOffset(poly, u, share, area))
    } catch {
      continue
    }
    const parts = [...cut.low, ...cut.high]
    if (cut.low.length === 0 || cut.high.length === 0) continue
    const fragments = parts.filter((p) => polyArea(p) < fragmentArea).length
    // lexicographic: fragments, then extra parts, then cut length (metres, always < 1e6)
    const score = fragments * 1e12 + (parts.length - 2) * 1e9 + cut.length
    if (score < bestScore) {
      bestScore = score
      best = cut
    }
  }
  return best
}
