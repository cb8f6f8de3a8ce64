/**
 * The leader view's controller: loads what the filters and window ask for, keeps the panel
 * current, and builds the view's deck.gl layers. The hotspot analyses (density, cell
 * statistics, Gi*, recurring spots) live in ./leader-hotspots.ts under the same filters.
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import { fetchCasePoints, fetchSummary, fetchTimeSeries } from '../api/cases'
import { isAbort } from '../api/client'
import type { CaseFeature, CaseFilter, CaseSummary, DistrictFeature } from '../api/types'
import { headTailBreaks, quantileBreaks } from '../colors/classify'
import { NEUTRAL, sampleRamp, viridis, type RGB } from '../colors/ramps'
import { POI_MIN_ZOOM } from '../basemap/style'
import { casesLayer } from '../layers/cases-layer'
import { communityLayer, communityOutlineLayer } from '../layers/community-layer'
import { binPoints, hexAreaKm2, hexResolutionForZoom, type HexBin } from '../layers/hex-bins'
import { hexLayer } from '../layers/hex-layer'
import { getLang, t, tOr } from '../i18n'
import { LeaderPanel, type LeaderModel } from '../panels/leader'
import { HotspotPanel } from '../panels/leader-hotspots'
import { EmergingPanel, ForecastPanel } from '../panels/leader-emerging'
import type { ExportLayer } from '../panels/leader'
import type { BBox } from '../geo/geometry'
import type { TooltipContent } from '../ui/tooltip-content'
import { emergingPeriod, LeaderHotspots, type HotspotLayer, type KpiSort } from './leader-hotspots'
import { describeCategories, localName, type CategoryIndex, type MajorGroup } from '../state/categories'
import type { Store } from '../state/store'
import { addSteps, apiBound, cityDate, floorToStep, lastDay, nearestStepIndex, stepStarts, stepWindow, type Step, type TimeWindow } from '../state/time-window'
import type { LayerId, UrlState } from '../state/url-state'
import type { StatusUi } from '../ui/status'
import type { LegendInput } from '../ui/legend-model'
import type { SeriesPoint } from '../ui/chart-svg'

/** Number of hexagon classes: five reads at a glance and stays distinct in viridis. */
export const HEX_CLASSES = 5
/** Time between animation frames while playing, ms (long enough to read the KPIs). */
export const PLAY_INTERVAL_MS = 1600

/** What the view needs from the shell. */
export interface LeaderContext {
  store: Store
  status: StatusUi
  categories(): CategoryIndex | null
  communities(): readonly DistrictFeature[]
  /** the layers or panel changed: redraw */
  invalidate(): void
  exportPng(title: string, subtitle: string): void
  exportData(layer: ExportLayer, format: 'geojson' | 'csv'): void
  /** moves the camera to a box (a spot, a cell) */
  fitBounds(b: BBox): void
}

/** The filter of a state and window, as the API takes it. */
export function caseFilter(s: Pick<UrlState, 'categories' | 'sources' | 'stacked'>, w: TimeWindow | null): CaseFilter {
  return { categories: s.categories, sources: s.sources, from: w ? apiBound(w.from) : undefined, to: w ? apiBound(w.to) : undefined, includeStacked: s.stacked }
}

/**
 * The series on the domain's full axis: the server leaves out empty bins, the chart must not
 * (three bars for January, February and December would read as three consecutive months).
 * Bins are matched by the city-calendar step that holds their start.
 */
export function fillSeries(items: readonly SeriesPoint[], starts: readonly string[], step: Step): SeriesPoint[] {
  const byStart = new Map<string, number>()
  for (const p of items) {
    const k = floorToStep(cityDate(p.t), step)
    byStart.set(k, (byStart.get(k) ?? 0) + p.n)
  }
  return starts.map((d) => ({ t: `${d}T00:00:00+08:00`, n: byStart.get(d) ?? 0 }))
}

export class LeaderView {
  panel: LeaderPanel
  readonly hotspots: LeaderHotspots
  private hotPanel!: HotspotPanel
  private emPanel!: EmergingPanel
  private fcPanel!: ForecastPanel
  private kpiSort: KpiSort = 'cases'
  /** area share of the forecast table (a view choice, not part of the link) */
  private forecastShare = 0.05
  private domain: TimeWindow | null = null
  private domainLoaded = false
  private sources: string[] = []
  private series: SeriesPoint[] | null = null
  private summary: CaseSummary | null = null
  private cases: CaseFeature[] = []
  private capped = false
  private loadingWindow = false
  private seriesKey = ''
  private spotFilterKey = ''
  private windowKey = ''
  private seriesAbort: AbortController | null = null
  private windowAbort: AbortController | null = null
  private playTimer: ReturnType<typeof setTimeout> | null = null
  private binsMemo: { key: string; bins: HexBin[]; breaks: number[]; colors: RGB[] } | null = null

  constructor(private readonly ctx: LeaderContext) {
    this.hotspots = new LeaderHotspots({
      status: ctx.status,
      invalidate: () => ctx.invalidate(),
      caseFilter: () => caseFilter(ctx.store.get(), this.window()),
      fitBounds: (b) => ctx.fitBounds(b),
      changed: () => this.updatePanel(),
      setState: (patch, mode) => ctx.store.set(patch, mode),
      communityName: (id) => {
        const f = id === null ? undefined : ctx.communities().find((c) => String(c.properties.id) === String(id))
        return f ? localName(f.properties, getLang()) : null
      },
      domainStart: () => this.domain?.from ?? null,
    })
    this.panel = this.makePanel()
  }

  /** A fresh panel (after a language switch). */
  rebuildPanel(): LeaderPanel {
    this.panel = this.makePanel()
    this.updatePanel()
    return this.panel
  }

  private makePanel(): LeaderPanel {
    const store = this.ctx.store
    this.emPanel = new EmergingPanel({
      run: (p) => {
        const layers = new Set(store.get().layers)
        layers.add('emerging')
        store.set({ ...p, layers: [...layers] as LayerId[] })
      },
      selectCell: (cell) => store.set({ cell }),
      zoomToCell: (cell) => this.hotspots.zoomToCell(cell),
    })
    this.fcPanel = new ForecastPanel({
      setForecast: (on) => store.set({ forecast: on }),
      setShare: (share) => {
        this.forecastShare = share
        this.updatePanel()
      },
    })
    this.hotPanel = new HotspotPanel({
      setLayer: (id, on) => this.setLayer(id, on),
      setLayout: (id) => store.set({ layout: id, cell: null }),
      setMetric: (metric) => store.set({ metric }),
      setBandwidth: (bandwidth) => store.set({ bandwidth }),
      setClusters: (clusters) => store.set({ clusters, spot: null }),
      setKpiSort: (sort) => {
        this.kpiSort = sort
        this.updatePanel()
      },
      selectSpot: (rank) => this.hotspots.selectSpot(rank),
      zoomToCell: (cell) => this.hotspots.zoomToCell(cell),
      openPlanner: () => store.set({ view: 'planner' }),
    })
    return new LeaderPanel({
      setCategories: (codes) => store.set({ categories: codes }),
      setSources: (sources) => store.set({ sources }),
      setStep: (step) => this.setStep(step),
      setWindowIndex: (i, mode) => this.setWindowIndex(i, mode),
      togglePlay: () => (this.playTimer ? this.stop() : this.play()),
      setLayer: (id, on) => this.setLayer(id, on),
      setStacked: (on) => store.set({ stacked: on }),
      resetFilters: () => store.set({ categories: [], sources: [] }),
      exportPng: () => this.ctx.exportPng(this.exportTitle(), this.exportSubtitle()),
      exportData: (layer, format) => this.ctx.exportData(layer, format),
    }, [this.hotPanel.analysisSection, this.emPanel.el, this.hotPanel.kpiSection, this.hotPanel.spotsSection, this.fcPanel.el])
  }

  /** Loads the data's time extent and the list of sources (once). */
  async init(): Promise<void> {
    const job = this.ctx.status.begin('loading.summary')
    try {
      const [monthly, all] = await Promise.all([fetchTimeSeries({ includeStacked: true }, 'month'), fetchSummary({ includeStacked: true })])
      const days = monthly.items.filter((p) => p.n > 0).map((p) => cityDate(p.t))
      this.domain = days.length ? { from: floorToStep(days[0], 'month'), to: addSteps(floorToStep(days[days.length - 1], 'month'), 'month', 1) } : null
      this.sources = all.by_source.map((r) => r.source).sort()
      this.domainLoaded = true
    } catch (err) {
      this.ctx.status.error('error.cases', err, () => void this.init())
      return
    } finally {
      job.done()
    }
    this.onState(this.ctx.store.get())
  }

  /** The window in force: the URL's, or the latest step of the data. */
  window(s: UrlState = this.ctx.store.get()): TimeWindow | null {
    if (s.from && s.to) return { from: s.from, to: s.to }
    if (!this.domain) return null
    const starts = stepStarts(this.domain, s.step)
    return starts.length ? stepWindow(starts[starts.length - 1], s.step) : null
  }

  private starts(s: UrlState = this.ctx.store.get()): string[] {
    return this.domain ? stepStarts(this.domain, s.step) : []
  }

  /** Reacts to a state change: reloads what depends on what changed. */
  onState(s: UrlState): void {
    if (!this.domainLoaded) return
    if (!s.from && this.domain) {
      // pin the default window in the URL so the link reproduces it even after new data arrives
      const w = this.window(s)
      if (w) {
        this.ctx.store.set({ from: w.from, to: w.to }, 'replace')
        return
      }
    }
    const sk = JSON.stringify([s.categories, s.sources, s.step, s.stacked])
    if (sk !== this.seriesKey) {
      this.seriesKey = sk
      void this.loadSeries(s)
    }
    const w = this.window(s)
    const wk = JSON.stringify([s.categories, s.sources, s.stacked, w])
    if (wk !== this.windowKey) {
      this.windowKey = wk
      void this.loadWindow(s, w)
    }
    // a new window or filter invalidates the selected spot's rank
    if (s.spot !== null && this.spotFilterKey && this.spotFilterKey !== wk + s.clusters) {
      this.spotFilterKey = wk + s.clusters
      this.ctx.store.set({ spot: null }, 'replace')
      return
    }
    this.spotFilterKey = wk + s.clusters
    this.hotspots.onState(s)
    this.updatePanel()
    this.ctx.invalidate()
  }

  private async loadSeries(s: UrlState): Promise<void> {
    this.seriesAbort?.abort()
    const ac = (this.seriesAbort = new AbortController())
    const job = this.ctx.status.begin('loading.summary')
    try {
      const ts = await fetchTimeSeries(caseFilter(s, this.domain), s.step, ac.signal)
      this.series = this.domain ? fillSeries(ts.items, stepStarts(this.domain, s.step), s.step) : ts.items
      this.updatePanel()
    } catch (err) {
      if (!isAbort(err)) this.ctx.status.error('error.cases', err, () => { this.seriesKey = ''; this.onState(this.ctx.store.get()) })
    } finally {
      job.done()
    }
  }

  private async loadWindow(s: UrlState, w: TimeWindow | null): Promise<void> {
    this.windowAbort?.abort()
    const ac = (this.windowAbort = new AbortController())
    this.loadingWindow = true
    const f = caseFilter(s, w)
    let loaded = 0
    const job = this.ctx.status.begin(() => (this.summary && loaded > 0 ? t('loading.casesProgress', { n: loaded, total: this.summary.total }) : t('loading.cases')))
    try {
      const summary = await fetchSummary(f, ac.signal)
      this.summary = summary
      this.updatePanel()
      const res = await fetchCasePoints(f, { expected: summary.total, signal: ac.signal, onProgress: (n) => { loaded = n; job.update() } })
      this.cases = res.features
      this.capped = res.capped
      this.binsMemo = null
      this.ctx.status.clearErrors()
    } catch (err) {
      if (!isAbort(err)) {
        this.cases = []
        this.binsMemo = null
        this.ctx.status.error('error.cases', err, () => { this.windowKey = ''; this.onState(this.ctx.store.get()) })
      }
    } finally {
      if (this.windowAbort === ac) this.loadingWindow = false
      job.done()
    }
    this.updatePanel()
    this.ctx.invalidate()
  }

  private setWindowIndex(i: number, mode: 'push' | 'replace'): void {
    const s = this.ctx.store.get()
    const starts = this.starts(s)
    if (!starts.length) return
    const k = Math.max(0, Math.min(starts.length - 1, i))
    const w = stepWindow(starts[k], s.step)
    this.ctx.store.set({ from: w.from, to: w.to }, mode)
  }

  private setStep(step: Step): void {
    const s = this.ctx.store.get()
    const cur = this.window(s)
    if (!cur) return this.ctx.store.set({ step })
    const w = stepWindow(floorToStep(cur.from, step), step)
    this.ctx.store.set({ step, from: w.from, to: w.to })
  }

  private setLayer(id: LayerId, on: boolean): void {
    const layers = new Set(this.ctx.store.get().layers)
    if (on) layers.add(id)
    else layers.delete(id)
    this.ctx.store.set({ layers: [...layers] as LayerId[] })
  }

  /** Starts the animation: one step per frame from the current window (or the first, if at the end). */
  play(): void {
    const s = this.ctx.store.get()
    const starts = this.starts(s)
    if (starts.length < 2) return
    const w = this.window(s)
    // at the end already: start over from the first window
    if ((w ? nearestStepIndex(starts, w.from) : 0) >= starts.length - 1) this.setWindowIndex(0, 'push')
    let first = true
    const tick = () => {
      // wait for the frame's data before moving on, so every window is actually seen
      if (this.loadingWindow) {
        this.playTimer = setTimeout(tick, 200)
        return
      }
      const st = this.ctx.store.get()
      const all = this.starts(st)
      const cw = this.window(st)
      const next = (cw ? nearestStepIndex(all, cw.from) : 0) + 1
      if (next >= all.length) return this.stop()
      // the first frame leaves a history entry for the window play started from
      this.setWindowIndex(next, first ? 'push' : 'replace')
      first = false
      this.playTimer = setTimeout(tick, PLAY_INTERVAL_MS)
    }
    this.playTimer = setTimeout(tick, PLAY_INTERVAL_MS)
    this.updatePanel()
  }

  /** Stops the animation, leaving a history entry for the window it stopped on. */
  stop(): void {
    if (this.playTimer) clearTimeout(this.playTimer)
    this.playTimer = null
    this.updatePanel()
  }

  get playing(): boolean {
    return this.playTimer !== null
  }

  /** Stops timers and requests (leaving the view). */
  dispose(): void {
    this.stop()
    this.hotspots.dispose()
    this.seriesAbort?.abort()
    this.windowAbort?.abort()
  }

  /** Cases drawn on the map: stacked points only when asked for. */
  visibleCases(s: UrlState = this.ctx.store.get()): CaseFeature[] {
    return s.stacked ? this.cases : this.cases.filter((f) => !f.properties.stacked)
  }

  /** Hexagon bins and classes for the zoom's resolution (memoised per data, toggle and resolution). */
  hex(zoom: number, s: UrlState = this.ctx.store.get()): { res: number; bins: HexBin[]; breaks: number[]; colors: RGB[] } {
    const res = hexResolutionForZoom(zoom)
    const key = `${res}|${s.stacked}|${this.cases.length}`
    if (!this.binsMemo || this.binsMemo.key !== key) {
      const bins = binPoints(this.visibleCases(s).map((f) => f.geometry.coordinates), res)
      const counts = bins.map((b) => b.n)
      // heavy-tailed counts (the usual case) get head/tail breaks; light-tailed ones quantiles
      const ht = headTailBreaks(counts, HEX_CLASSES)
      const breaks = ht.length >= 3 ? ht : quantileBreaks(counts, HEX_CLASSES)
      // viridis reversed: on a light base map darker reads as more; the darkest 10 % is left out
      // because near-black hexagons hide the streets that locate the hotspot
      const colors = breaks.length ? sampleRamp((x) => viridis(1 - 0.9 * x), breaks.length) : []
      this.binsMemo = { key, bins, breaks, colors }
    }
    return { res, ...this.binsMemo }
  }

  /** The view's deck.gl layers, bottom to top. */
  layers(zoom: number): Layer[] {
    const s = this.ctx.store.get()
    const idx = this.ctx.categories()
    const hex = this.hex(zoom, s)
    return [
      communityLayer({ data: this.ctx.communities(), visible: s.layers.includes('communities') }),
      hexLayer({ bins: hex.bins, breaks: hex.breaks, colors: hex.colors, visible: s.layers.includes('hex') }),
      ...this.hotspots.layers(s, zoom),
      communityOutlineLayer({ data: this.ctx.communities(), visible: s.layers.includes('communities') }),
      casesLayer({
        data: this.visibleCases(s),
        colorOf: (code) => idx?.majorOfCode.get(code)?.color ?? NEUTRAL,
        colorKey: idx ? `cats:${idx.majors.length}` : 'none',
        visible: s.layers.includes('points'),
      }),
    ]
  }

  /** Legend input for what is on the map. */
  legend(zoom: number): LegendInput {
    const s = this.ctx.store.get()
    const idx = this.ctx.categories()
    let pointMajors: MajorGroup[] | null = null
    let unknown = false
    if (s.layers.includes('points')) {
      const present = new Set<string>()
      for (const f of this.visibleCases(s)) {
        const g = idx?.majorOfCode.get(f.properties.category_code)
        if (g) present.add(g.key)
        else unknown = true
      }
      pointMajors = (idx?.majors ?? []).filter((g) => present.has(g.key))
    }
    const hex = this.hex(zoom, s)
    return {
      lang: getLang(),
      pointMajors,
      unknownCategory: unknown,
      stacked: s.stacked && s.layers.includes('points'),
      hex: s.layers.includes('hex') && hex.bins.length ? { breaks: hex.breaks, colors: hex.colors, res: hex.res, areaKm2: hexAreaKm2(hex.res) } : null,
      communities: s.layers.includes('communities'),
      pois: zoom >= POI_MIN_ZOOM,
      extra: this.hotspots.legend(s),
    }
  }

  /** Tooltip of a pick on one of the hotspot layers (undefined: not a hotspot layer). */
  tooltip(info: PickingInfo): TooltipContent | null | undefined {
    return this.hotspots.tooltip(info)
  }

  /** Tooltip of the density surface under a point, when nothing else is picked there. */
  densityTooltip(lon: number, lat: number): TooltipContent | null {
    return this.hotspots.densityTooltip(this.ctx.store.get(), lon, lat)
  }

  /** A click on the map; true when the view handled it. */
  click(info: PickingInfo): boolean {
    return this.hotspots.click(info)
  }

  /** Lines of the map notice: why the map is empty, or that the points are capped. */
  notice(): string[] | null {
    if (!this.domainLoaded || this.loadingWindow || !this.summary) return null
    const s = this.ctx.store.get()
    const lines: string[] = []
    const hiddenStacked = s.stacked ? 0 : (this.summary.stacked_excluded ?? 0)
    if (this.cases.length === 0 && hiddenStacked > 0) {
      lines.push(t('empty.onlyStacked', { n: hiddenStacked }))
    } else if (this.cases.length === 0) {
      lines.push(s.categories.length ? t('empty.noCasesOf', { categories: this.categoriesText(s) }) + this.sourcesText(s) : t('empty.noCases') + this.sourcesText(s))
    }
    if (this.capped) lines.push(t('notice.capped', { shown: this.cases.length, total: this.summary.total }))
    lines.push(...this.hotspots.notice(s))
    return lines.length ? lines : null
  }

  private categoriesText(s: UrlState): string {
    const idx = this.ctx.categories()
    if (!idx) return s.categories.join(', ')
    return describeCategories(s.categories, idx, getLang(), (list, n) => t('empty.andMore', { list, n }))
  }

  private sourcesText(s: UrlState): string {
    if (!s.sources.length) return ''
    return t('empty.noCasesFrom', { sources: s.sources.map((x) => tOr(`source.${x}`, x)).join(getLang() === 'zh' ? '、' : ', ') })
  }

  private exportTitle(): string {
    const s = this.ctx.store.get()
    // the title names the top hotspot layer on the map, with its own period
    const top = (['emerging', 'clusters', 'gi', 'cells', 'density'] as const).find((id) => s.layers.includes(id) && this.hotspots.parts[id].analysis)
    const tm = this.hotspots.emergingTime
    if (top === 'emerging' && tm) return t('export.pngTitleLayer', { layer: t('hotspots.layer.emerging'), window: emergingPeriod(tm) })
    const w = this.window()
    const win = w ? `${w.from} – ${lastDay(w)}` : ''
    return top ? t('export.pngTitleLayer', { layer: t(`hotspots.layer.${top}`), window: win }) : t('export.pngTitle', { window: win })
  }

  /** What is loaded for an export of a hotspot layer (null: nothing to export). */
  hotspotExport(layer: HotspotLayer) {
    return this.hotspots.exportSource(layer)
  }

  private exportSubtitle(): string {
    const s = this.ctx.store.get()
    const parts = [s.categories.length ? this.categoriesText(s) : t('filters.categoriesAll'), s.sources.length ? s.sources.map((x) => tOr(`source.${x}`, x)).join(', ') : t('filters.sourcesAll')]
    return t('export.pngFilters', { filters: parts.join(' · ') })
  }

  /** Loaded cases (for export). */
  loadedCases(): CaseFeature[] {
    return this.visibleCases()
  }

  private updatePanel(): void {
    const s = this.ctx.store.get()
    const model: LeaderModel = {
      state: s,
      categories: this.ctx.categories(),
      sources: this.sources,
      starts: this.starts(s),
      window: this.window(s),
      series: this.series,
      summary: this.summary,
      // hidden stacked cases are counted by the server; shown ones are among the loaded points
      stackedCount: s.stacked ? this.cases.reduce((n, f) => n + (f.properties.stacked ? 1 : 0), 0) : (this.summary?.stacked_excluded ?? 0),
      playing: this.playing,
    }
    this.panel.update(model)
    const hs = this.hotspots
    this.hotPanel.update({
      state: s,
      layouts: hs.layouts,
      layoutId: hs.layouts ? hs.layoutId(s) : s.layout,
      parts: hs.parts,
      kpiRows: hs.kpiRows(this.kpiSort),
      kpiSort: this.kpiSort,
      statsSummary: hs.statsSummary(),
      clusters: hs.clusters,
      spotCases: hs.spotCases,
      categories: this.ctx.categories(),
    })
    this.emPanel.update({
      state: s,
      part: hs.parts.emerging,
      time: hs.emergingTime,
      highlights: hs.emergingHighlights(8),
      selected: hs.emergingCell(s.cell),
      communityOf: (cell) => hs.emergingCell(cell)?.community ?? null,
    })
    this.fcPanel.update({ on: s.forecast, part: hs.parts.forecast, summary: hs.forecastSummary(), share: this.forecastShare })
    this.ctx.invalidate()
  }
}
