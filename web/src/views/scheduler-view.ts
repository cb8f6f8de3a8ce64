/**
 * The scheduler view (巡查调度): a day's GPS tracks coloured per worker, the unit cells coloured
 * by coverage that day (passes or dwell minutes), cells not visited for N days outlined, 见巡率
 * per grid and worker, and the route plans of the day with numbered stops, ETAs and exports; a
 * form plans a day on the server with progress.
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import { PathLayer } from '@deck.gl/layers'
import { isAbort } from '../api/client'
import { progressFraction } from '../api/jobs'
import { fetchCells, fetchLayouts } from '../api/layouts'
import { addDays, createPlan, fetchCoverage, fetchPlan, fetchPlans, fetchTrackDays, fetchTracks, fetchWorkers, type Coverage, type CoverageCell, type Plan, type PlanRequest, type PlanSummary, type TrackDay, type TripCollection, type Worker } from '../api/patrol'
import { currentLayout, fetchZonings } from '../api/zones'
import { rgbaCss } from '../colors/ramps'
import type { BBox } from '../geo/geometry'
import { formatNumber, getLang, t } from '../i18n'
import { buildCellGeometry, cellFillData, cellOfPick, cellOutlineData, cellsLayers, type CellFillData, type CellGeometry } from '../layers/cells-layer'
import { COVERAGE_ALPHA, COVERAGE_BREAKS, COVERAGE_COLORS, coverageCellColors, PATROL_COVERAGE_LAYER_ID, PATROL_ROUTES_LAYER_ID, PATROL_STOPS_LAYER_ID, PATROL_TRACKS_LAYER_ID, planLayers, tracksLayer, tripMinutes, UNVISITED_COLOR, workerColor, type NumberedStop } from '../layers/patrol-layer'
import { SchedulerPanel, workerLabel, type SchedulerModel } from '../panels/scheduler'
import type { Store } from '../state/store'
import type { UrlState } from '../state/url-state'
import type { LegendItem, LegendSection } from '../ui/legend-model'
import { describeError, type StatusUi } from '../ui/status'
import type { TooltipContent } from '../ui/tooltip-content'

export const PATROL_UNVISITED_OUTLINE_ID = 'patrol-unvisited'

/** What the view needs from the shell. */
export interface SchedulerContext {
  store: Store
  status: StatusUi
  invalidate(): void
  fitBounds(b: BBox): void
}

/** The days [from, to] of the "not visited for N days" window ending on `day`. */
export function unvisitedWindow(day: string, n: number): { from: string; to: string } {
  return { from: addDays(day, -(Math.max(1, n) - 1)), to: day }
}

/** The day shown: the URL's, else the latest day with tracks. */
export function shownDay(s: Pick<UrlState, 'day'>, days: readonly TrackDay[] | null): string | null {
  return s.day ?? (days && days.length ? days[days.length - 1].day : null)
}

/** The `POST /api/patrol/plans` body of the form (null workers = everyone on duty). */
export function planRequest(layout: number, form: { day: string; workers: string[] | null }): PlanRequest {
  const req: PlanRequest = { layout, day: form.day }
  if (form.workers !== null) req.workers = [...form.workers].sort()
  return req
}

/** Outline paths of a set of cells (their rings), for the unvisited highlight. */
export function cellRings(g: CellGeometry, cells: ReadonlySet<number>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = []
  for (let r = 0; r + 1 < g.ringStarts.length; r++) {
    const v0 = g.ringStarts[r]
    if (!cells.has(g.vertexCell[v0])) continue
    const ring: Array<[number, number]> = []
    for (let v = v0; v < g.ringStarts[r + 1]; v++) ring.push([g.positions[2 * v], g.positions[2 * v + 1]])
    out.push(ring)
  }
  return out
}

export class SchedulerView {
  panel: SchedulerPanel
  private started = false
  layout: number | null = null
  days: TrackDay[] | null = null
  workers: Worker[] | null = null
  plans: PlanSummary[] | null = null
  private geom: CellGeometry | null = null
  private outline: ReturnType<typeof cellOutlineData> | null = null
  private tracks = new Map<string, TripCollection>()
  private coverage = new Map<string, Coverage>()
  private coverageByIdx: Array<CoverageCell | undefined> = []
  private fill: { key: string; data: CellFillData } | null = null
  private unvisited: { key: string; cells: Set<number>; rings: Array<Array<[number, number]>> } | null = null
  private plan: Plan | null = null
  private pending = new Set<string>()
  private order = new Map<string, number>()
  form: { day: string; workers: string[] | null } = { day: '', workers: null }
  creating: { fraction: number | null; phase: string } | null = null
  createError: string | null = null
  private createAbort: AbortController | null = null

  constructor(private readonly ctx: SchedulerContext) {
    this.panel = this.makePanel()
  }

  rebuildPanel(): SchedulerPanel {
    this.panel = this.makePanel()
    this.updatePanel()
    return this.panel
  }

  private makePanel(): SchedulerPanel {
    const store = this.ctx.store
    return new SchedulerPanel({
      setDay: (day) => store.set({ day, plan: null }),
      setWorker: (worker) => store.set({ worker }),
      setMetric: (coverage) => store.set({ coverage }),
      setUnvisited: (unvisited) => store.set({ unvisited }),
      selectPlan: (plan) => store.set({ plan }),
      setForm: (patch) => {
        this.form = { ...this.form, ...patch }
        this.updatePanel()
      },
      create: () => void this.create(),
      cancelCreate: () => this.createAbort?.abort(),
    })
  }

  /** Loads the reference data once, then what the state shows. */
  start(): void {
    if (!this.started) {
      this.started = true
      void this.loadReference()
    }
    this.onState(this.ctx.store.get())
  }

  private async loadReference(): Promise<void> {
    const job = this.ctx.status.begin('sched.loading')
    try {
      const [days, workers, plans, zonings, layouts] = await Promise.all([fetchTrackDays(), fetchWorkers(), fetchPlans(), fetchZonings(), fetchLayouts()])
      this.days = days
      this.workers = workers
      this.order = new Map(workers.map((w, i) => [w.code, i]))
      this.plans = plans
      // coverage is counted on the layout the responsibility grids are drawn on
      this.layout = currentLayout(zonings) ?? layouts.filter((l) => l.status === 'ready').at(-1)?.id ?? null
      if (this.layout !== null) {
        const fc = await fetchCells(this.layout)
        this.geom = buildCellGeometry(fc.features)
        this.outline = cellOutlineData(this.geom)
      }
    } catch (err) {
      this.started = false
      if (!isAbort(err)) this.ctx.status.error('sched.errorLoad', err, () => this.start())
    } finally {
      job.done()
    }
    this.onState(this.ctx.store.get())
  }

  onState(s: UrlState): void {
    if (!this.started || s.view !== 'scheduler') return
    const day = shownDay(s, this.days)
    if (s.day === null && day !== null) {
      // pin the day in the URL so the link reproduces the view
      this.ctx.store.set({ day }, 'replace')
      return
    }
    if (day !== null) {
      if (!this.form.day) this.form.day = day
      this.ensureTracks(day)
      if (this.layout !== null) {
        this.ensureCoverage(day, day, s.unvisited)
        const w = unvisitedWindow(day, s.unvisited)
        if (w.from !== w.to) this.ensureCoverage(w.from, w.to, s.unvisited)
      }
    }
    if (s.plan !== null && this.plan?.id !== s.plan) void this.loadPlan(s.plan)
    if (s.plan === null) this.plan = null
    this.updatePanel()
    this.ctx.invalidate()
  }

  private ensureTracks(day: string): void {
    const key = `tracks|${day}`
    if (this.tracks.has(day) || this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin(() => t('sched.loadingTracks', { day }))
    fetchTracks(day)
      .then((fc) => this.tracks.set(day, fc), (err) => this.ctx.status.error('sched.errorTracks', err))
      .finally(() => {
        this.pending.delete(key)
        job.done()
        this.updatePanel()
        this.ctx.invalidate()
      })
  }

  private ensureCoverage(from: string, to: string, n: number): void {
    const key = `${from}|${to}|${n}`
    if (this.coverage.has(key) || this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin(() => t('sched.loadingCoverage'))
    fetchCoverage({ layout: this.layout!, from, to, notVisitedDays: n, cells: from === to }, { onProgress: () => job.update() })
      .then((c) => this.coverage.set(key, c), (err) => this.ctx.status.error('sched.errorCoverage', err, () => this.onState(this.ctx.store.get())))
      .finally(() => {
        this.pending.delete(key)
        job.done()
        this.updatePanel()
        this.ctx.invalidate()
      })
  }

  private async loadPlan(id: number): Promise<void> {
    const key = `plan|${id}`
    if (this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin('sched.loadingPlan')
    try {
      const plan = await fetchPlan(id)
      if (this.ctx.store.get().plan === id) this.plan = plan
    } catch (err) {
      this.ctx.status.error('sched.errorPlan', err)
    } finally {
      this.pending.delete(key)
      job.done()
    }
    this.updatePanel()
    this.ctx.invalidate()
  }

  /** Plans the form's day on the server, polling the job; shows the plan when done. */
  private async create(): Promise<void> {
    if (this.creating || this.layout === null) return
    const ac = (this.createAbort = new AbortController())
    this.creating = { fraction: null, phase: 'queued' }
    this.createError = null
    this.updatePanel()
    const job = this.ctx.status.begin(() => t('sched.creating'))
    try {
      const plan = await createPlan(planRequest(this.layout, this.form), {
        signal: ac.signal,
        onProgress: (p) => {
          this.creating = { fraction: progressFraction(p), phase: p.phase }
          this.updatePanel()
        },
      })
      this.creating = null
      this.plan = plan
      this.plans = await fetchPlans().catch(() => [{ id: plan.id, layout: plan.layout, day: plan.day, network: plan.network, created_at: plan.created_at }, ...(this.plans ?? [])])
      this.ctx.store.set({ plan: plan.id, day: plan.day })
    } catch (err) {
      this.creating = null
      if (!isAbort(err)) {
        this.createError = describeError(err)
        this.ctx.status.error('sched.errorCreate', err)
      }
    } finally {
      job.done()
      this.createAbort = null
    }
    this.updatePanel()
  }

  // ------------------------------------------------------------------ data of the state

  private dayCoverage(s: UrlState): Coverage | null {
    const day = shownDay(s, this.days)
    return day ? this.coverage.get(`${day}|${day}|${s.unvisited}`) ?? null : null
  }

  private windowCoverage(s: UrlState): Coverage | null {
    const day = shownDay(s, this.days)
    if (!day) return null
    const w = unvisitedWindow(day, s.unvisited)
    return this.coverage.get(`${w.from}|${w.to}|${s.unvisited}`) ?? null
  }

  // ------------------------------------------------------------------ map

  layers(): Layer[] {
    const s = this.ctx.store.get()
    const out: Layer[] = []
    const day = shownDay(s, this.days)
    const cov = this.dayCoverage(s)
    if (this.geom && this.outline && cov?.cells) {
      const key = `${cov.from}|${s.coverage}`
      if (this.fill?.key !== key) {
        this.coverageByIdx = []
        for (const c of cov.cells) this.coverageByIdx[c.idx] = c
        this.fill = { key, data: cellFillData(this.geom, coverageCellColors(this.geom.cells, cov.cells, s.coverage)) }
      }
      out.push(...cellsLayers({ id: PATROL_COVERAGE_LAYER_ID, geometry: this.geom, fill: this.fill.data, outline: this.outline, line: [60, 70, 85, 70], lineWidth: 0.5, visible: true }))
    }
    const win = this.windowCoverage(s)
    if (this.geom && win) {
      const key = `${win.from}|${win.to}`
      if (this.unvisited?.key !== key) {
        const cells = new Set(win.not_visited.cells.map((c) => c.idx))
        this.unvisited = { key, cells, rings: cellRings(this.geom, cells) }
      }
      out.push(
        new PathLayer<Array<[number, number]>>({
          id: PATROL_UNVISITED_OUTLINE_ID,
          data: this.unvisited.rings,
          getPath: (p) => p,
          getColor: UNVISITED_COLOR,
          widthUnits: 'pixels',
          getWidth: 2.2,
          pickable: false,
        }),
      )
    }
    const tracks = day ? this.tracks.get(day) : undefined
    if (tracks) out.push(tracksLayer({ tracks, order: this.order, selected: s.worker, visible: true }))
    if (this.plan && this.plan.id === s.plan) out.push(...planLayers({ routes: this.plan.routes, order: this.order, selected: s.worker, lang: getLang() }))
    return out
  }

  legend(): LegendSection[] {
    const s = this.ctx.store.get()
    const lang = getLang()
    const out: LegendSection[] = []
    const breaks = COVERAGE_BREAKS[s.coverage]
    const items: LegendItem[] = breaks.map((b, k) => {
      const lo = k === 0 ? (s.coverage === 'passes' ? 1 : 0) : breaks[k - 1] + (s.coverage === 'passes' ? 1 : 0)
      const label = !Number.isFinite(b) ? `> ${formatNumber(breaks[k - 1], lang)}` : lo >= b ? formatNumber(b, lang) : `${formatNumber(lo, lang)}–${formatNumber(b, lang)}`
      return { shape: 'square', color: rgbaCss(COVERAGE_COLORS[k], COVERAGE_ALPHA / 255), label }
    })
    items.unshift({ shape: 'square', color: 'rgba(255, 255, 255, 0.6)', label: t('sched.legendNone', undefined, lang) })
    out.push({ title: t(s.coverage === 'passes' ? 'sched.legendPasses' : 'sched.legendDwell', undefined, lang), unit: t(s.coverage === 'passes' ? 'sched.legendPassesUnit' : 'sched.legendDwellUnit', undefined, lang), items })
    out.push({ title: t('sched.legendUnvisited', undefined, lang), items: [{ shape: 'line', color: rgbaCss(UNVISITED_COLOR), label: t('sched.legendUnvisitedItem', { n: s.unvisited }, lang) }] })
    // tracks: the selected worker, or the workers of the day (eight colours, then they repeat)
    const day = shownDay(s, this.days)
    const tracks = day ? this.tracks.get(day) : undefined
    const codes = s.worker !== null ? [s.worker] : [...new Set(tracks?.features.map((f) => f.properties.worker) ?? [])]
    if (codes.length) {
      const byCode = new Map((this.workers ?? []).map((w) => [w.code, w]))
      const shown = codes.slice(0, 8)
      const wItems: LegendItem[] = shown.map((c) => ({ shape: 'line', color: rgbaCss(workerColor(this.order.get(c) ?? 0)), label: workerLabel(byCode.get(c), c, lang) }))
      out.push({ title: t('sched.legendTracks', undefined, lang), unit: codes.length > shown.length ? t('sched.legendTracksMore', { n: codes.length - shown.length }, lang) : undefined, items: wItems })
    }
    if (this.plan && this.plan.id === s.plan) {
      out.push({
        title: t('sched.legendPlan', { id: this.plan.id }, lang),
        unit: t('sched.legendPlanUnit', undefined, lang),
        items: [
          { shape: 'line', color: 'rgb(0, 114, 178)', label: t('sched.legendRoute', undefined, lang) },
          { shape: 'point', color: 'rgb(0, 114, 178)', label: t('sched.legendStop', undefined, lang) },
        ],
      })
    }
    return out
  }

  notice(): string[] | null {
    const s = this.ctx.store.get()
    if (this.days && !this.days.length) return [t('sched.noTracks')]
    if (this.started && this.days && this.layout === null) return [t('sched.noLayout')]
    const day = shownDay(s, this.days)
    const tracks = day ? this.tracks.get(day) : undefined
    if (tracks && !tracks.features.length) return [t('sched.noTracksDay', { day: day! })]
    if (tracks && s.worker !== null && !tracks.features.some((f) => f.properties.worker === s.worker)) return [t('sched.noTracksWorker', { worker: s.worker, day: day! })]
    return null
  }

  tooltip(info: PickingInfo): TooltipContent | null | undefined {
    const id = info.layer?.id
    const lang = getLang()
    const byCode = new Map((this.workers ?? []).map((w) => [w.code, w]))
    if (id === PATROL_TRACKS_LAYER_ID) {
      const f = info.object as TripCollection['features'][number] | undefined
      if (!f) return null
      const p = f.properties
      const time = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16)
      return {
        title: workerLabel(byCode.get(p.worker), p.worker, lang),
        rows: [
          [t('sched.tip.day', undefined, lang), p.day],
          [t('sched.tip.time', undefined, lang), `${time(p.started_at)}–${time(p.ended_at)} (UTC+8)`],
          [t('sched.tip.length', undefined, lang), t('sched.km', { n: formatNumber(Math.round(p.length_m / 100) / 10, lang) }, lang)],
          [t('sched.tip.duration', undefined, lang), t('sched.minutes', { n: formatNumber(Math.round(tripMinutes(p)), lang) }, lang)],
          [t('sched.tip.fixes', undefined, lang), formatNumber(p.fixes, lang)],
        ],
        note: t('sched.tip.trackNote', undefined, lang),
      }
    }
    if (id === PATROL_STOPS_LAYER_ID) {
      const st = info.object as NumberedStop | undefined
      if (!st) return null
      return {
        title: t('sched.tip.stop', { n: st.n, cell: st.cell }, lang),
        rows: [
          [t('sched.col.worker', undefined, lang), workerLabel(byCode.get(st.worker), st.worker, lang)],
          [t('sched.tip.arrive', undefined, lang), st.arrive_at],
          [t('sched.tip.leave', undefined, lang), st.leave_at],
          [t('sched.col.dwell', undefined, lang), t('sched.minutes', { n: formatNumber(Math.round(st.dwell), lang) }, lang)],
        ],
      }
    }
    if (id === PATROL_ROUTES_LAYER_ID) {
      const r = info.object as Plan['routes'][number] | undefined
      if (!r) return null
      return {
        title: t('sched.tip.route', { worker: workerLabel(byCode.get(r.worker), r.worker, lang) }, lang),
        rows: [
          [t('sched.tip.shift', undefined, lang), r.shift],
          [t('sched.tip.length', undefined, lang), t('sched.km', { n: formatNumber(Math.round(r.length_m / 100) / 10, lang) }, lang)],
          [t('sched.tip.duration', undefined, lang), t('sched.minutes', { n: formatNumber(Math.round(r.duration_min), lang) }, lang)],
          [t('sched.tip.stops', undefined, lang), formatNumber(r.stops.length, lang)],
        ],
        note: t('sched.tip.routeNote', undefined, lang),
      }
    }
    if (id === PATROL_COVERAGE_LAYER_ID) {
      const cell = cellOfPick(this.geom, info.index)
      if (cell === null || !this.geom) return null
      const c = this.coverageByIdx[cell]
      const s = this.ctx.store.get()
      const rows: Array<[string, string]> = [
        [t('sched.col.grid', undefined, lang), c?.grid ?? '—'],
        [t('sched.col.worker', undefined, lang), c?.worker ? workerLabel(byCode.get(c.worker), c.worker, lang) : '—'],
        [t('sched.passes', undefined, lang), t('sched.times', { n: formatNumber(c?.passes ?? 0, lang) }, lang)],
        [t('sched.dwell', undefined, lang), t('sched.minutes', { n: formatNumber(Math.round(c?.dwell_minutes ?? 0), lang) }, lang)],
      ]
      if (this.unvisited?.cells.has(cell)) rows.push([t('sched.legendUnvisited', undefined, lang), t('sched.legendUnvisitedItem', { n: s.unvisited }, lang)])
      return { title: t('hotspots.cellTitle', { code: this.geom.meta.code[cell] }, lang), rows, note: t('sched.tip.cellNote', { day: shownDay(s, this.days) ?? '' }, lang) }
    }
    return undefined
  }

  click(info: PickingInfo): boolean {
    const id = info.layer?.id
    const o = info.object as { properties?: { worker?: string }; worker?: string } | undefined
    const worker = id === PATROL_TRACKS_LAYER_ID ? o?.properties?.worker : id === PATROL_ROUTES_LAYER_ID || id === PATROL_STOPS_LAYER_ID ? o?.worker : undefined
    if (!worker) return false
    this.ctx.store.set({ worker })
    return true
  }

  // ------------------------------------------------------------------ panel

  private updatePanel(): void {
    const s = this.ctx.store.get()
    const day = shownDay(s, this.days)
    const cov = this.dayCoverage(s)
    const tracks = day ? this.tracks.get(day) : undefined
    const model: SchedulerModel = {
      state: s,
      day,
      days: this.days,
      workers: this.workers,
      coverage: cov,
      window: this.windowCoverage(s),
      loading: this.pending.size > 0 || !this.started,
      trips: tracks ? tracks.features.filter((f) => s.worker === null || f.properties.worker === s.worker).length : null,
      plans: this.plans,
      plan: this.plan,
      form: this.form,
      creating: this.creating,
      createError: this.createError,
    }
    this.panel.update(model)
    this.ctx.invalidate()
  }
}
