/**
 * Perturbations of the iterated local search, each followed by reinsertion and local search:
 * - segment ruin: remove a run of consecutive visits (the "shake" of Vansteenwegen et al. 2009,
 *   with a length that grows while the search stalls);
 * - scattered ruin: remove visits at random from the touched routes (ruin and recreate, Schrimpf
 *   et al. 2000);
 * - double bridge: reorder a route A B C D → A C B D, the classic kick of iterated local search for
 *   the TSP (Martin, Otto & Felten 1991; Lourenço, Martin & Stützle 2003), which 2-opt cannot undo;
 * - dwell reset: drop every dwell of a route so the dwell choice is rebuilt from scratch.
 */
import type { Random } from '../../shared/random'
import type { RouteSet } from './route-state'

const DOUBLE_BRIDGE_MIN_CELLS = 8 // below this a double bridge is just a shuffle; ruin does better

/**
 * Removes `count` consecutive visits of route r at a random place.
 * @returns the removed cells
 */
export function ruinSegment(rs: RouteSet, r: number, count: number, rand: Random): number[] {
  const cells = rs.len[r] - 2
  const k = Math.min(count, cells)
  const at = 1 + Math.floor(rand() * (cells - k + 1))
  const removed: number[] = []
  for (let i = 0; i < k; i++) removed.push(rs.removeAt(r, at, false))
  rs.refresh(r)
  return removed
}

/**
 * Removes `count` visits picked at random across the given routes.
 * @returns the removed cells
 */
export function ruinScattered(rs: RouteSet, routes: number[], count: number, rand: Random): number[] {
  const removed: number[] = []
  for (let i = 0; i < count; i++) {
    const t = routes[Math.floor(rand() * routes.length)]
    if (rs.len[t] <= 2) continue
    removed.push(rs.removeAt(t, 1 + Math.floor(rand() * (rs.len[t] - 2)), false))
  }
  for (const t of routes) rs.refresh(t)
  return removed
}

/**
 * Double-bridge kick on route r. Refused (returns false, route untouched) for short routes and when
 * the new order would break a time window.
 */
export function doubleBridge(rs: RouteSet, r: number, rand: Random): boolean {
  const n = rs.len[r]
  const cells = n - 2
  if (cells < DOUBLE_BRIDGE_MIN_CELLS) return false
  // three distinct cut points among the cells: seq = S0 | A | B | C | end with S0 = start
  const cuts = new Set<number>()
  while (cuts.size < 3) cuts.add(2 + Math.floor(rand() * (cells - 1)))
  const [p1, p2, p3] = Array.from(cuts).sort((a, b) => a - b)
  const sq = rs.seq[r]
  const buf = rs.buffer()
  let o = 0
  for (let k = 0; k < p1; k++) buf[o++] = sq[k]
  for (let k = p2; k < p3; k++) buf[o++] = sq[k]
  for (let k = p1; k < p2; k++) buf[o++] = sq[k]
  for (let k = p3; k < n; k++) buf[o++] = sq[k]
  if (rs.windowed[r] > 0 && !rs.feasibleOrder(r, buf, n)) return false
  sq.set(buf.subarray(0, n))
  rs.refresh(r)
  return true
}

/** Drops every dwell of route r; optional cells, visited only to dwell, leave the route. */
export function resetDwell(rs: RouteSet, r: number): void {
  const { mandatory } = rs.p
  for (let k = rs.len[r] - 2; k >= 1; k--) {
    const c = rs.seq[r][k]
    if (!rs.dwellOn[c]) continue
    if (mandatory[c]) rs.dwellOn[c] = 0
    else rs.removeAt(r, k, false)
  }
  rs.refresh(r)
}
