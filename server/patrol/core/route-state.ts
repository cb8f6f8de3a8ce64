/**
 * The search state of the patrol planners: the instance compiled to typed arrays, and one route per
 * worker with its schedule. Schedules follow the VRPTW conventions of Solomon (1987): arrive, wait
 * for the window to open, serve (dwell), leave. Feasibility of an insertion or a longer dwell is
 * checked in O(1) with the "forward time slack" of Savelsbergh (1992, ORSA J. Computing 4(2)):
 * `fwd[k]` is how much the arrival at position k may slip without breaking any later window or the
 * end of the shift.
 *
 * Matrix indices: 0..C-1 are cells, C + 2r the start and C + 2r + 1 the end of worker r.
 * Times are minutes from the worker's shift start; distances metres.
 */
import type { PatrolInstance } from './plan-types'

/** minutes of float slack in time comparisons */
export const TIME_EPS = 1e-7
/** metres: a move must gain more than this to count as an improvement */
export const DIST_EPS = 1e-6

const DEFAULT_SPEED_KMH = 4.5 // brisk urban walking with stops at crossings

/** The instance as typed arrays. */
export interface CompiledProblem {
  /** cells, workers, matrix side (C + 2W) */
  C: number
  W: number
  N: number
  /** symmetric walking metres, N × N */
  D: Float64Array
  priority: Float64Array
  /** dwell minutes of a dwell visit */
  dwell: Float64Array
  /** priority × dwell */
  value: Float64Array
  mandatory: Uint8Array
  /** time window on the clock of day (−∞, +∞ without one) and whether there is one */
  twA: Float64Array
  twB: Float64Array
  hasWindow: Uint8Array
  /** per worker: metres per minute, shift minutes, minute of day the shift starts */
  speed: Float64Array
  shift: Float64Array
  shiftStart: Float64Array
  /** eligible[c * W + r] = 1 when worker r may visit cell c */
  eligible: Uint8Array
  /** workers that may visit cell c: eligList[eligOffsets[c] .. eligOffsets[c + 1]) */
  eligOffsets: Uint32Array
  eligList: Uint32Array
  /** cells owned by nobody (only relevant when cross-help is off) */
  ownerless: Uint8Array
  /** first worker listing each cell (its grid's worker), -1 if none; kept under cross-help too */
  owner: Int32Array
}

/**
 * Validates an instance and compiles it; errors name the offending value.
 * @param allowCrossHelp  when true every worker may visit every cell
 */
export function compileProblem(instance: PatrolInstance, allowCrossHelp: boolean): CompiledProblem {
  const { cells, workers, matrix } = instance
  const C = cells.length
  const W = workers.length
  const N = C + 2 * W
  if (matrix.length !== N * N) {
    throw new RangeError(`Distance matrix has ${matrix.length} entries; ${C} cells and ${W} workers need ${N} × ${N} = ${N * N}.`)
  }
  const D = new Float64Array(N * N)
  for (let i = 0; i < N; i++) {
    D[i * N + i] = 0
    for (let j = i + 1; j < N; j++) {
      // rows come from separate searches; rounding may differ in the last bit, and moves assume symmetry
      const d = Math.min(matrix[i * N + j], matrix[j * N + i])
      if (!(d >= 0)) throw new RangeError(`Distance matrix entry (${i}, ${j}) is ${d}; expected metres ≥ 0 or Infinity.`)
      D[i * N + j] = D[j * N + i] = d
    }
  }
  const index = new Map<string, number>()
  const priority = new Float64Array(C)
  const dwell = new Float64Array(C)
  const value = new Float64Array(C)
  const mandatory = new Uint8Array(C)
  const twA = new Float64Array(C).fill(-Infinity)
  const twB = new Float64Array(C).fill(Infinity)
  const hasWindow = new Uint8Array(C)
  for (let c = 0; c < C; c++) {
    const cell = cells[c]
    if (index.has(cell.id)) throw new RangeError(`Cell id ${cell.id} appears twice.`)
    index.set(cell.id, c)
    if (!(cell.priority >= 0) || !Number.isFinite(cell.priority)) throw new RangeError(`Cell ${cell.id}: unexpected priority value ${cell.priority}; expected a finite number ≥ 0.`)
    if (!(cell.dwellMinutes >= 0) || !Number.isFinite(cell.dwellMinutes)) throw new RangeError(`Cell ${cell.id}: unexpected dwellMinutes value ${cell.dwellMinutes}.`)
    priority[c] = cell.priority
    dwell[c] = cell.dwellMinutes
    value[c] = cell.priority * cell.dwellMinutes
    mandatory[c] = cell.mandatory ? 1 : 0
    if (cell.timeWindow) {
      const [a, b] = cell.timeWindow
      if (!(a <= b)) throw new RangeError(`Cell ${cell.id}: time window [${a}, ${b}] ends before it starts.`)
      twA[c] = a
      twB[c] = b
      hasWindow[c] = 1
    }
  }
  const speed = new Float64Array(W)
  const shift = new Float64Array(W)
  const shiftStart = new Float64Array(W)
  const eligible = new Uint8Array(C * W)
  const owned = new Uint8Array(C)
  const owner = new Int32Array(C).fill(-1)
  for (let r = 0; r < W; r++) {
    const w = workers[r]
    const kmh = w.speedKmh ?? DEFAULT_SPEED_KMH
    if (!(kmh > 0) || !Number.isFinite(kmh)) throw new RangeError(`Worker ${w.id}: unexpected speedKmh value ${kmh}.`)
    if (!(w.shiftMinutes >= 0) || !Number.isFinite(w.shiftMinutes)) throw new RangeError(`Worker ${w.id}: unexpected shiftMinutes value ${w.shiftMinutes}.`)
    speed[r] = (kmh * 1000) / 60
    shift[r] = w.shiftMinutes
    shiftStart[r] = w.shiftStart ?? 0
    for (const id of w.cells) {
      const c = index.get(id)
      if (c === undefined) throw new RangeError(`Worker ${w.id}: cell ${id} is not among the cells to plan.`)
      eligible[c * W + r] = 1
      owned[c] = 1
      if (owner[c] < 0) owner[c] = r
    }
  }
  if (allowCrossHelp) eligible.fill(1)
  const eligOffsets = new Uint32Array(C + 1)
  for (let c = 0; c < C; c++) {
    let k = 0
    for (let r = 0; r < W; r++) k += eligible[c * W + r]
    eligOffsets[c + 1] = eligOffsets[c] + k
  }
  const eligList = new Uint32Array(eligOffsets[C])
  for (let c = 0, o = 0; c < C; c++) for (let r = 0; r < W; r++) if (eligible[c * W + r]) eligList[o++] = r
  const ownerless = new Uint8Array(C)
  for (let c = 0; c < C; c++) ownerless[c] = owned[c] ? 0 : 1
  return { C, W, N, D, priority, dwell, value, mandatory, twA, twB, hasWindow, speed, shift, shiftStart, eligible, eligOffsets, eligList, ownerless, owner }
}

/** A saved copy of some routes, to undo a rejected move. */
export interface RouteSnapshot {
  routes: number[]
  seqs: Int32Array[]
  dwell: Uint8Array[]
  /** feasibility of each route when saved */
  ok: Uint8Array
}

/**
 * One route per worker: `seq[r][0 .. len[r])` are matrix indices, first the worker's start, last
 * their end, cells between. Schedules (`arr`, `beg`, `dep`, `fwd`) are kept current by `refresh`.
 */
export class RouteSet {
  readonly p: CompiledProblem
  readonly seq: Int32Array[] = []
  readonly len: Int32Array
  /** arrival, service start, departure (minutes from shift start) and forward slack per position */
  readonly arr: Float64Array[] = []
  readonly beg: Float64Array[] = []
  readonly dep: Float64Array[] = []
  readonly fwd: Float64Array[] = []
  /** walking metres and dwell value per route */
  readonly dist: Float64Array
  readonly value: Float64Array
  /** number of mandatory cells and of windowed cells per route */
  readonly mandCount: Int32Array
  readonly windowed: Int32Array
  /** schedule within windows and shift */
  readonly ok: Uint8Array
  /** route of each cell (-1 unrouted), and whether the visit is a dwell visit */
  readonly routeOf: Int32Array
  readonly dwellOn: Uint8Array
  /** bumped by every `refresh` of a route, so cached evaluations know when they are stale */
  readonly version: Uint32Array
  /** position found by the last `evalInsert` */
  lastPos = -1
  private readonly scratch: Int32Array
  private readonly scratch2: Int32Array
  private readonly scratchTime: Float64Array

  constructor(p: CompiledProblem) {
    this.p = p
    const { C, W } = p
    this.len = new Int32Array(W)
    this.dist = new Float64Array(W)
    this.value = new Float64Array(W)
    this.mandCount = new Int32Array(W)
    this.windowed = new Int32Array(W)
    this.ok = new Uint8Array(W)
    this.version = new Uint32Array(W)
    this.routeOf = new Int32Array(C).fill(-1)
    this.dwellOn = new Uint8Array(C)
    this.scratch = new Int32Array(C + 2)
    this.scratch2 = new Int32Array(C + 2)
    this.scratchTime = new Float64Array(C + 2)
    for (let r = 0; r < W; r++) {
      const s = new Int32Array(C + 2)
      s[0] = C + 2 * r
      s[1] = C + 2 * r + 1
      this.seq.push(s)
      this.len[r] = 2
      this.arr.push(new Float64Array(C + 2))
      this.beg.push(new Float64Array(C + 2))
      this.dep.push(new Float64Array(C + 2))
      this.fwd.push(new Float64Array(C + 2))
      this.refresh(r)
    }
  }

  /** total mandatory cells routed */
  covered(): number {
    let s = 0
    for (let r = 0; r < this.p.W; r++) s += this.mandCount[r]
    return s
  }

  /** Recomputes route r's schedule, slack, length, value and feasibility: O(len). */
  refresh(r: number): void {
    const { D, N, C, dwell, value, twA, twB } = this.p
    const sq = this.seq[r]
    const n = this.len[r]
    const v = this.p.speed[r]
    const s0 = this.p.shiftStart[r]
    const arr = this.arr[r]
    const beg = this.beg[r]
    const dep = this.dep[r]
    const fwd = this.fwd[r]
    arr[0] = beg[0] = dep[0] = 0
    let d = 0
    let val = 0
    let ok = true
    for (let k = 1; k < n; k++) {
      const a = sq[k - 1]
      const b = sq[k]
      const dd = D[a * N + b]
      d += dd
      const t = dep[k - 1] + dd / v
      arr[k] = t
      if (b < C) {
        const open = twA[b] - s0
        const bg = t > open ? t : open
        beg[k] = bg
        const s = this.dwellOn[b] ? dwell[b] : 0
        dep[k] = bg + s
        if (this.dwellOn[b]) val += value[b]
        if (bg + s > twB[b] - s0 + TIME_EPS) ok = false
      } else {
        beg[k] = dep[k] = t
      }
    }
    const shift = this.p.shift[r]
    fwd[n - 1] = shift - arr[n - 1]
    if (!(fwd[n - 1] >= -TIME_EPS)) ok = false
    for (let k = n - 2; k >= 1; k--) {
      const c = sq[k]
      const s = this.dwellOn[c] ? dwell[c] : 0
      const room = twB[c] - s0 - s - beg[k]
      const next = fwd[k + 1]
      fwd[k] = beg[k] - arr[k] + (room < next ? room : next)
    }
    fwd[0] = n > 1 ? fwd[1] : 0
    this.dist[r] = d
    this.value[r] = val
    this.ok[r] = ok ? 1 : 0
    this.version[r]++
  }

  /**
   * Cheapest feasible insertion of cell c into route r (Solomon 1987 insertion test with
   * Savelsbergh's slack): the added metres, Infinity if none fits; the position (insert after it)
   * is left in `lastPos`.
   */
  evalInsert(r: number, c: number, withDwell: boolean): number {
    const { D, N, twA, twB } = this.p
    const sq = this.seq[r]
    const n = this.len[r]
    const v = this.p.speed[r]
    const s0 = this.p.shiftStart[r]
    const dep = this.dep[r]
    const arr = this.arr[r]
    const fwd = this.fwd[r]
    const s = withDwell ? this.p.dwell[c] : 0
    const open = twA[c] - s0
    const latest = twB[c] - s0 - s
    const rowC = c * N
    let best = Infinity
    let bestPos = -1
    for (let k = 0; k < n - 1; k++) {
      const a = sq[k]
      const b = sq[k + 1]
      const dac = D[a * N + c]
      const dcb = D[rowC + b]
      const add = dac + dcb - D[a * N + b]
      if (!(add < best)) continue
      const t = dep[k] + dac / v
      const st = t > open ? t : open
      if (st > latest + TIME_EPS) continue
      if (st + s + dcb / v - arr[k + 1] > fwd[k + 1] + TIME_EPS) continue
      best = add
      bestPos = k
    }
    this.lastPos = bestPos
    return best
  }

  /** Whether the visit at position k of route r (currently pass-by) can become a dwell visit. */
  canDwell(r: number, k: number): boolean {
    const c = this.seq[r][k]
    const s = this.p.dwell[c]
    if (this.beg[r][k] + s > this.p.twB[c] - this.p.shiftStart[r] + TIME_EPS) return false
    return s <= this.fwd[r][k + 1] + TIME_EPS
  }

  /** Inserts cell c after position k of route r. */
  insertAfter(r: number, k: number, c: number, withDwell: boolean, refresh = true): void {
    const sq = this.seq[r]
    sq.copyWithin(k + 2, k + 1, this.len[r])
    sq[k + 1] = c
    this.len[r]++
    this.routeOf[c] = r
    this.dwellOn[c] = withDwell ? 1 : 0
    this.mandCount[r] += this.p.mandatory[c]
    this.windowed[r] += this.p.hasWindow[c]
    if (refresh) this.refresh(r)
  }

  /** Removes the cell at position k of route r and returns it. */
  removeAt(r: number, k: number, refresh = true): number {
    const sq = this.seq[r]
    const c = sq[k]
    sq.copyWithin(k, k + 1, this.len[r])
    this.len[r]--
    this.routeOf[c] = -1
    this.dwellOn[c] = 0
    this.mandCount[r] -= this.p.mandatory[c]
    this.windowed[r] -= this.p.hasWindow[c]
    if (refresh) this.refresh(r)
    return c
  }

  /** Position of cell c in its route (linear scan), -1 if unrouted. */
  positionOf(c: number): number {
    const r = this.routeOf[c]
    if (r < 0) return -1
    const sq = this.seq[r]
    for (let k = 1, n = this.len[r] - 1; k < n; k++) if (sq[k] === c) return k
    return -1
  }

  /**
   * Whether route r would keep its windows and shift with the cells in `order[0 .. n)` (start and
   * end included) and the current dwell choices. O(n).
   */
  feasibleOrder(r: number, order: Int32Array, n: number): boolean {
    const { D, N, C, dwell, twA, twB } = this.p
    const v = this.p.speed[r]
    const s0 = this.p.shiftStart[r]
    let t = 0
    for (let k = 1; k < n; k++) {
      const b = order[k]
      t += D[order[k - 1] * N + b] / v
      if (b < C) {
        const open = twA[b] - s0
        if (t < open) t = open
        if (this.dwellOn[b]) t += dwell[b]
        if (t > twB[b] - s0 + TIME_EPS) return false
      }
    }
    return t <= this.p.shift[r] + TIME_EPS
  }

  /** A scratch buffer long enough for any route. */
  buffer(): Int32Array {
    return this.scratch
  }

  /** A second scratch buffer, for moves that rebuild two routes. */
  buffer2(): Int32Array {
    return this.scratch2
  }

  /** A scratch float buffer long enough for any route. */
  timeBuffer(): Float64Array {
    return this.scratchTime
  }

  /** Copies the given routes (sequences and dwell choices). */
  snapshot(routes: number[]): RouteSnapshot {
    const seqs: Int32Array[] = []
    const dwell: Uint8Array[] = []
    for (const r of routes) {
      const n = this.len[r]
      seqs.push(this.seq[r].slice(0, n))
      const dw = new Uint8Array(n)
      for (let k = 1; k < n - 1; k++) dw[k] = this.dwellOn[this.seq[r][k]]
      dwell.push(dw)
    }
    return { routes: routes.slice(), seqs, dwell, ok: Uint8Array.from(routes, (r) => this.ok[r]) }
  }

  /** Puts back routes saved by `snapshot` (cells that moved between them go home too). */
  restore(snap: RouteSnapshot): void {
    const { mandatory, hasWindow } = this.p
    for (const r of snap.routes) {
      const sq = this.seq[r]
      for (let k = 1; k < this.len[r] - 1; k++) {
        this.routeOf[sq[k]] = -1
        this.dwellOn[sq[k]] = 0
      }
    }
    snap.routes.forEach((r, i) => {
      const s = snap.seqs[i]
      this.seq[r].set(s)
      this.len[r] = s.length
      let m = 0
      let w = 0
      for (let k = 1; k < s.length - 1; k++) {
        this.routeOf[s[k]] = r
        this.dwellOn[s[k]] = snap.dwell[i][k]
        m += mandatory[s[k]]
        w += hasWindow[s[k]]
      }
      this.mandCount[r] = m
      this.windowed[r] = w
      this.refresh(r)
    })
  }

  /** Copies every route of `other` (same problem) into this set. */
  copyFrom(other: RouteSet): void {
    for (let r = 0; r < this.p.W; r++) {
      this.seq[r].set(other.seq[r].subarray(0, other.len[r]))
      this.len[r] = other.len[r]
      this.mandCount[r] = other.mandCount[r]
      this.windowed[r] = other.windowed[r]
    }
    this.routeOf.set(other.routeOf)
    this.dwellOn.set(other.dwellOn)
    for (let r = 0; r < this.p.W; r++) this.refresh(r)
  }
}
