/**
 * Responsibility grids (责任网格, `/api/zones`): zonings of a layout (the current grids and
 * proposals), one zoning's figures, its zones dissolved into polygons, the comparison of two
 * zonings, and creating a proposal (a job with progress).
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { getJson } from './client'
import { runJob, type JobProgress } from './jobs'

export type ZoningKind = 'current' | 'proposal'
export type Nesting = 'none' | 'community' | 'street'
export const NESTINGS: readonly Nesting[] = ['none', 'community', 'street']

/** `GET /api/zones` item. */
export interface ZoningSummary {
  id: number
  layout_id: number
  kind: ZoningKind
  name: string
  k: number
  params: Record<string, unknown>
  created_at: string
  figures: { cv: number | null; max_over_min: number | null; contiguous: boolean | null; cells_moved: number | null }
  links: { self: string; geojson: string; shapefile: string; summary: string }
}

/** Properties of `GET /api/zones/:id.geojson` features: one dissolved polygon per zone. */
export interface ZoneProps {
  code: string
  name_zh: string | null
  zone: number
  community: string | null
  comm_name: string | null
  worker_id: string | null
  cells: number
  cases: number
  /** weighted workload (see the zoning's workload definition) */
  workload: number
  /** workload ÷ the zoning's mean workload */
  share: number | null
  /** Polsby–Popper compactness, 0–1 */
  compact: number | null
}
export type ZoneCollection = FeatureCollection<Polygon | MultiPolygon, ZoneProps>

/** One side of a comparison. */
export interface ComparedSide {
  id: number
  name: string
  kind: ZoningKind
  k: number
  cv: number
  max_over_min: number | null
  mean_compactness: number
  contiguous_zones: number
  clusters_split: number
  unassigned_cells: number
  zones: Array<{ zone: number; code: string; workload: number; cells: number; compactness: number; contiguous: boolean }>
}

/** `GET /api/zones/:a/compare/:b`. */
export interface ZoningComparison {
  layout_id: number
  a: ComparedSide
  b: ComparedSide
  cells_moved: number
  cells_compared: number
  clusters: number
  chart: { a: number[]; b: number[]; mean_a: number; mean_b: number }
}

/** `POST /api/zones` body (the fields the map offers). */
export interface ZoningRequest {
  layout_id: number
  k: number
  nesting: Nesting
  name?: string
  /** search time, seconds */
  time_budget_s?: number
  /** the current grids to stay close to and compare with */
  current_id?: number
}

/** `GET /api/zones`, oldest first; `layout` limits to one layout. */
export async function fetchZonings(layout?: number, signal?: AbortSignal): Promise<ZoningSummary[]> {
  return (await getJson<{ items: ZoningSummary[] }>('/api/zones', { layout }, signal)).items
}

/** `GET /api/zones/:id.geojson`: the zones as polygons with workload and share, WGS84. */
export function fetchZonePolygons(id: number, signal?: AbortSignal): Promise<ZoneCollection> {
  return getJson<ZoneCollection>(`/api/zones/${id}.geojson`, {}, signal)
}

/** `GET /api/zones/:a/compare/:b` (a = current grids, b = proposal). */
export function compareZonings(a: number, b: number, signal?: AbortSignal): Promise<ZoningComparison> {
  return getJson<ZoningComparison>(`/api/zones/${a}/compare/${b}`, {}, signal)
}

/** `POST /api/zones`: draws a proposal, reporting progress while the server works. */
export function createZoning(req: ZoningRequest, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<ZoningSummary> {
  return runJob<ZoningSummary>('/api/zones', req, opts)
}

/** Export links of a zoning: GeoJSON, zipped Shapefile, CSV (WKT) and the printable summary. */
export function zoningLinks(id: number): { geojson: string; shapefile: string; csv: string; html: string } {
  return { geojson: `/api/zones/${id}.geojson`, shapefile: `/api/zones/${id}.shp.zip`, csv: `/api/zones/${id}.csv`, html: `/api/zones/${id}.html` }
}

/** The layout the current grids are drawn on (the latest current zoning's), or null. */
export function currentLayout(zonings: readonly ZoningSummary[]): number | null {
  const cur = zonings.filter((z) => z.kind === 'current')
  return cur.length ? cur[cur.length - 1].layout_id : null
}
