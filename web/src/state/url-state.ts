/**
 * The application state that a link carries, and its URL form. Pure: no DOM, no globals.
 *
 * Form: `?view=leader&lang=en&cat=0401,0402&src=12345&from=2025-03-03&to=2025-03-10&step=week
 *        &layers=points,hex&stacked=1&layout=3&metric=rate_on_time&clu=hdbscan&spot=2&bw=300
 *        &cmp=4&cell=1207&day=2025-06-30&worker=W03&plan=2&cov=dwell&nvd=5&zoning=7&before=1
 *        &estep=month&estart=2025-01-01&esteps=12&fe=1#map=14.25/39.91234/116.40321`
 * - query parameters hold the discrete choices; defaults are left out so links stay short;
 * - the hash holds the camera as `zoom/lat/lon` (the convention of OSM and MapLibre's `hash`
 *   option), so panning rewrites only the hash;
 * - unknown or malformed values are dropped, never fatal: an old or hand-edited link still opens.
 */
import type { Lang } from '../i18n'
import { isIsoDate, type Step } from './time-window'

/** The views of the shell, in tab order. */
export const VIEWS = ['leader', 'planner', 'scheduler', 'zones'] as const
export type ViewId = (typeof VIEWS)[number]

/** Toggleable layers of the leader view, in legend order (density, cells, gi, clusters and emerging are the hotspot analyses). */
export const LAYER_IDS = ['points', 'hex', 'communities', 'density', 'cells', 'gi', 'clusters', 'emerging'] as const
export type LayerId = (typeof LAYER_IDS)[number]

/** What the cells of a layout are coloured by: case count, cases per km², 结案率 or 按期结案率. */
export const CELL_METRICS = ['cases', 'per_km2', 'rate_closed', 'rate_on_time'] as const
export type CellMetric = (typeof CELL_METRICS)[number]

/** Clustering method of the recurring-problem spots. */
export const CLUSTER_METHODS = ['dbscan', 'hdbscan'] as const
export type ClusterMethod = (typeof CLUSTER_METHODS)[number]

/** Leader: time step of the emerging hot spot space-time cube. */
export const EMERGING_STEPS = ['day', 'week', 'month'] as const
export type EmergingStep = (typeof EMERGING_STEPS)[number]

/** Emerging hot spots need at least this many steps (the server refuses fewer, as ArcGIS does). */
export const MIN_EMERGING_STEPS = 10
/** More steps than this is a typo, not a choice (ten years of weeks). */
const MAX_EMERGING_STEPS = 520

/** Scheduler: what the coverage cells are coloured by (passes through the cell, or minutes spent in it). */
export const COVERAGE_METRICS = ['passes', 'dwell'] as const
export type CoverageMetricId = (typeof COVERAGE_METRICS)[number]

/** Scheduler: the "not visited for N days" highlight looks back at most this far (the coverage API's range is bounded). */
export const MAX_UNVISITED_DAYS = 31

/** Camera position: zoom level (web-mercator), latitude and longitude in degrees (WGS84). */
export interface MapPosition {
  zoom: number
  lat: number
  lon: number
}

/** Everything a link reproduces. */
export interface UrlState {
  view: ViewId
  lang: Lang
  /** 4-digit minor category codes; empty = all categories */
  categories: string[]
  /** case sources (e.g. `12345`); empty = all sources */
  sources: string[]
  /** window start, `YYYY-MM-DD` city time, inclusive; null = the latest step of the data */
  from: string | null
  /** window end, `YYYY-MM-DD` city time, exclusive; null together with `from` */
  to: string | null
  step: Step
  /** visible layers */
  layers: LayerId[]
  /** show geocoder-fallback (stacked) points */
  stacked: boolean
  /** camera; null = fit the district */
  map: MapPosition | null
  /** unit-cell layout of the cell layers and the planner; null = the newest one */
  layout: number | null
  /** planner: the layout compared with `layout`; null = no comparison */
  compare: number | null
  /** planner and leader (emerging hot spots): the selected cell (idx in `layout`) */
  cell: number | null
  /** leader: what the cell layer is coloured by */
  metric: CellMetric
  /** leader: how recurring-problem spots are found */
  clusters: ClusterMethod
  /** leader: the selected spot (rank in the list) */
  spot: number | null
  /** leader: density bandwidth, metres; null = the server's rule (Silverman) */
  bandwidth: number | null
  /** leader: time step of the emerging hot spot analysis */
  emStep: EmergingStep
  /** leader: first day of the emerging analysis (`YYYY-MM-DD`); null = the step holding the first case */
  emStart: string | null
  /** leader: number of steps the emerging analysis covers from its start; null = up to the last whole step of the data */
  emSteps: number | null
  /** leader: show the forecast evaluation of the hotspot maps */
  forecast: boolean
  /** scheduler: the local day of tracks, coverage and plans (`YYYY-MM-DD`); null = the latest day with tracks */
  day: string | null
  /** scheduler: the selected worker's code; null = all workers */
  worker: string | null
  /** scheduler: the shown route plan */
  plan: number | null
  /** scheduler: what coverage cells are coloured by */
  coverage: CoverageMetricId
  /** scheduler: cells not visited for this many days are highlighted */
  unvisited: number
  /** zones: the shown zoning (a proposal or the current grids); null = the newest proposal, else the current grids */
  zoning: number | null
  /** zones: show the current grids instead of the proposal (before / after) */
  before: boolean
}

/** The state of a bare URL. */
export const DEFAULT_STATE: Readonly<UrlState> = Object.freeze({
  view: 'leader',
  lang: 'zh',
  categories: [],
  sources: [],
  from: null,
  to: null,
  step: 'month',
  // points are one toggle away; over hexagons they compete for the eye, so the count view opens alone
  layers: ['hex', 'communities'],
  stacked: false,
  map: null,
  layout: null,
  compare: null,
  cell: null,
  metric: 'cases',
  clusters: 'dbscan',
  spot: null,
  bandwidth: null,
  emStep: 'week',
  emStart: null,
  emSteps: null,
  forecast: false,
  day: null,
  worker: null,
  plan: null,
  coverage: 'passes',
  unvisited: 3,
  zoning: null,
  before: false,
} satisfies UrlState)

const CATEGORY_RE = /^\d{4}$/
/** sources are short identifiers; anything else in a link is noise */
const SOURCE_RE = /^[\w.-]{1,32}$/u

/** Decimal places kept in the hash: 5 for degrees (≈1 m), 2 for zoom, as OSM links do. */
const LATLON_DECIMALS = 5
const ZOOM_DECIMALS = 2

function list(value: string | null): string[] {
  if (!value) return []
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}

/** worker codes are short identifiers (`W01`, `GY-0203`); anything else in a link is noise */
const WORKER_RE = /^[\w.-]{1,40}$/u

/** A positive integer from a query value, or null. */
function positiveInt(value: string | null, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!value || !/^\d{1,9}$/.test(value)) return null
  const n = Number(value)
  return n >= 1 && n <= max ? n : null
}

/** Density bandwidths beyond this are a typo, not a choice (the server refuses more than 50 km). */
const MAX_BANDWIDTH_M = 50_000

function uniqueSorted(items: string[]): string[] {
  return [...new Set(items)].sort()
}

/** Parses `#map=zoom/lat/lon`; null when absent or out of range. */
export function parseMapHash(hash: string): MapPosition | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash
  const params = new URLSearchParams(h)
  const v = params.get('map')
  if (!v) return null
  const p = v.split('/').map(Number)
  if (p.length !== 3 || p.some((x) => !Number.isFinite(x))) return null
  const [zoom, lat, lon] = p
  if (zoom < 0 || zoom > 24 || lat < -85.06 || lat > 85.06 || lon < -180 || lon > 180) return null
  return { zoom, lat, lon }
}

/** `map=zoom/lat/lon` with fixed decimals, or '' for null. */
export function serializeMapHash(pos: MapPosition | null): string {
  if (!pos) return ''
  const strip = (s: string) => s.replace(/\.?0+$/, '')
  return `map=${strip(pos.zoom.toFixed(ZOOM_DECIMALS))}/${strip(pos.lat.toFixed(LATLON_DECIMALS))}/${strip(pos.lon.toFixed(LATLON_DECIMALS))}`
}

/** Reads a state from a URL's search and hash parts (either may be empty). */
export function parseUrlState(search: string, hash: string): UrlState {
  const q = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)
  const s: UrlState = { ...DEFAULT_STATE, categories: [], sources: [], layers: [...DEFAULT_STATE.layers] }

  const view = q.get('view')
  if (view && (VIEWS as readonly string[]).includes(view)) s.view = view as ViewId
  const lang = q.get('lang')
  if (lang === 'zh' || lang === 'en') s.lang = lang
  s.categories = uniqueSorted(list(q.get('cat')).filter((c) => CATEGORY_RE.test(c)))
  s.sources = uniqueSorted(list(q.get('src')).filter((c) => SOURCE_RE.test(c)))

  const step = q.get('step')
  if (step === 'week' || step === 'month') s.step = step
  const from = q.get('from')
  const to = q.get('to')
  // A window needs both ends in order; half a window is ignored rather than guessed.
  if (from && to && isIsoDate(from) && isIsoDate(to) && from < to) {
    s.from = from
    s.to = to
  }
  if (q.has('layers')) {
    const wanted = list(q.get('layers'))
    s.layers = LAYER_IDS.filter((id) => wanted.includes(id))
  }
  s.stacked = q.get('stacked') === '1'
  s.layout = positiveInt(q.get('layout'))
  s.compare = positiveInt(q.get('cmp'))
  const cell = q.get('cell')
  s.cell = cell && /^\d{1,9}$/.test(cell) ? Number(cell) : null
  const metric = q.get('metric')
  if (metric && (CELL_METRICS as readonly string[]).includes(metric)) s.metric = metric as CellMetric
  const clu = q.get('clu')
  if (clu && (CLUSTER_METHODS as readonly string[]).includes(clu)) s.clusters = clu as ClusterMethod
  s.spot = positiveInt(q.get('spot'))
  s.bandwidth = positiveInt(q.get('bw'), MAX_BANDWIDTH_M)
  const estep = q.get('estep')
  if (estep && (EMERGING_STEPS as readonly string[]).includes(estep)) s.emStep = estep as EmergingStep
  const estart = q.get('estart')
  if (estart && isIsoDate(estart)) s.emStart = estart
  const esteps = positiveInt(q.get('esteps'), MAX_EMERGING_STEPS)
  s.emSteps = esteps !== null && esteps >= MIN_EMERGING_STEPS ? esteps : null
  s.forecast = q.get('fe') === '1'
  const day = q.get('day')
  if (day && isIsoDate(day)) s.day = day
  const worker = q.get('worker')
  if (worker && WORKER_RE.test(worker)) s.worker = worker
  s.plan = positiveInt(q.get('plan'))
  const cov = q.get('cov')
  if (cov && (COVERAGE_METRICS as readonly string[]).includes(cov)) s.coverage = cov as CoverageMetricId
  s.unvisited = positiveInt(q.get('nvd'), MAX_UNVISITED_DAYS) ?? DEFAULT_STATE.unvisited
  s.zoning = positiveInt(q.get('zoning'))
  s.before = q.get('before') === '1'
  s.map = parseMapHash(hash)
  return s
}

/** Writes the query string (with leading `?`, or '' when everything is default) for a state. */
export function serializeSearch(s: UrlState): string {
  const q = new URLSearchParams()
  if (s.view !== DEFAULT_STATE.view) q.set('view', s.view)
  if (s.lang !== DEFAULT_STATE.lang) q.set('lang', s.lang)
  if (s.categories.length) q.set('cat', uniqueSorted(s.categories).join(','))
  if (s.sources.length) q.set('src', uniqueSorted(s.sources).join(','))
  if (s.from && s.to) {
    q.set('from', s.from)
    q.set('to', s.to)
  }
  if (s.step !== DEFAULT_STATE.step) q.set('step', s.step)
  const layers = LAYER_IDS.filter((id) => s.layers.includes(id))
  if (layers.join(',') !== DEFAULT_STATE.layers.join(',')) q.set('layers', layers.join(','))
  if (s.stacked) q.set('stacked', '1')
  if (s.layout !== null) q.set('layout', String(s.layout))
  if (s.compare !== null) q.set('cmp', String(s.compare))
  if (s.cell !== null) q.set('cell', String(s.cell))
  if (s.metric !== DEFAULT_STATE.metric) q.set('metric', s.metric)
  if (s.clusters !== DEFAULT_STATE.clusters) q.set('clu', s.clusters)
  if (s.spot !== null) q.set('spot', String(s.spot))
  if (s.bandwidth !== null) q.set('bw', String(s.bandwidth))
  if (s.emStep !== DEFAULT_STATE.emStep) q.set('estep', s.emStep)
  if (s.emStart !== null) q.set('estart', s.emStart)
  if (s.emSteps !== null) q.set('esteps', String(s.emSteps))
  if (s.forecast) q.set('fe', '1')
  if (s.day !== null) q.set('day', s.day)
  if (s.worker !== null) q.set('worker', s.worker)
  if (s.plan !== null) q.set('plan', String(s.plan))
  if (s.coverage !== DEFAULT_STATE.coverage) q.set('cov', s.coverage)
  if (s.unvisited !== DEFAULT_STATE.unvisited) q.set('nvd', String(s.unvisited))
  if (s.zoning !== null) q.set('zoning', String(s.zoning))
  if (s.before) q.set('before', '1')
  // URLSearchParams escapes ',' as %2C; links read better with literal commas, which are legal in a query.
  const str = q.toString().replace(/%2C/g, ',')
  return str ? `?${str}` : ''
}

/** Search plus hash: the part of the URL after the path. */
export function serializeUrlState(s: UrlState): string {
  const hash = serializeMapHash(s.map)
  return serializeSearch(s) + (hash ? `#${hash}` : '')
}

/**
 * True when two states differ in something other than the camera: such a change earns a
 * history entry (pushState) so Back undoes it; camera moves only replace the entry.
 */
export function isDiscreteChange(a: UrlState, b: UrlState): boolean {
  return serializeSearch(a) !== serializeSearch(b)
}
