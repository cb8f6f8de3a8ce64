/**
 * Moves between two routes that may share cells (cross-help, or cells in several workers' grids).
 * Distance-driven: relocate, exchange and CROSS exchange until none shortens the walk. Value-driven,
 * judged on the pair's objective after re-optimising both routes: move or swap visits so that work
 * goes to whoever has time and the other worker can dwell at hotspots, or swap whole routes when
 * the workers start or end in different places.
 */
import type { Random } from '../../shared/random'
import { placeInRoute, type InsertionCache } from './route-construct'
import { compare, localObjective } from './route-objective'
import { settle } from './route-polish'
import { crossExchange, exchange, improveRoute, relocate } from './route-search'
import type { RouteSet } from './route-state'

const SWAP_SAMPLES = 24 // value-driven relocations / exchanges tried per call on long routes

/**
 * Route swap: worker a walks b's visits and b walks a's (from their own starts to their own ends),
 * kept if it improves the pair. Matters when starts or ends differ, e.g. a worker who ends the shift
 * at another office.
 * @returns whether the swap was kept
 */
export function swapRoutes(rs: RouteSet, cache: InsertionCache, a: number, b: number, optional: Int32Array): boolean {
  const { W, eligible } = rs.p
  for (const [x, y] of [[a, b], [b, a]]) {
    for (let k = 1; k < rs.len[x] - 1; k++) if (!eligible[rs.seq[x][k] * W + y]) return false
  }
  const pair = [a, b]
  const before = localObjective(rs, pair)
  const snap = rs.snapshot(pair)
  const seqA = rs.seq[a].slice(1, rs.len[a] - 1)
  const seqB = rs.seq[b].slice(1, rs.len[b] - 1)
  const put = (r: number, cells: Int32Array): void => {
    const sq = rs.seq[r]
    sq[1 + cells.length] = sq[rs.len[r] - 1]
    sq.set(cells, 1)
    rs.len[r] = cells.length + 2
    let m = 0
    let w = 0
    for (const c of cells) {
      rs.routeOf[c] = r
      m += rs.p.mandatory[c]
      w += rs.p.hasWindow[c]
    }
    rs.mandCount[r] = m
    rs.windowed[r] = w
    rs.refresh(r)
  }
  put(a, seqB)
  put(b, seqA)
  // the other worker's order may overrun the shift until 2-opt has re-ordered it for the new ends
  settle(rs, cache, pair, optional)
  if (rs.ok[a] && rs.ok[b] && compare(localObjective(rs, pair), before) > 0) return true
  rs.restore(snap)
  return false
}

/**
 * Value-driven relocate: move one visit from route a to its cheapest place in route b (keeping its
 * dwell if it fits, else as a pass-by, giving up dwell in b if need be), settle both (walk order,
 * dwell fill, replace), and keep the first move that improves the pair's objective. This is how a
 * worker with spare time takes over a neighbour's pass-by visits so the neighbour can dwell at
 * hotspots; distance-driven relocate never sees that gain. Long routes are sampled (`SWAP_SAMPLES` visits, evenly spread).
 * @returns whether a move was kept
 */
export function shiftWork(rs: RouteSet, cache: InsertionCache, a: number, b: number, optional: Int32Array, rand: Random): boolean {
  const { W, eligible } = rs.p
  const pair = [a, b]
  const cells = rs.len[a] - 2
  // every visit on short routes; a random sample on long ones
  const tries = Math.min(cells, SWAP_SAMPLES)
  const start = Math.floor(rand() * Math.max(1, cells))
  for (let t = 0; t < tries; t++) {
    const k = 1 + (cells <= SWAP_SAMPLES ? t : (start + Math.floor((t * cells) / tries)) % cells)
    const c = rs.seq[a][k]
    if (!eligible[c * W + b]) continue
    const before = localObjective(rs, pair)
    const snap = rs.snapshot(pair)
    const dwell = rs.dwellOn[c] === 1
    rs.removeAt(a, k)
    if (!placeInRoute(rs, c, b, dwell)) {
      rs.restore(snap)
      continue
    }
    settle(rs, cache, pair, optional)
    if (compare(localObjective(rs, pair), before) > 0) return true
    rs.restore(snap)
  }
  return false
}

/**
 * Value-driven exchange, sampled: swap a random visit of route a with a random visit of route b
 * (each to its cheapest feasible place in the other route, giving up dwell there if need be),
 * settle both, keep the first swap that improves the pair's objective. Up to
 * `SWAP_SAMPLES` tries, so that long routes stay affordable.
 * @returns whether a swap was kept
 */
export function swapWork(rs: RouteSet, cache: InsertionCache, a: number, b: number, optional: Int32Array, rand: Random): boolean {
  const { W, eligible } = rs.p
  const pair = [a, b]
  for (let s = 0; s < SWAP_SAMPLES; s++) {
    if (rs.len[a] <= 2 || rs.len[b] <= 2) return false
    const c = rs.seq[a][1 + Math.floor(rand() * (rs.len[a] - 2))]
    const d = rs.seq[b][1 + Math.floor(rand() * (rs.len[b] - 2))]
    if (!eligible[c * W + b] || !eligible[d * W + a]) continue
    const before = localObjective(rs, pair)
    const snap = rs.snapshot(pair)
    const dwellC = rs.dwellOn[c] === 1
    const dwellD = rs.dwellOn[d] === 1
    rs.removeAt(a, rs.positionOf(c))
    rs.removeAt(b, rs.positionOf(d))
    if (placeInRoute(rs, d, a, dwellD) && placeInRoute(rs, c, b, dwellC)) {
      settle(rs, cache, pair, optional)
      if (compare(localObjective(rs, pair), before) > 0) return true
    }
    rs.restore(snap)
  }
  return false
}

/** Relocate, exchange and CROSS exchange between every pair of the given routes until nothing improves (or `passes` sweeps). */
export function interRoute(rs: RouteSet, routes: number[], passes: number): void {
  for (let pass = 0; pass < passes; pass++) {
    let changed = false
    for (const a of routes) {
      for (const b of routes) {
        if (a === b) continue
        while (relocate(rs, a, b)) changed = true
        if (exchange(rs, a, b)) changed = true
        if (crossExchange(rs, a, b)) changed = true
      }
    }
    if (changed) for (const r of routes) improveRoute(rs, r)
    if (!changed) return
  }
}
