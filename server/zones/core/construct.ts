/**
 * Initial zoning: contiguous zones of roughly equal workload, for the local search to refine.
 *
 * 1. Start from the anchors (fixed cells and their corridors) and, when given, the current zoning
 *    (each current zone keeps its largest piece, so the plan starts close to what workers know).
 * 2. Seed every still empty zone by k-means++ (Arthur & Vassilvitskii 2007) on cell centroids,
 *    drawing cells with probability ∝ workload × squared distance to the nearest existing centre, so
 *    seeds spread out and crowd where the work is.
 * 3. Grow all zones at once by multi-kernel region growing (Vickrey 1961's growth from kernels):
 *    the zone furthest below its workload target takes the free neighbouring cell nearest to its
 *    kernel. Lightest-first keeps zones level while growing; nearest-first keeps them round.
 */
import type { Random } from '../../shared/random'
import { DetachCheck } from './contiguity'
import type { CellGeometry } from './geometry'
import { pieces } from './graph'
import { MinHeap } from './heap'
import type { ZoningInput } from './types'
import type { ZoningPlan } from './validate'

/**
 * Builds a complete initial zoning in which every zone is non-empty and contiguous (anchored zones
 * included) and lies inside its region.
 * @param maxDiameter  when set, growth never adds a cell farther than this from a zone member, metres
 * @returns zone id per cell
 */
export function constructZones(input: ZoningInput, geo: CellGeometry, plan: ZoningPlan, rand: Random, maxDiameter?: number): Int32Array {
  const { n, adjacency, workload } = input
  const { offsets, indices } = adjacency
  const { K, region, zoneRegion, target } = plan
  const zone = Int32Array.from(plan.anchor)

  if (input.current) adoptCurrent(input, plan, zone, maxDiameter)

  const members: number[][] = Array.from({ length: K }, () => [])
  for (let i = 0; i < n; i++) if (zone[i] >= 0) members[zone[i]].push(i)
  const load = new Float64Array(K)
  for (let i = 0; i < n; i++) if (zone[i] >= 0) load[zone[i]] += workload[i]

  // Kernel of each zone: centroid of its starting cells, or a k-means++ seed.
  const kx = new Float64Array(K)
  const ky = new Float64Array(K)
  for (let z = 0; z < K; z++) {
    if (!members[z].length) continue
    for (const i of members[z]) {
      kx[z] += geo.x[i]
      ky[z] += geo.y[i]
    }
    kx[z] /= members[z].length
    ky[z] /= members[z].length
  }
  seedEmptyZones(input, geo, plan, zone, members, load, kx, ky, rand)

  // Region growing, lightest zone (relative to its target) first.
  const fill = (z: number): number => (target[z] > 0 ? load[z] / target[z] : members[z].length)
  const frontier: MinHeap[] = Array.from({ length: K }, () => new MinHeap(8))
  const pushNeighbours = (z: number, i: number): void => {
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e]
      if (zone[j] < 0 && region[j] === zoneRegion[z]) frontier[z].push((geo.x[j] - kx[z]) ** 2 + (geo.y[j] - ky[z]) ** 2, j)
    }
  }
  for (let z = 0; z < K; z++) for (const i of members[z]) pushNeighbours(z, i)
  const zones = new MinHeap(K)
  for (let z = 0; z < K; z++) zones.push(fill(z), z)
  const D2 = maxDiameter !== undefined ? maxDiameter * maxDiameter : Infinity
  const fits = (z: number, j: number): boolean => {
    if (D2 === Infinity) return true
    for (const i of members[z]) if ((input.x[i] - input.x[j]) ** 2 + (input.y[i] - input.y[j]) ** 2 > D2) return false
    return true
  }
  while (zones.size) {
    const z = zones.pop()
    let cell = -1
    while (frontier[z].size) {
      const j = frontier[z].pop()
      if (zone[j] < 0 && fits(z, j)) {
        cell = j
        break
      }
    }
    if (cell < 0) continue // enclosed or out of reach: this zone is done growing
    zone[cell] = z
    members[z].push(cell)
    load[z] += workload[cell]
    pushNeighbours(z, cell)
    zones.push(fill(z), z)
  }

  // Cells no zone could take within maxDiameter join the lightest neighbouring zone of their region.
  let left = true
  while (left) {
    left = false
    for (let i = 0; i < n; i++) {
      if (zone[i] >= 0) continue
      let best = -1
      for (let e = offsets[i]; e < offsets[i + 1]; e++) {
        const z = zone[indices[e]]
        if (z >= 0 && zoneRegion[z] === region[i] && (best < 0 || fill(z) < fill(best))) best = z
      }
      if (best >= 0) {
        zone[i] = best
        members[best].push(i)
        load[best] += workload[i]
      } else left = true
    }
  }
  return zone
}

/** Takes the current zoning where it is usable: the piece of each zone holding its anchors, else its largest piece. */
function adoptCurrent(input: ZoningInput, plan: ZoningPlan, zone: Int32Array, maxDiameter?: number): void {
  const { n } = input
  const current = input.current as Int32Array
  const { K, region, zoneRegion } = plan
  for (let i = 0; i < n; i++) {
    const c = current[i]
    if (zone[i] < 0 && c >= 0 && c < K && zoneRegion[c] === region[i]) zone[i] = c
  }
  const parts = pieces(input.adjacency, zone)
  const keep = new Int32Array(K).fill(-1)
  const anchored = new Uint8Array(K)
  for (let i = 0; i < n; i++) {
    if (plan.anchor[i] < 0) continue
    keep[plan.anchor[i]] = parts.label[i]
    anchored[plan.anchor[i]] = 1
  }
  for (let p = 0; p < parts.count; p++) {
    const z = parts.key[p]
    if (anchored[z]) continue
    if (keep[z] < 0 || parts.size[p] > parts.size[keep[z]]) keep[z] = p
  }
  for (let i = 0; i < n; i++) if (zone[i] >= 0 && parts.label[i] !== keep[zone[i]]) zone[i] = plan.anchor[i]
  if (maxDiameter === undefined) return
  // A current zone wider than maxDiameter is redrawn from scratch (its anchors stay).
  const D2 = maxDiameter * maxDiameter
  const cells: number[][] = Array.from({ length: K }, () => [])
  for (let i = 0; i < n; i++) if (zone[i] >= 0) cells[zone[i]].push(i)
  for (let z = 0; z < K; z++) {
    const c = cells[z]
    let wide = false
    for (let a = 0; a < c.length && !wide; a++) {
      for (let b = a + 1; b < c.length; b++) {
        if ((input.x[c[a]] - input.x[c[b]]) ** 2 + (input.y[c[a]] - input.y[c[b]]) ** 2 > D2) {
          wide = true
          break
        }
      }
    }
    if (wide) for (const i of c) zone[i] = plan.anchor[i]
  }
}

/** k-means++ seeding of the zones that start with no cell, region by region. */
function seedEmptyZones(
  input: ZoningInput,
  geo: CellGeometry,
  plan: ZoningPlan,
  zone: Int32Array,
  members: number[][],
  load: Float64Array,
  kx: Float64Array,
  ky: Float64Array,
  rand: Random,
): void {
  const { n, workload } = input
  const { K, region, zoneRegion } = plan
  const cellsOf: number[][] = Array.from({ length: plan.regionCount }, () => [])
  for (let i = 0; i < n; i++) cellsOf[region[i]].push(i)
  const detach = new DetachCheck(input.adjacency)

  for (let r = 0; r < plan.regionCount; r++) {
    const empty: number[] = []
    for (let z = 0; z < K; z++) if (zoneRegion[z] === r && !members[z].length) empty.push(z)
    if (!empty.length) continue
    const cells = cellsOf[r]
    const mean = plan.regionWorkload[r] / cells.length
    // A cell with no workload may still be a seed (a quiet area needs an owner too), just rarely.
    const weight = Float64Array.from(cells, (i) => workload[i] + 0.05 * mean + (mean === 0 ? 1 : 0))
    const d2 = new Float64Array(cells.length).fill(Infinity)
    const closer = (cx: number, cy: number): void => {
      for (let c = 0; c < cells.length; c++) {
        const i = cells[c]
        d2[c] = Math.min(d2[c], (geo.x[i] - cx) ** 2 + (geo.y[i] - cy) ** 2)
      }
    }
    for (let z = 0; z < K; z++) if (zoneRegion[z] === r && members[z].length) closer(kx[z], ky[z])
    for (const z of empty) {
      let total = 0
      for (let c = 0; c < cells.length; c++) if (zone[cells[c]] < 0) total += weight[c] * (d2[c] === Infinity ? 1 : d2[c])
      let pick = -1
      if (total > 0) {
        let u = rand() * total
        for (let c = 0; c < cells.length; c++) {
          if (zone[cells[c]] >= 0) continue
          u -= weight[c] * (d2[c] === Infinity ? 1 : d2[c])
          pick = cells[c]
          if (u <= 0) break
        }
      } else {
        pick = carveSeed(cells, zone, members, load, plan, detach)
      }
      if (pick < 0) continue
      const from = zone[pick]
      if (from >= 0) {
        members[from].splice(members[from].indexOf(pick), 1)
        load[from] -= workload[pick]
      }
      zone[pick] = z
      members[z].push(pick)
      load[z] += workload[pick]
      kx[z] = geo.x[pick]
      ky[z] = geo.y[pick]
      closer(kx[z], ky[z])
    }
  }
}

/**
 * When a region has no free cell left (the current zoning covers it but K grew), a new zone starts
 * from a cell taken off the heaviest zone of the region that can spare it without splitting.
 */
function carveSeed(cells: number[], zone: Int32Array, members: number[][], load: Float64Array, plan: ZoningPlan, detach: DetachCheck): number {
  const zones = Array.from(new Set(cells.map((i) => zone[i]).filter((z) => z >= 0))).sort((a, b) => load[b] - load[a] || a - b)
  for (const z of zones) {
    if (members[z].length < 2) continue
    for (const i of members[z]) if (!plan.locked[i] && plan.anchor[i] < 0 && detach.canDetach(zone, i)) return i
  }
  return -1
}
