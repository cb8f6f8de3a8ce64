/**
 * Cells coloured by one statistic of a cell-stats result: case count, cases per km², 结案率
 * (closed ÷ due) or 按期结案率 (closed on time ÷ due). Counts are heavy-tailed and get head/tail
 * breaks (quantiles when light-tailed) on viridis reversed, as the hexagons; rates get fixed
 * classes that mean the same in every window, on cividis (dark = low rate = needs attention).
 * Cells where nothing was due have no rate and are drawn hatched grey, not as 0 %.
 */
import { classIndex, headTailBreaks, quantileBreaks } from '../colors/classify'
import { cividis, sampleRamp, viridis, type RGB, type RGBA } from '../colors/ramps'
import type { CellMetric } from '../state/url-state'
import { cellColors } from './cells-layer'

export const CHOROPLETH_LAYER_ID = 'hotspot-cells'

/** Count classes: five read at a glance. */
export const COUNT_CLASSES = 5

/** Upper bounds of the rate classes (ratios): below 60 %, 60–75, 75–85, 85–95, 95 % and above. */
export const RATE_BREAKS = [0.6, 0.75, 0.85, 0.95, 1] as const

/** Grey of cells without a rate (nothing due). */
export const NO_RATE: RGBA = [150, 150, 150, 70]

/** The value of one metric from a cell-stats row; null when it has none (a rate with nothing due). */
export function metricValue(row: { cases: number; cases_per_km2: number; rate_closed: number | null; rate_on_time: number | null }, metric: CellMetric): number | null {
  switch (metric) {
    case 'cases':
      return row.cases
    case 'per_km2':
      return row.cases_per_km2
    case 'rate_closed':
      return row.rate_closed
    case 'rate_on_time':
      return row.rate_on_time
  }
}

export function isRate(metric: CellMetric): boolean {
  return metric === 'rate_closed' || metric === 'rate_on_time'
}

/** Classes of a metric over the cells: upper bounds and one colour per class. */
export interface MetricClasses {
  metric: CellMetric
  breaks: number[]
  colors: RGB[]
}

/** Classes for the values (null = no value). */
export function metricClasses(metric: CellMetric, values: ArrayLike<number | null>): MetricClasses {
  if (isRate(metric)) {
    // cividis from dark (low rate) to light-yellow (high): the weak cells carry the eye
    return { metric, breaks: [...RATE_BREAKS], colors: sampleRamp((t) => cividis(0.08 + 0.9 * t), RATE_BREAKS.length) }
  }
  const v: number[] = []
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (x !== null && x > 0) v.push(x)
  }
  const ht = headTailBreaks(v, COUNT_CLASSES)
  let breaks = ht.length >= 3 ? ht : quantileBreaks(v, COUNT_CLASSES)
  // densities are not whole numbers, but class bounds read better as integers
  breaks = [...new Set(breaks.map((b) => Math.ceil(b)))]
  return { metric, breaks, colors: breaks.length ? sampleRamp((t) => viridis(1 - 0.9 * t), breaks.length) : [] }
}

/** Fill alpha of count class `k` of `n` (as the hexagons: faint low classes, strong top class). */
export function countAlpha(k: number, n: number): number {
  return n <= 1 ? 180 : Math.round(60 + 150 * (k / (n - 1)) ** 0.8)
}

/** Class of a rate value (ratio). */
export function rateClass(v: number): number {
  for (let i = 0; i < RATE_BREAKS.length; i++) if (v < RATE_BREAKS[i]) return i
  return RATE_BREAKS.length - 1
}

/** The colour of one value under the classes; null = drawn clear (a zero count). */
export function metricColor(v: number | null, c: MetricClasses): RGBA | null {
  if (isRate(c.metric)) {
    if (v === null) return NO_RATE
    const k = rateClass(v)
    return [...c.colors[k], 200] as RGBA
  }
  if (v === null || v <= 0 || !c.breaks.length) return null
  const k = classIndex(v, c.breaks)
  return [...c.colors[k], countAlpha(k, c.breaks.length)] as RGBA
}

/** Per-cell RGBA bytes for values indexed by cell. */
export function metricCellColors(values: ArrayLike<number | null>, c: MetricClasses): Uint8Array {
  return cellColors(values.length, (i) => metricColor(values[i], c))
}
