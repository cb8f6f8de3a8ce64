/**
 * Roll-ups of cell visits for supervisors: 见巡率 (share of cells visited) per group and day,
 * cells left unvisited for N days, and cells visited fewer times than required.
 *
 * Groups are any partition of cells given as one Int32Array entry per cell — responsibility grid,
 * community, or the worker a cell is assigned to; -1 leaves a cell out.
 */
import type { CellVisits } from './coverage'

/** Share of cells visited per group and day. */
export interface VisitRate {
  nGroups: number
  /** the days asked for, in the order given */
  days: Int32Array
  /** cells per group */
  cells: Int32Array
  /** visited cells, day-major: `visited[d * nGroups + g]` */
  visited: Int32Array
  /** visited ÷ cells, same layout; NaN for a group with no cells */
  rate: Float64Array
}

function checkGroups(visits: CellVisits, group: Int32Array): number {
  if (group.length !== visits.nCells) throw new RangeError(`group has ${group.length} entries for ${visits.nCells} cells`)
  let nGroups = 0
  for (let c = 0; c < group.length; c++) {
    if (!Number.isInteger(group[c]) || group[c] < -1) throw new RangeError(`Unexpected group value: ${group[c]} (cell ${c}). Use 0, 1, … or -1 for none.`)
    if (group[c] + 1 > nGroups) nGroups = group[c] + 1
  }
  return nGroups
}

/**
 * 见巡率 per group and day: the share of a group's cells visited at least once that day. Days
 * without any visit still appear (rate 0), so give every day of the reporting period.
 * @param group  group of each cell (cell order), -1 for none
 * @param days   local day numbers to report
 */
export function visitRate(visits: CellVisits, group: Int32Array, days: ArrayLike<number>): VisitRate {
  const nGroups = checkGroups(visits, group)
  const nDays = days.length
  const dayIndex = new Map<number, number>()
  for (let d = 0; d < nDays; d++) dayIndex.set(days[d], d)
  const cells = new Int32Array(nGroups)
  for (let c = 0; c < group.length; c++) if (group[c] >= 0) cells[group[c]]++
  const visited = new Int32Array(nDays * nGroups)
  // records are unique per (day, cell), so counting them counts cells
  for (let k = 0; k < visits.cell.length; k++) {
    const d = dayIndex.get(visits.day[k])
    const g = group[visits.cell[k]]
    if (d !== undefined && g >= 0) visited[d * nGroups + g]++
  }
  const rate = new Float64Array(nDays * nGroups)
  for (let d = 0; d < nDays; d++) {
    for (let g = 0; g < nGroups; g++) rate[d * nGroups + g] = cells[g] > 0 ? visited[d * nGroups + g] / cells[g] : NaN
  }
  return { nGroups, days: Int32Array.from(days), cells, visited, rate }
}

/**
 * Days since each cell was last visited, as of `asOfDay` (0 when visited that day; visits after
 * it are ignored); Infinity for cells with no visit on record.
 */
export function daysSinceVisit(visits: CellVisits, asOfDay: number): Float64Array {
  const lastDay = new Float64Array(visits.nCells).fill(-Infinity)
  for (let k = 0; k < visits.cell.length; k++) {
    const d = visits.day[k]
    if (d <= asOfDay && d > lastDay[visits.cell[k]]) lastDay[visits.cell[k]] = d
  }
  return lastDay.map((d) => asOfDay - d)
}

/**
 * Cells not visited for at least `nDays` days as of `asOfDay` (last visit on or before
 * `asOfDay - nDays`, or never), ascending. With nDays = 1: cells not visited on `asOfDay`.
 */
export function cellsNotVisitedFor(visits: CellVisits, asOfDay: number, nDays: number): Int32Array {
  if (!(nDays >= 1) || !Number.isInteger(nDays)) throw new RangeError(`Unexpected nDays value: ${nDays}.`)
  const since = daysSinceVisit(visits, asOfDay)
  const out: number[] = []
  for (let c = 0; c < since.length; c++) if (since[c] >= nDays) out.push(c)
  return Int32Array.from(out)
}

/** Cells visited fewer times than required, per day. */
export interface UnderVisited {
  day: Int32Array
  cell: Int32Array
  passes: Int32Array
  required: Int32Array
}

/**
 * For each day in `days`, the cells whose passes fell short of `required[cell]` (cells requiring
 * 0 are never listed; unvisited cells count 0 passes), by day then cell.
 * @param required  passes required per cell and day (cell order)
 */
export function underVisitedCells(visits: CellVisits, required: Int32Array, days: ArrayLike<number>): UnderVisited {
  if (required.length !== visits.nCells) throw new RangeError(`required has ${required.length} entries for ${visits.nCells} cells`)
  const passes = new Int32Array(visits.nCells)
  const out = { day: [] as number[], cell: [] as number[], passes: [] as number[], required: [] as number[] }
  // visits are sorted by day: find each day's run
  const start = new Map<number, number>()
  const end = new Map<number, number>()
  for (let k = 0; k < visits.day.length; k++) {
    if (!start.has(visits.day[k])) start.set(visits.day[k], k)
    end.set(visits.day[k], k + 1)
  }
  for (let d = 0; d < days.length; d++) {
    const day = days[d]
    const s = start.get(day) ?? 0
    const e = end.get(day) ?? 0
    for (let k = s; k < e; k++) passes[visits.cell[k]] = visits.passes[k]
    for (let c = 0; c < visits.nCells; c++) {
      if (passes[c] < required[c]) {
        out.day.push(day)
        out.cell.push(c)
        out.passes.push(passes[c])
        out.required.push(required[c])
      }
    }
    for (let k = s; k < e; k++) passes[visits.cell[k]] = 0
  }
  return { day: Int32Array.from(out.day), cell: Int32Array.from(out.cell), passes: Int32Array.from(out.passes), required: Int32Array.from(out.required) }
}
