/**
 * Comparing search states by the plan's lexicographic objective — mandatory cells covered, then
 * Σ priority × dwell minutes, then metres walked — over the routes a move touched.
 */
import { DIST_EPS, type RouteSet } from './route-state'

const VALUE_EPS = 1e-9 // relative: dwell values this close tie

/** Coverage (all routes), dwell value and metres of some routes: what a move on them can change. */
export interface LocalObjective {
  covered: number
  value: number
  dist: number
}

/** The objective restricted to `routes` (coverage is always counted over all routes). */
export function localObjective(rs: RouteSet, routes: number[]): LocalObjective {
  let value = 0
  let dist = 0
  for (const r of routes) {
    value += rs.value[r]
    dist += rs.dist[r]
  }
  return { covered: rs.covered(), value, dist }
}

/** > 0 when a is better than b, < 0 when worse, 0 when equal (lexicographic with tolerances). */
export function compare(a: LocalObjective, b: LocalObjective): number {
  if (a.covered !== b.covered) return a.covered - b.covered
  const tol = VALUE_EPS * Math.max(1, Math.abs(b.value))
  if (a.value > b.value + tol) return 1
  if (a.value < b.value - tol) return -1
  if (a.dist < b.dist - DIST_EPS) return 1
  if (a.dist > b.dist + DIST_EPS) return -1
  return 0
}

/** Whether a is worse than b by at most `threshold` (a share) in dwell value and in metres. */
export function withinThreshold(a: LocalObjective, b: LocalObjective, threshold: number): boolean {
  return a.value >= b.value - threshold * Math.max(1, b.value) && a.dist <= b.dist * (1 + threshold)
}
