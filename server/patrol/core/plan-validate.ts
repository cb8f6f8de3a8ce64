/**
 * Independent check of a patrol plan against its instance: re-times every route from the distance
 * matrix alone (no planner state) and lists what is wrong. For plans edited by hand before
 * dispatch, plans loaded from storage, and the planners' own tests. Minutes and metres.
 */
import type { PatrolInstance, PatrolPlan } from './plan-types'

/** One problem found in a plan. */
export interface PlanViolation {
  kind:
    | 'unknown_cell'
    | 'visited_twice'
    | 'not_responsible'
    | 'bad_dwell'
    | 'window_missed'
    | 'shift_exceeded'
    | 'unreachable_leg'
    | 'schedule_mismatch'
    | 'mandatory_unaccounted'
  worker?: string
  cell?: string
  message: string
}

const TOL_MIN = 1e-6 // minutes of rounding tolerated in reported times
const TOL_REL = 1e-6 // relative tolerance on reported lengths and objective (sums in another order)

/**
 * Lists every violation in `plan` (empty when the plan is sound): cells unknown or visited twice, cells
 * outside the worker's grids (unless `allowCrossHelp`), dwell other than 0 or the cell's dwell (or 0
 * at an optional cell), windows missed, shifts overrun, impossible legs, reported times, lengths or
 * objective that do not match a re-timing, and mandatory cells neither visited nor reported uncovered.
 */
export function validatePlan(instance: PatrolInstance, plan: PatrolPlan, options: { allowCrossHelp?: boolean } = {}): PlanViolation[] {
  const out: PlanViolation[] = []
  const { cells, workers, matrix } = instance
  const C = cells.length
  const N = C + 2 * workers.length
  const index = new Map(cells.map((c, i) => [c.id, i]))
  const seen = new Set<number>()
  let value = 0
  let length = 0
  let covered = 0
  plan.workers.forEach((wp, r) => {
    const w = workers[r]
    if (!w || w.id !== wp.worker) {
      out.push({ kind: 'schedule_mismatch', worker: wp.worker, message: `Plan route ${r} is for ${wp.worker}, instance worker ${r} is ${w?.id}.` })
      return
    }
    const speed = ((w.speedKmh ?? 4.5) * 1000) / 60
    const s0 = w.shiftStart ?? 0
    const mine = new Set(w.cells)
    let at = C + 2 * r
    let t = 0
    let dist = 0
    const leg = (to: number): void => {
      const d = matrix[at * N + to]
      if (!(d < Infinity)) out.push({ kind: 'unreachable_leg', worker: w.id, message: `Worker ${w.id}: no street path from matrix row ${at} to ${to}.` })
      dist += d
      t += d / speed
      at = to
    }
    for (const stop of wp.stops) {
      const c = index.get(stop.cell)
      if (c === undefined || c !== stop.cellIndex) {
        out.push({ kind: 'unknown_cell', worker: w.id, cell: stop.cell, message: `Worker ${w.id}: stop ${stop.cell} (index ${stop.cellIndex}) is not a cell of the instance.` })
        continue
      }
      const cell = cells[c]
      if (seen.has(c)) out.push({ kind: 'visited_twice', worker: w.id, cell: cell.id, message: `Cell ${cell.id} is visited more than once.` })
      seen.add(c)
      if (!options.allowCrossHelp && !mine.has(cell.id)) {
        out.push({ kind: 'not_responsible', worker: w.id, cell: cell.id, message: `Worker ${w.id} visits cell ${cell.id}, which is not in their grids.` })
      }
      if (!(stop.dwell === 0 || stop.dwell === cell.dwellMinutes) || (!cell.mandatory && stop.dwell !== cell.dwellMinutes)) {
        out.push({ kind: 'bad_dwell', worker: w.id, cell: cell.id, message: `Cell ${cell.id}: dwell ${stop.dwell} min; expected ${cell.mandatory ? `0 or ${cell.dwellMinutes}` : cell.dwellMinutes}.` })
      }
      leg(c)
      const open = cell.timeWindow ? cell.timeWindow[0] - s0 : -Infinity
      const begin = Math.max(t, open)
      if (Math.abs(stop.arrival - t) > TOL_MIN || Math.abs(stop.wait - (begin - t)) > TOL_MIN || Math.abs(stop.departure - (begin + stop.dwell)) > TOL_MIN) {
        out.push({ kind: 'schedule_mismatch', worker: w.id, cell: cell.id, message: `Cell ${cell.id}: reported arrival/wait/departure ${stop.arrival}/${stop.wait}/${stop.departure}, re-timed ${t}/${begin - t}/${begin + stop.dwell}.` })
      }
      t = begin + stop.dwell
      if (cell.timeWindow && t > cell.timeWindow[1] - s0 + TOL_MIN) {
        out.push({ kind: 'window_missed', worker: w.id, cell: cell.id, message: `Cell ${cell.id}: visit ends at minute ${t + s0} of the day, after its window closes at ${cell.timeWindow[1]}.` })
      }
      value += cell.priority * stop.dwell
      if (cell.mandatory) covered++
    }
    leg(C + 2 * r + 1)
    if (t > w.shiftMinutes + TOL_MIN) out.push({ kind: 'shift_exceeded', worker: w.id, message: `Worker ${w.id}: the route takes ${t} min, the shift ${w.shiftMinutes} min.` })
    if (!near(wp.lengthM, dist) || Math.abs(wp.durationMin - t) > TOL_MIN) {
      out.push({ kind: 'schedule_mismatch', worker: w.id, message: `Worker ${w.id}: reported ${wp.lengthM} m / ${wp.durationMin} min, re-timed ${dist} m / ${t} min.` })
    }
    length += dist
  })
  const reported = new Set(plan.uncovered.map((u) => u.cellIndex))
  cells.forEach((cell, c) => {
    if (cell.mandatory && !seen.has(c) && !reported.has(c)) {
      out.push({ kind: 'mandatory_unaccounted', cell: cell.id, message: `Mandatory cell ${cell.id} is neither visited nor reported uncovered.` })
    }
  })
  for (const u of plan.uncovered) {
    if (seen.has(u.cellIndex)) out.push({ kind: 'schedule_mismatch', cell: u.cell, message: `Cell ${u.cell} is reported uncovered but is visited.` })
  }
  const o = plan.objective
  if (!near(o.dwellValue, value) || !near(o.lengthM, length) || o.mandatoryCovered !== covered) {
    out.push({ kind: 'schedule_mismatch', message: `Objective reports ${o.mandatoryCovered} covered, dwell value ${o.dwellValue}, ${o.lengthM} m; re-computed ${covered}, ${value}, ${length} m.` })
  }
  return out
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOL_REL * Math.max(1, Math.abs(a), Math.abs(b))
}
