/**
 * Layer factories of the scheduler view (巡查调度): GPS tracks coloured per worker, coverage of
 * the unit cells on a day (passes or dwell minutes, cells unvisited for N days highlighted) and
 * planned routes with numbered stops. Pure: data in, deck.gl layers out, stable ids.
 */
import { PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { CoverageCell, PlanRoute, PlanStop, TripCollection, TripProps } from '../api/patrol'
import { CATEGORICAL, hexToRgb, sampleRamp, viridis, type RGB, type RGBA } from '../colors/ramps'
import type { CoverageMetricId } from '../state/url-state'
import { cellColors } from './cells-layer'

export const PATROL_TRACKS_LAYER_ID = 'patrol-tracks'
export const PATROL_COVERAGE_LAYER_ID = 'patrol-coverage'
export const PATROL_UNVISITED_LAYER_ID = 'patrol-unvisited'
export const PATROL_ROUTES_LAYER_ID = 'patrol-routes'
export const PATROL_STOPS_LAYER_ID = 'patrol-stops'
export const PATROL_STOP_LABELS_LAYER_ID = 'patrol-stop-labels'

/** What the coverage cells are coloured by: passes through the cell or minutes spent in it, that day. */
export type CoverageMetric = CoverageMetricId

/**
 * Upper bounds of the coverage classes (inclusive); the last class is open. Fixed rather than
 * data-driven so two days are comparable at a glance: one pass, two, 3–4, 5–8, more; dwell in
 * minutes: a walk-through (≤ 5), a short stop, a patrol stop (≤ 30), an hour, longer.
 */
export const COVERAGE_BREAKS: Record<CoverageMetric, readonly number[]> = {
  passes: [1, 2, 4, 8, Infinity],
  dwell: [5, 15, 30, 60, Infinity],
}

/** Colours of the classes: viridis from light to dark (darker = more, as on the leader view). */
export const COVERAGE_COLORS: readonly RGB[] = sampleRamp(viridis, 5).reverse()
/** Fill opacity of the coverage cells, 0–255: streets stay readable under them. */
export const COVERAGE_ALPHA = 170
/** Cells not visited for N days: Okabe–Ito vermillion, the one warm colour on this view. */
export const UNVISITED_COLOR: RGBA = [213, 94, 0, 255]

/** Class index of a value (0 … breaks − 1), or −1 for zero / not visited. */
export function coverageClass(value: number, breaks: readonly number[]): number {
  if (!(value > 0)) return -1
  for (let k = 0; k < breaks.length; k++) if (value <= breaks[k]) return k
  return breaks.length - 1
}

/** The value of a coverage cell for a metric. */
export function coverageValue(c: Pick<CoverageCell, 'passes' | 'dwell_minutes'>, metric: CoverageMetric): number {
  return metric === 'passes' ? c.passes : c.dwell_minutes
}

/**
 * Per-cell RGBA of the coverage fill (idx order): coloured by class when visited that day,
 * transparent otherwise (the unvisited highlight is its own layer).
 */
export function coverageCellColors(cellCount: number, cells: readonly CoverageCell[], metric: CoverageMetric): Uint8Array {
  const byIdx = new Array<CoverageCell | undefined>(cellCount)
  for (const c of cells) if (c.idx >= 0 && c.idx < cellCount) byIdx[c.idx] = c
  const breaks = COVERAGE_BREAKS[metric]
  return cellColors(cellCount, (i) => {
    const c = byIdx[i]
    const k = c ? coverageClass(coverageValue(c, metric), breaks) : -1
    return k < 0 ? null : [...COVERAGE_COLORS[k], COVERAGE_ALPHA]
  })
}

/** Worker colours: Okabe–Ito without its vermillion, which marks the unvisited cells. */
const WORKER_COLORS: readonly RGB[] = CATEGORICAL.filter((c) => c.toUpperCase() !== '#D55E00').map(hexToRgb)

/** Colour of a worker by their position in the worker list (repeating after eight). */
export function workerColor(index: number): RGB {
  const n = WORKER_COLORS.length
  return WORKER_COLORS[((index % n) + n) % n]
}

/** Track or route colour: the worker's, faded when another worker is selected. */
export function pathColor(worker: string, order: ReadonlyMap<string, number>, selected: string | null): RGBA {
  const c = workerColor(order.get(worker) ?? 0)
  return [...c, selected === null || selected === worker ? 235 : 45]
}

/** GPS tracks of a day as a PathLayer, one path per trip, coloured per worker. */
export function tracksLayer(input: { tracks: TripCollection; order: ReadonlyMap<string, number>; selected: string | null; visible?: boolean }): PathLayer {
  const { order, selected } = input
  return new PathLayer<TripCollection['features'][number]>({
    id: PATROL_TRACKS_LAYER_ID,
    data: input.tracks.features,
    visible: input.visible ?? true,
    pickable: true,
    autoHighlight: true,
    highlightColor: [0, 0, 0, 90],
    getPath: (f) => f.geometry.coordinates as [number, number][],
    getColor: (f) => pathColor(f.properties.worker, order, selected),
    getWidth: (f) => (selected !== null && f.properties.worker === selected ? 4 : 2.5),
    widthUnits: 'pixels',
    capRounded: true,
    jointRounded: true,
    updateTriggers: { getColor: [selected, order.size], getWidth: [selected] },
  })
}

/** A trip's duration in minutes (from its first to its last fix). */
export function tripMinutes(p: Pick<TripProps, 'started_at' | 'ended_at'>): number {
  return (Date.parse(p.ended_at) - Date.parse(p.started_at)) / 60_000
}

/** A stop with its route and order (1-based), for the stop layers and their tooltips. */
export interface NumberedStop extends PlanStop {
  worker: string
  name_zh: string | null
  n: number
}

/** The stops of routes, numbered in visiting order. */
export function numberedStops(routes: readonly PlanRoute[]): NumberedStop[] {
  return routes.flatMap((r) => r.stops.map((s, i) => ({ ...s, worker: r.worker, name_zh: r.name_zh, n: i + 1 })))
}

/**
 * A plan's routes (PathLayer), its stops (ScatterplotLayer) and the stop numbers (TextLayer,
 * only for the selected worker's route: twenty routes' numbers together are unreadable).
 */
export function planLayers(input: { routes: readonly PlanRoute[]; order: ReadonlyMap<string, number>; selected: string | null; lang: 'zh' | 'en' }): Array<PathLayer | ScatterplotLayer | TextLayer> {
  const { order, selected } = input
  const shown = selected === null ? input.routes : input.routes.filter((r) => r.worker === selected)
  const stops = numberedStops(shown)
  const out: Array<PathLayer | ScatterplotLayer | TextLayer> = [
    new PathLayer<PlanRoute>({
      id: PATROL_ROUTES_LAYER_ID,
      data: input.routes as PlanRoute[],
      pickable: true,
      getPath: (r) => r.geometry.coordinates as [number, number][],
      getColor: (r) => pathColor(r.worker, order, selected),
      getWidth: (r) => (r.worker === selected ? 5 : 3),
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      updateTriggers: { getColor: [selected], getWidth: [selected] },
    }),
    new ScatterplotLayer<NumberedStop>({
      id: PATROL_STOPS_LAYER_ID,
      data: stops,
      pickable: true,
      autoHighlight: true,
      getPosition: (s) => [s.lon, s.lat],
      getRadius: selected === null ? 4 : 9,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getFillColor: (s) => [...workerColor(order.get(s.worker) ?? 0), 255],
      updateTriggers: { getFillColor: [order.size] },
    }),
  ]
  if (selected !== null) {
    out.push(
      new TextLayer<NumberedStop>({
        id: PATROL_STOP_LABELS_LAYER_ID,
        data: stops,
        getPosition: (s) => [s.lon, s.lat],
        getText: (s) => String(s.n),
        getSize: 11,
        getColor: [255, 255, 255, 255],
        fontWeight: 700,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        characterSet: '0123456789'.split(''),
        pickable: false,
      }),
    )
  }
  return out
}
