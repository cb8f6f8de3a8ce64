/**
 * Putting cells into routes. Mandatory cells go in by parallel insertion in the manner of Solomon's
 * I1 heuristic (Solomon 1987, Oper. Res. 35(2)): every pending cell knows its cheapest feasible
 * place in each eligible route (c1 = added metres, time feasibility by forward slack); the cell
 * chosen next maximises c2 = λ·d(start, cell) − c1, so far-out cells are placed before the route
 * closes in on them (λ = 0 is plain cheapest insertion). When a mandatory cell fits nowhere, dwell
 * time is given back, lowest value first, to make room: coverage outranks dwell.
 */
import type { Random } from '../../shared/random'
import { TIME_EPS, type RouteSet } from './route-state'

/**
 * Cheapest insertion of each cell into each route, recomputed only when the route changed.
 * Mandatory cells are evaluated as pass-by visits, optional ones as dwell visits (an optional visit
 * without dwell earns nothing).
 */
export class InsertionCache {
  private readonly cost: Float64Array
  private readonly pos: Int32Array
  private readonly ver: Uint32Array
  /** position of the last `get`, for `insertAfter` */
  lastPos = -1

  constructor(private readonly rs: RouteSet) {
    const n = rs.p.C * rs.p.W
    this.cost = new Float64Array(n)
    this.pos = new Int32Array(n)
    this.ver = new Uint32Array(n) // 0 never matches: route versions start at 1
  }

  /** Added metres of the cheapest feasible insertion of cell c into route r (Infinity if none). */
  get(c: number, r: number): number {
    const i = c * this.rs.p.W + r
    if (this.ver[i] !== this.rs.version[r]) {
      this.cost[i] = this.rs.evalInsert(r, c, this.rs.p.mandatory[c] === 0)
      this.pos[i] = this.rs.lastPos
      this.ver[i] = this.rs.version[r]
    }
    this.lastPos = this.pos[i]
    return this.cost[i]
  }
}

/**
 * Inserts the `pending` mandatory cells into the routes allowed by `allowed` (all when undefined),
 * choosing the next cell by Solomon's c2 with weight `lambda`. With `only`, a cell c with
 * only[c] ≥ 0 may go to that route alone (and is not given room by dropping dwell). Cells that fit
 * nowhere, even after making room, stay unrouted.
 * @returns the cells left unrouted
 */
export function insertMandatory(
  rs: RouteSet,
  cache: InsertionCache,
  pending: number[],
  allowed: Uint8Array | undefined,
  lambda: number,
  only?: Int32Array,
): number[] {
  const { D, N, C, eligOffsets, eligList } = rs.p
  const left = pending.slice()
  const failed: number[] = []
  while (left.length > 0) {
    let bestCrit = -Infinity
    let bestI = -1
    let bestR = -1
    let bestPos = -1
    for (let i = 0; i < left.length; i++) {
      const c = left[i]
      let c1 = Infinity
      let cr = -1
      let cp = -1
      for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) {
        const r = eligList[k]
        if ((allowed && !allowed[r]) || (only && only[c] >= 0 && only[c] !== r)) continue
        const cost = cache.get(c, r)
        if (cost < c1) {
          c1 = cost
          cr = r
          cp = cache.lastPos
        }
      }
      if (cr < 0) continue
      const crit = lambda * D[(C + 2 * cr) * N + c] - c1
      if (crit > bestCrit || (crit === bestCrit && c < left[bestI])) {
        bestCrit = crit
        bestI = i
        bestR = cr
        bestPos = cp
      }
    }
    if (bestI < 0) {
      // nothing fits as is: give dwell time back for the first cell that can then go in
      let placed = false
      for (let i = 0; i < left.length && !placed; i++) {
        if (only && only[left[i]] >= 0) continue // the caller retries these without the restriction
        if (makeRoomAndInsert(rs, left[i], allowed)) {
          left.splice(i, 1)
          placed = true
        }
      }
      if (!placed) {
        failed.push(...left)
        break
      }
      continue
    }
    const c = left[bestI]
    left.splice(bestI, 1)
    rs.insertAfter(bestR, bestPos, c, false)
  }
  return failed
}

/**
 * Drops dwell visits of one eligible route, lowest value first, until mandatory cell c fits; the
 * route is left untouched if it never does.
 * @returns whether c was inserted
 */
export function makeRoomAndInsert(rs: RouteSet, c: number, allowed: Uint8Array | undefined): boolean {
  const { eligOffsets, eligList } = rs.p
  for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) {
    const r = eligList[k]
    if ((allowed && !allowed[r]) || !rs.ok[r]) continue
    if (makeRoomIn(rs, c, r)) return true
  }
  return false
}

/** `makeRoomAndInsert` for one route r. */
function makeRoomIn(rs: RouteSet, c: number, r: number): boolean {
  const { value, mandatory } = rs.p
  const sq = rs.seq[r]
  const dwelled: number[] = []
  for (let i = 1; i < rs.len[r] - 1; i++) if (rs.dwellOn[sq[i]]) dwelled.push(sq[i])
  if (dwelled.length === 0) return false
  dwelled.sort((a, b) => value[a] - value[b] || a - b)
  const snap = rs.snapshot([r])
  for (const d of dwelled) {
    if (mandatory[d]) {
      rs.dwellOn[d] = 0
      rs.refresh(r)
    } else {
      rs.removeAt(r, rs.positionOf(d))
    }
    if (rs.evalInsert(r, c, false) < Infinity) {
      rs.insertAfter(r, rs.lastPos, c, false)
      return true
    }
  }
  rs.restore(snap)
  return false
}

/**
 * Puts cell c into route r at its cheapest feasible place: as a dwell visit when `dwell` is asked
 * and fits, else as a pass-by, else after giving up dwell in r (lowest value first).
 * @returns whether c is now in r
 */
export function placeInRoute(rs: RouteSet, c: number, r: number, dwell: boolean): boolean {
  if (dwell && rs.evalInsert(r, c, true) < Infinity) {
    rs.insertAfter(r, rs.lastPos, c, true)
    return true
  }
  if (rs.evalInsert(r, c, false) < Infinity) {
    rs.insertAfter(r, rs.lastPos, c, false)
    return true
  }
  return rs.ok[r] === 1 && makeRoomIn(rs, c, r)
}

/**
 * Whether cell c can be reached by at least one eligible worker alone (start → c → end within the
 * shift and the window): cells failing this are not worth trying to insert.
 */
export function fitsAlone(rs: RouteSet, c: number): boolean {
  const { D, N, C, eligOffsets, eligList, speed, shift, shiftStart, twA, twB } = rs.p
  for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) {
    const r = eligList[k]
    const t = D[(C + 2 * r) * N + c] / speed[r]
    const back = D[c * N + C + 2 * r + 1] / speed[r]
    const st = Math.max(t, twA[c] - shiftStart[r])
    if (st <= twB[c] - shiftStart[r] + TIME_EPS && st + back <= shift[r] + TIME_EPS) return true
  }
  return false
}

/**
 * Randomised reinsertion used after a ruin, to explore what cheapest insertion never tries. Takes
 * the cells in the given order; each goes to its cheapest feasible place in
 * - `dwell` mode: any allowed route, as a dwell visit (cells without dwell value are skipped);
 * - `random-route` mode: one allowed eligible route picked at random, as a pass-by visit, giving up
 *   dwell there if need be.
 * Cells that do not fit are left for `insertMandatory`.
 * @returns the cells not inserted
 */
export function insertEach(rs: RouteSet, cells: number[], allowed: Uint8Array, mode: 'dwell' | 'random-route', rand: Random): number[] {
  const { eligOffsets, eligList, value } = rs.p
  const rest: number[] = []
  for (const c of cells) {
    if (mode === 'dwell') {
      if (!(value[c] > 0)) {
        rest.push(c)
        continue
      }
      let best = Infinity
      let bestR = -1
      let bestPos = -1
      for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) {
        const r = eligList[k]
        if (!allowed[r]) continue
        const cost = rs.evalInsert(r, c, true)
        if (cost < best) {
          best = cost
          bestR = r
          bestPos = rs.lastPos
        }
      }
      if (bestR >= 0) rs.insertAfter(bestR, bestPos, c, true)
      else rest.push(c)
    } else {
      const options: number[] = []
      for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) if (allowed[eligList[k]]) options.push(eligList[k])
      const r = options.length ? options[Math.floor(rand() * options.length)] : -1
      if (r < 0 || !placeInRoute(rs, c, r, false)) rest.push(c)
    }
  }
  return rest
}
