/**
 * Point location against a set of polygons (pure; no DB), in a metric CRS (metres): which
 * polygon holds a point, and whether a polygon boundary passes within some distance of it.
 * Used to place tens of thousands of H3 cells in the communities holding their centres without a
 * PostGIS query per cell: a flatbush over the boundary segments answers both questions by
 * looking only at the few segments near the point (or crossing its eastward ray).
 */
import Flatbush from 'flatbush'
import { pointSegmentDistance } from '../../patrol/core/coverage-geom'
import type { CellOutline } from './cell-graph'

export class RingIndex {
  /** segment s runs from (seg[4s], seg[4s + 1]) to (seg[4s + 2], seg[4s + 3]), metres */
  private readonly seg: Float64Array
  /** polygon id of segment s */
  private readonly owner: Int32Array
  private readonly index: Flatbush
  private readonly maxX: number
  /** crossing parity per polygon id during one `locate` */
  private readonly parity: Uint8Array
  private readonly listed: Uint8Array
  private readonly touched: number[] = []

  /**
   * @param polygons  outlines (holes and several parts allowed: even–odd rule); polygon k has id `ids[k]`
   * @param ids       non-negative ids, default the positions
   */
  constructor(polygons: CellOutline[], ids?: ArrayLike<number>) {
    let n = 0
    for (const p of polygons) for (let r = 0; r + 1 < p.ringStart.length; r++) n += Math.max(0, p.ringStart[r + 1] - p.ringStart[r] - 1)
    this.seg = new Float64Array(4 * n)
    this.owner = new Int32Array(n)
    this.index = new Flatbush(Math.max(1, n))
    let s = 0
    let maxX = -Infinity
    let maxId = 0
    polygons.forEach((p, k) => {
      const id = ids ? ids[k] : k
      if (id > maxId) maxId = id
      for (let r = 0; r + 1 < p.ringStart.length; r++) {
        for (let v = p.ringStart[r]; v + 1 < p.ringStart[r + 1]; v++) {
          const x0 = p.coords[2 * v], y0 = p.coords[2 * v + 1], x1 = p.coords[2 * v + 2], y1 = p.coords[2 * v + 3]
          this.seg[4 * s] = x0; this.seg[4 * s + 1] = y0; this.seg[4 * s + 2] = x1; this.seg[4 * s + 3] = y1
          this.owner[s] = id
          this.index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1))
          if (x0 > maxX) maxX = x0
          if (x1 > maxX) maxX = x1
          s++
        }
      }
    })
    if (n === 0) this.index.add(0, 0, 0, 0)
    this.index.finish()
    this.maxX = maxX
    this.parity = new Uint8Array(maxId + 1)
    this.listed = new Uint8Array(maxId + 1)
  }

  /** The lowest id of the polygons holding (x, y) (even–odd, half-open in y), or -1. */
  locate(x: number, y: number): number {
    if (!(x <= this.maxX)) return -1
    const { seg, owner, parity, listed, touched } = this
    // the filter does the work and keeps nothing: no result array per query
    this.index.search(x, y, this.maxX, y, (s) => {
      const y0 = seg[4 * s + 1], y1 = seg[4 * s + 3]
      if (y0 > y !== y1 > y) {
        const x0 = seg[4 * s], x1 = seg[4 * s + 2]
        if (x < ((x1 - x0) * (y - y0)) / (y1 - y0) + x0) {
          const id = owner[s]
          if (!listed[id]) { listed[id] = 1; touched.push(id) }
          parity[id] ^= 1
        }
      }
      return false
    })
    let best = -1
    for (const id of touched) {
      if (parity[id] === 1 && (best < 0 || id < best)) best = id
      parity[id] = 0
      listed[id] = 0
    }
    touched.length = 0
    return best
  }

  /** Whether any boundary segment passes within `r` metres of (x, y). */
  near(x: number, y: number, r: number): boolean {
    const { seg } = this
    let hit = false
    this.index.search(x - r, y - r, x + r, y + r, (s) => {
      if (!hit && pointSegmentDistance(x, y, seg[4 * s], seg[4 * s + 1], seg[4 * s + 2], seg[4 * s + 3]) <= r) hit = true
      return false
    })
    return hit
  }
}
