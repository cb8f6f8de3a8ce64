/**
 * What the cell- and point-based kinds share: picking the metric CRS, projecting centroids and
 * case points, and building spatial weights as a request describes them, with the report of what
 * was chosen and why.
 */
import { Type } from 'typebox'
import { minimumBandForOneNeighbour, distanceBandWeights, h3RingWeights, knnWeights, queenWeightsFromPolygons, weightsSummary, type PolygonRings } from '../hotspots/core/weights'
import type { Csr } from '../shared/csr'
import { chooseMetricCrs, projector, type Projector } from '../shared/coords'
import { AppError, BadParameter } from '../shared/errors'
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import type { RunContext } from './kind'
import { countCasesPerCell, loadCellOutlines, loadCells, type CellSet, type LayoutInfo } from './repository'

/** The metric CRS of a run: the layout's own when it names a supported one, else the zone of the data's centre. */
export function metricProjector(layout: LayoutInfo | null, lon: Float64Array, lat: Float64Array): { proj: Projector; reason: string } {
  const epsg = layout?.metric_crs ? Number(/(\d{4,5})\s*$/.exec(layout.metric_crs)?.[1]) : NaN
  if (Number.isFinite(epsg)) {
    try {
      return { proj: projector(epsg), reason: `EPSG:${epsg}, the layout's metric CRS` }
    } catch {
      // an unsupported zone falls through to the automatic choice below
    }
  }
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity
  for (let i = 0; i < lon.length; i++) {
    if (lon[i] < minLon) minLon = lon[i]
    if (lon[i] > maxLon) maxLon = lon[i]
    if (lat[i] < minLat) minLat = lat[i]
    if (lat[i] > maxLat) maxLat = lat[i]
  }
  const choice = chooseMetricCrs([minLon, minLat, maxLon, maxLat])
  return { proj: projector(choice.epsg), reason: `EPSG:${choice.epsg} (${choice.name}), the zone of the data's centre${choice.warning ? `; ${choice.warning}` : ''}` }
}

/** How neighbours are defined (parameters shared by Gi* and local Moran). */
export const WeightsParams = {
  weights: Type.Union([Type.Literal('knn'), Type.Literal('distance'), Type.Literal('contiguity')], {
    default: 'knn',
    description: 'knn: k nearest cell centroids; distance: fixed distance band; contiguity: queen (square and street cells) or ring-1 (H3 cells). Binary, the cell itself included in Gi*.',
  }),
  k: Type.Integer({ minimum: 1, default: 8, description: 'neighbours per cell for weights=knn (< number of cells)' }),
  distance_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'band radius for weights=distance, metres; default: the smallest distance giving every cell at least one neighbour' })),
}
/** The weights parameters as a kind receives them (defaults filled in). */
export interface WeightsSpec {
  weights: 'knn' | 'distance' | 'contiguity'
  k: number
  distance_m?: number
}

/** Spatial weights and what the run should report about them. */
export interface BuiltWeights {
  w: Csr
  report: {
    type: string
    k?: number
    distance_m?: number
    reason: string
    neighbours: { min: number; max: number; mean: number; median: number }
    /** cells with no neighbour (codes, first 100) and how many */
    islands: { count: number; codes: string[] }
  }
}

/**
 * Weights over the cells of a layout from their geometry.
 * @param x, y  cell centroids, metres
 */
export async function cellWeights(
  db: Database, layout: LayoutInfo, codes: string[], x: Float64Array, y: Float64Array, spec: WeightsSpec, proj: Projector,
): Promise<BuiltWeights> {
  const n = x.length
  let w: Csr
  let reason: string
  let distance: number | undefined
  if (spec.weights === 'knn') {
    if (spec.k >= n) throw BadParameter('k', `${spec.k} neighbours need more than ${spec.k} cells; the layout has ${n}. Use k ≤ ${n - 1}.`)
    w = knnWeights(x, y, spec.k)
    reason = `${spec.k} nearest cell centroids`
  } else if (spec.weights === 'distance') {
    distance = spec.distance_m ?? minimumBandForOneNeighbour(x, y)
    reason = spec.distance_m !== undefined
      ? `fixed band of ${round(distance)} m as requested`
      : `fixed band of ${round(distance)} m: the smallest distance giving every cell at least one neighbour`
    w = distanceBandWeights(x, y, distance)
  } else if (layout.kind === 'h3') {
    w = h3RingWeights(codes)
    reason = 'ring-1 H3 neighbours (gridDisk 1) present in the layout'
  } else {
    const outlines = await loadCellOutlines(db, layout.id)
    const polygons: PolygonRings[] = outlines.map((g) => projectRings(g, proj))
    w = queenWeightsFromPolygons(polygons)
    reason = `queen contiguity of ${layout.kind} cells (a shared corner or edge)`
  }
  const s = weightsSummary(w)
  return {
    w,
    report: {
      type: spec.weights, k: spec.weights === 'knn' ? spec.k : undefined, distance_m: distance === undefined ? undefined : round(distance), reason,
      neighbours: { min: s.min, max: s.max, mean: round(s.mean), median: s.median },
      islands: { count: s.islands.length, codes: s.islands.slice(0, 100).map((i) => codes[i]) },
    },
  }
}

/** Rings of a GeoJSON Polygon or MultiPolygon (WGS84) in metres, parts one after another. */
function projectRings(g: { type: string; coordinates: unknown }, proj: Projector): PolygonRings {
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
  return polys.flatMap((poly) => poly.map((ring) => ring.map(([lon, lat]) => proj.forwardPoint(lon, lat))))
}

/** Refuses a run whose filters leave nothing to analyse, naming the filters. */
export function requireCases(count: number, filters: Record<string, unknown>, minimum = 1, why = ''): void {
  if (count >= minimum) return
  const given = Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${String(v)}`).join(', ')
  throw new AppError('WG_EMPTY_SELECTION',
    `filters: ${count} case(s) match (${given || 'no filters'}); ${minimum > 1 ? `at least ${minimum} are needed${why}` : 'nothing to analyse'}. Widen the time window, categories or area.`, 422)
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** Cells of the run's layout with their filtered case counts and projected centroids. */
export interface CellValues {
  layout: LayoutInfo
  cells: CellSet
  counts: Float64Array
  /** the analysed value per cell: counts, or counts per km² */
  values: Float64Array
  /** filtered cases inside some cell */
  assigned: number
  x: Float64Array
  y: Float64Array
  proj: Projector
  crsReason: string
}

/** What a cell's value is: its case count, or its cases per km² (for cells of unequal size). */
export const ValueParam = Type.Union([Type.Literal('count'), Type.Literal('per_km2')], {
  default: 'count', description: 'count: cases per cell; per_km2: cases per km² (cells of unequal area, e.g. street-following cells)',
})

export async function cellValues(ctx: RunContext, value: 'count' | 'per_km2', minimumCells = 3): Promise<CellValues> {
  const layout = requireLayout(ctx)
  const cells = await loadCells(ctx.db, layout.id)
  if (cells.n < minimumCells) throw BadParameter('layout_id', `layout ${layout.id} has ${cells.n} cells; this analysis needs at least ${minimumCells}`)
  const { counts, assigned } = await countCasesPerCell(ctx.db, layout.id, cells.n, ctx.filters)
  requireCases(assigned, ctx.filters as Record<string, unknown>)
  const values = value === 'count' ? counts : counts.map((c, i) => c / (cells.area[i] / 1e6))
  const { proj, reason } = metricProjector(layout, cells.lon, cells.lat)
  const { x, y } = proj.forward(cells.lon, cells.lat)
  return { layout, cells, counts, values, assigned, x, y, proj, crsReason: reason }
}

/**
 * The start of every cell-value statistic (Gi*, local Moran): the layout's cells with their values,
 * then the weights the request describes, with progress between the two.
 */
export async function cellValuesWithWeights(
  ctx: RunContext,
  p: WeightsSpec & { value: 'count' | 'per_km2' },
  progress: ProgressFn,
): Promise<{ cv: CellValues } & BuiltWeights> {
  progress({ phase: 'cells' })
  const cv = await cellValues(ctx, p.value)
  progress({ phase: 'weights' })
  const built = await cellWeights(ctx.db, cv.layout, cv.cells.code, cv.x, cv.y, p, cv.proj)
  return { cv, ...built }
}

export function requireLayout(ctx: RunContext): LayoutInfo {
  if (!ctx.layout) throw BadParameter('layout_id', 'this analysis works on the cells of a layout; give layout_id (GET /api/layouts lists them)')
  return ctx.layout
}
