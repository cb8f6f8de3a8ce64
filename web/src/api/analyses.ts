/**
 * Stored analyses (`/api/analyses`): density surfaces, cell statistics, Gi* hot spots,
 * recurring-problem clusters, emerging hot spots and the forecast evaluation of hot spot maps. The map asks for a kind with parameters, case filters and a layout;
 * an identical stored run is reused (so a link or Back shows the same numbers at once), otherwise
 * one is run, with progress while the server works.
 */
import type { Feature, FeatureCollection, Polygon, Point, LineString } from 'geojson'
import { getJson, type QueryValue } from './client'
import { runJob, type JobProgress } from './jobs'

/** The kinds the map draws. */
export type AnalysisKind = 'cell-stats' | 'gi-star' | 'density' | 'dbscan' | 'hdbscan' | 'emerging-hotspots' | 'forecast-evaluation'

/**
 * Case filters as `POST /api/analyses` stores them (the query form of `GET /api/cases`):
 * ISO instants, comma lists, and whether stacked points count.
 */
export interface AnalysisFilters {
  from?: string
  to?: string
  category?: string
  source?: string
  include_stacked?: boolean
}

/** `GET /api/analyses/:id`. */
export interface AnalysisView {
  id: number
  kind: string
  name: string | null
  parameters: Record<string, unknown>
  filters: Record<string, unknown>
  layout_id: number | null
  as_of: string
  status: 'running' | 'done' | 'failed'
  created_at: string
  finished_at: string | null
  duration_ms: number | null
  summary: Record<string, unknown> | null
  error: { code: string; message: string } | null
  result_url: string
}

export interface AnalysisRequest {
  kind: AnalysisKind
  layout_id?: number
  parameters?: Record<string, unknown>
  filters: AnalysisFilters
}

/** The filters from the map's case filter: lists joined with commas, empty values left out. */
export function analysisFilters(f: { from?: string; to?: string; categories?: readonly string[]; sources?: readonly string[]; includeStacked?: boolean }): AnalysisFilters {
  const out: AnalysisFilters = {}
  if (f.from) out.from = f.from
  if (f.to) out.to = f.to
  if (f.categories?.length) out.category = [...f.categories].sort().join(',')
  if (f.sources?.length) out.source = [...f.sources].sort().join(',')
  if (f.includeStacked) out.include_stacked = true
  return out
}

/** Canonical text of filters for comparison: sorted keys, defaults (`include_stacked: false`, empty) dropped, instants normalised. */
export function filtersKey(f: Record<string, unknown>): string {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(f).sort()) {
    let v = f[k]
    if (v === undefined || v === null || v === '' || (k === 'include_stacked' && v === false)) continue
    if ((k === 'from' || k === 'to') && typeof v === 'string' && Number.isFinite(Date.parse(v))) v = new Date(v).toISOString()
    if ((k === 'category' || k === 'source') && typeof v === 'string') v = v.split(',').sort().join(',')
    out[k] = v
  }
  return JSON.stringify(out)
}

/** True when every requested parameter equals the stored one (the server stores defaults too). */
export function sameParameters(wanted: Record<string, unknown> | undefined, stored: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(wanted ?? {})) if (JSON.stringify(stored[k]) !== JSON.stringify(v)) return false
  return true
}

/** The stored run matching a request, if any (newest first as the server lists them). */
export function matchStored(req: AnalysisRequest, items: readonly AnalysisView[]): AnalysisView | null {
  const fk = filtersKey(req.filters as Record<string, unknown>)
  return items.find((a) => a.status === 'done' && a.kind === req.kind && (a.layout_id ?? undefined) === req.layout_id && sameParameters(req.parameters, a.parameters) && filtersKey(a.filters) === fk) ?? null
}

/** Stored runs listed per kind and layout, newest first; this many are searched for a match. */
const STORED_SEARCH = 200

/** Runs already found or made in this page, by request. */
const known = new Map<string, AnalysisView>()

function requestKey(req: AnalysisRequest): string {
  return JSON.stringify([req.kind, req.layout_id ?? null, req.parameters ?? {}, filtersKey(req.filters as Record<string, unknown>)])
}

/**
 * A finished analysis for `req`: reused from this page, else from the server's stored runs,
 * else run now (progress through `onProgress` while the server works).
 */
export async function ensureAnalysis(req: AnalysisRequest, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<AnalysisView> {
  const key = requestKey(req)
  const hit = known.get(key)
  if (hit) return hit
  const list = await getJson<{ items: AnalysisView[] }>('/api/analyses', { kind: req.kind, layout_id: req.layout_id, limit: STORED_SEARCH }, opts.signal)
  const stored = matchStored(req, list.items)
  const view = stored ?? (await runJob<AnalysisView>('/api/analyses', req, opts))
  known.set(key, view)
  return view
}

/** `GET /api/analyses/:id/result`: rows as objects (geometry left out). */
export async function fetchRows<R = Record<string, unknown>>(id: number, signal?: AbortSignal): Promise<R[]> {
  return (await getJson<{ rows: R[] }>(`/api/analyses/${id}/result`, { format: 'json' }, signal)).rows
}

/** `GET /api/analyses/:id/result?format=geojson`. */
export function fetchResultGeoJson<P>(id: number, signal?: AbortSignal): Promise<FeatureCollection<Polygon | Point | LineString, P>> {
  return getJson(`/api/analyses/${id}/result`, { format: 'geojson' }, signal)
}

/** A raster result (`?format=grid`), values decoded. */
export interface GridResult {
  value: string
  width: number
  height: number
  /** one value per cell, row-major from the north-west corner */
  values: Float32Array
  georef: {
    epsg: number
    crs: string
    cell_size: number
    /** outer corners of the raster, WGS84 [lon, lat] */
    corners_wgs84: { nw: [number, number]; ne: [number, number]; se: [number, number]; sw: [number, number] }
  }
}

/** Decodes base64 little-endian Float32 (the grid encoding) into a typed array. */
export function decodeFloat32(b64: string): Float32Array {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  const view = new DataView(bytes.buffer)
  const out = new Float32Array(bytes.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

/** `GET /api/analyses/:id/result?format=grid`. */
export async function fetchGrid(id: number, value?: string, signal?: AbortSignal): Promise<GridResult> {
  const params: Record<string, QueryValue> = { format: 'grid', value }
  const g = await getJson<Omit<GridResult, 'values'> & { values: string }>(`/api/analyses/${id}/result`, params, signal)
  return { ...g, values: decodeFloat32(g.values) }
}

/** One row of a cell-stats result on a layout (rates are ratios or null when nothing was due). */
export interface CellStatsRow {
  cell: number
  code: string
  community_id: number | null
  area_km2: number
  cases: number
  cases_per_km2: number
  due: number
  closed: number
  closed_on_time: number
  rate_closed: number | null
  rate_on_time: number | null
  open_overdue: number
  [category: `n_${string}`]: number
}

/** One row of a Gi* result: z, two-sided p and the confidence bin −3 … +3. */
export interface GiRow {
  cell: number
  code: string
  cases: number
  z: number
  p: number
  bin: number
}

/** Properties of one cluster of a DBSCAN / HDBSCAN result (features are hull polygons, lines or points). */
export interface ClusterProps {
  rank: number
  cluster: number
  cases: number
  categories: Record<string, number>
  lon: number
  lat: number
  first_seen: string
  last_seen: string
  distinct_days: number
  distinct_weeks: number
  recurrence_score: number
  closed_on_time_share: number | null
}
export type ClusterFeature = Feature<Polygon | Point | LineString, ClusterProps>

/**
 * One row of an emerging hot spot result: the cell's pattern (code −8 … 8, key, names), the
 * reason, and its series per time step (cases and space-time Gi* z; steps where it was a
 * significant hot or cold spot at 90 % or more).
 */
export interface EmergingRow {
  cell: number
  code: string
  /** +1 … +8 hot patterns, −1 … −8 their cold mirrors, 0 no pattern */
  category: number
  category_key: string
  category_zh: string
  category_en: string
  cases: number
  n_hot: number
  n_cold: number
  final_z: number | null
  final_bin: number
  trend_z: number | null
  trend_p: number | null
  /** Mann-Kendall trend of the Gi* z series: 1 rising, −1 falling, 0 none */
  trend: number
  count_trend: number
  /** step indices (0-based) where the cell was a significant hot / cold spot */
  hot_steps: number[]
  cold_steps: number[]
  series_cases: number[]
  series_z: Array<number | null>
  reason_zh: string
  reason_en: string
}

/** The time axis of an emerging hot spot run (summary.time). */
export interface EmergingTime {
  step: 'day' | 'week' | 'month'
  steps: number
  start: string
  end: string
  step_starts: string[]
}

/** One method × area share of a forecast evaluation, averaged over the rolling windows. */
export interface ForecastComparison {
  method: string
  name_zh: string
  name_en: string
  area_share: number
  windows: number
  mean_hit_rate: number | null
  mean_pai: number | null
  mean_pei: number | null
  mean_pei_star: number | null
  mean_pai_street: number | null
  mean_pei_street: number | null
  mean_pei_star_street: number | null
}

/** The parts of a forecast-evaluation summary the panel shows. */
export interface ForecastSummary {
  cells: number
  cases: number
  time: { step: string; steps: number; train_steps: number; test_steps: number; stride: number; windows: number }
  street_length: string
  headline_share: number
  best: { method: string; mean_pai: number; mean_hit_rate: number; zh: string; en: string } | null
  comparison: ForecastComparison[]
  all_shares: ForecastComparison[]
  chart: { by_share: { x: number[]; series: Array<{ method: string; hit_rate: Array<number | null>; pai: Array<number | null> }> } }
}
