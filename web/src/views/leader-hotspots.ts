/**
 * The leader view's hotspot analyses: density surface, cells coloured by a statistic (count,
 * density, 结案率, 按期结案率), Gi* hot and cold spots, recurring-problem spots, emerging hot
 * spots and the forecast evaluation of the hot spot maps. Every analysis runs on the server with
 * the same case filters as the rest of the view (stored runs are reused), one request per layer,
 * aborted when superseded; the first four use the view's window, emerging hot spots and the
 * forecast evaluation their own time axis (they need many time steps).
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import type { Polygon } from 'geojson'
import { analysisFilters, ensureAnalysis, fetchGrid, fetchResultGeoJson, fetchRows, type AnalysisFilters, type AnalysisView, type CellStatsRow, type ClusterFeature, type ClusterProps, type EmergingRow, type EmergingTime, type ForecastSummary, type GiRow, type GridResult } from '../api/analyses'
import { fetchCasePoints } from '../api/cases'
import { ApiError, isAbort } from '../api/client'
import { progressFraction, type JobProgress } from '../api/jobs'
import { fetchCells, fetchLayouts, type Layout } from '../api/layouts'
import type { CaseFeature, CaseFilter } from '../api/types'
import { rgbaCss } from '../colors/ramps'
import { pointInPolygon, type BBox } from '../geo/geometry'
import { formatNumber, formatPercent, getLang, t, type MessageKey } from '../i18n'
import { buildCellGeometry, cellSidePx, OUTLINE_MIN_PX, cellBounds, cellFillData, cellOfPick, cellOutlineData, cellsLayers, type CellFillData, type CellGeometry } from '../layers/cells-layer'
import { EMERGING_LAYER_ID, EMERGING_NAMES, emergingCounts, emergingFillData, emergingLegendItems, emergingSwatchCss, HATCH_MAPPING, type EmergingFillData } from '../layers/emerging-layer'
import { selectedCellLayer } from '../layers/selected-cell-layer'
import { CHOROPLETH_LAYER_ID, isRate, metricCellColors, metricClasses, metricValue, NO_RATE, RATE_BREAKS, countAlpha, type MetricClasses } from '../layers/choropleth-layer'
import { CLUSTERS_LAYER_ID, clusterRankLayer, clustersLayer, spotBounds } from '../layers/clusters-layer'
import { densityAt, densityBounds, densityColor, densityAlpha, densityLayer, densityPixels, rasterMax, sampleDensity } from '../layers/density-layer'
import { GI_BINS, GI_COLORS, GI_CONFIDENCE, GI_LAYER_ID, giBinCounts, giCellColors } from '../layers/gi-layer'
import { addDays, addSteps, floorToStep } from '../state/time-window'
import type { CellMetric, EmergingStep, UrlState } from '../state/url-state'
import type { LegendSection } from '../ui/legend-model'
import type { StatusUi } from '../ui/status'
import type { TooltipContent } from '../ui/tooltip-content'

/** Rows of the per-cell KPI table. */
export const KPI_TABLE_ROWS = 12
/** Cells with fewer due cases than this are left out of the rate ranking (a rate of 1 of 1 says little). */
export const MIN_DUE_FOR_RANKING = 5
/** Cases listed for a selected spot. */
export const SPOT_CASES = 40

/** How the KPI table is sorted. */
export type KpiSort = 'cases' | 'rate_closed' | 'rate_on_time'

/** The analyses of the view: five map layers and the forecast evaluation (a table). */
export type Part = 'density' | 'cells' | 'gi' | 'clusters' | 'emerging' | 'forecast'

/** Hotspot layers that can be exported (the forecast evaluation is a table of its own). */
export type HotspotLayer = Exclude<Part, 'forecast'>

/** Parameters of the forecast evaluation the panel runs: monthly rolling windows, three months to train, the next month to test. */
export const FORECAST_PARAMETERS = { step: 'month', train_steps: 3, test_steps: 1 } as const

/** What one part is doing, for the panel and the notice. */
export interface PartState {
  loading: boolean
  /** 0–1 while the server reports progress */
  fraction: number | null
  /** why there is nothing to draw (empty selection), already translated */
  empty: string | null
  analysis: AnalysisView | null
}

export interface HotspotContext {
  status: StatusUi
  /** redraw layers, legend, panel */
  invalidate(): void
  /** the filter of the view's window, for case requests */
  caseFilter(): CaseFilter
  /** moves the camera */
  fitBounds(b: BBox): void
  /** the view's panel should refresh */
  changed(): void
  /** a state patch (layout pinned, spot selected) */
  setState(patch: Partial<UrlState>, mode?: 'push' | 'replace'): void
  /** the community's name in the interface language, or null when unknown */
  communityName(id: number | null): string | null
  /** first day of the data (the first month holding cases), or null while unknown */
  domainStart(): string | null
}

/** The period of an emerging run as read: first day – last day (the server's end is exclusive). */
export function emergingPeriod(tm: Pick<EmergingTime, 'start' | 'end'>): string {
  return `${tm.start} – ${addDays(tm.end, -1)}`
}

/** `date` plus `n` steps of an emerging analysis (days, weeks or months). */
function addEmergingSteps(date: string, step: EmergingStep, n: number): string {
  return step === 'day' ? addDays(date, n) : addSteps(date, step, n)
}

/**
 * The emerging-hotspots parameters of a state: the step, and start and end when the state asks
 * for them. Without a start the server starts at the step holding the first case; a number of
 * steps without a start counts from the first step of the data.
 */
export function emergingParameters(s: Pick<UrlState, 'emStep' | 'emStart' | 'emSteps'>, domainStart: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = { step: s.emStep }
  const start = s.emStart ?? (s.emSteps !== null && domainStart ? (s.emStep === 'day' ? domainStart : floorToStep(domainStart, s.emStep)) : null)
  if (start) out.start = start
  if (start && s.emSteps !== null) out.end = addEmergingSteps(start, s.emStep, s.emSteps)
  return out
}

/** The filter key of a state and window, shared by every analysis of the view. */
function filterOf(f: CaseFilter): AnalysisFilters {
  return analysisFilters({ from: f.from, to: f.to, categories: f.categories, sources: f.sources, includeStacked: f.includeStacked })
}

/** The same filter without the window: the time-based analyses span the whole period on their own axis. */
function periodFilterOf(f: CaseFilter): AnalysisFilters {
  return analysisFilters({ categories: f.categories, sources: f.sources, includeStacked: f.includeStacked })
}

const EMPTY_CODES = new Set(['WG_EMPTY_SELECTION', 'WG_NO_CASES', 'WG_TOO_FEW_CASES'])

export class LeaderHotspots {
  layouts: Layout[] | null = null
  private layoutsLoading = false
  private geometry: { id: number; geom: CellGeometry; outline: ReturnType<typeof cellOutlineData> } | null = null
  private geometryLoading: number | null = null
  readonly parts: Record<Part, PartState> = {
    density: { loading: false, fraction: null, empty: null, analysis: null },
    cells: { loading: false, fraction: null, empty: null, analysis: null },
    gi: { loading: false, fraction: null, empty: null, analysis: null },
    clusters: { loading: false, fraction: null, empty: null, analysis: null },
    emerging: { loading: false, fraction: null, empty: null, analysis: null },
    forecast: { loading: false, fraction: null, empty: null, analysis: null },
  }
  private keys: Record<Part, string> = { density: '', cells: '', gi: '', clusters: '', emerging: '', forecast: '' }
  private aborts: Partial<Record<Part, AbortController>> = {}
  // results
  private grid: { data: GridResult; max: number; image: ImageData | null } | null = null
  private stats: { rows: CellStatsRow[]; byCell: Array<CellStatsRow | undefined> } | null = null
  private statsFill: { key: string; fill: CellFillData; classes: MetricClasses } | null = null
  private gi: { rows: GiRow[]; byCell: Array<GiRow | undefined>; fill: CellFillData | null; geomId: number } | null = null
  clusters: ClusterFeature[] = []
  private emerging: { rows: EmergingRow[]; byCell: Array<EmergingRow | undefined>; time: EmergingTime | null; fill: EmergingFillData | null; geomId: number } | null = null
  /** cases of the selected spot (null while not loaded) */
  spotCases: CaseFeature[] | null = null
  private spotKey = ''
  private spotAbort: AbortController | null = null
  private state: UrlState | null = null

  constructor(private readonly ctx: HotspotContext) {}

  /** The layout the cell layers use: the URL's, else the newest ready one. */
  layoutId(s: UrlState = this.state!): number | null {
    if (s.layout !== null) return s.layout
    return this.layouts?.find((l) => l.status === 'ready')?.id ?? null
  }

  /** Reacts to a state: loads what the visible hotspot layers need. */
  onState(s: UrlState): void {
    this.state = s
    const f = filterOf(this.ctx.caseFilter())
    const fk = JSON.stringify(f)
    const on = (id: HotspotLayer) => s.layers.includes(id)
    const needsLayout = on('cells') || on('gi') || on('emerging') || s.forecast
    if (needsLayout && !this.layouts && !this.layoutsLoading) void this.loadLayouts()
    const layout = this.layoutId(s)
    if (needsLayout && s.layout === null && layout !== null) {
      // pin the default layout in the URL so the link reproduces the map after new layouts appear
      this.ctx.setState({ layout }, 'replace')
      return
    }
    if (needsLayout && layout !== null && this.geometry?.id !== layout && this.geometryLoading !== layout) void this.loadGeometry(layout)

    if (on('density')) this.load('density', JSON.stringify([fk, s.bandwidth]), (signal, progress) => this.loadDensity(f, s.bandwidth, signal, progress))
    if (on('cells') && layout !== null) this.load('cells', JSON.stringify([fk, layout]), (signal, progress) => this.loadStats(f, layout, signal, progress))
    if (on('gi') && layout !== null) this.load('gi', JSON.stringify([fk, layout]), (signal, progress) => this.loadGi(f, layout, signal, progress))
    if (on('clusters')) this.load('clusters', JSON.stringify([fk, s.clusters]), (signal, progress) => this.loadClusters(f, s.clusters, signal, progress))
    const pf = periodFilterOf(this.ctx.caseFilter())
    if (on('emerging') && layout !== null) {
      const params = emergingParameters(s, this.ctx.domainStart())
      this.load('emerging', JSON.stringify([pf, layout, params]), (signal, progress) => this.loadEmerging(pf, layout, params, signal, progress))
    }
    if (s.forecast && layout !== null) this.load('forecast', JSON.stringify([pf, layout]), (signal, progress) => ensureAnalysis({ kind: 'forecast-evaluation', layout_id: layout, filters: pf, parameters: { ...FORECAST_PARAMETERS } }, { signal, onProgress: progress }))

    const spotKey = on('clusters') && s.spot !== null ? JSON.stringify([fk, s.clusters, s.spot, this.parts.clusters.analysis?.id]) : ''
    if (spotKey !== this.spotKey) {
      this.spotKey = spotKey
      this.spotCases = null
      if (spotKey) void this.loadSpotCases(s.spot!)
    }
  }

  private async loadLayouts(): Promise<void> {
    this.layoutsLoading = true
    const job = this.ctx.status.begin('hotspots.loadingLayouts')
    try {
      this.layouts = await fetchLayouts()
    } catch (err) {
      this.layouts = []
      this.ctx.status.error('hotspots.errorLayouts', err, () => void this.loadLayouts())
    } finally {
      this.layoutsLoading = false
      job.done()
    }
    if (this.state) this.onState(this.state)
    this.ctx.changed()
  }

  private async loadGeometry(id: number): Promise<void> {
    this.geometryLoading = id
    const job = this.ctx.status.begin('hotspots.loadingCells')
    try {
      const fc = await fetchCells(id)
      const geom = buildCellGeometry(fc.features)
      if (this.geometryLoading === id) {
        this.geometry = { id, geom, outline: cellOutlineData(geom) }
        this.statsFill = null
        if (this.gi) this.gi.fill = null
        if (this.emerging) this.emerging.fill = null
      }
    } catch (err) {
      this.ctx.status.error('hotspots.errorCells', err, () => void this.loadGeometry(id))
    } finally {
      if (this.geometryLoading === id) this.geometryLoading = null
      job.done()
    }
    this.ctx.invalidate()
    this.ctx.changed()
  }

  /** Starts (or keeps) the load of one part when its key changed. */
  private load(part: Part, key: string, run: (signal: AbortSignal, progress: (p: JobProgress) => void) => Promise<AnalysisView>): void {
    if (this.keys[part] === key) return
    this.keys[part] = key
    this.aborts[part]?.abort()
    const ac = (this.aborts[part] = new AbortController())
    const st = this.parts[part]
    st.loading = true
    st.fraction = null
    st.empty = null
    const label = `hotspots.running.${part}` as MessageKey
    const job = this.ctx.status.begin(() => (st.fraction !== null ? `${t(label)} ${Math.round(st.fraction * 100)}%` : t(label)))
    this.ctx.changed()
    run(ac.signal, (p) => {
      st.fraction = progressFraction(p)
      job.update()
    })
      .then((a) => {
        if (ac.signal.aborted) return
        st.analysis = a
      })
      .catch((err: unknown) => {
        if (isAbort(err) || ac.signal.aborted) return
        st.analysis = null
        if (err instanceof ApiError && err.code && EMPTY_CODES.has(err.code)) st.empty = t('hotspots.emptySelection', { layer: t(`hotspots.layer.${part}` as MessageKey) })
        // too few steps or a start after the data: the server's message says what to change
        else if ((part === 'emerging' || part === 'forecast') && err instanceof ApiError && (err.status === 400 || err.code === 'WG_BAD_PARAMETER')) st.empty = `${t(`hotspots.layer.${part}` as MessageKey)}: ${err.detail ?? err.message}`
        else {
          this.keys[part] = ''
          this.ctx.status.error(`hotspots.error.${part}` as MessageKey, err, () => this.state && this.onState(this.state))
        }
      })
      .finally(() => {
        if (this.aborts[part] !== ac) return
        st.loading = false
        st.fraction = null
        job.done()
        this.ctx.invalidate()
        this.ctx.changed()
      })
  }

  private async loadDensity(f: AnalysisFilters, bw: number | null, signal: AbortSignal, onProgress: (p: JobProgress) => void): Promise<AnalysisView> {
    const a = await ensureAnalysis({ kind: 'density', filters: f, parameters: bw === null ? {} : { bandwidth_m: bw } }, { signal, onProgress })
    const data = await fetchGrid(a.id, 'density', signal)
    const max = rasterMax(data.values)
    let image: ImageData | null = null
    if (typeof ImageData !== 'undefined') image = new ImageData(densityPixels(data.values, data.width, data.height, max) as Uint8ClampedArray<ArrayBuffer>, data.width, data.height)
    if (!signal.aborted) this.grid = { data, max, image }
    return a
  }

  private async loadStats(f: AnalysisFilters, layout: number, signal: AbortSignal, onProgress: (p: JobProgress) => void): Promise<AnalysisView> {
    const a = await ensureAnalysis({ kind: 'cell-stats', layout_id: layout, filters: f, parameters: { by: 'cell' } }, { signal, onProgress })
    const rows = await fetchRows<CellStatsRow>(a.id, signal)
    const byCell: Array<CellStatsRow | undefined> = []
    for (const r of rows) byCell[r.cell] = r
    if (!signal.aborted) {
      this.stats = { rows, byCell }
      this.statsFill = null
    }
    return a
  }

  private async loadGi(f: AnalysisFilters, layout: number, signal: AbortSignal, onProgress: (p: JobProgress) => void): Promise<AnalysisView> {
    const a = await ensureAnalysis({ kind: 'gi-star', layout_id: layout, filters: f }, { signal, onProgress })
    const rows = await fetchRows<GiRow>(a.id, signal)
    const byCell: Array<GiRow | undefined> = []
    for (const r of rows) byCell[r.cell] = r
    if (!signal.aborted) this.gi = { rows, byCell, fill: null, geomId: layout }
    return a
  }

  private async loadEmerging(f: AnalysisFilters, layout: number, params: Record<string, unknown>, signal: AbortSignal, onProgress: (p: JobProgress) => void): Promise<AnalysisView> {
    const a = await ensureAnalysis({ kind: 'emerging-hotspots', layout_id: layout, filters: f, parameters: params }, { signal, onProgress })
    const rows = await fetchRows<EmergingRow>(a.id, signal)
    const byCell: Array<EmergingRow | undefined> = []
    for (const r of rows) byCell[r.cell] = r
    const time = (a.summary?.time ?? null) as EmergingTime | null
    if (!signal.aborted) this.emerging = { rows, byCell, time, fill: null, geomId: layout }
    return a
  }

  private async loadClusters(f: AnalysisFilters, method: 'dbscan' | 'hdbscan', signal: AbortSignal, onProgress: (p: JobProgress) => void): Promise<AnalysisView> {
    const a = await ensureAnalysis({ kind: method, filters: f }, { signal, onProgress })
    const fc = await fetchResultGeoJson<ClusterProps>(a.id, signal)
    if (!signal.aborted) this.clusters = (fc.features as ClusterFeature[]).filter((x) => x.geometry).sort((p, q) => p.properties.rank - q.properties.rank)
    return a
  }

  /** Loads the cases of a spot: the filter's cases in its bounds, kept when inside the hull (or near a point/line spot). */
  private async loadSpotCases(rank: number): Promise<void> {
    this.spotAbort?.abort()
    const spot = this.clusters.find((c) => c.properties.rank === rank)
    if (!spot) return
    const ac = (this.spotAbort = new AbortController())
    const [x0, y0, x1, y1] = spotBounds(spot)
    // hulls pass through the outermost cases: pad the box by ~5 m so they are not lost to rounding
    const pad = 0.00005
    const job = this.ctx.status.begin('hotspots.loadingSpot')
    try {
      const res = await fetchCasePoints({ ...this.ctx.caseFilter(), bbox: [x0 - pad, y0 - pad, x1 + pad, y1 + pad] }, { cap: 2000, signal: ac.signal })
      const g = spot.geometry
      const inside = g.type === 'Polygon' ? res.features.filter((c) => pointInPolygon(c.geometry.coordinates[0], c.geometry.coordinates[1], g as Polygon) || onRing(c, g as Polygon)) : res.features
      inside.sort((a, b) => (a.properties.reported_at < b.properties.reported_at ? 1 : -1))
      this.spotCases = inside
    } catch (err) {
      if (!isAbort(err)) this.ctx.status.error('hotspots.errorSpot', err)
    } finally {
      job.done()
      this.ctx.changed()
    }
  }

  // ------------------------------------------------------------------ layers

  private cellFill(geom: CellGeometry, metric: CellMetric): { fill: CellFillData; classes: MetricClasses } | null {
    if (!this.stats) return null
    const key = `${this.geometry!.id}|${metric}|${this.stats.rows.length}|${this.parts.cells.analysis?.id}`
    if (this.statsFill?.key !== key) {
      const values: Array<number | null> = new Array(geom.cells).fill(null)
      for (const r of this.stats.rows) if (r.cell < geom.cells) values[r.cell] = metricValue(r, metric)
      const classes = metricClasses(metric, values)
      this.statsFill = { key, fill: cellFillData(geom, metricCellColors(values, classes)), classes }
    }
    return this.statsFill
  }

  /** The deck.gl layers of the visible hotspot analyses, bottom to top. */
  layers(s: UrlState, zoom: number): Layer[] {
    const out: Layer[] = []
    const on = (id: HotspotLayer) => s.layers.includes(id)
    const g = this.geometry && this.geometry.id === this.layoutId(s) ? this.geometry : null
    if (this.grid) out.push(densityLayer({ image: this.grid.image, bounds: densityBounds(this.grid.data.georef), visible: on('density') }))
    const thin = g ? cellSidePx(g.geom, zoom, s.map?.lat ?? 30) < OUTLINE_MIN_PX : false
    if (g && this.stats && on('cells')) {
      const f = this.cellFill(g.geom, s.metric)
      if (f) out.push(...cellsLayers({ id: CHOROPLETH_LAYER_ID, geometry: g.geom, fill: f.fill, outline: g.outline, line: thin ? null : [255, 255, 255, 90], lineWidth: 0.5, visible: true }))
    }
    if (g && this.gi && on('gi')) {
      if (!this.gi.fill || this.gi.geomId !== g.id) this.gi.fill = cellFillData(g.geom, giCellColors(g.geom.cells, this.gi.rows))
      out.push(...cellsLayers({ id: GI_LAYER_ID, geometry: g.geom, fill: this.gi.fill, outline: g.outline, line: thin ? null : [255, 255, 255, 70], lineWidth: 0.5, visible: true }))
    }
    if (g && this.emerging && on('emerging') && this.emerging.geomId === g.id) {
      if (!this.emerging.fill) this.emerging.fill = emergingFillData(g.geom, this.emerging.rows)
      out.push(...cellsLayers({ id: EMERGING_LAYER_ID, geometry: g.geom, fill: this.emerging.fill, outline: g.outline, line: thin ? null : [255, 255, 255, 70], lineWidth: 0.5, visible: true, hatches: { mapping: HATCH_MAPPING, partHatch: this.emerging.fill.partHatch } }))
      if (s.cell !== null && s.cell < g.geom.cells) out.push(selectedCellLayer({ id: `${EMERGING_LAYER_ID}-selected`, geometry: g.geom, cell: s.cell }))
    }
    if (this.clusters.length) {
      const input = { data: this.clusters, selected: s.spot, visible: on('clusters') }
      out.push(clustersLayer(input), clusterRankLayer(input))
    }
    return out
  }

  // ------------------------------------------------------------------ legend, notice, tooltip

  /** Legend sections of the visible hotspot layers. */
  legend(s: UrlState): LegendSection[] {
    const lang = getLang()
    const out: LegendSection[] = []
    const on = (id: HotspotLayer) => s.layers.includes(id)
    if (on('density') && this.grid && this.grid.max > 0) {
      const stops = [1, 0.75, 0.5, 0.25]
      const bw = Number(this.parts.density.analysis?.summary?.bandwidth_m ?? NaN)
      const rule = this.parts.density.analysis?.summary?.bandwidth_rule === 'given' ? t('legend.densityGiven', undefined, lang) : t('legend.densitySilverman', undefined, lang)
      out.push({
        title: t('legend.density', undefined, lang),
        unit: t('legend.densityUnit', { bw: Number.isFinite(bw) ? Math.round(bw) : '?', rule, cell: Math.round(this.grid.data.georef.cell_size) }, lang),
        items: stops.map((x) => ({ shape: 'square' as const, color: rgbaCss(densityColor(x), densityAlpha(x) / 255), label: t('legend.densityStop', { v: formatNumber(Math.round(densityAt(x, this.grid!.max)), lang) }, lang) })),
      })
    }
    if (on('cells') && this.statsFill) {
      const c = this.statsFill.classes
      const name = this.layouts?.find((l) => l.id === this.geometry?.id)?.name
      const unit = t(`legend.metricUnit.${c.metric}` as MessageKey, undefined, lang) + (name ? t('legend.onLayout', { name }, lang) : '')
      const items = isRate(c.metric)
        ? [
            ...RATE_BREAKS.map((b, k) => ({ shape: 'square' as const, color: rgbaCss(c.colors[k], 200 / 255), label: k === 0 ? `< ${formatPercent(b, lang)}` : k === RATE_BREAKS.length - 1 ? `≥ ${formatPercent(RATE_BREAKS[k - 1], lang)}` : `${formatPercent(RATE_BREAKS[k - 1], lang)} – ${formatPercent(b, lang)}` })),
            { shape: 'square' as const, color: rgbaCss(NO_RATE), label: t('legend.noDue', undefined, lang) },
          ]
        : c.breaks.map((b, k) => {
            const lo = k === 0 ? (c.metric === 'cases' ? 1 : 0) : c.breaks[k - 1] + (c.metric === 'cases' ? 1 : 0)
            return { shape: 'square' as const, color: rgbaCss(c.colors[k], countAlpha(k, c.breaks.length) / 255), label: lo >= b ? formatNumber(b, lang) : `${formatNumber(lo, lang)}–${formatNumber(b, lang)}` }
          })
      out.push({ title: t(`legend.metric.${c.metric}` as MessageKey, undefined, lang), unit, items })
    }
    if (on('gi') && this.gi) {
      const counts = giBinCounts(this.gi.rows)
      const fdr = this.parts.gi.analysis?.parameters?.fdr === true
      out.push({
        title: t('legend.gi', undefined, lang),
        unit: t(fdr ? 'legend.giUnitFdr' : 'legend.giUnit', undefined, lang),
        items: GI_BINS.map((b) => ({
          shape: 'square' as const,
          color: rgbaCss(GI_COLORS[String(b)].slice(0, 3), (b === 0 ? 60 : GI_COLORS[String(b)][3]) / 255),
          label: (b === 0 ? t('legend.giNone', undefined, lang) : t(b > 0 ? 'legend.giHot' : 'legend.giCold', { c: String(Math.round(GI_CONFIDENCE[Math.abs(b) as 1 | 2 | 3] * 100)) }, lang)) + ` (${formatNumber(counts.get(b) ?? 0, lang)})`,
        })),
      })
    }
    if (on('clusters') && this.clusters.length) {
      const a = this.parts.clusters.analysis
      const p = a?.parameters ?? {}
      out.push({
        title: t('legend.clusters', undefined, lang),
        unit: s.clusters === 'dbscan' ? t('legend.clustersUnitDbscan', { eps: String(p.eps_m ?? '?'), min: String(p.min_pts ?? '?') }, lang) : t('legend.clustersUnitHdbscan', { min: String(p.min_cluster_size ?? '?') }, lang),
        items: [{ shape: 'square', color: 'rgba(213, 94, 0, 0.35)', label: t('legend.clustersItem', { n: this.clusters.length }, lang) }],
      })
    }
    if (on('emerging')) {
      const sec = this.emergingLegend(lang)
      if (sec) out.push(sec)
    }
    return out
  }

  /** The legend section of the emerging hot spots (also the PNG export's). */
  private emergingLegend(lang: 'zh' | 'en'): LegendSection | null {
    if (!this.emerging) return null
    const tm = this.emerging.time
    const step = tm ? t(`emerging.stepUnit.${tm.step}` as MessageKey, undefined, lang) : ''
    return {
      title: t('legend.emerging', undefined, lang),
      unit: tm ? t('legend.emergingUnit', { steps: tm.steps, step, period: emergingPeriod(tm) }, lang) : undefined,
      items: emergingLegendItems(emergingCounts(this.emerging.rows), (c) => EMERGING_NAMES[c][lang], (n) => formatNumber(n, lang)),
    }
  }

  /** Notice lines: why a hotspot layer the user turned on shows nothing. */
  notice(s: UrlState): string[] {
    const lines: string[] = []
    const on = (id: HotspotLayer) => s.layers.includes(id)
    if ((on('cells') || on('gi') || on('emerging')) && this.layouts && this.layoutId(s) === null) lines.push(t('hotspots.noLayout'))
    for (const p of ['density', 'cells', 'gi', 'clusters', 'emerging'] as HotspotLayer[]) if (on(p) && this.parts[p].empty && !this.parts[p].loading) lines.push(this.parts[p].empty!)
    if (on('clusters') && !this.parts.clusters.loading && this.parts.clusters.analysis && this.clusters.length === 0) lines.push(t('hotspots.noClusters'))
    return lines
  }

  /** Tooltip of a hotspot layer pick, or undefined when the pick is not ours. */
  tooltip(info: PickingInfo): TooltipContent | null | undefined {
    const id = info.layer?.id
    const lang = getLang()
    const g = this.geometry?.geom ?? null
    if (id === EMERGING_LAYER_ID) {
      const cell = cellOfPick(g, info.index)
      const r = cell === null ? undefined : this.emerging?.byCell[cell]
      if (cell === null || !g || !r) return null
      const rows: Array<[string, string]> = []
      const community = this.ctx.communityName(g.meta.communityId[cell]) ?? g.meta.community[cell]
      if (community) rows.push([t('tooltip.community', undefined, lang), community])
      rows.push([t('emerging.category', undefined, lang), EMERGING_NAMES[r.category]?.[lang] ?? r.category_key])
      rows.push([t('hotspots.col.cases', undefined, lang), t('hotspots.casesValue', { n: r.cases }, lang)])
      rows.push([t('emerging.significantSteps', undefined, lang), t('emerging.hotColdSteps', { hot: r.n_hot, cold: r.n_cold, steps: r.series_cases.length }, lang)])
      return { title: t('hotspots.cellTitle', { code: g.meta.code[cell] }, lang), rows, note: (lang === 'zh' ? r.reason_zh : r.reason_en) + ' ' + t('emerging.clickHint', undefined, lang), swatch: emergingSwatchCss(r.category) }
    }
    if (id === CHOROPLETH_LAYER_ID || id === GI_LAYER_ID) {
      const cell = cellOfPick(g, info.index)
      if (cell === null || !g) return null
      const rows: Array<[string, string]> = []
      const community = this.ctx.communityName(g.meta.communityId[cell]) ?? g.meta.community[cell]
      if (community) rows.push([t('tooltip.community', undefined, lang), community])
      const st = this.stats?.byCell[cell]
      if (id === CHOROPLETH_LAYER_ID && st) {
        rows.push([t('hotspots.col.cases', undefined, lang), t('hotspots.casesValue', { n: st.cases }, lang)])
        rows.push([t('legend.metric.per_km2', undefined, lang), t('hotspots.perKm2Value', { n: formatNumber(st.cases_per_km2, lang) }, lang)])
        rows.push([t('kpi.rateClosed', undefined, lang), st.rate_closed === null ? t('legend.noDue', undefined, lang) : `${formatPercent(st.rate_closed, lang)} (${st.closed}/${st.due})`])
        rows.push([t('kpi.rateOnTime', undefined, lang), st.rate_on_time === null ? t('legend.noDue', undefined, lang) : `${formatPercent(st.rate_on_time, lang)} (${st.closed_on_time}/${st.due})`])
        if (st.open_overdue) rows.push([t('hotspots.overdue', undefined, lang), formatNumber(st.open_overdue, lang)])
      }
      const gi = this.gi?.byCell[cell]
      if (id === GI_LAYER_ID && gi) {
        rows.push([t('hotspots.col.cases', undefined, lang), t('hotspots.casesValue', { n: gi.cases }, lang)])
        rows.push([t('hotspots.giZ', undefined, lang), gi.z.toFixed(2)])
        rows.push([t('hotspots.giP', undefined, lang), gi.p < 0.001 ? '< 0.001' : gi.p.toFixed(3)])
        rows.push([t('hotspots.giClass', undefined, lang), gi.bin === 0 ? t('legend.giNone', undefined, lang) : t(gi.bin > 0 ? 'legend.giHot' : 'legend.giCold', { c: String(Math.round(GI_CONFIDENCE[Math.abs(gi.bin) as 1 | 2 | 3] * 100)) }, lang)])
      }
      rows.push([t('tooltip.area', undefined, lang), t('hotspots.areaM2', { n: formatNumber(Math.round(g.meta.area[cell]), lang) }, lang)])
      return { title: t('hotspots.cellTitle', { code: g.meta.code[cell] }, lang), rows, swatch: id === GI_LAYER_ID && gi ? rgbaCss(GI_COLORS[String(gi.bin)].slice(0, 3)) : undefined }
    }
    if (id === CLUSTERS_LAYER_ID) {
      const p = (info.object as ClusterFeature | undefined)?.properties
      if (!p) return null
      return {
        title: t('hotspots.spotTitle', { rank: p.rank }, lang),
        rows: [
          [t('hotspots.col.cases', undefined, lang), t('hotspots.casesValue', { n: p.cases }, lang)],
          [t('hotspots.spotDays', undefined, lang), t('hotspots.spotDaysValue', { days: p.distinct_days, weeks: p.distinct_weeks }, lang)],
          [t('hotspots.spotSpan', undefined, lang), `${p.first_seen.slice(0, 10)} – ${p.last_seen.slice(0, 10)}`],
          [t('hotspots.spotScore', undefined, lang), p.recurrence_score.toFixed(2)],
        ],
        note: t('hotspots.spotClick', undefined, lang),
      }
    }
    return undefined
  }

  /** Tooltip over the density surface (it is not pickable: the raster is sampled under the pointer). */
  densityTooltip(s: UrlState, lon: number, lat: number): TooltipContent | null {
    if (!s.layers.includes('density') || !this.grid) return null
    const v = sampleDensity(this.grid.data, lon, lat)
    if (v === null || v <= 0) return null
    const lang = getLang()
    return { title: t('hotspots.densityValue', { n: formatNumber(Math.round(v), lang) }, lang), rows: [[t('legend.density', undefined, lang), t('legend.densityBandwidth', { bw: String(Math.round(Number(this.parts.density.analysis?.summary?.bandwidth_m ?? 0))) }, lang)]] }
  }

  /** A click on the map: selects a spot (zooming to it) or a cell. True when handled. */
  click(info: PickingInfo): boolean {
    if (info.layer?.id === EMERGING_LAYER_ID) {
      const cell = cellOfPick(this.geometry?.geom ?? null, info.index)
      if (cell !== null && this.emerging?.byCell[cell]) this.ctx.setState({ cell })
      return cell !== null
    }
    if (info.layer?.id === CLUSTERS_LAYER_ID) {
      const p = (info.object as ClusterFeature | undefined)?.properties
      if (p) this.selectSpot(p.rank)
      return !!p
    }
    return false
  }

  /** Selects a spot by rank and zooms to it. */
  selectSpot(rank: number): void {
    const f = this.clusters.find((c) => c.properties.rank === rank)
    if (!f) return
    this.ctx.setState({ spot: rank })
    this.ctx.fitBounds(padBounds(spotBounds(f)))
  }

  /** Zooms to a cell of the current layout. */
  zoomToCell(cell: number): void {
    if (!this.geometry) return
    this.ctx.fitBounds(padBounds(cellBounds(this.geometry.geom, cell)))
  }

  // ------------------------------------------------------------------ panel model

  /** Rows of the per-cell KPI table, sorted. */
  kpiRows(sort: KpiSort): Array<CellStatsRow & { community: string | null }> {
    if (!this.stats) return []
    const g = this.geometry?.geom
    let rows = this.stats.rows.filter((r) => r.cases > 0)
    if (sort === 'cases') rows = [...rows].sort((a, b) => b.cases - a.cases || a.cell - b.cell)
    else {
      // weakest first: the cells a leader should ask about
      rows = rows.filter((r) => r.due >= MIN_DUE_FOR_RANKING && r[sort] !== null).sort((a, b) => (a[sort] as number) - (b[sort] as number) || b.due - a.due)
    }
    return rows.slice(0, KPI_TABLE_ROWS).map((r) => ({ ...r, community: this.ctx.communityName(r.community_id) ?? g?.meta.community[r.cell] ?? null }))
  }

  /** Totals of the cell-stats run (rates over the whole selection). */
  statsSummary(): Record<string, unknown> | null {
    return this.parts.cells.analysis?.summary ?? null
  }

  get hasStats(): boolean {
    return !!this.stats
  }

  /** The emerging result's row of a cell, with its time axis, for the panel's sparkline. */
  emergingCell(cell: number | null): { row: EmergingRow; time: EmergingTime | null; community: string | null } | null {
    const r = cell === null ? undefined : this.emerging?.byCell[cell]
    if (!r) return null
    const g = this.geometry?.geom
    return { row: r, time: this.emerging!.time, community: g ? (this.ctx.communityName(g.meta.communityId[r.cell]) ?? g.meta.community[r.cell]) : null }
  }

  /**
   * Cells worth a look first, for the panel's list: the hot patterns that speak of the present
   * (intensifying, new, consecutive, persistent), strongest final z first.
   */
  emergingHighlights(limit: number): EmergingRow[] {
    if (!this.emerging) return []
    // at most a few of each pattern first, so a city full of intensifying cells still shows its new ones
    const order = [3, 1, 2, 4]
    const perPattern = 3
    const byZ = (a: EmergingRow, b: EmergingRow) => (b.final_z ?? 0) - (a.final_z ?? 0) || a.cell - b.cell
    const groups = order.map((c) => this.emerging!.rows.filter((r) => r.category === c).sort(byZ))
    const first = groups.flatMap((g) => g.slice(0, perPattern))
    const rest = groups.flatMap((g) => g.slice(perPattern))
    return [...first, ...rest].slice(0, limit)
  }

  /** Time axis of the emerging result shown. */
  get emergingTime(): EmergingTime | null {
    return this.emerging?.time ?? null
  }

  /** The forecast evaluation's summary, once loaded. */
  forecastSummary(): ForecastSummary | null {
    return (this.parts.forecast.analysis?.summary ?? null) as ForecastSummary | null
  }

  /** What is loaded for an export of one layer (rows and geometry), or null when nothing is. */
  exportSource(layer: HotspotLayer): ExportSource | null {
    const a = this.parts[layer].analysis
    const g = this.geometry?.geom ?? null
    if (!a) return null
    if (layer === 'cells') return this.stats && g ? { layer, analysis: a, geom: g, rows: this.stats.rows as unknown as Array<Record<string, unknown>> } : null
    if (layer === 'gi') return this.gi && g ? { layer, analysis: a, geom: g, rows: this.gi.rows as unknown as Array<Record<string, unknown>> } : null
    if (layer === 'emerging') return this.emerging && g ? { layer, analysis: a, geom: g, rows: this.emerging.rows as unknown as Array<Record<string, unknown>>, time: this.emerging.time } : null
    if (layer === 'clusters') return this.clusters.length ? { layer, analysis: a, geom: null, rows: [], clusters: this.clusters } : null
    return this.grid ? { layer, analysis: a, geom: null, rows: [] } : null
  }

  /** Stops requests (leaving the view). */
  dispose(): void {
    for (const ac of Object.values(this.aborts)) ac?.abort()
    this.spotAbort?.abort()
    this.keys = { density: '', cells: '', gi: '', clusters: '', emerging: '', forecast: '' }
  }
}

/** What an export of one hotspot layer starts from. */
export interface ExportSource {
  layer: HotspotLayer
  analysis: AnalysisView
  /** the layout's cells (cell layers) */
  geom: CellGeometry | null
  rows: Array<Record<string, unknown>>
  time?: EmergingTime | null
  clusters?: ClusterFeature[]
}

/** True when a case lies on the hull's outline (hull vertices are cases themselves). */
function onRing(c: CaseFeature, g: Polygon): boolean {
  const [x, y] = c.geometry.coordinates
  return g.coordinates[0].some(([a, b]) => Math.abs(a - x) < 1e-7 && Math.abs(b - y) < 1e-7)
}

/** Bounds padded so a small spot or cell is not zoomed to the maximum. */
export function padBounds(b: BBox): BBox {
  // at least ~150 m across (degrees of latitude; longitude is close enough at city scale)
  const min = 0.0015
  const cx = (b[0] + b[2]) / 2
  const cy = (b[1] + b[3]) / 2
  const w = Math.max(min, (b[2] - b[0]) * 1.6)
  const h = Math.max(min, (b[3] - b[1]) * 1.6)
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
}


