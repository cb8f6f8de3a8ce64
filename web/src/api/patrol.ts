/**
 * Patrol (巡查, `/api/patrol`): workers, the days with tracks, the cleaned tracks of a day as
 * GeoJSON, coverage per cell and day (a job on the server when it runs long), and the route
 * plans (create as a job with progress, read, export as route sheet / GPX / GeoJSON).
 */
import type { FeatureCollection, LineString } from 'geojson'
import { ApiError, buildUrl, getJson } from './client'
import { JOB_POLL_MS, runJob, type JobProgress, type JobView } from './jobs'

/** `GET /api/patrol/workers` item. */
export interface Worker {
  id: number
  code: string
  name_zh: string | null
  name_en: string | null
  /** office, [lon, lat] WGS84 */
  office: [number, number] | null
  speed_kmh: number
  rest_weekdays: number[]
  grid_codes: string[]
}

/** `GET /api/patrol/tracks/days` item: a local day with stored trips. */
export interface TrackDay {
  day: string
  trips: number
  workers: number
  fixes: number
}

/** Properties of a trip feature (`GET /api/patrol/tracks`); `times` are ISO instants (UTC), one per vertex. */
export interface TripProps {
  worker: string
  name_zh: string | null
  day: string
  started_at: string
  ended_at: string
  fixes: number
  length_m: number
  times: string[]
}
export type TripCollection = FeatureCollection<LineString, TripProps>

/** One cell of a coverage answer (`cells=true`), over the queried days. */
export interface CoverageCell {
  idx: number
  code: string
  grid: string | null
  worker: string | null
  visited_days: number
  passes: number
  dwell_minutes: number
  first_visit: string | null
  last_visit: string | null
  days_since_visit: number | null
  required_passes: number
}

/** `GET /api/patrol/coverage` (the parts the map reads). */
export interface Coverage {
  layout: number
  from: string
  to: string
  trips: number
  workers: number
  summary: { cells: number; mean_visit_rate: number | null; mean_street_share: number | null; street_total_km: number; not_visited: number; hotspot_cells: number; hotspot_shortfalls: number }
  by_day: Array<{ day: string; cells: number; visited: number; rate: number | null; passes: number; dwell_minutes: number; street_covered_km: number; street_share: number | null }>
  by_grid: Array<{ grid: string; worker: string | null; cells: number; mean_rate: number | null }>
  by_worker: Array<{ worker: string; name_zh: string | null; own_cells: number; days: Array<{ day: string; cells_visited: number; own_visited: number; own_rate: number | null; trips: number; km: number; minutes: number }> }>
  not_visited: { days: number; as_of: string; cells: Array<{ idx: number; code: string; grid: string | null; worker: string | null; days_since: number | null }> }
  cells?: CoverageCell[]
}

/** One stop of a planned route: minutes from shift start and clock times. */
export interface PlanStop {
  cell: string
  idx: number
  arrival: number
  wait: number
  dwell: number
  departure: number
  arrive_at: string
  leave_at: string
  lon: number
  lat: number
}

/** One worker's route of a plan. */
export interface PlanRoute {
  seq: number
  worker: string
  name_zh: string | null
  shift: string
  length_m: number
  duration_min: number
  feasible: boolean
  stops: PlanStop[]
  geometry: LineString
}

/** `GET /api/patrol/plans/:id`. */
export interface Plan {
  id: number
  layout: number
  day: string
  network: string
  uncovered: Array<{ cell: string; idx: number; reason: string; reason_zh: string }>
  routes: PlanRoute[]
  created_at: string
  duration_ms: number
}

/** `GET /api/patrol/plans` item. */
export interface PlanSummary {
  id: number
  layout: number
  day: string
  network: string
  created_at: string
}

/** `POST /api/patrol/plans` body (the fields the map offers). */
export interface PlanRequest {
  layout: number
  day: string
  /** worker codes on duty; absent = everyone with grids not resting that day */
  workers?: string[]
}

/** `GET /api/patrol/workers`. */
export async function fetchWorkers(signal?: AbortSignal): Promise<Worker[]> {
  return (await getJson<{ items: Worker[] }>('/api/patrol/workers', {}, signal)).items
}

/** `GET /api/patrol/tracks/days`: days with tracks, oldest first. */
export async function fetchTrackDays(signal?: AbortSignal): Promise<TrackDay[]> {
  return (await getJson<{ items: TrackDay[] }>('/api/patrol/tracks/days', {}, signal)).items
}

/** `GET /api/patrol/tracks`: one day's trips, all workers (the map filters by worker itself). */
export function fetchTracks(day: string, signal?: AbortSignal): Promise<TripCollection> {
  return getJson<TripCollection>('/api/patrol/tracks', { day }, signal)
}

function isJob(body: unknown): body is JobView {
  const b = body as Partial<JobView> | null
  return !!b && typeof b.id === 'string' && typeof b.kind === 'string' && (b.status === 'running' || b.status === 'done' || b.status === 'failed') && 'progress' in b
}

/**
 * GETs a resource the server may answer as a job (202 with `/api/jobs/:id`), polling until it is
 * done. A failed job rejects with an `ApiError` carrying the job's code and message.
 */
export async function getOrPoll<T>(path: string, params: Parameters<typeof buildUrl>[1], opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<T> {
  let body = await getJson<T | JobView<T>>(path, params, opts.signal)
  while (isJob(body)) {
    opts.onProgress?.(body.progress)
    if (body.status === 'done') return body.result as T
    if (body.status === 'failed') throw new ApiError({ status: 422, title: body.error?.message ?? 'job failed', code: body.error?.code, path: `/api/jobs/${body.id}` })
    const id = body.id
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, JOB_POLL_MS)
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(t)
        reject(new DOMException('aborted', 'AbortError'))
      }, { once: true })
    })
    body = await getJson<JobView<T>>(`/api/jobs/${encodeURIComponent(id)}`, {}, opts.signal)
  }
  return body
}

/** `GET /api/patrol/coverage` for the days [from, to] (inclusive), with one entry per cell when `cells`. */
export function fetchCoverage(q: { layout: number; from: string; to: string; notVisitedDays?: number; cells?: boolean }, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<Coverage> {
  return getOrPoll<Coverage>('/api/patrol/coverage', { layout: q.layout, from: q.from, to: q.to, not_visited_days: q.notVisitedDays, cells: q.cells ? true : undefined }, opts)
}

/** `GET /api/patrol/plans`, newest first. */
export async function fetchPlans(signal?: AbortSignal): Promise<PlanSummary[]> {
  return (await getJson<{ items: PlanSummary[] }>('/api/patrol/plans', {}, signal)).items
}

/** `GET /api/patrol/plans/:id`. */
export function fetchPlan(id: number, signal?: AbortSignal): Promise<Plan> {
  return getJson<Plan>(`/api/patrol/plans/${id}`, {}, signal)
}

/** `POST /api/patrol/plans`: plans a day, reporting progress while the server works. */
export function createPlan(req: PlanRequest, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void } = {}): Promise<Plan> {
  return runJob<Plan>('/api/patrol/plans', req, opts)
}

/** Links of a plan's exports: printable route sheet (HTML), GPX and GeoJSON; one worker's when given. */
export function planLinks(id: number, worker: string | null): { html: string; gpx: string; geojson: string } {
  const q = worker ? { worker } : {}
  return { html: buildUrl(`/api/patrol/plans/${id}.html`, q), gpx: buildUrl(`/api/patrol/plans/${id}.gpx`, q), geojson: buildUrl(`/api/patrol/plans/${id}.geojson`, q) }
}

/** `YYYY-MM-DD` shifted by `days` (calendar arithmetic in UTC, so no time zone moves the date). */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}
