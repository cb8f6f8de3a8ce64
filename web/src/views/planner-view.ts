/**
 * The planner view (网格规划): the unit-cell layouts of the district, each drawn with its cells
 * coloured by workload (cases per cell over all dates), a form that builds a new layout on the
 * server with progress, the side-by-side comparison of two layouts (a swipe divider over the
 * map and a table of their statistics) and the details of a selected cell.
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import { PathLayer } from '@deck.gl/layers'
import { ensureAnalysis, fetchRows, type AnalysisView, type CellStatsRow } from '../api/analyses'
import { isAbort } from '../api/client'
import { progressFraction, type JobProgress } from '../api/jobs'
import { compareLayouts, createLayout, fetchCells, fetchLayouts, type Layout, type LayoutComparison, type LayoutRequest } from '../api/layouts'
import { fetchDistricts } from '../api/base'
import type { DistrictFeature } from '../api/types'
import { rgbaCss, type RGBA } from '../colors/ramps'
import type { BBox } from '../geo/geometry'
import { formatNumber, getLang, t } from '../i18n'
import { buildCellGeometry, cellSidePx, OUTLINE_MIN_PX, cellBounds, cellFillData, cellOfPick, cellOutlineData, cellsLayers, type CellFillData, type CellGeometry } from '../layers/cells-layer'
import { countAlpha, metricCellColors, metricClasses, type MetricClasses } from '../layers/choropleth-layer'
import { PlannerPanel, type PlannerModel } from '../panels/planner'
import { localName, type CategoryIndex } from '../state/categories'
import type { Store } from '../state/store'
import { h } from '../ui/dom'
import type { UrlState } from '../state/url-state'
import type { LegendSection } from '../ui/legend-model'
import { describeError, type StatusUi } from '../ui/status'
import type { TooltipContent } from '../ui/tooltip-content'
import { padBounds } from './leader-hotspots'

export const PLANNER_A_LAYER_ID = 'planner-a'
export const PLANNER_B_LAYER_ID = 'planner-b'
export const PLANNER_SELECTED_LAYER_ID = 'planner-selected'

/** What the view needs from the shell. */
export interface PlannerContext {
  store: Store
  status: StatusUi
  invalidate(): void
  fitBounds(b: BBox): void
  /** longitude under a horizontal screen position of the map (swipe divider), at the map's vertical centre */
  lonAtX(x: number): number
  /** the map's width in px */
  mapWidth(): number
  /** the element over the map that holds the swipe divider */
  overlayHost: HTMLElement
  categories(): CategoryIndex | null
}

/** One layout's drawable state. */
interface Side {
  id: number
  geom: CellGeometry | null
  outline: ReturnType<typeof cellOutlineData> | null
  stats: CellStatsRow[] | null
  byCell: Array<CellStatsRow | undefined>
  analysis: AnalysisView | null
  fill: CellFillData | null
  classes: MetricClasses | null
  loading: boolean
  error: boolean
}

/** The layout request of the form, with the form's defaults. */
export interface CreateForm {
  kind: LayoutRequest['kind']
  scope: number | null
  /** m², square and street */
  area: number
  /** H3 resolution */
  resolution: number
  name: string
}

/** Per-cell case counts as workload values (idx order). */
export function workloadValues(cells: number, rows: readonly Pick<CellStatsRow, 'cell' | 'cases'>[]): Array<number | null> {
  const v: Array<number | null> = new Array(cells).fill(0)
  for (const r of rows) if (r.cell >= 0 && r.cell < cells) v[r.cell] = r.cases
  return v
}

/** The `POST /api/layouts` body of a form. */
export function layoutRequest(f: CreateForm): LayoutRequest {
  if (f.scope === null) throw new Error('Unexpected empty scope: choose the district, a street or a community')
  const req: LayoutRequest = { kind: f.kind, scope: f.scope }
  if (f.kind === 'h3') req.resolution = f.resolution
  else req.target_area_m2 = f.area
  if (f.name.trim()) req.name = f.name.trim()
  return req
}

export class PlannerView {
  panel: PlannerPanel
  layouts: Layout[] | null = null
  scopes: DistrictFeature[] = []
  private sides = new Map<number, Side>()
  comparison: LayoutComparison | null = null
  private compareKey = ''
  private started = false
  creating: { fraction: number | null; phase: string } | null = null
  createError: string | null = null
  private createAbort: AbortController | null = null
  form: CreateForm = { kind: 'square', scope: null, area: 10_000, resolution: 10, name: '' }
  /** swipe divider position, share of the map width from the left */
  swipe = 0.5

  private readonly divider: HTMLElement

  constructor(private readonly ctx: PlannerContext) {
    this.panel = this.makePanel()
    this.divider = this.makeDivider()
    ctx.overlayHost.append(this.divider)
  }

  /** The swipe divider: dragged with a pointer or moved with the arrow keys. */
  private makeDivider(): HTMLElement {
    const handle = h('div', { class: 'swipe-handle', role: 'slider', tabindex: 0, 'aria-valuemin': 0, 'aria-valuemax': 100 }, h('span', { 'aria-hidden': 'true' }, '⟨⟩'))
    const el = h('div', { class: 'swipe', hidden: true }, handle)
    handle.addEventListener('pointerdown', (e) => {
      handle.setPointerCapture(e.pointerId)
      const move = (ev: PointerEvent) => {
        const r = this.ctx.overlayHost.querySelector('.map')!.getBoundingClientRect()
        this.setSwipe((ev.clientX - r.left) / r.width)
      }
      const up = () => {
        handle.removeEventListener('pointermove', move)
        handle.removeEventListener('pointerup', up)
      }
      handle.addEventListener('pointermove', move)
      handle.addEventListener('pointerup', up)
      e.preventDefault()
    })
    handle.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 0.1 : 0.02
      if (e.key === 'ArrowLeft') this.setSwipe(this.swipe - step)
      else if (e.key === 'ArrowRight') this.setSwipe(this.swipe + step)
      else return
      e.preventDefault()
    })
    return el
  }

  private syncDivider(on: boolean): void {
    this.divider.hidden = !on
    if (!on) return
    this.divider.style.left = `${(this.swipe * 100).toFixed(2)}%`
    const handle = this.divider.firstElementChild as HTMLElement
    handle.setAttribute('aria-valuenow', String(Math.round(this.swipe * 100)))
    handle.setAttribute('aria-label', t('planner.swipe'))
    handle.title = t('planner.swipe')
  }

  rebuildPanel(): PlannerPanel {
    this.panel = this.makePanel()
    this.updatePanel()
    return this.panel
  }

  private makePanel(): PlannerPanel {
    const store = this.ctx.store
    return new PlannerPanel({
      selectLayout: (id) => store.set({ layout: id, cell: null, compare: store.get().compare === id ? null : store.get().compare }),
      compareWith: (id) => store.set({ compare: id }),
      stopCompare: () => store.set({ compare: null }),
      setForm: (patch) => {
        this.form = { ...this.form, ...patch }
        this.updatePanel()
      },
      create: () => void this.create(),
      cancelCreate: () => this.createAbort?.abort(),
      clearCell: () => store.set({ cell: null }),
      zoomToCell: (cell) => this.zoomToCell(cell),
    })
  }

  /** Loads layouts and scopes (once) and what the state shows. */
  start(): void {
    if (!this.started) {
      this.started = true
      void this.loadLayouts()
      void this.loadScopes()
    }
    this.onState(this.ctx.store.get())
  }

  private async loadScopes(): Promise<void> {
    try {
      const [d, s, c] = await Promise.all([fetchDistricts('district'), fetchDistricts('street'), fetchDistricts('community')])
      this.scopes = [...d.features, ...s.features, ...c.features]
      if (this.form.scope === null && d.features[0]) this.form.scope = Number(d.features[0].properties.id)
    } catch (err) {
      this.ctx.status.error('error.base', err)
    }
    this.updatePanel()
  }

  private async loadLayouts(select?: number): Promise<void> {
    const job = this.ctx.status.begin('hotspots.loadingLayouts')
    try {
      this.layouts = await fetchLayouts()
    } catch (err) {
      this.ctx.status.error('hotspots.errorLayouts', err, () => void this.loadLayouts())
    } finally {
      job.done()
    }
    if (select !== undefined) this.ctx.store.set({ layout: select, cell: null })
    else this.onState(this.ctx.store.get())
  }

  /** The layout shown: the URL's, else the newest ready one. */
  layoutId(s: UrlState = this.ctx.store.get()): number | null {
    if (s.layout !== null) return s.layout
    return this.layouts?.find((l) => l.status === 'ready')?.id ?? null
  }

  onState(s: UrlState): void {
    if (!this.started) return
    const a = this.layoutId(s)
    if (s.view === 'planner' && s.layout === null && a !== null) {
      // pin the default layout in the URL so the link reproduces the view
      this.ctx.store.set({ layout: a }, 'replace')
      return
    }
    if (a !== null) this.ensureSide(a)
    const b = s.compare !== null && s.compare !== a ? s.compare : null
    if (b !== null) this.ensureSide(b)
    const ck = a !== null && b !== null ? `${a}|${b}` : ''
    if (ck !== this.compareKey) {
      this.compareKey = ck
      this.comparison = null
      if (ck) void this.loadComparison(a!, b!)
    }
    this.updatePanel()
    this.ctx.invalidate()
  }

  private ensureSide(id: number): Side {
    let side = this.sides.get(id)
    if (side) return side
    side = { id, geom: null, outline: null, stats: null, byCell: [], analysis: null, fill: null, classes: null, loading: true, error: false }
    this.sides.set(id, side)
    void this.loadSide(side)
    return side
  }

  private async loadSide(side: Side): Promise<void> {
    const job = this.ctx.status.begin(() => t('planner.loadingLayout', { id: side.id }))
    side.loading = true
    side.error = false
    this.updatePanel()
    try {
      const [fc, analysis] = await Promise.all([
        fetchCells(side.id),
        // workload over all dates, stacked points left out, as the layout comparison counts
        ensureAnalysis({ kind: 'cell-stats', layout_id: side.id, parameters: { by: 'cell' }, filters: {} }, { onProgress: (p: JobProgress) => { void p; job.update() } }).catch((err: unknown) => {
          // without a workload (no case in the layout, or the statistics failed) the cells are still drawn
          if ((err as { code?: string }).code !== 'WG_EMPTY_SELECTION' && !isAbort(err)) this.ctx.status.error('hotspots.error.cells', err)
          return null
        }),
      ])
      side.geom = buildCellGeometry(fc.features)
      side.outline = cellOutlineData(side.geom)
      side.analysis = analysis
      if (analysis) {
        side.stats = await fetchRows<CellStatsRow>(analysis.id).catch((err: unknown) => {
          this.ctx.status.error('hotspots.error.cells', err)
          return []
        })
        for (const r of side.stats) side.byCell[r.cell] = r
      } else side.stats = []
      const values = workloadValues(side.geom.cells, side.stats)
      side.classes = metricClasses('cases', values)
      side.fill = cellFillData(side.geom, metricCellColors(values, side.classes))
      if (side.id === this.layoutId() && this.ctx.store.get().map === null) this.ctx.fitBounds(geomBounds(side.geom))
    } catch (err) {
      side.error = true
      this.sides.delete(side.id)
      if (!isAbort(err)) this.ctx.status.error('planner.errorLayout', err, () => this.onState(this.ctx.store.get()))
    } finally {
      side.loading = false
      job.done()
    }
    this.updatePanel()
    this.ctx.invalidate()
  }

  private async loadComparison(a: number, b: number): Promise<void> {
    const job = this.ctx.status.begin('planner.loadingCompare')
    try {
      const c = await compareLayouts(a, b)
      if (this.compareKey === `${a}|${b}`) this.comparison = c
    } catch (err) {
      this.ctx.status.error('planner.errorCompare', err)
    } finally {
      job.done()
    }
    this.updatePanel()
  }

  /** Builds a layout from the form, polling the job; selects it when done. */
  private async create(): Promise<void> {
    if (this.creating) return
    let req: LayoutRequest
    try {
      req = layoutRequest(this.form)
    } catch {
      this.createError = t('planner.errorNoScope')
      this.updatePanel()
      return
    }
    const ac = (this.createAbort = new AbortController())
    this.creating = { fraction: null, phase: 'queued' }
    this.createError = null
    this.updatePanel()
    const job = this.ctx.status.begin(() => t('planner.creating'))
    try {
      const layout = await createLayout(req, {
        signal: ac.signal,
        onProgress: (p) => {
          this.creating = { fraction: progressFraction(p), phase: p.phase }
          this.updatePanel()
        },
      })
      this.creating = null
      await this.loadLayouts(layout.id)
    } catch (err) {
      this.creating = null
      if (!isAbort(err)) {
        this.createError = describeError(err)
        this.ctx.status.error('planner.errorCreate', err)
      }
    } finally {
      job.done()
      this.createAbort = null
    }
    this.updatePanel()
  }

  private zoomToCell(cell: number): void {
    const side = this.sides.get(this.layoutId() ?? -1)
    if (side?.geom) this.ctx.fitBounds(padBounds(cellBounds(side.geom, cell)))
  }

  // ------------------------------------------------------------------ map

  /** The divider's longitude while comparing, else null. */
  private dividerLon(): number | null {
    const s = this.ctx.store.get()
    if (s.compare === null || s.compare === this.layoutId(s)) return null
    return this.ctx.lonAtX(this.swipe * this.ctx.mapWidth())
  }

  /** True while comparing: the clip follows the camera, so every camera move redraws. */
  get followsCamera(): boolean {
    return this.dividerLon() !== null
  }

  /** The view's layers at `zoom` (outlines only where cells are large enough on screen to show them). */
  layers(zoom: number): Layer[] {
    const s = this.ctx.store.get()
    const a = this.layoutId(s)
    const out: Layer[] = []
    const lon = s.view === 'planner' ? this.dividerLon() : null
    this.syncDivider(lon !== null)
    const sa = a === null ? undefined : this.sides.get(a)
    const sb = lon === null || s.compare === null ? undefined : this.sides.get(s.compare)
    // clip boxes reach far beyond the district: only the divider edge matters
    const W = -180, E = 180, S = -85, N = 85
    const line = (g: CellGeometry): RGBA | null => (cellSidePx(g, zoom, s.map?.lat ?? 30) >= OUTLINE_MIN_PX ? [60, 70, 85, 110] : null)
    if (sa?.geom && sa.fill) out.push(...cellsLayers({ id: PLANNER_A_LAYER_ID, geometry: sa.geom, fill: sa.fill, outline: sa.outline!, line: line(sa.geom), lineWidth: 0.6, visible: true, clip: lon === null ? null : [W, S, lon, N] }))
    if (sb?.geom && sb.fill && lon !== null) out.push(...cellsLayers({ id: PLANNER_B_LAYER_ID, geometry: sb.geom, fill: sb.fill, outline: sb.outline!, line: line(sb.geom), lineWidth: 0.6, visible: true, clip: [lon, S, E, N] }))
    if (sa?.geom && s.cell !== null && s.cell < sa.geom.cells) out.push(selectedCellLayer(sa.geom, s.cell))
    return out
  }

  legend(): LegendSection[] {
    const s = this.ctx.store.get()
    const lang = getLang()
    const out: LegendSection[] = []
    const a = this.layoutId(s)
    const ids = [a, s.compare !== null && s.compare !== a ? s.compare : null].filter((x): x is number => x !== null)
    ids.forEach((id, k) => {
      const side = this.sides.get(id)
      const layout = this.layouts?.find((l) => l.id === id)
      if (!side?.classes) return
      const c = side.classes
      const title = ids.length > 1 ? t(k === 0 ? 'planner.legendLeft' : 'planner.legendRight', { name: layout?.name ?? `#${id}` }, lang) : t('planner.legendTitle', undefined, lang)
      const items = c.breaks.map((b, i) => {
        const lo = i === 0 ? 1 : c.breaks[i - 1] + 1
        return { shape: 'square' as const, color: rgbaCss(c.colors[i], countAlpha(i, c.breaks.length) / 255), label: lo >= b ? formatNumber(b, lang) : `${formatNumber(lo, lang)}–${formatNumber(b, lang)}` }
      })
      items.unshift({ shape: 'square', color: 'rgba(255, 255, 255, 0.6)', label: t('planner.legendZero', undefined, lang) })
      out.push({ title, unit: t('planner.legendUnit', undefined, lang), items })
    })
    return out
  }

  notice(): string[] | null {
    if (this.layouts && this.layouts.filter((l) => l.status === 'ready').length === 0 && !this.creating) return [t('planner.noLayouts')]
    return null
  }

  tooltip(info: PickingInfo): TooltipContent | null | undefined {
    const id = info.layer?.id
    if (id !== PLANNER_A_LAYER_ID && id !== PLANNER_B_LAYER_ID) return undefined
    const s = this.ctx.store.get()
    const layoutId = id === PLANNER_A_LAYER_ID ? this.layoutId(s) : s.compare
    const side = layoutId === null ? undefined : this.sides.get(layoutId)
    const cell = cellOfPick(side?.geom ?? null, info.index)
    if (!side?.geom || cell === null) return null
    return cellTooltip(side.geom, side.byCell[cell], cell, this.layouts?.find((l) => l.id === layoutId)?.name ?? null)
  }

  click(info: PickingInfo): boolean {
    if (info.layer?.id !== PLANNER_A_LAYER_ID) return false
    const side = this.sides.get(this.layoutId() ?? -1)
    const cell = cellOfPick(side?.geom ?? null, info.index)
    if (cell === null) return false
    this.ctx.store.set({ cell })
    return true
  }

  /** Moves the swipe divider (share of the map width). */
  setSwipe(x: number): void {
    this.swipe = Math.max(0.02, Math.min(0.98, x))
    this.ctx.invalidate()
  }

  // ------------------------------------------------------------------ panel

  private updatePanel(): void {
    const s = this.ctx.store.get()
    const a = this.layoutId(s)
    const side = a === null ? undefined : this.sides.get(a)
    const cell = s.cell !== null && side?.geom && s.cell < side.geom.cells ? s.cell : null
    const model: PlannerModel = {
      state: s,
      layouts: this.layouts,
      layoutId: a,
      compareId: s.compare !== null && s.compare !== a ? s.compare : null,
      loading: !!side?.loading,
      summary: side?.analysis?.summary ?? null,
      cellCount: side?.geom?.cells ?? null,
      comparison: this.comparison,
      scopes: this.scopes,
      form: this.form,
      creating: this.creating,
      createError: this.createError,
      selected: cell === null || !side?.geom ? null : { cell, code: side.geom.meta.code[cell], community: side.geom.meta.community[cell], areaM2: side.geom.meta.area[cell], stats: side.byCell[cell] ?? null },
      categoryName: (code) => {
        const c = this.ctx.categories()?.byCode.get(code)
        return c ? localName(c, getLang()) : code
      },
    }
    this.panel.update(model)
    this.ctx.invalidate()
  }
}

/** Bounds of all cells. */
function geomBounds(g: CellGeometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (let i = 0; i < g.cells; i++) {
    if (!Number.isFinite(g.bbox[i * 4])) continue
    b[0] = Math.min(b[0], g.bbox[i * 4])
    b[1] = Math.min(b[1], g.bbox[i * 4 + 1])
    b[2] = Math.max(b[2], g.bbox[i * 4 + 2])
    b[3] = Math.max(b[3], g.bbox[i * 4 + 3])
  }
  return b
}

/** The selected cell's rings as a highlighted outline. */
function selectedCellLayer(g: CellGeometry, cell: number): PathLayer {
  const paths: Array<Array<[number, number]>> = []
  for (let r = 0; r + 1 < g.ringStarts.length; r++) {
    const v0 = g.ringStarts[r]
    if (g.vertexCell[v0] !== cell) continue
    const ring: Array<[number, number]> = []
    for (let v = v0; v < g.ringStarts[r + 1]; v++) ring.push([g.positions[2 * v], g.positions[2 * v + 1]])
    paths.push(ring)
  }
  return new PathLayer<Array<[number, number]>>({
    id: PLANNER_SELECTED_LAYER_ID,
    data: paths,
    getPath: (p) => p,
    getColor: [0, 114, 178, 255],
    widthUnits: 'pixels',
    getWidth: 3,
    pickable: false,
  })
}

/** Tooltip of a cell: code, community, area, cases and rates over all dates. */
export function cellTooltip(g: CellGeometry, st: CellStatsRow | undefined, cell: number, layoutName: string | null): TooltipContent {
  const lang = getLang()
  const rows: Array<[string, string]> = []
  if (layoutName) rows.push([t('planner.layout', undefined, lang), layoutName])
  rows.push([t('tooltip.community', undefined, lang), g.meta.community[cell] ?? t('tooltip.unknown', undefined, lang)])
  rows.push([t('tooltip.area', undefined, lang), t('hotspots.areaM2', { n: formatNumber(Math.round(g.meta.area[cell]), lang) }, lang)])
  rows.push([t('planner.workload', undefined, lang), t('hotspots.casesValue', { n: st?.cases ?? 0 }, lang)])
  return { title: t('hotspots.cellTitle', { code: g.meta.code[cell] }, lang), rows, note: t('planner.clickCell', undefined, lang) }
}
