/**
 * Re-optimising routes after a change: shorter walks free time for dwell, and dwell visits added
 * change the walk, so walk order (2-opt, or-opt) and dwell (fill, replace) alternate.
 */
import type { InsertionCache } from './route-construct'
import { fillDwell, replaceDwell } from './route-dwell'
import { compare, localObjective } from './route-objective'
import { improveRoute } from './route-search'
import type { RouteSet } from './route-state'

const POLISH_ROUNDS = 4 // route/dwell alternations per call; later rounds almost never change anything

/** 2-opt/or-opt, dwell fill and replace on `routes`, repeated until a round changes nothing (at most `POLISH_ROUNDS`). */
export function polish(rs: RouteSet, cache: InsertionCache, routes: number[], optional: Int32Array): void {
  for (let round = 0; round < POLISH_ROUNDS; round++) {
    const before = localObjective(rs, routes)
    for (const r of routes) improveRoute(rs, r)
    fillDwell(rs, cache, routes, optional)
    for (const r of routes) replaceDwell(rs, cache, r, optional)
    if (compare(localObjective(rs, routes), before) <= 0) return
  }
}

/** One round of polish on a pair after a move between them: walk order, dwell fill, replace. */
export function settle(rs: RouteSet, cache: InsertionCache, pair: number[], optional: Int32Array): void {
  for (const r of pair) improveRoute(rs, r)
  fillDwell(rs, cache, pair, optional)
  for (const r of pair) replaceDwell(rs, cache, r, optional)
}
