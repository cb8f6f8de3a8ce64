/**
 * Space-time cube: case counts per (time step, unit cell), the input of emerging hot spot analysis
 * and of forecast evaluation.
 *
 * Layout: `counts` is row-major by time step, `counts[step * nCells + cell]`, so each time slice
 * is one contiguous run of cells (Gi* sums neighbours inside a slice, FDR ranks p-values per
 * slice). Read one cell's series with {@link cellSeries}.
 *
 * Steps are aligned to the chosen start in local time (fixed UTC offset, default +08:00 for
 * Asia/Shanghai, which has had no daylight saving since 1991): days and weeks are whole multiples
 * of 24 h / 7 × 24 h from the start, months are calendar months anchored on the start's day of
 * month.
 */

/** Length of one time step. */
export type CubeStep = 'day' | 'week' | 'month'

/** What to do with the time between the last whole step and `end`. */
export type PartialStep = 'drop' | 'keep'

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000
const MAX_MONTH_ANCHOR_DAY = 28 // anchor days 29–31 do not exist in every month
/** Asia/Shanghai, UTC+08:00, in minutes east of UTC. */
export const SHANGHAI_OFFSET_MINUTES = 480

/** A cube as consumed by the cores: counts per (step, cell), row-major by step. */
export interface CubeCounts {
  /** number of unit cells */
  nCells: number
  /** number of time steps */
  nSteps: number
  /** `counts[step * nCells + cell]`, cases (or any non-negative value) per bin */
  counts: Float64Array
}

/** A cube built from cases, with its time axis. */
export interface Cube extends CubeCounts {
  /** start of each step, epoch ms (UTC), length nSteps */
  stepStarts: Float64Array
  /** end of each step (exclusive), epoch ms (UTC), length nSteps; equals the next step's start */
  stepEnds: Float64Array
  /** cases not counted: cell −1, time outside [stepStarts[0], stepEnds[nSteps − 1]) or NaN */
  outside: number
}

/** Input of {@link buildCube}. */
export interface CubeInput {
  /** unit cell index per case, −1 when the case lies outside every cell */
  cellOf: Int32Array
  /** report time per case, epoch ms (UTC) */
  t: Float64Array
  /** number of unit cells */
  nCells: number
  /** step length */
  step: CubeStep
  /** first step's start, epoch ms; must be local midnight (and day 1–28 for months) */
  start: number
  /** end of the period, epoch ms, exclusive */
  end: number
  /** local time offset east of UTC in minutes; default 480 (Asia/Shanghai) */
  tzOffsetMinutes?: number
  /**
   * 'drop' (default): time after the last whole step is left out, because a short final step
   * holds fewer cases and would read as a cooling final step in emerging hot spot analysis;
   * 'keep': it becomes a final, shorter step.
   */
  partialLastStep?: PartialStep
}

/**
 * Step boundaries from `start` towards `end` in local time.
 * @param step             step length
 * @param start            epoch ms of the first boundary; local midnight (day 1–28 for months)
 * @param end              epoch ms, exclusive end of the period
 * @param tzOffsetMinutes  local offset east of UTC, minutes (default 480, Asia/Shanghai)
 * @param partial          'drop' (default) or 'keep' the time after the last whole step
 * @returns nSteps + 1 boundaries, epoch ms; step s covers [b[s], b[s + 1])
 */
export function stepBoundaries(
  step: CubeStep,
  start: number,
  end: number,
  tzOffsetMinutes = SHANGHAI_OFFSET_MINUTES,
  partial: PartialStep = 'drop',
): Float64Array {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`Unexpected start/end values: ${start}, ${end}.`)
  if (!Number.isFinite(tzOffsetMinutes) || Math.abs(tzOffsetMinutes) > 14 * 60) {
    throw new RangeError(`Unexpected tzOffsetMinutes value: ${tzOffsetMinutes}; expected minutes east of UTC, e.g. 480 for Asia/Shanghai.`)
  }
  const offsetMs = tzOffsetMinutes * MINUTE_MS
  const local = new Date(start + offsetMs)
  if (local.getUTCHours() !== 0 || local.getUTCMinutes() !== 0 || local.getUTCSeconds() !== 0 || local.getUTCMilliseconds() !== 0) {
    throw new RangeError(`Unexpected start value: ${new Date(start).toISOString()} is not local midnight at UTC${tzOffsetMinutes >= 0 ? '+' : '-'}${Math.abs(tzOffsetMinutes / 60)}; align the start to a day boundary.`)
  }
  const bounds: number[] = [start]
  if (step === 'day' || step === 'week') {
    const len = step === 'day' ? DAY_MS : 7 * DAY_MS
    for (let b = start + len; b <= end; b += len) bounds.push(b)
  } else if (step === 'month') {
    const y = local.getUTCFullYear()
    const m = local.getUTCMonth()
    const d = local.getUTCDate()
    if (d > MAX_MONTH_ANCHOR_DAY) {
      throw new RangeError(`Unexpected month start day: ${d}; monthly steps need a start on day 1–${MAX_MONTH_ANCHOR_DAY} so every month has the anchor day.`)
    }
    for (let k = 1; ; k++) {
      const b = Date.UTC(y, m + k, d) - offsetMs
      if (b > end) break
      bounds.push(b)
    }
  } else {
    throw new RangeError(`Unexpected step value: ${String(step)}; expected 'day', 'week' or 'month'.`)
  }
  const last = bounds[bounds.length - 1]
  if (partial === 'keep' && last < end) bounds.push(end)
  if (bounds.length < 2) {
    throw new RangeError(`Unexpected end value: ${new Date(end).toISOString()} leaves no whole ${step} after the start ${new Date(start).toISOString()}.`)
  }
  return Float64Array.from(bounds)
}

/**
 * Counts cases per (time step, cell).
 * @returns the cube, `counts[step * nCells + cell]`, with step starts/ends in epoch ms (UTC)
 */
export function buildCube(input: CubeInput): Cube {
  const { cellOf, t, nCells, step, start, end } = input
  if (cellOf.length !== t.length) throw new RangeError(`Unexpected lengths: cellOf has ${cellOf.length} cases, t has ${t.length}.`)
  if (!Number.isInteger(nCells) || nCells < 1) throw new RangeError(`Unexpected nCells value: ${nCells}.`)
  const bounds = stepBoundaries(step, start, end, input.tzOffsetMinutes ?? SHANGHAI_OFFSET_MINUTES, input.partialLastStep ?? 'drop')
  const nSteps = bounds.length - 1
  const counts = new Float64Array(nSteps * nCells)
  const first = bounds[0]
  const stop = bounds[nSteps]
  // Days and weeks have a fixed length, so the step is a division; months need a search.
  const fixedLen = step === 'day' ? DAY_MS : step === 'week' ? 7 * DAY_MS : 0
  let outside = 0
  for (let k = 0; k < t.length; k++) {
    const c = cellOf[k]
    const tk = t[k]
    if (c < 0 || !(tk >= first && tk < stop)) {
      outside++
      continue
    }
    if (c >= nCells) throw new RangeError(`Unexpected cell index ${c} for case ${k}; the cube has ${nCells} cells.`)
    const s = fixedLen ? Math.min(Math.floor((tk - first) / fixedLen), nSteps - 1) : findStep(bounds, tk)
    counts[s * nCells + c]++
  }
  return {
    nCells,
    nSteps,
    counts,
    stepStarts: bounds.slice(0, nSteps),
    stepEnds: bounds.slice(1),
    outside,
  }
}

// Largest s with bounds[s] <= t, for bounds[0] <= t < bounds[last].
function findStep(bounds: Float64Array, t: number): number {
  let lo = 0
  let hi = bounds.length - 2
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (bounds[mid] <= t) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** One cell's counts over time, step order. */
export function cellSeries(cube: CubeCounts, cell: number): Float64Array {
  const out = new Float64Array(cube.nSteps)
  for (let s = 0; s < cube.nSteps; s++) out[s] = cube.counts[s * cube.nCells + cell]
  return out
}

/**
 * Per-cell totals over steps [from, to), e.g. a training or test window.
 * @returns one total per cell, cell order
 */
export function sumSteps(cube: CubeCounts, from: number, to: number): Float64Array {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= cube.nSteps)) {
    throw new RangeError(`Unexpected step range [${from}, ${to}) for a cube of ${cube.nSteps} steps.`)
  }
  const out = new Float64Array(cube.nCells)
  for (let s = from; s < to; s++) {
    const row = s * cube.nCells
    for (let i = 0; i < cube.nCells; i++) out[i] += cube.counts[row + i]
  }
  return out
}
