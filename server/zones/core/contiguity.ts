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
  private mark = 0

  constructor(private readonly adjacency: Csr) {
    this.seen = new Int32Array(adjacency.n)
    this.want = new Int32Array(adjacency.n)
    this.queue = new Int32Array(adjacency.n)
  }

  /**
   * True when zone `zone[i]` stays one piece after cell i leaves it. False when i is the zone's only
   * cell (a zone may not be emptied) or when its removal would split the zone.
   * @param zone  zone id per cell (read only)
   */
  canDetach(zone: Int32Array, i: number): boolean {
    const { offsets, indices } = this.adjacency
    const a = zone[i]
    if (++this.mark === 0x7fffffff) {
      this.seen.fill(0)
      this.want.fill(0)
      this.mark = 1
    }
    const mark = this.mark
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
}
