/**
 * Unit-cell layouts (单元网格, `/api/layouts`): list, create (a job with progress), read, the
 * cells as GeoJSON, and the comparison of two layouts.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { getJson } from './client'
import { runJob, type JobProgress } from './jobs'

export type LayoutKind = 'square' | 'h3' | 'street'

/** Area statistics of a layout's cells, m². */
export interface AreaStats {
  count: number
  total_m2: number
  min_m2: number
  median_m2: number
  mean_m2: number
  max_m2: number
  target_m2: number | null
  share_within_30pct: number | null
}

/** A layout as `GET /api/layouts` lists it. */
export interface Layout {
  id: number
  name: string
  kind: LayoutKind | string
  scope_id: number
  params: Record<string, unknown>
  note: string | null
  metric_crs: string | null
  status: string
  cell_count: number
  stats: { area?: AreaStats; coverage?: number; scope_area_m2?: number; warnings?: string[] }
  created_at: string
  duration_ms: number | null
}

/** `POST /api/layouts` body (the fields the map offers). */
export interface LayoutRequest {
  kind: LayoutKind
  /** district, street or community id */
  scope: number
  name?: string
  /** square and street: nominal cell area, m² */
  target_area_m2?: number
  /** h3: resolution 9–12 */
  resolution?: number
}

/** Properties of `GET /api/layouts/:id/cells` features. */
export interface CellProps {
  idx: number
  code: string
  community_id: number | null
  community: string | null
  area_m2: number
}
export type CellCollection = FeatureCollection<Polygon | MultiPolygon, CellProps>

/** How cases spread over one layout's cells (all dates, stacked points left out). */
export interface CaseLoad {
  cells: number
  cases: number
  mean: number
  median: number
  p90: number
  max: number
  empty_share: number
  top10_share: number
}

/** `GET /api/layouts/:a/compare/:b`. */
export interface LayoutComparison {
  a: { id: number; name: string; kind: string; cell_count: number; area: AreaStats; cases_per_cell: CaseLoad }
  b: { id: number; name: string; kind: string; cell_count: number; area: AreaStats; cases_per_cell: CaseLoad }
  change: Record<string, number | null>
}

/** `GET /api/layouts`, newest first. */
export async function fetchLayouts(signal?: AbortSignal): Promise<Layout[]> {
  const body = await getJson<{ items: Layout[] } | Layout[]>('/api/layouts', {}, signal)
  return Array.isArray(body) ? body : body.items
}

/** `GET /api/layouts/:id`. */
export function fetchLayout(id: number, signal?: AbortSignal): Promise<Layout> {
  return getJson<Layout>(`/api/layouts/${id}`, {}, signal)
}

/** `GET /api/layouts/:id/cells`: the cells as GeoJSON in idx order, WGS84. */
export function fetchCells(id: number, signal?: AbortSignal): Promise<CellCollection> {
  return getJson<CellCollection>(`/api/layouts/${id}/cells`, {}, signal)
}

/** `POST /api/layouts`: builds a layout, reporting progress while the server works. */
export function createLayout(req: LayoutRequest, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<Layout> {
  return runJob<Layout>('/api/layouts', req, opts)
}

/** `GET /api/layouts/:a/compare/:b`. */
export function compareLayouts(a: number, b: number, signal?: AbortSignal): Promise<LayoutComparison> {
  return getJson<LayoutComparison>(`/api/layouts/${a}/compare/${b}`, {}, signal)
}
