/**
 * The nearest-neighbour baseline: what a worker does without a planner, for comparison with
 * `planPatrol` under the same shifts. Each worker walks from their start to the nearest unvisited
 * mandatory cell of their own grids — preferring cells whose time window is open on arrival, so
 * they do not stand waiting while other cells are due — as long as they can still get to their end
 * in time; then, taking the visits in walking order, they dwell at every priority cell for which
 * the shift still has room. Optional cells are not visited. A cell in several workers' grids goes to
 * the first of them. Minutes and metres as in `planPatrol`.
 */
import type { PatrolInstance, PatrolPlan } from './plan-types'
import { assemblePlan } from './plan-output'
import { compileProblem, RouteSet, TIME_EPS } from './route-state'

/** Nearest-neighbour plan with dwell in visiting order (see the module comment). */
export function planNearestNeighbour(instance: PatrolInstance): PatrolPlan {
  const t0 = performance.now()
  const p = compileProblem(instance, false)
  const rs = new RouteSet(p)
  const { C, W, N, D, speed, shift, shiftStart, twA, twB, mandatory, value, eligOffsets, eligList } = p
  const mine: number[][] = Array.from({ length: W }, () => [])
  for (let c = 0; c < C; c++) if (mandatory[c] && eligOffsets[c + 1] > eligOffsets[c]) mine[eligList[eligOffsets[c]]].push(c)

  for (let r = 0; r < W; r++) {
    const todo = mine[r]
    const done = new Uint8Array(todo.length)
    const end = C + 2 * r + 1
    const v = speed[r]
    let at = C + 2 * r
    let t = 0
    while (true) {
      let best = -1
      let bestD = Infinity
      let bestOpen = false
      for (let i = 0; i < todo.length; i++) {
        if (done[i]) continue
        const c = todo[i]
        const d = D[at * N + c]
        const arrive = t + d / v
        const begin = Math.max(arrive, twA[c] - shiftStart[r])
        if (!(begin <= twB[c] - shiftStart[r] + TIME_EPS) || !(begin + D[c * N + end] / v <= shift[r] + TIME_EPS)) continue
        const open = arrive >= twA[c] - shiftStart[r]
        if ((open && !bestOpen) || (open === bestOpen && d < bestD)) {
          best = i
          bestD = d
          bestOpen = open
        }
      }
      if (best < 0) break
      done[best] = 1
      const c = todo[best]
      t = Math.max(t + bestD / v, twA[c] - shiftStart[r])
      at = c
      rs.insertAfter(r, rs.len[r] - 2, c, false, false)
    }
    rs.refresh(r)
    for (let k = 1; k < rs.len[r] - 1; k++) {
      const c = rs.seq[r][k]
      if (value[c] > 0 && rs.canDwell(r, k)) {
        rs.dwellOn[c] = 1
        rs.refresh(r)
      }
    }
  }
  return assemblePlan(instance, rs, { method: 'nearest-neighbour', seed: 0, iterations: 0, elapsedMs: performance.now() - t0 })
}
