/**
 * Greedy merging of small polygons of a noded coverage into neighbours of the same community.
 *
 * Method: the smallest polygon below the threshold is merged first, into the neighbour sharing the
 * longest boundary with it (compact result, and the shared boundary is the weakest street edge),
 * among neighbours of the same community; the merged polygon goes back into the queue. Neighbours
 * on the same side of the water line (land with land, water with water) come first, and among
 * them those that keep the merged area within `improveUpTo` × target, so small blocks pair up
 * into near-target cells instead of swelling a large one. Blocks between `forcedBelow` and
 * `improveBelow` of the target merge only when such a near-target partner exists.
 */
import { MinHeap } from '../../../zones/core/heap'
import { type Poly, ptKey } from './geometry'

/** Polygons to merge: parallel arrays, one entry per polygon. */
export interface MergeInput {
  polys: readonly Poly[]
  area: readonly number[]
  /** community id, null when the polygon lies in no community (it may join any neighbour) */
  community: readonly (number | null)[]
  water: readonly boolean[]
}

export interface MergeOptions {
  /** target area, m² */
  target: number
  /** polygons below this share of the target are always merged when a neighbour allows it */
  forcedBelow: number
  /** polygons below this share merge only into a neighbour keeping the sum within improveUpTo */
  improveBelow: number
  /** upper bound of a near-target merge, share of the target */
  improveUpTo: number
}

export interface MergeGroup {
  /** indexes into the input, the first being the polygon the others merged into */
  members: number[]
  area: number
  community: number | null
  water: boolean
}

export interface MergeResult {
  groups: MergeGroup[]
  /** merge operations done */
  merges: number
  /** groups still below forcedBelow × target because no neighbour of their community exists */
  isolated: number
}

/**
 * Shared boundary length between polygons of a noded coverage, m, from identical edges.
 * @returns for each polygon, a map neighbour index → shared length
 */
export function sharedLengths(polys: readonly Poly[]): Map<number, number>[] {
  const firstOwner = new Map<string, number>()
  const nbr = polys.map(() => new Map<number, number>())
  polys.forEach((poly, i) => {
    for (const ring of poly) {
      for (let k = 0, n = ring.length; k < n; k++) {
        const a = ring[k]
        const b = ring[k + 1 === n ? 0 : k + 1]
        const ka = ptKey(a)
        const kb = ptKey(b)
        const key = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`
        const j = firstOwner.get(key)
        if (j === undefined) {
          firstOwner.set(key, i)
          continue
        }
        if (j === i) continue
        const len = Math.hypot(b[0] - a[0], b[1] - a[1])
        nbr[i].set(j, (nbr[i].get(j) ?? 0) + len)
        nbr[j].set(i, (nbr[j].get(i) ?? 0) + len)
      }
    }
  })
  return nbr
}

/** Greedy merge of the input's small polygons (see the module note). */
export function mergeSmall(input: MergeInput, opts: MergeOptions): MergeResult {
  const n = input.polys.length
  const { target } = opts
  const area = [...input.area]
  const community = [...input.community]
  const water = [...input.water]
  const members = Array.from({ length: n }, (_, i) => [i])
  const alive = new Uint8Array(n).fill(1)
  const nbr = sharedLengths(input.polys)
  const heap = new MinHeap(n)
  for (let i = 0; i < n; i++) if (area[i] < opts.improveBelow * target) heap.push(area[i], i)
  let merges = 0
  while (heap.size) {
    const key = heap.peekKey() as number
    const g = heap.pop()
    if (!alive[g] || key !== area[g]) continue
    const forced = area[g] < opts.forcedBelow * target
    let best = -1
    let bestRank = -Infinity
    for (const [h, len] of nbr[g]) {
      if (!alive[h]) continue
      if (community[g] !== null && community[h] !== null && community[g] !== community[h]) continue
      const sameSurface = water[g] === water[h]
      const nearTarget = area[g] + area[h] <= opts.improveUpTo * target
      if (!forced && !(sameSurface && nearTarget)) continue
      // rank: same surface first, then near-target, then the longest shared boundary
      const rank = (sameSurface ? 2e12 : 0) + (nearTarget ? 1e12 : 0) + len
      if (rank > bestRank) {
        bestRank = rank
        best = h
      }
    }
    if (best < 0) continue
    // g joins best: the survivor keeps best's index so its members list starts with the larger side
    const h = best
    members[h].push(...members[g])
    area[h] += area[g]
    if (community[h] === null) community[h] = community[g]
    water[h] = area[h] - area[g] >= area[g] ? water[h] : water[g]
    for (const [k, len] of nbr[g]) {
      if (k === h) continue
      nbr[h].set(k, (nbr[h].get(k) ?? 0) + len)
      nbr[k].delete(g)
      nbr[k].set(h, (nbr[k].get(h) ?? 0) + len)
    }
    nbr[h].delete(g)
    alive[g] = 0
    merges++
    if (area[h] < opts.improveBelow * target) heap.push(area[h], h)
  }
  const groups: MergeGroup[] = []
  let isolated = 0
  for (let i = 0; i < n; i++) {
    if (!alive[i]) continue
    if (area[i] < opts.forcedBelow * target) isolated++
    groups.push({ members: members[i], area: area[i], community: community[i], water: water[i] })
  }
  return { groups, merges, isolated }
}
