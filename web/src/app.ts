/**
 * The application shell: side panel with view tabs and language switch, the map with its
 * legend, status line and tooltip, and the wiring between URL state, data and layers.
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import type { FeatureCollection } from 'geojson'
import { fetchCategories, fetchDistricts, fetchHealth, fetchPois, fetchStreets, fetchWater } from './api/base'
import type { CaseProps, DistrictCollection, DistrictFeature, DistrictProps, Health, PoiCollection, StreetCollection, WaterCollection } from './api/types'
import { POI_MIN_ZOOM, type BaseSourceId } from './basemap/style'
import { casesCsv, casesGeoJson, hexCsv, hexGeoJson } from './export/tabular'
import { exportHotspotLayer } from './export/hotspot-download'
import type { ExportLayer } from './panels/leader'
import type { HotspotLayer } from './views/leader-hotspots'
import { downloadBlob, downloadText, fileStamp } from './export/download'
import { canvasToPng, composeMapPng } from './export/png'
import { bboxOf, PolygonLookup, type BBox } from './geo/geometry'
import { getLang, setLang, t, type Lang, type MessageKey } from './i18n'
import { labelLayers, placeBasemapLabels, type PlacedLabel } from './layers/basemap-labels'
import { CASES_LAYER_ID } from './layers/cases-layer'
import { COMMUNITY_LAYER_ID, communityLabels } from './layers/community-layer'
import { hexAreaKm2, type HexBin } from './layers/hex-bins'
import { HEX_LAYER_ID } from './layers/hex-layer'
import { createMap, type MapHandle } from './map'
import { unavailablePanel } from './panels/unavailable'
import { indexCategories, localName, type CategoryIndex } from './state/categories'
import { browserHistory, createStore, type Store } from './state/store'
import { VIEWS, type UrlState, type ViewId } from './state/url-state'
import { h, setChildren } from './ui/dom'
import { renderLegend } from './ui/legend'
import { buildLegend, type LegendInput } from './ui/legend-model'
import { StatusUi } from './ui/status'
import { TooltipUi } from './ui/tooltip'
import { caseTooltip, communityTooltip, formatCityDateTime, hexTooltip } from './ui/tooltip-content'
import { LeaderView } from './views/leader-view'
import { PlannerView } from './views/planner-view'
import { SchedulerView } from './views/scheduler-view'
import { ZonesView } from './views/zones-view'

const VIEW_LABEL: Record<ViewId, MessageKey> = { leader: 'view.leader', planner: 'view.planner', scheduler: 'view.scheduler', zones: 'view.zones' }
const VIEW_UNAVAILABLE: Partial<Record<ViewId, MessageKey>> = {}

/** Build-time raster template (see README / vite-env.d.ts); empty means none. */
const BUILD_RASTER_URL = (import.meta.env.VITE_WANGGE_BASEMAP_URL ?? '').trim() || null

/** Camera moves smaller than this (degrees / zoom levels) are not worth a jump on Back/Forward. */
const CAMERA_EPS = 1e-5

export class App {
  private readonly store: Store
  private readonly status: StatusUi
  private readonly tooltip: TooltipUi
  private readonly handle: MapHandle
  private readonly leader: LeaderView
  private readonly planner: PlannerView
  private readonly scheduler: SchedulerView
  private readonly zones: ZonesView
  private readonly panelHost: HTMLElement
  private readonly headerHost: HTMLElement
  private readonly tabsHost: HTMLElement
  private readonly legendHost: HTMLElement
  private readonly controlsHost: HTMLElement
  private readonly mapEl: HTMLElement
  private health: Health | null = null
  private categories: CategoryIndex | null = null
  private communities: DistrictFeature[] = []
  private communityLookup = new PolygonLookup<DistrictProps>([])
  private labels: PlacedLabel[] = []
  private baseLabels: PlacedLabel[] = []
  /** community and base-map labels together, rebuilt only when either changes (placement is cached per array) */
  private allLabels: PlacedLabel[] = []
  private districtBox: BBox | null = null
  private base: { streets: StreetCollection | null; water: WaterCollection | null; pois: PoiCollection | null } = { streets: null, water: null, pois: null }
  private zoom: number
  private frame = 0
  /** count of layer updates sent to the map, and of those drawn (exposed as data attributes for tests and screen readers' busy state) */
  private renderSeq = 0
  private leaderStarted = false

  constructor(root: HTMLElement) {
    this.store = createStore(browserHistory())
    const s = this.store.get()
    setLang(s.lang)

    this.headerHost = h('header', { class: 'panel-header' })
    this.tabsHost = h('nav', { class: 'tabs' })
    this.panelHost = h('div', { class: 'panel-content', id: 'panel-content', role: 'tabpanel' })
    const panel = h('aside', { class: 'panel', id: 'panel', tabindex: -1 }, this.headerHost, this.tabsHost, this.panelHost)
    this.mapEl = h('div', { class: 'map', id: 'map' })
    this.legendHost = h('aside', { class: 'legend' })
    this.controlsHost = h('div', { class: 'map-controls' })
    const mapWrap = h('main', { class: 'map-wrap' }, this.mapEl, this.controlsHost, this.legendHost)
    const skip = h('a', { class: 'skip-link', href: '#panel' })
    setChildren(root, skip, h('div', { class: 'app' }, panel, mapWrap))
    this.status = new StatusUi(mapWrap)
    this.tooltip = new TooltipUi(mapWrap)

    this.handle = createMap({
      container: this.mapEl,
      rasterUrl: BUILD_RASTER_URL,
      start: s.map,
      onHover: (info) => this.onHover(info),
      onClick: (info) => this.onClick(info),
      onMove: (p, settled) => this.onMove(p, settled),
      onError: (err) => console.error('map:', err),
    })
    this.zoom = this.handle.position().zoom

    this.leader = new LeaderView({
      store: this.store,
      status: this.status,
      categories: () => this.categories,
      communities: () => this.communities,
      invalidate: () => this.invalidate(),
      exportPng: (title, subtitle) => void this.exportPng(title, subtitle),
      exportData: (layer, format) => this.exportData(layer, format),
      fitBounds: (b) => this.handle.fitBounds(b, true),
    })
    this.planner = new PlannerView({
      store: this.store,
      status: this.status,
      categories: () => this.categories,
      invalidate: () => this.invalidate(),
      fitBounds: (b) => this.handle.fitBounds(b, true),
      lonAtX: (x) => this.handle.map.unproject([x, this.mapEl.clientHeight / 2]).lng,
      mapWidth: () => this.mapEl.clientWidth,
      overlayHost: mapWrap,
    })

    this.scheduler = new SchedulerView({ store: this.store, status: this.status, invalidate: () => this.invalidate(), fitBounds: (b) => this.handle.fitBounds(b, true) })
    this.zones = new ZonesView({ store: this.store, status: this.status, invalidate: () => this.invalidate() })

    this.store.subscribe((next, prev) => this.onState(next, prev))
    this.renderChrome()
    this.renderPanel()
    this.loadReference()
    if (s.view === 'leader') this.startLeader()
    if (s.view === 'planner') this.planner.start()
    if (s.view === 'scheduler') this.scheduler.start()
    if (s.view === 'zones') this.zones.start()
  }

  // ---------------------------------------------------------------- data

  private loadReference(): void {
    const base = this.status.begin('loading.base')
    let left = 6
    const settle = () => {
      if (--left === 0) base.done()
    }
    const guard = <T>(p: Promise<T>, ok: (v: T) => void, context: MessageKey = 'error.base') =>
      p.then(ok, (err) => this.status.error(context, err)).finally(settle)

    guard(fetchHealth(), (hl) => {
      this.health = hl
      if (!BUILD_RASTER_URL && hl.basemap_url) this.handle.setRaster(hl.basemap_url)
      this.renderChrome()
    })
    guard(fetchDistricts('district'), (fc) => {
      this.setBase('district', fc)
      this.districtBox = bboxOf(fc)
      if (!this.store.get().map && this.districtBox) this.handle.fitBounds(this.districtBox)
    })
    guard(
      Promise.all([fetchDistricts('street'), fetchDistricts('community')]),
      ([streets, comms]: [DistrictCollection, DistrictCollection]) => {
        this.setBase('streets-admin', streets)
        this.setBase('communities', comms)
        this.communities = comms.features
        this.communityLookup = new PolygonLookup(comms.features)
        this.labels = communityLabels(comms.features)
        this.allLabels = [...this.labels, ...this.baseLabels]
        this.invalidate()
      },
    )
    guard(fetchStreets(), (fc) => {
      this.setBase('roads', fc)
      this.base.streets = fc
      this.placeLabels()
    })
    guard(Promise.all([fetchWater(), fetchPois()]), ([water, pois]) => {
      this.setBase('water', water)
      this.setBase('pois', pois)
      this.base.water = water
      this.base.pois = pois
      this.placeLabels()
    })
    guard(
      fetchCategories(),
      (items) => {
        this.categories = indexCategories(items)
        this.leader.onState(this.store.get())
        this.invalidate()
      },
      'error.categories',
    )
  }

  private setBase(id: BaseSourceId, fc: FeatureCollection): void {
    this.handle.setBaseData(id, fc)
  }

  private placeLabels(): void {
    this.baseLabels = placeBasemapLabels(this.base.streets, this.base.water, this.base.pois)
    this.allLabels = [...this.labels, ...this.baseLabels]
    this.invalidate()
  }

  private startLeader(): void {
    if (this.leaderStarted) return
    this.leaderStarted = true
    void this.leader.init()
  }

  // ---------------------------------------------------------------- state

  private onState(next: UrlState, prev: UrlState): void {
    if (next.lang !== prev.lang) {
      setLang(next.lang)
      this.leader.rebuildPanel()
      this.planner.rebuildPanel()
      this.scheduler.rebuildPanel()
      this.zones.rebuildPanel()
      this.renderChrome()
      this.renderPanel()
    }
    if (next.view !== prev.view) {
      if (next.view !== 'leader') this.leader.stop()
      else this.startLeader()
      if (next.view === 'planner') this.planner.start()
      if (next.view === 'scheduler') this.scheduler.start()
      if (next.view === 'zones') this.zones.start()
      this.renderChrome()
      this.renderPanel()
    }
    // Back/Forward to a different camera: move there (our own moves already match)
    if (next.map && prev.map !== next.map) {
      const cur = this.handle.position()
      if (Math.abs(cur.lat - next.map.lat) > CAMERA_EPS || Math.abs(cur.lon - next.map.lon) > CAMERA_EPS || Math.abs(cur.zoom - next.map.zoom) > 0.01) this.handle.jumpTo(next.map)
    }
    if (next.view === 'leader') this.leader.onState(next)
    if (next.view === 'planner') this.planner.onState(next)
    if (next.view === 'scheduler') this.scheduler.onState(next)
    if (next.view === 'zones') this.zones.onState(next)
    this.invalidate()
  }

  private onMove(p: { zoom: number; lat: number; lon: number }, settled: boolean): void {
    const bandChanged = Math.floor(p.zoom * 2) !== Math.floor(this.zoom * 2)
    this.zoom = p.zoom
    // the comparison's swipe clip is a longitude: it follows every camera move
    if (bandChanged || (this.store.get().view === 'planner' && this.planner.followsCamera)) this.invalidate()
    if (settled) this.store.set({ map: p }, 'replace')
  }

  // ---------------------------------------------------------------- rendering

  /** Schedules one redraw of layers, legend and notice on the next animation frame. */
  private invalidate(): void {
    // marked at once, so a test or assistive tech never sees a stale frame as the final one
    this.mapEl.dataset.requested = String(++this.renderSeq)
    if (this.frame) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.renderMap()
    })
  }

  private renderMap(): void {
    const s = this.store.get()
    const lang = getLang()
    const layers: Layer[] = s.view === 'leader' ? this.leader.layers(this.zoom) : s.view === 'planner' ? this.planner.layers(this.zoom) : s.view === 'scheduler' ? this.scheduler.layers() : s.view === 'zones' ? this.zones.layers() : []
    const withCommunities = s.view !== 'leader' || s.layers.includes('communities')
    layers.push(...labelLayers({ labels: withCommunities ? this.allLabels : this.baseLabels, lang, zoom: this.zoom }))
    this.handle.setLayers(layers)
    const seq = this.renderSeq
    void this.handle.rendered().then(() => {
      if (seq === this.renderSeq) this.mapEl.dataset.rendered = String(seq)
    })
    renderLegend(this.legendHost, buildLegend(this.legendInput()))
    this.status.setNotice(s.view === 'leader' ? this.leader.notice() : s.view === 'planner' ? this.planner.notice() : s.view === 'scheduler' ? this.scheduler.notice() : s.view === 'zones' ? this.zones.notice() : null)
  }

  private legendInput(): LegendInput {
    if (this.store.get().view === 'leader') return this.leader.legend(this.zoom)
    const view = this.store.get().view
    const extra = view === 'planner' ? this.planner.legend() : view === 'scheduler' ? this.scheduler.legend() : view === 'zones' ? this.zones.legend() : undefined
    return { lang: getLang(), pointMajors: null, unknownCategory: false, stacked: false, hex: null, communities: false, pois: this.zoom >= POI_MIN_ZOOM, extra }
  }

  /** Header, tabs, skip link, map controls and document language: everything with text outside the panel body. */
  private renderChrome(): void {
    const s = this.store.get()
    const lang = getLang()
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    document.title = t('app.title')
    const skip = document.querySelector('.skip-link')
    if (skip) skip.textContent = t('app.skipToPanel')
    document.getElementById('panel')?.setAttribute('aria-label', t('app.panelLabel'))
    this.mapEl.setAttribute('aria-label', t('app.mapLabel'))
    this.mapEl.setAttribute('role', 'region')
    this.legendHost.setAttribute('aria-label', t('legend.title'))

    const badges: HTMLElement[] = []
    if (this.health?.sample) badges.push(h('span', { class: 'badge badge-sample', title: t('health.sampleHint') }, t('health.sample')))
    const other: Lang = lang === 'zh' ? 'en' : 'zh'
    setChildren(
      this.headerHost,
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '网'), h('span', { class: 'brand-name' }, t('app.brand')), h('span', { class: 'brand-sub' }, t('app.brandSub')), ...badges),
      h('button', { type: 'button', class: 'btn btn-small btn-lang', lang: other === 'zh' ? 'zh-CN' : 'en', 'aria-label': t('lang.switchLabel'), onclick: () => this.switchLang(other) }, t('lang.switch')),
    )

    const tabs = h('div', { role: 'tablist', 'aria-label': t('view.tabsLabel'), class: 'tablist' })
    for (const v of VIEWS) {
      const selected = v === s.view
      tabs.append(
        h(
          'button',
          { type: 'button', role: 'tab', id: `tab-${v}`, class: 'tab', 'aria-selected': String(selected), 'aria-controls': 'panel-content', tabindex: selected ? 0 : -1, 'data-view': v, onclick: () => this.store.set({ view: v }) },
          t(VIEW_LABEL[v]),
        ),
      )
    }
    // arrow keys move between tabs (WAI-ARIA tabs pattern)
    tabs.addEventListener('keydown', (e) => {
      const i = VIEWS.indexOf(this.store.get().view)
      let j = -1
      if (e.key === 'ArrowRight') j = (i + 1) % VIEWS.length
      if (e.key === 'ArrowLeft') j = (i - 1 + VIEWS.length) % VIEWS.length
      if (e.key === 'Home') j = 0
      if (e.key === 'End') j = VIEWS.length - 1
      if (j < 0) return
      e.preventDefault()
      this.store.set({ view: VIEWS[j] })
      ;(this.tabsHost.querySelector(`#tab-${VIEWS[j]}`) as HTMLElement | null)?.focus()
    })
    // rebuilding the tabs drops focus; keep it on the selected tab for keyboard users
    const hadFocus = this.tabsHost.contains(document.activeElement)
    setChildren(this.tabsHost, tabs)
    if (hadFocus) (tabs.querySelector('[aria-selected="true"]') as HTMLElement | null)?.focus()
    this.panelHost.setAttribute('aria-labelledby', `tab-${s.view}`)

    setChildren(
      this.controlsHost,
      h('button', { type: 'button', class: 'map-btn', 'aria-label': t('map.zoomIn'), title: t('map.zoomIn'), onclick: () => this.handle.map.zoomIn() }, '+'),
      h('button', { type: 'button', class: 'map-btn', 'aria-label': t('map.zoomOut'), title: t('map.zoomOut'), onclick: () => this.handle.map.zoomOut() }, '−'),
      h('button', { type: 'button', class: 'map-btn', 'aria-label': t('map.resetView'), title: t('map.resetView'), onclick: () => this.districtBox && this.handle.fitBounds(this.districtBox, true) }, '⌂'),
    )
  }

  private renderPanel(): void {
    const view = this.store.get().view
    const unavailable = VIEW_UNAVAILABLE[view]
    setChildren(this.panelHost, unavailable ? unavailablePanel(VIEW_LABEL[view], unavailable) : view === 'planner' ? this.planner.panel.el : view === 'scheduler' ? this.scheduler.panel.el : view === 'zones' ? this.zones.panel.el : this.leader.panel.el)
    this.invalidate()
  }

  private switchLang(lang: Lang): void {
    this.store.set({ lang })
    ;(this.headerHost.querySelector('.btn-lang') as HTMLElement | null)?.focus()
  }

  // ---------------------------------------------------------------- hover

  private communityAt(lon: number, lat: number): string | null {
    const f = this.communityLookup.find(lon, lat)
    return f ? localName(f.properties, getLang()) : null
  }

  private onHover(info: PickingInfo): void {
    const id = info.layer?.id
    const obj = info.object as unknown
    const [lon, lat] = info.coordinate ?? [NaN, NaN]
    this.mapEl.style.cursor = obj || (id && info.index >= 0) ? 'pointer' : ''
    const view = this.store.get().view
    // the views' own layers (binary cells pick by index, without an object)
    const own = !id ? undefined : view === 'leader' ? this.leader.tooltip(info) : view === 'planner' ? this.planner.tooltip(info) : view === 'scheduler' ? this.scheduler.tooltip(info) : view === 'zones' ? this.zones.tooltip(info) : undefined
    if (own !== undefined) return this.tooltip.show(own, info.x, info.y)
    if (!obj || !id) return this.tooltip.show(view === 'leader' && info.coordinate ? this.leader.densityTooltip(lon, lat) : null, info.x, info.y)
    const lang = getLang()
    if (id === CASES_LAYER_ID) {
      const p = (obj as { properties: CaseProps }).properties
      // the server's assignment wins; the point-in-polygon test covers servers that do not send it
      const assigned = p.community_id == null ? undefined : this.communities.find((c) => String(c.properties.id) === String(p.community_id))
      const communityName = assigned ? localName(assigned.properties, lang) : this.communityAt(lon, lat)
      this.tooltip.show(caseTooltip(p, { categories: this.categories, communityName, lang }), info.x, info.y)
    } else if (id === HEX_LAYER_ID) {
      this.tooltip.show(hexTooltip(obj as HexBin, { areaKm2: hexAreaKm2(this.leader.hex(this.zoom).res), communityName: this.communityAt(lon, lat), lang }), info.x, info.y)
    } else if (id === COMMUNITY_LAYER_ID) {
      // over the density surface the community is the context of the density under the pointer
      const density = view === 'leader' ? this.leader.densityTooltip(lon, lat) : null
      const community = communityTooltip((obj as DistrictFeature).properties, lang)
      this.tooltip.show(density ? { ...density, rows: [...density.rows, [t('tooltip.community'), community.title]] } : community, info.x, info.y)
    } else this.tooltip.show(null)
  }

  private onClick(info: PickingInfo): void {
    const view = this.store.get().view
    if (view === 'leader') this.leader.click(info)
    else if (view === 'planner') this.planner.click(info)
    else if (view === 'scheduler') this.scheduler.click(info)
    else if (view === 'zones') this.zones.click(info)
  }

  // ---------------------------------------------------------------- export

  private async exportPng(title: string, subtitle: string): Promise<void> {
    try {
      await this.handle.rendered()
      const stamp = `${formatCityDateTime(new Date().toISOString())} (UTC+8)`
      const canvas = composeMapPng(this.handle.canvas(), {
        title,
        subtitle,
        footer: t('export.pngSource', { time: stamp }),
        legend: buildLegend(this.legendInput()),
      })
      const s = this.store.get()
      downloadBlob(`wangge-cases-${fileStamp(s.from, s.to)}.png`, await canvasToPng(canvas))
    } catch (err) {
      this.status.error('export.title', err)
    }
  }

  private exportData(layer: ExportLayer, format: 'geojson' | 'csv'): void {
    if (layer !== 'points' && layer !== 'hex') return void this.exportHotspot(layer, format)
    const s = this.store.get()
    const lang = getLang()
    const name = (code: string) => {
      const c = this.categories?.byCode.get(code)
      return c ? localName(c, lang) : ''
    }
    const stamp = fileStamp(s.from, s.to)
    if (layer === 'points') {
      const cases = this.leader.loadedCases()
      if (!cases.length) return this.status.setNotice([t('export.nothing')])
      if (format === 'csv') downloadText(`wangge-cases-${stamp}.csv`, casesCsv(cases, name), 'text/csv')
      else downloadText(`wangge-cases-${stamp}.geojson`, JSON.stringify(casesGeoJson(cases, name)), 'application/geo+json')
    } else {
      const hex = this.leader.hex(this.zoom)
      if (!hex.bins.length) return this.status.setNotice([t('export.nothing')])
      if (format === 'csv') downloadText(`wangge-hex-r${hex.res}-${stamp}.csv`, hexCsv(hex.bins, hex.res), 'text/csv')
      else downloadText(`wangge-hex-r${hex.res}-${stamp}.geojson`, JSON.stringify(hexGeoJson(hex.bins, hex.res)), 'application/geo+json')
    }
  }

  /** Exports a hotspot layer as loaded (the density raster through the server's renderer). */
  private async exportHotspot(layer: HotspotLayer, format: 'geojson' | 'csv'): Promise<void> {
    const src = this.leader.hotspotExport(layer)
    if (!src) return this.status.setNotice([t('export.nothing')])
    const s = this.store.get()
    try {
      await exportHotspotLayer(src, format, { lang: getLang(), stamp: fileStamp(s.from, s.to) })
    } catch (err) {
      this.status.error('export.title', err)
    }
  }
}
