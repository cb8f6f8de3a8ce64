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
 *
 * Guides: streets inside the polygon that bound nothing (dead ends, streets stopping short of the
 * next one). A cut along a guide, extended straight across the polygon, is taken before any
 * balanced cut when both sides then divide into pieces within GUIDE_TOLERANCE of the piece size:
 * the cell boundary follows the street as far as it goes.
 */
import { balancedOffset, clearOffset, cutPolygon, type CutResult, lineClearance } from './cut'
import { type Poly, type Pt, minRotatedRect, polyArea } from './geometry'

/** Directions closer than this (|cos|) are the same candidate. */
const SAME_DIRECTION = Math.cos((5 * Math.PI) / 180)
/** A guide cut is taken when every piece it leads to is within this share of the piece size. */
const GUIDE_TOLERANCE = 0.25
/** Guides shorter than this (m) are ignored: stubs say little about where a street runs. */
const MIN_GUIDE_M = 15
/** A guide cut must pass this far (m) from every vertex but the guide's own end: no grazing. */
const GUIDE_CLEARANCE = 0.5
/** A balanced cut moves by up to a few times this (m) to keep clear of vertices. */
const CUT_CLEARANCE = 0.01

/** A street line inside a polygon, as a straight segment from its first to its last point, metres. */
export type Guide = [Pt, Pt]

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
 * @param guides  dangling streets inside the polygon (see the module note)
 * @returns the pieces (n of them unless a concave polygon fell apart differently) and how many
 *   cuts followed a guide
 */
export function splitBalanced(
  poly: Poly, area: number, n: number, fragmentShare: number, guides: readonly Guide[] = [],
): { pieces: Piece[]; guided: number } {
  const out: Piece[] = []
  let guided = 0
  const unit = area / n
  const recurse = (p: Poly, a: number, k: number, gs: readonly Guide[]) => {
    if (k <= 1) {
      out.push({ poly: p, area: a, fragment: a < fragmentShare * unit })
      return
    }
    const byGuide = guideCut(p, a, k, gs)
    if (byGuide) guided++
    const k1 = byGuide ? byGuide.k1 : Math.floor(k / 2)
    const cut = byGuide ? byGuide.cut : bestCut(p, a, k1 / k, fragmentShare * unit)
    if (!cut) {
      out.push({ poly: p, area: a, fragment: false })
      return
    }
    const rest = byGuide ? gs.filter((g) => g !== byGuide.guide) : gs
    for (const [side, kSide, sign] of [[cut.low, k1, -1], [cut.high, k - k1, 1]] as const) {
      const sideGuides = rest.filter((g) => sign * (midDot(g, cut.u) - cut.s) > 0)
      if (side.length === 1) {
        recurse(side[0], polyArea(side[0]), kSide, sideGuides)
        continue
      }
      for (const part of side) {
        const pa = polyArea(part)
        recurse(part, pa, pa < fragmentShare * unit ? 1 : pieceCount(pa, unit), sideGuides)
      }
    }
  }
  recurse(poly, area, n, guides.filter((g) => Math.hypot(g[1][0] - g[0][0], g[1][1] - g[0][1]) >= MIN_GUIDE_M))
  return { pieces: out, guided }
}

function midDot(g: Guide, u: Pt): number {
  return ((g[0][0] + g[1][0]) * u[0] + (g[0][1] + g[1][1]) * u[1]) / 2
}

/**
 * The cut along a guide whose two sides divide into k pieces all within GUIDE_TOLERANCE of the
 * piece size (the closest such), or undefined.
 */
function guideCut(poly: Poly, area: number, k: number, guides: readonly Guide[]): { cut: CutResult & { u: Pt }; k1: number; guide: Guide } | undefined {
  const unit = area / k
  let best: { cut: CutResult & { u: Pt }; k1: number; guide: Guide } | undefined
  let bestDev = GUIDE_TOLERANCE
  for (const g of guides) {
    const len = Math.hypot(g[1][0] - g[0][0], g[1][1] - g[0][1])
    const u: Pt = [-(g[1][1] - g[0][1]) / len, (g[1][0] - g[0][0]) / len]
    const onGuide = g[0][0] * u[0] + g[0][1] * u[1]
    if (lineClearance(poly, u, onGuide, g, CUT_CLEARANCE) < GUIDE_CLEARANCE) continue
    // a centimetre off the guide's own end, which is a vertex of the block
    const s = clearOffset(poly, u, onGuide, CUT_CLEARANCE)
    let cut: CutResult
    try {
      cut = cutPolygon(poly, u, s)
    } catch {
      continue
    }
    if (cut.low.length !== 1 || cut.high.length !== 1) continue
    const aLow = polyArea(cut.low[0])
    const aHigh = area - aLow
    const k1 = Math.max(1, Math.round(aLow / unit))
    const k2 = k - k1
    if (k2 < 1) continue
    const dev = Math.max(Math.abs(aLow / k1 / unit - 1), Math.abs(aHigh / k2 / unit - 1))
    if (dev < bestDev) {
      bestDev = dev
      best = { cut: { ...cut, u }, k1, guide: g }
    }
  }
  return best
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
function bestCut(poly: Poly, area: number, share: number, fragmentArea: number): (CutResult & { u: Pt }) | undefined {
  let best: (CutResult & { u: Pt }) | undefined
  let bestScore = Infinity
  for (const u of candidateDirections(poly)) {
    let cut: CutResult
    try {
      cut = cutPolygon(poly, u, clearOffset(poly, u, balancedOffset(poly, u, share, area), CUT_CLEARANCE))
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
      best = { ...cut, u }
    }
  }
  return best
}
