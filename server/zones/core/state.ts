/**
 * The zoning under local search, with every objective term kept up to date by O(degree) delta
 * updates: per-zone workload and boundary length, and the counts behind similarity and cluster
 * splits. Evaluating a candidate move touches only the cell's neighbours and the two zones involved.
 *
 * Objective (lower is better). Every term is counted in "zones", so that weights mean the same
 * whatever K and the cell size:
 *   balance      Σ_k BAND_PULL·(δ_k/τ)² + HINGE·max(0, |δ_k|/τ − 1)²,  δ_k = (W_k − T_k) / mean
 *                — the sum of squared deviations from each zone's target T_k, normalised by the
 *                tolerance τ, plus a steep wall beyond ±τ
 *   compactness  Σ_k P_k / P°, P° = 2√(π·A/K) the perimeter of an ideal (disc) zone — the sum of
 *                zone perimeters, i.e. total boundary length, in ideal zone perimeters
 *   similarity   (cells whose zone ≠ current) / (n / K) — cells moved, in average zones
 *   clusters     Σ_c (zones touching cluster c − 1) — extra zones per recurring-problem cluster
 *
 * Why these forms: a single cell move shifts a zone's workload by a few per cent, so balance measured
 * as a plain CV would swamp every shape consideration and freeze ragged boundaries. Inside the
 * tolerance band the quadratic is gentle enough that boundary length (whose change per move does
 * not fade as zones get ragged, unlike Polsby-Popper's) can straighten boundaries; outside it the
 * hinge makes overload far costlier than any shape gain.
 */
import type { Csr } from '../../shared/csr'
import type { CellGeometry } from './geometry'
import { maxOverMin } from './metrics'
import type { ZoningInput, ZoningWeights } from './types'
import type { ZoningPlan } from './validate'

/**
 * Pull towards the exact target inside the ±τ band: gentle, so that one cell's move (a few per cent
 * of a zone) costs about as much as a notch of boundary, letting shape, stability and clusters use
 * the band; a run still ends with a CV of about a third of τ.
 */
const BAND_PULL = 0.1
/** Steepness of the wall beyond ±τ: overload costs a hundred times more than inside the band. */
const HINGE = 10
/**
 * Weight of the diameter excess Σ over pairs of cells in one zone of (d/D − 1)², d > D. Moves never
 * add such a pair (the search checks first); the term rewards moves that shed them, so zones the
 * construction had to leave too wide get repaired.
 */
const WIDE_PAIR = 100

export class ZoningState {
  readonly n: number
  readonly K: number
  readonly zone: Int32Array
  readonly adjacency: Csr
  /** movable cells with a neighbour of another zone in the same region */
  readonly boundary: Int32Array
  boundaryCount = 0
  /** position of each cell in `boundary`, −1 when absent */
  private readonly boundaryPos: Int32Array

  readonly zoneWork: Float64Array
  readonly zoneTarget: Float64Array
  readonly zoneCells: Int32Array
  private readonly zonePerimeter: Float64Array

  /** Σ_k balance term */
  private balance = 0
  /** Σ_k P_k, metres */
  private perimeter = 0
  private moved = 0
  private split = 0

  private readonly workload: Float64Array
  private readonly sharedLength: Float64Array
  private readonly clusterIndex: Int32Array | null
  private readonly clusterZones = new Map<number, number>()
  readonly clusterCount: number
  /** zone members, kept only when a diameter limit needs them */
  readonly members: number[][] | null
  private readonly memberPos: Int32Array | null
  /** maxDiameter, metres (Infinity when none) */
  private readonly diameter: number
  /** Σ over zones and pairs of cells farther apart than the diameter of (d/D − 1)² */
  private wide = 0

  private readonly mean: number
  /** 1 / (mean · τ): turns a workload deviation into tolerance units */
  private readonly scale: number
  /** 1 / P°, per metre of boundary */
  private readonly perPerimeter: number
  private readonly wB: number
  private readonly wC: number
  private readonly wS: number
  private readonly wL: number

  /**
   * @param tolerance    τ: relative deviation from the target regarded as balanced (e.g. 0.03)
   * @param maxDiameter  largest centroid distance inside a zone, metres, if limited
   */
  constructor(
    private readonly input: ZoningInput,
    private readonly geo: CellGeometry,
    readonly plan: ZoningPlan,
    initial: Int32Array,
    weights: ZoningWeights,
    tolerance: number,
    maxDiameter?: number,
  ) {
    const n = input.n
    const K = plan.K
    this.n = n
    this.K = K
    this.adjacency = input.adjacency
    this.zone = Int32Array.from(initial)
    this.workload = input.workload
    this.boundary = new Int32Array(n)
    this.boundaryPos = new Int32Array(n).fill(-1)
    this.zoneWork = new Float64Array(K)
    this.zoneTarget = plan.target
    this.zoneCells = new Int32Array(K)
    this.zonePerimeter = new Float64Array(K)
    const { offsets } = input.adjacency
    this.sharedLength = new Float64Array(n)
    for (let i = 0; i < n; i++) for (let e = offsets[i]; e < offsets[i + 1]; e++) this.sharedLength[i] += geo.edgeLength[e]

    let total = 0
    let area = 0
    for (let i = 0; i < n; i++) {
      total += input.workload[i]
      area += geo.area[i]
    }
    this.mean = total / K
    this.scale = 1 / (this.mean * tolerance)
    this.perPerimeter = 1 / (2 * Math.sqrt((Math.PI * area) / K))
    this.wB = weights.balance
    this.wC = weights.compactness
    this.wS = input.current ? weights.similarity : 0
    this.wL = input.clusters ? weights.clusters : 0

    if (input.clusters) {
      const ids = new Map<number, number>()
      this.clusterIndex = Int32Array.from(input.clusters, (c) => {
        if (c < 0) return -1
        if (!ids.has(c)) ids.set(c, ids.size)
        return ids.get(c) as number
      })
      this.clusterCount = ids.size
    } else {
      this.clusterIndex = null
      this.clusterCount = 0
    }
    this.diameter = maxDiameter ?? Infinity
    this.members = maxDiameter !== undefined ? Array.from({ length: K }, () => []) : null
    this.memberPos = maxDiameter !== undefined ? new Int32Array(n) : null
    this.recompute()
  }

  /** Rebuilds every sum from the assignment (clears floating-point drift of the delta updates). */
  recompute(): void {
    const { n, K, zone, geo } = this
    const { offsets, indices } = this.adjacency
    this.zoneWork.fill(0)
    this.zoneCells.fill(0)
    this.zonePerimeter.fill(0)
    if (this.members) for (const m of this.members) m.length = 0
    for (let i = 0; i < n; i++) {
      const z = zone[i]
      this.zoneWork[z] += this.workload[i]
      this.zoneCells[z]++
      this.zonePerimeter[z] += geo.exterior[i]
      for (let e = offsets[i]; e < offsets[i + 1]; e++) if (zone[indices[e]] !== z) this.zonePerimeter[z] += geo.edgeLength[e]
      if (this.members && this.memberPos) {
        this.memberPos[i] = this.members[z].length
        this.members[z].push(i)
      }
    }
    this.wide = 0
    if (this.members) for (const m of this.members) for (const i of m) this.wide += this.spread(i, m) / 2
    this.balance = 0
    this.perimeter = 0
    for (let z = 0; z < K; z++) {
      this.balance += this.balanceOf(this.zoneWork[z] - this.zoneTarget[z])
      this.perimeter += this.zonePerimeter[z]
    }
    const current = this.input.current
    this.moved = 0
    if (current) for (let i = 0; i < n; i++) if (zone[i] !== current[i]) this.moved++
    this.clusterZones.clear()
    this.split = 0
    if (this.clusterIndex) {
      for (let i = 0; i < n; i++) {
        const c = this.clusterIndex[i]
        if (c < 0) continue
        const key = c * K + zone[i]
        const k = this.clusterZones.get(key) ?? 0
        if (k === 0) this.split++
        this.clusterZones.set(key, k + 1)
      }
      this.split -= this.clusterCount
    }
    this.boundaryCount = 0
    this.boundaryPos.fill(-1)
    for (let i = 0; i < n; i++) this.refreshBoundary(i)
  }

  /** Weighted objective of the current assignment (see the module comment). */
  objective(): number {
    return (
      this.wB * this.balance +
      this.wC * this.perimeter * this.perPerimeter +
      (this.wS * this.moved * this.K) / this.n +
      this.wL * this.split +
      WIDE_PAIR * this.wide
    )
  }

  /** Change of the objective if cell i moved to zone b (i must not already be in b). */
  delta(i: number, b: number): number {
    const a = this.zone[i]
    const w = this.workload[i]
    const da = this.zoneWork[a] - this.zoneTarget[a]
    const db = this.zoneWork[b] - this.zoneTarget[b]
    let d = this.wB * (this.balanceOf(da - w) + this.balanceOf(db + w) - this.balanceOf(da) - this.balanceOf(db))
    if (this.wC) {
      const { offsets, indices } = this.adjacency
      const edge = this.geo.edgeLength
      let same = 0
      for (let e = offsets[i]; e < offsets[i + 1]; e++) {
        const zj = this.zone[indices[e]]
        if (zj === a) same += edge[e]
        else if (zj === b) same -= edge[e]
      }
      // i's edges with a become boundary, its edges with b stop being boundary; each counts twice.
      d += this.wC * 2 * same * this.perPerimeter
    }
    if (this.wS) {
      const c = (this.input.current as Int32Array)[i]
      d += (this.wS * ((b !== c ? 1 : 0) - (a !== c ? 1 : 0)) * this.K) / this.n
    }
    if (this.wL && this.clusterIndex) {
      const c = this.clusterIndex[i]
      if (c >= 0) {
        const inA = this.clusterZones.get(c * this.K + a) ?? 0
        const inB = this.clusterZones.get(c * this.K + b) ?? 0
        d += this.wL * ((inB === 0 ? 1 : 0) - (inA === 1 ? 1 : 0))
      }
    }
    // Only the pairs i leaves behind: the search never lets a move bring i into a zone it does not fit.
    if (this.members) d -= WIDE_PAIR * this.spread(i, this.members[a])
    return d
  }

  /** Moves cell i to zone b, updating every sum and the boundary list. */
  move(i: number, b: number): void {
    const a = this.zone[i]
    const geo = this.geo
    const w = this.workload[i]
    this.balance -= this.balanceOf(this.zoneWork[a] - this.zoneTarget[a]) + this.balanceOf(this.zoneWork[b] - this.zoneTarget[b])
    this.zoneWork[a] -= w
    this.zoneWork[b] += w
    this.balance += this.balanceOf(this.zoneWork[a] - this.zoneTarget[a]) + this.balanceOf(this.zoneWork[b] - this.zoneTarget[b])
    this.zoneCells[a]--
    this.zoneCells[b]++
    const { offsets, indices } = this.adjacency
    let sameA = 0
    let sameB = 0
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const zj = this.zone[indices[e]]
      if (zj === a) sameA += geo.edgeLength[e]
      else if (zj === b) sameB += geo.edgeLength[e]
    }
    const s = this.sharedLength[i]
    this.zonePerimeter[a] += -geo.exterior[i] - s + 2 * sameA
    this.zonePerimeter[b] += geo.exterior[i] + s - 2 * sameB
    this.perimeter += 2 * (sameA - sameB)
    this.zone[i] = b

    const current = this.input.current
    if (current) this.moved += (b !== current[i] ? 1 : 0) - (a !== current[i] ? 1 : 0)
    if (this.clusterIndex && this.clusterIndex[i] >= 0) {
      const c = this.clusterIndex[i]
      const ka = c * this.K + a
      const kb = c * this.K + b
      const inA = this.clusterZones.get(ka) as number
      const inB = this.clusterZones.get(kb) ?? 0
      if (inA === 1) {
        this.clusterZones.delete(ka)
        this.split--
      } else this.clusterZones.set(ka, inA - 1)
      if (inB === 0) this.split++
      this.clusterZones.set(kb, inB + 1)
    }
    if (this.members && this.memberPos) {
      this.wide += this.spread(i, this.members[b]) - this.spread(i, this.members[a])
      const from = this.members[a]
      const last = from.pop() as number
      if (last !== i) {
        from[this.memberPos[i]] = last
        this.memberPos[last] = this.memberPos[i]
      }
      this.memberPos[i] = this.members[b].length
      this.members[b].push(i)
    }
    this.refreshBoundary(i)
    for (let e = offsets[i]; e < offsets[i + 1]; e++) this.refreshBoundary(indices[e])
  }

  /** True when cell i may move (not fixed) and borders another zone of its region. */
  onBoundary(i: number): boolean {
    return this.boundaryPos[i] >= 0
  }

  /** CV of zone workloads against the city-wide mean (population std / mean). */
  cv(): number {
    let ss = 0
    for (let z = 0; z < this.K; z++) ss += (this.zoneWork[z] - this.mean) ** 2
    return Math.sqrt(ss / this.K) / this.mean
  }

  /** Heaviest / lightest zone workload. */
  maxOverMin(): number {
    return maxOverMin(this.zoneWork)
  }

  /** Replaces the assignment (e.g. restoring the best plan) and rebuilds the sums. */
  load(zone: Int32Array): void {
    this.zone.set(zone)
    this.recompute()
  }

  /** Σ over `cells` (i itself excluded) of the squared relative excess of their distance to i over the diameter. */
  private spread(i: number, cells: number[]): number {
    const { x, y } = this.geo
    const D = this.diameter
    const D2 = D * D
    let s = 0
    for (const j of cells) {
      const d2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
      if (d2 > D2) s += (Math.sqrt(d2) / D - 1) ** 2
    }
    return s
  }

  /** Balance term of one zone from its deviation W − T. */
  private balanceOf(dev: number): number {
    const t = Math.abs(dev) * this.scale
    const over = t > 1 ? t - 1 : 0
    return BAND_PULL * t * t + HINGE * over * over
  }

  private refreshBoundary(i: number): void {
    let on = false
    if (!this.plan.locked[i]) {
      const { offsets, indices } = this.adjacency
      const z = this.zone[i]
      const r = this.plan.region[i]
      for (let e = offsets[i]; e < offsets[i + 1]; e++) {
        const j = indices[e]
        if (this.zone[j] !== z && this.plan.region[j] === r) {
          on = true
          break
        }
      }
    }
    const pos = this.boundaryPos[i]
    if (on && pos < 0) {
      this.boundaryPos[i] = this.boundaryCount
      this.boundary[this.boundaryCount++] = i
    } else if (!on && pos >= 0) {
      const last = this.boundary[--this.boundaryCount]
      this.boundary[pos] = last
      this.boundaryPos[last] = pos
      this.boundaryPos[i] = -1
    }
  }
}
