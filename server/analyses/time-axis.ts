/**
 * What the time-based kinds (emerging hot spots, forecast evaluation) share: the parameters of a
 * time axis (step, start, end, local offset) and the space-time cube of a layout's cells built
 * from the filtered cases with the trends core (server/trends/core/cube.ts).
 */
import { Type } from 'typebox'
import { buildCube, SHANGHAI_OFFSET_MINUTES, type Cube, type CubeStep, type PartialStep } from '../trends/core/cube'
import { BadParameter } from '../shared/errors'
import type { RunContext } from './kind'
import { loadCaseCellDays, loadCaseCells, loadCells, type CaseCellDays, type CaseCells, type CellSet, type LayoutInfo } from './repository'
import { requireCases, requireLayout } from './spatial'

const DAY_MS = 86_400_000
const DATE = '^\\d{4}-\\d{2}-\\d{2}$'

/** Parameters of a time axis; `step` has a per-kind default. */
export function timeAxisParams(defaultStep: CubeStep) {
  return {
    step: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: defaultStep, description: 'length of one time step' }),
    start: Type.Optional(Type.String({ pattern: DATE, description: 'first step starts at local midnight of this day, YYYY-MM-DD (default: the day of the first case; weeks from its Monday, months from the 1st)' })),
    end: Type.Optional(Type.String({ pattern: DATE, description: 'the axis ends at local midnight of this day, exclusive, YYYY-MM-DD (default: the day after the last case)' })),
    partial_last_step: Type.Union([Type.Literal('drop'), Type.Literal('keep')], { default: 'drop', description: 'drop: time after the last whole step is left out (a short last step reads as a cooling one); keep: it becomes a shorter last step' }),
    utc_offset_minutes: Type.Integer({ minimum: -720, maximum: 840, default: SHANGHAI_OFFSET_MINUTES, description: 'local time as minutes east of UTC, for day, week and month boundaries (480: Asia/Shanghai)' }),
  }
}

/** The time-axis parameters as a kind receives them. */
export interface TimeAxisSpec {
  step: CubeStep
  start?: string
  end?: string
  partial_last_step: PartialStep
  utc_offset_minutes: number
}

/** Cases placed in cells: cell idx and a time per case (per-case rows or counting-only days). */
interface PlacedCases {
  n: number
  cell: Int32Array
  /** epoch ms */
  t: Float64Array
}

/** A cube over the cells of the run's layout, with the cases and cells it came from. */
export interface CellCube<C extends PlacedCases = CaseCells> {
  layout: LayoutInfo
  cells: CellSet
  cases: C
  cube: Cube
  /** start and end of the axis, epoch ms, and why they were chosen */
  start: number
  end: number
  axisReason: string
}

/** Local midnight (epoch ms) of the day holding `t`, at `offset` minutes east of UTC. */
function localMidnight(t: number, offset: number): number {
  const off = offset * 60_000
  return Math.floor((t + off) / DAY_MS) * DAY_MS - off
}

/** Epoch ms of local midnight of a YYYY-MM-DD day. */
export function localDay(date: string, offset: number, field: string): number {
  const t = Date.parse(`${date}T00:00:00Z`)
  if (!Number.isFinite(t)) throw BadParameter(field, `"${date}" is not a date (YYYY-MM-DD)`)
  return t - offset * 60_000
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDate(t: number, offset: number): string {
  return new Date(t + offset * 60_000).toISOString().slice(0, 10)
}

/**
 * Start and end of the axis: the given days, or the span of the cases (weeks start on the Monday
 * of the first case, months on the 1st of its month, so steps are calendar weeks and months).
 */
export function axisSpan(t: Float64Array, spec: TimeAxisSpec): { start: number; end: number; reason: string } {
  const off = spec.utc_offset_minutes
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < t.length; i++) {
    if (t[i] < first) first = t[i]
    if (t[i] > last) last = t[i]
  }
  const reasons: string[] = []
  let start: number
  if (spec.start !== undefined) {
    start = localDay(spec.start, off, 'start')
    reasons.push(`start ${spec.start} as given`)
  } else {
    start = localMidnight(first, off)
    const local = new Date(start + off * 60_000)
    if (spec.step === 'week') start -= ((local.getUTCDay() + 6) % 7) * DAY_MS // back to Monday
    if (spec.step === 'month') start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - off * 60_000
    reasons.push(`start ${localDate(start, off)}: the ${spec.step === 'week' ? 'Monday of the week' : spec.step === 'month' ? 'first day of the month' : 'day'} of the first case`)
  }
  let end: number
  if (spec.end !== undefined) {
    end = localDay(spec.end, off, 'end')
    reasons.push(`end ${spec.end} as given`)
  } else {
    end = localMidnight(last, off) + DAY_MS
    reasons.push(`end ${localDate(end, off)}: the day after the last case`)
  }
  if (!(end > start)) throw BadParameter('end', `${localDate(end, off)} is not after the start ${localDate(start, off)}`)
  return { start, end, reason: reasons.join('; ') }
}

/**
 * Loads the run's cells and filtered cases (one row each, with position, for kinds that need the
 * points) and counts them per (step, cell).
 * @param minSteps  fewest steps the analysis needs; fewer is a 400 saying how to get more
 */
export async function cellCube(ctx: RunContext, spec: TimeAxisSpec, minSteps: number, why: string): Promise<CellCube> {
  const layout = requireLayout(ctx)
  const cells = await layoutCells(ctx, layout)
  return cubeOver(layout, cells, await loadCaseCells(ctx.db, layout.id, ctx.filters), spec, minSteps, why, ctx.filters as Record<string, unknown>)
}

/**
 * The same cube for kinds that only count: the database sends each case's cell and local report
 * day as two int arrays (steps are whole local days, so the cube is the same as from the exact
 * report times), which loads several times faster than a row per case.
 */
export async function cellCountCube(ctx: RunContext, spec: TimeAxisSpec, minSteps: number, why: string): Promise<CellCube<CaseCellDays>> {
  const layout = requireLayout(ctx)
  // both queries at once: on PostgreSQL they overlap, the embedded database queues them
  const [cells, cases] = await Promise.all([layoutCells(ctx, layout), loadCaseCellDays(ctx.db, layout.id, ctx.filters, spec.utc_offset_minutes)])
  return cubeOver(layout, cells, cases, spec, minSteps, why, ctx.filters as Record<string, unknown>)
}

async function layoutCells(ctx: RunContext, layout: LayoutInfo): Promise<CellSet> {
  const cells = await loadCells(ctx.db, layout.id)
  if (cells.n < 3) throw BadParameter('layout_id', `layout ${layout.id} has ${cells.n} cells; this analysis needs at least 3`)
  return cells
}

function cubeOver<C extends PlacedCases>(layout: LayoutInfo, cells: CellSet, cases: C, spec: TimeAxisSpec, minSteps: number, why: string, filters: Record<string, unknown>): CellCube<C> {
  requireCases(cases.n, filters)
  const { start, end, reason } = axisSpan(cases.t, spec)
  let cube: Cube
  try {
    cube = buildCube({
      cellOf: cases.cell, t: cases.t, nCells: cells.n, step: spec.step, start, end,
      tzOffsetMinutes: spec.utc_offset_minutes, partialLastStep: spec.partial_last_step,
    })
  } catch (err) {
    if (err instanceof RangeError) throw BadParameter('start', `${err.message} (${reason})`)
    throw err
  }
  if (cube.nSteps < minSteps) {
    throw BadParameter('step', `${localDate(start, spec.utc_offset_minutes)} … ${localDate(end, spec.utc_offset_minutes)} holds ${cube.nSteps} whole ${spec.step}(s); ${why} needs at least ${minSteps}. Use a shorter step or a longer period.`)
  }
  return { layout, cells, cases, cube, start, end, axisReason: reason }
}
