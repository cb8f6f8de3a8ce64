/**
 * Fast test of whether a cell can leave its zone without splitting it (i.e. is not an articulation
 * point of the zone's subgraph).
 *
 * Rather than recomputing Tarjan articulation points for a zone after every move, it runs one
 * breadth-first search inside the zone from one same-zone neighbour of the cell, skipping the cell,
 * and stops as soon as every other same-zone neighbour is reached. Most candidate cells sit on a
 * smooth boundary where the neighbours meet within a few steps, so the search usually visits a
 * handful of cells; only a true cut vertex costs a sweep of the smaller side.
 */
import type { Csr } from '../../shared/csr'

export class DetachCheck {
  private readonly seen: Int32Array
  private readonly want: Int32Array
  private readonly queue: Int32Array
  /** piece index (by neighbour) of each cell reached by `pendant`, valid where seen === mark */
  private readonly piece: Int32Array
  private mark = 0

  constructor(private readonly adjacency: Csr) {
    this.seen = new Int32Array(adjacency.n)
    this.want = new Int32Array(adjacency.n)
    this.queue = new Int32Array(adjacency.n)
    this.piece = new Int32Array(adjacency.n)
  }

  private nextMark(): number {
    if (++this.mark === 0x7fffffff) {
      this.seen.fill(0)
      this.want.fill(0)
      this.mark = 1
    }
    return this.mark
  }

  /**
   * True when zone `zone[i]` stays one piece after cell i leaves it. False when i is the zone's only
   * cell (a zone may not be emptied) or when its removal would split the zone.
   * @param zone  zone id per cell (read only)
   */
  canDetach(zone: Int32Array, i: number): boolean {
    const { offsets, indices } = this.adjacency
    const a = zone[i]
    const mark = this.nextMark()
    let start = -1
    let wanted = 0
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e]
      if (zone[j] !== a) continue
      if (start < 0) start = j
      else if (this.want[j] !== mark) {
        this.want[j] = mark
        wanted++
      }
    }
    if (start < 0) return false
    if (wanted === 0) return true
    const seen = this.seen
    const queue = this.queue
    seen[i] = mark
    seen[start] = mark
    let head = 0
    let tail = 0
    queue[tail++] = start
    while (head < tail) {
      const c = queue[head++]
      for (let e = offsets[c]; e < offsets[c + 1]; e++) {
        const j = indices[e]
        if (seen[j] === mark || zone[j] !== a) continue
        seen[j] = mark
        if (this.want[j] === mark && --wanted === 0) return true
        queue[tail++] = j
      }
    }
    return false
  }

  /**
   * When cell i cannot leave its zone alone, the cells that would be cut off from the zone's main
   * piece — e.g. cells hanging beyond a bridge, whose only link to the rest of the zone is i. Moving
   * i together with them keeps both zones contiguous (they reach the new zone through i), so a
   * pendant no longer locks a zone in place. Returns them in breadth-first order from i, or null
   * when more than `limit` cells would have to follow, or one of them may not move (`locked`).
   */
  pendant(zone: Int32Array, i: number, limit: number, locked: Uint8Array): number[] | null {
    const { offsets, indices } = this.adjacency
    const a = zone[i]
    const mark = this.nextMark()
    const seen = this.seen
    const piece = this.piece
    const queue = this.queue
    seen[i] = mark
    piece[i] = -1
    // Pieces found from each same-zone neighbour: start offset in `cells`, size, and whether the
    // search stopped at the limit (then the piece is taken as the main one).
    const cells: number[] = []
    const starts: number[] = []
    const sizes: number[] = []
    const big: boolean[] = []
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const s = indices[e]
      if (zone[s] !== a || seen[s] === mark) continue
      const p = starts.length
      const start = cells.length
      let size = 0
      let capped = false
      let merged = false
      seen[s] = mark
      piece[s] = p
      let head = 0
      let tail = 0
      queue[tail++] = s
      while (head < tail && !capped && !merged) {
        const c = queue[head++]
        cells.push(c)
        if (++size > limit) capped = true
        for (let f = offsets[c]; f < offsets[c + 1] && !capped; f++) {
          const j = indices[f]
          if (zone[j] !== a) continue
          if (seen[j] === mark) {
            // Reached a piece an earlier, capped search left unfinished: same piece, the main one.
            if (j !== i && piece[j] !== p) merged = true
            continue
          }
          seen[j] = mark
          piece[j] = p
          queue[tail++] = j
        }
      }
      if (merged) {
        // Relabel so later searches meeting these cells also know they belong to the main piece.
        for (let k = start; k < cells.length; k++) piece[cells[k]] = -2
        for (let k = head; k < tail; k++) piece[queue[k]] = -2
        cells.length = start
        continue
      }
      starts.push(start)
      sizes.push(size)
      big.push(capped)
    }
    const pieces = starts.length
    if (pieces === 0) return null
    if (pieces === 1) return []
    let main = -1
    for (let p = 0; p < pieces; p++) {
      if (!big[p]) continue
      if (main >= 0) return null // two large pieces: i is a true cut between big parts
      main = p
    }
    if (main < 0) {
      main = 0
      for (let p = 1; p < pieces; p++) if (sizes[p] > sizes[main]) main = p
    }
    const out: number[] = []
    for (let p = 0; p < pieces; p++) {
      if (p === main) continue
      const end = p + 1 < pieces ? starts[p + 1] : cells.length
      for (let k = starts[p]; k < end; k++) {
        if (locked[cells[k]]) return null
        out.push(cells[k])
      }
    }
    return out.length <= limit ? out : null
  }
}
