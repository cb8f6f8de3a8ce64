/**
 * Turning a search state into a `PatrolPlan`: schedules per worker, the objective, and a reason for
 * every mandatory cell left out. Minutes from each worker's shift start; metres.
 */
import type { PatrolInstance, PatrolPlan, PlanObjective, UncoveredReason, WorkerPlan } from './plan-types'
import { TIME_EPS, type RouteSet } from './route-state'

/** The plan's objective (coverage, dwell value, walking) over all routes. */
export function planObjective(rs: RouteSet): PlanObjective {
  const { W, C, mandatory, dwell } = rs.p
  let dwellValue = 0
  let lengthM = 0
  for (let r = 0; r < W; r++) {
    dwellValue += rs.value[r]
    lengthM += rs.dist[r]
  }
  let mandatoryTotal = 0
  let dwellMinutes = 0
  for (let c = 0; c < C; c++) {
    mandatoryTotal += mandatory[c]
    if (rs.dwellOn[c]) dwellMinutes += dwell[c]
  }
  return { mandatoryCovered: rs.covered(), mandatoryTotal, dwellValue, dwellMinutes, lengthM }
}

/**
 * Why mandatory cell c is not covered: nobody may visit it; no eligible worker can reach it; its
 * window cannot be met (alone, or in the final routes while the cell would fit without its window);
 * otherwise the shift is too short.
 */
export function uncoveredReason(rs: RouteSet, c: number): UncoveredReason {
  const p = rs.p
  const { D, N, C, eligOffsets, eligList, speed, shift, shiftStart, twA, twB } = p
  if (eligOffsets[c + 1] === eligOffsets[c]) return 'no_worker'
  let reachable = false
  let fitsWithoutWindow = false
  let fits = false
  for (let k = eligOffsets[c]; k < eligOffsets[c + 1]; k++) {
    const r = eligList[k]
    const ds = D[(C + 2 * r) * N + c]
    const de = D[c * N + C + 2 * r + 1]
    if (!(ds < Infinity && de < Infinity && D[(C + 2 * r) * N + C + 2 * r + 1] < Infinity)) continue
    reachable = true
    const t = ds / speed[r]
    const back = de / speed[r]
    if (t + back > shift[r] + TIME_EPS) continue
    fitsWithoutWindow = true
    const st = Math.max(t, twA[c] - shiftStart[r])
    if (st <= twB[c] - shiftStart[r] + TIME_EPS && st + back <= shift[r] + TIME_EPS) fits = true
  }
  if (!reachable) return 'unreachable'
  if (!fitsWithoutWindow) return 'shift_too_short'
  if (!fits) return 'time_window_infeasible'
  if (!p.hasWindow[c]) return 'shift_too_short'
  // it fits alone: would it fit into a final route if it had no window?
  const a = twA[c]
  const b = twB[c]
  twA[c] = -Infinity
  twB[c] = Infinity
  let fitsOpen = false
  for (let k = eligOffsets[c]; k < eligOffsets[c + 1] && !fitsOpen; k++) fitsOpen = rs.evalInsert(eligList[k], c, false) < Infinity
  twA[c] = a
  twB[c] = b
  return fitsOpen ? 'time_window_infeasible' : 'shift_too_short'
}

/** Builds the plan from the routes. */
export function assemblePlan(instance: PatrolInstance, rs: RouteSet, stats: PatrolPlan['stats']): PatrolPlan {
  const { C, W, dwell } = rs.p
  const workers: WorkerPlan[] = []
  for (let r = 0; r < W; r++) {
    const w = instance.workers[r]
    const sq = rs.seq[r]
    const n = rs.len[r]
    const stops = []
    for (let k = 1; k < n - 1; k++) {
      const c = sq[k]
      const d = rs.dwellOn[c] ? dwell[c] : 0
      stops.push({
        cell: instance.cells[c].id,
        cellIndex: c,
        node: instance.cells[c].node,
        arrival: rs.arr[r][k],
        wait: rs.beg[r][k] - rs.arr[r][k],
        dwell: d,
        departure: rs.dep[r][k],
      })
    }
    workers.push({
      worker: w.id,
      start: w.start,
      end: w.end,
      stops,
      lengthM: rs.dist[r],
      durationMin: rs.arr[r][n - 1],
      coveredCells: stops.map((s) => s.cell),
      dwellValue: rs.value[r],
      feasible: rs.ok[r] === 1,
    })
  }
  const uncovered: PatrolPlan['uncovered'] = []
  for (let c = 0; c < C; c++) {
    if (rs.p.mandatory[c] && rs.routeOf[c] < 0) uncovered.push({ cell: instance.cells[c].id, cellIndex: c, reason: uncoveredReason(rs, c) })
  }
  return { workers, uncovered, objective: planObjective(rs), stats }
}
