/**
 * Where things can happen in the sample city: points along streets, the nearest street of a
 * point and its address (望格区东湖街道解放路123号附近), and the checks that keep every published
 * point inside the district and out of the river. Works in the local metric frame (metres).
 */
import Flatbush from 'flatbush'
import { type Pt, pointInRing, distToRing, distToSegment } from './geom'
import { metricToLonLat } from './frame'
import type { StreetSegment } from './streets'
import type { Random } from './rand'

/** Published points keep at least this distance from the district outline, m (far above rounding error). */
const EDGE_MARGIN = 1
/** Side of the cells that remember which parts of the district are far from its outline, m. */
const CELL = 50
/** Street pieces (nearest by box) checked for the nearest by true distance. */
const NEAREST_CANDIDATES = 8
/** A house number every this many metres along a road, per side. */
const NUMBER_SPACING = 12

/** A community polygon in the local metric frame with the names used in addresses. */
export interface CommunityShape {
  code: string
  street_zh: string
  polygons: Pt[][][]
  bbox: [number, number, number, number]
}

/** The nearest point of the street network to a query point. */
export interface StreetHit {
  seg: StreetSegment
  /** index of the piece (vertex k → k + 1) */
  piece: number
  /** position on the piece, 0–1 */
  t: number
  dist: number
  /** +1 when the query point is left of the segment's direction, else -1 */
  side: number
}

/** Spatial look-ups over streets, communities, the district outline and the river. */
export class CityIndex {
  private readonly pieces: Flatbush
  private readonly pieceSeg: Uint32Array
  private readonly pieceK: Uint32Array
  /** per CELL-sized cell of the outline's box: 1 = wholly inside by more than the margin, 0 = check each point */
  private readonly deep: Uint8Array
  private readonly cellBox: [number, number, number, number]
  private readonly cellCols: number
  private readonly riverBox: [number, number, number, number]

  constructor(
    readonly streets: readonly StreetSegment[],
    readonly communities: readonly CommunityShape[],
    /** district outline, local metric frame */
    readonly outline: readonly Pt[],
    /** district outline, published lon/lat */
    readonly outlineLonLat: readonly Pt[],
    /** river polygon, local metric frame */
    readonly river: readonly Pt[],
  ) {
    let n = 0
    for (const s of streets) n += s.metric.length - 1
    this.pieces = new Flatbush(n)
    this.pieceSeg = new Uint32Array(n)
    this.pieceK = new Uint32Array(n)
    let k = 0
    streets.forEach((s, si) => {
      for (let v = 0; v < s.metric.length - 1; v++) {
        const [ax, ay] = s.metric[v]
        const [bx, by] = s.metric[v + 1]
        this.pieces.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))
        this.pieceSeg[k] = si
        this.pieceK[k] = v
        k++
      }
    })
    this.pieces.finish()
    this.riverBox = [Math.min(...river.map((p) => p[0])), Math.min(...river.map((p) => p[1])), Math.max(...river.map((p) => p[0])), Math.max(...river.map((p) => p[1]))]
    const xs = outline.map((p) => p[0])
    const ys = outline.map((p) => p[1])
    this.cellBox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
    this.cellCols = Math.ceil((this.cellBox[2] - this.cellBox[0]) / CELL) + 1
    const rows = Math.ceil((this.cellBox[3] - this.cellBox[1]) / CELL) + 1
    this.deep = new Uint8Array(this.cellCols * rows)
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < this.cellCols; c++) {
        const cx = this.cellBox[0] + (c + 0.5) * CELL
        const cy = this.cellBox[1] + (r + 0.5) * CELL
        const clear = distToRing(cx, cy, outline) - CELL * Math.SQRT1_2
        if (pointInRing(cx, cy, outline) && clear > EDGE_MARGIN + 1) this.deep[r * this.cellCols + c] = 1
      }
    }
  }

  /** True when (x, y) lies in a cell wholly inside the outline with room to spare. */
  private deepInside(x: number, y: number): boolean {
    const c = Math.floor((x - this.cellBox[0]) / CELL)
    const r = Math.floor((y - this.cellBox[1]) / CELL)
    if (c < 0 || r < 0 || c >= this.cellCols || x > this.cellBox[2] || y > this.cellBox[3]) return false
    return this.deep[r * this.cellCols + c] === 1
  }

  /** Nearest street piece to (x, y), optionally only among segments that pass `filter`. */
  nearestStreet(x: number, y: number, filter?: (s: StreetSegment) => boolean): StreetHit | null {
    const ids = this.pieces.neighbors(x, y, NEAREST_CANDIDATES, 2000, filter ? (i) => filter(this.streets[this.pieceSeg[i]]) : undefined)
    let best: StreetHit | null = null
    for (const i of ids) {
      const seg = this.streets[this.pieceSeg[i]]
      const k = this.pieceK[i]
      const a = seg.metric[k]
      const b = seg.metric[k + 1]
      const ax = a[0], ay = a[1], bx = b[0], by = b[1]
      const d = distToSegment(x, y, ax, ay, bx, by)
      if (best && d >= best.dist) continue
      const dx = bx - ax
      const dy = by - ay
      const len2 = dx * dx + dy * dy
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2))
      const side = dx * (y - ay) - dy * (x - ax) >= 0 ? 1 : -1
      best = { seg, piece: k, t, dist: d, side }
    }
    return best
  }

  /** A point beside a street: position t (0–1) on piece k, pushed `offset` m to the left (negative: right). */
  besideStreet(seg: StreetSegment, k: number, t: number, offset: number): Pt {
    const ax = seg.metric[k][0], ay = seg.metric[k][1]
    const bx = seg.metric[k + 1][0], by = seg.metric[k + 1][1]
    const len = Math.hypot(bx - ax, by - ay) || 1
    return [ax + (bx - ax) * t - ((by - ay) / len) * offset, ay + (by - ay) * t + ((bx - ax) / len) * offset]
  }

  /** A uniformly placed point along a segment, `offset` m to a random side (kerbs, shop fronts), with the street it belongs to. */
  alongStreet(rand: Random, seg: StreetSegment, offset: number): { p: Pt; hit: StreetHit } {
    const lens = seg.metric.slice(1).map((p, k) => Math.hypot(p[0] - seg.metric[k][0], p[1] - seg.metric[k][1]))
    let r = rand() * lens.reduce((a, b) => a + b, 0)
    let k = 0
    while (k < lens.length - 1 && r > lens[k]) r -= lens[k++]
    const t = lens[k] > 0 ? Math.min(1, r / lens[k]) : 0
    const side = rand() < 0.5 ? 1 : -1
    return { p: this.besideStreet(seg, k, t, side * offset), hit: { seg, piece: k, t, dist: offset, side } }
  }

  /** Subdistrict name (街道) of the community holding a point, or null outside all. */
  subdistrictAt(x: number, y: number): string | null {
    for (const c of this.communities) {
      const b = c.bbox
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue
      for (const poly of c.polygons) {
        if (pointInRing(x, y, poly[0]) && !poly.slice(1).some((h) => pointInRing(x, y, h))) return c.street_zh
      }
    }
    return null
  }

  /**
   * Address text of a point: district, subdistrict, road and house number, '附近'. The road is
   * `known` when the point was placed beside it, else the nearest road (bridges have no numbers).
   */
  address(x: number, y: number, known?: StreetHit): string {
    const hit = known && known.seg.cls !== 'bridge' ? known : this.nearestStreet(x, y, (s) => s.cls !== 'bridge') ?? this.nearestStreet(x, y)
    const sub = this.subdistrictAt(x, y) ?? ''
    if (!hit) return `望格区${sub}附近`
    const s = hit.seg
    const along = s.along[hit.piece] + (s.along[hit.piece + 1] - s.along[hit.piece]) * hit.t
    // odd numbers on one side, even on the other, as on Chinese streets
    const dirSign = s.along[s.along.length - 1] >= s.along[0] ? 1 : -1
    const odd = hit.side * dirSign > 0
    const n = 2 * Math.floor(Math.max(0, along) / NUMBER_SPACING) + (odd ? 1 : 2)
    return `望格区${sub}${s.name_zh}${n}号附近`
  }

  /**
   * The published lon/lat of a metric point when it is a valid case location (inside the district
   * by a safe margin, outside the river unless `water`), else null.
   */
  accept(x: number, y: number, water = false): Pt | null {
    const deep = this.deepInside(x, y)
    if (!deep && (!pointInRing(x, y, this.outline) || distToRing(x, y, this.outline) < EDGE_MARGIN)) return null
    const rb = this.riverBox
    if (!water && x >= rb[0] && x <= rb[2] && y >= rb[1] && y <= rb[3] && pointInRing(x, y, this.river)) return null
    const ll = metricToLonLat(x, y)
    return deep || pointInRing(ll[0], ll[1], this.outlineLonLat) ? ll : null
  }
}
