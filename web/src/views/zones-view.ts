/**
 * The responsibility-grid view (责任网格): the zones of a zoning dissolved into polygons and
 * coloured by workload balance (diverging around the mean), before / after between the current
 * grids and a proposal, the comparison figures and a workload chart in the panel, 结案率 and
 * 按期结案率 per grid (cell-stats by zone) in the tooltip, the comparison and a grid table whose
 * row a click on the map selects, exports, and a form that draws a proposal on the server with
 * progress.
 */
import type { Layer, PickingInfo } from '@deck.gl/core'
import { ensureAnalysis, fetchRows } from '../api/analyses'
import { ApiError, isAbort } from '../api/client'
import { progressFraction } from '../api/jobs'
import { compareZonings, createZoning, fetchZonePolygons, fetchZonings, type Nesting, type ZoneCollection, type ZoneProps, type ZoningComparison, type ZoningSummary } from '../api/zones'
import { rgbaCss } from '../colors/ramps'
import { formatNumber, formatPercent, getLang, t, type Lang } from '../i18n'
import { BALANCE_BREAKS, BALANCE_COLORS, ZONE_ALPHA, ZONES_LAYER_ID, zonesLayers } from '../layers/zones-layer'
import { ZonesPanel, type ZonesModel } from '../panels/zones'
import type { Store } from '../state/store'
import type { UrlState } from '../state/url-state'
import type { LegendSection } from '../ui/legend-model'
import { describeError, type StatusUi } from '../ui/status'
import type { TooltipContent } from '../ui/tooltip-content'
import { formatRate, zoneRatesByZone, zoneRatesRequest, type ZoneRateRow, type ZoneRates } from './zone-rates'

/** What the view needs from the shell. */
export interface ZonesContext {
  store: Store
  status: StatusUi
  invalidate(): void
}

/** The zoning the URL points at: its own, else the newest proposal, else the newest current grids. */
export function selectedZoning(s: Pick<UrlState, 'zoning'>, zonings: readonly ZoningSummary[] | null): ZoningSummary | null {
  if (!zonings?.length) return null
  if (s.zoning !== null) return zonings.find((z) => z.id === s.zoning) ?? null
  const byNewest = [...zonings].sort((a, b) => b.id - a.id)
  return byNewest.find((z) => z.kind === 'proposal') ?? byNewest[0]
}

/** The current grids a zoning is compared with: the newest current zoning of its layout. */
export function currentOf(z: ZoningSummary | null, zonings: readonly ZoningSummary[] | null): ZoningSummary | null {
  if (!z || !zonings) return null
  if (z.kind === 'current') return z
  const pinned = z.params?.current_id
  return zonings.find((x) => x.id === pinned) ?? [...zonings].filter((x) => x.kind === 'current' && x.layout_id === z.layout_id).sort((a, b) => b.id - a.id)[0] ?? null
}

/** The zoning drawn: the current grids while "before" is on and a proposal is selected. */
export function shownZoning(s: Pick<UrlState, 'before'>, selected: ZoningSummary | null, current: ZoningSummary | null): ZoningSummary | null {
  return s.before && selected?.kind === 'proposal' && current ? current : selected
}

/** Legend labels of the balance classes: "< 80 %", "80–90 %" … "> 120 %". */
export function balanceLabels(lang: 'zh' | 'en'): string[] {
  const p = (v: number) => formatPercent(v, lang)
  return BALANCE_BREAKS.map((b, k) => (k === 0 ? `≤ ${p(b)}` : !Number.isFinite(b) ? `> ${p(BALANCE_BREAKS[k - 1])}` : `${p(BALANCE_BREAKS[k - 1])}–${p(b)}`))
}

/** The tooltip of one zone: owner, size, workload and its share, compactness, 结案率 and 按期结案率. */
export function zoneTooltip(p: ZoneProps, r: ZoneRateRow | undefined, lang: Lang): TooltipContent {
  const rows: Array<[string, string]> = [
    [t('zones.tip.worker', undefined, lang), p.worker_id ?? '—'],
    [t('zones.tip.community', undefined, lang), p.comm_name ?? p.community ?? '—'],
    [t('zones.tip.cells', undefined, lang), formatNumber(p.cells, lang)],
    [t('zones.tip.cases', undefined, lang), t('hotspots.casesValue', { n: p.cases }, lang)],
    [t('zones.tip.workload', undefined, lang), formatNumber(Math.round(p.workload * 10) / 10, lang)],
    [t('zones.tip.share', undefined, lang), p.share == null ? '—' : formatPercent(p.share, lang)],
    [t('zones.tip.compact', undefined, lang), p.compact == null ? '—' : formatNumber(Math.round(p.compact * 100) / 100, lang)],
    [t('kpi.rateClosed', undefined, lang), formatRate(r?.rate_closed, lang)],
    [t('kpi.rateOnTime', undefined, lang), formatRate(r?.rate_on_time, lang)],
  ]
  return { title: p.name_zh && lang === 'zh' ? `${p.name_zh} (${p.code})` : t('zones.tip.title', { code: p.code }, lang), rows, note: t('zones.tip.note', undefined, lang) }
}

export class ZonesView {
  panel: ZonesPanel
  private started = false
  zonings: ZoningSummary[] | null = null
  private polygons = new Map<number, ZoneCollection>()
  private comparisons = new Map<string, ZoningComparison>()
  /** 结案率 / 按期结案率 per zone, by zoning id (empty when the zoning's cells hold no cases) */
  private rates = new Map<number, ZoneRates>()
  /** the grid clicked on the map or in the table: zone number within `selectedIn` */
  private selectedZone: { zoning: number; zone: number } | null = null
  private pending = new Set<string>()
  form: { k: number; nesting: Nesting; name: string } = { k: 0, nesting: 'none', name: '' }
  creating: { fraction: number | null; phase: string } | null = null
  createError: string | null = null
  private createAbort: AbortController | null = null

  constructor(private readonly ctx: ZonesContext) {
    this.panel = this.makePanel()
  }

  rebuildPanel(): ZonesPanel {
    this.panel = this.makePanel()
    this.updatePanel()
    return this.panel
  }

  private makePanel(): ZonesPanel {
    const store = this.ctx.store
    return new ZonesPanel({
      select: (zoning) => store.set({ zoning, before: false }),
      setBefore: (before) => store.set({ before }),
      setForm: (patch) => {
        this.form = { ...this.form, ...patch }
        this.updatePanel()
      },
      create: () => void this.create(),
      cancelCreate: () => this.createAbort?.abort(),
      selectZone: (zone) => this.selectZone(zone),
    })
  }

  start(): void {
    if (!this.started) {
      this.started = true
      void this.loadZonings()
    }
    this.onState(this.ctx.store.get())
  }

  private async loadZonings(select?: number): Promise<void> {
    const job = this.ctx.status.begin('zones.loading')
    try {
      this.zonings = await fetchZonings()
    } catch (err) {
      this.started = false
      if (!isAbort(err)) this.ctx.status.error('zones.errorLoad', err, () => this.start())
    } finally {
      job.done()
    }
    if (select !== undefined) this.ctx.store.set({ zoning: select, before: false })
    else this.onState(this.ctx.store.get())
  }

  onState(s: UrlState): void {
    if (!this.started || s.view !== 'zones') return
    const sel = selectedZoning(s, this.zonings)
    if (s.zoning === null && sel) {
      // pin the zoning in the URL so the link reproduces the view
      this.ctx.store.set({ zoning: sel.id }, 'replace')
      return
    }
    const cur = currentOf(sel, this.zonings)
    if (this.form.k === 0 && cur) this.form.k = cur.k
    const shown = shownZoning(s, sel, cur)
    if (shown) {
      this.ensurePolygons(shown.id)
      this.ensureRates(shown.id)
    }
    if (sel?.kind === 'proposal' && cur) {
      this.ensureComparison(cur.id, sel.id)
      this.ensureRates(cur.id)
      this.ensureRates(sel.id)
    }
    this.updatePanel()
    this.ctx.invalidate()
  }

  private ensurePolygons(id: number): void {
    const key = `zones|${id}`
    if (this.polygons.has(id) || this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin(() => t('zones.loadingZones', { id }))
    fetchZonePolygons(id)
      .then((fc) => this.polygons.set(id, fc), (err) => this.ctx.status.error('zones.errorZones', err, () => this.onState(this.ctx.store.get())))
      .finally(() => {
        this.pending.delete(key)
        job.done()
        this.updatePanel()
        this.ctx.invalidate()
      })
  }

  private ensureComparison(a: number, b: number): void {
    const key = `${a}|${b}`
    if (this.comparisons.has(key) || this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin('zones.loadingCompare')
    compareZonings(a, b)
      .then((c) => this.comparisons.set(key, c), (err) => this.ctx.status.error('zones.errorCompare', err))
      .finally(() => {
        this.pending.delete(key)
        job.done()
        this.updatePanel()
      })
  }

  /** Runs (or reuses) the cell-stats analysis by zone of a zoning for its grids' closure rates. */
  private ensureRates(id: number): void {
    const key = `rates|${id}`
    if (this.rates.has(id) || this.pending.has(key)) return
    this.pending.add(key)
    const job = this.ctx.status.begin('zones.loadingRates')
    ensureAnalysis(zoneRatesRequest(id))
      .then((a) => fetchRows<ZoneRateRow>(a.id))
      .then(
        (rows) => this.rates.set(id, zoneRatesByZone(rows)),
        (err) => {
          // a zoning whose cells hold no case has no rates: shown as "—", not as a failure
          this.rates.set(id, new Map())
          if (!(err instanceof ApiError && err.code === 'WG_EMPTY_SELECTION') && !isAbort(err)) this.ctx.status.error('zones.errorRates', err)
        },
      )
      .finally(() => {
        this.pending.delete(key)
        job.done()
        this.updatePanel()
      })
  }

  /** Selects a grid of the zoning drawn (null: none); its row is highlighted and detailed in the panel. */
  selectZone(zone: number | null): void {
    const { shown } = this.view()
    this.selectedZone = zone === null || !shown ? null : { zoning: shown.id, zone }
    this.updatePanel()
    this.ctx.invalidate()
  }

  /** The selected grid's zone number when it belongs to the zoning drawn. */
  private selectedZoneOf(shown: ZoningSummary | null): number | null {
    return shown && this.selectedZone?.zoning === shown.id ? this.selectedZone.zone : null
  }

  /** Draws a proposal from the form on the current grids' layout, polling the job; selects it when done. */
  private async create(): Promise<void> {
    const s = this.ctx.store.get()
    const cur = currentOf(selectedZoning(s, this.zonings), this.zonings)
    if (this.creating || !cur) return
    const ac = (this.createAbort = new AbortController())
    this.creating = { fraction: null, phase: 'queued' }
    this.createError = null
    this.updatePanel()
    const job = this.ctx.status.begin(() => t('zones.creating'))
    try {
      const z = await createZoning(
        { layout_id: cur.layout_id, k: this.form.k, nesting: this.form.nesting, ...(this.form.name.trim() ? { name: this.form.name.trim() } : {}), current_id: cur.id },
        {
          signal: ac.signal,
          onProgress: (p) => {
            this.creating = { fraction: progressFraction(p), phase: p.phase }
            this.updatePanel()
          },
        },
      )
      this.creating = null
      await this.loadZonings(z.id)
    } catch (err) {
      this.creating = null
      if (!isAbort(err)) {
        this.createError = describeError(err)
        this.ctx.status.error('zones.errorCreate', err)
      }
    } finally {
      job.done()
      this.createAbort = null
    }
    this.updatePanel()
  }

  private view(s: UrlState = this.ctx.store.get()) {
    const selected = selectedZoning(s, this.zonings)
    const current = currentOf(selected, this.zonings)
    const shown = shownZoning(s, selected, current)
    return { selected, current, shown, zones: shown ? this.polygons.get(shown.id) ?? null : null }
  }

  // ------------------------------------------------------------------ map

  layers(): Layer[] {
    const { shown, zones } = this.view()
    if (!shown || !zones) return []
    return zonesLayers({ zones, key: String(shown.id), selected: this.selectedZoneOf(shown) })
  }

  legend(): LegendSection[] {
    const lang = getLang()
    const { shown } = this.view()
    if (!shown) return []
    const labels = balanceLabels(lang)
    return [
      {
        title: t('zones.legendTitle', { name: shown.name }, lang),
        unit: t('zones.legendUnit', undefined, lang),
        items: BALANCE_COLORS.map((c, k) => ({ shape: 'square' as const, color: rgbaCss(c, ZONE_ALPHA / 255), label: `${labels[k]}${k === 3 ? t('zones.legendBalanced', undefined, lang) : ''}` })),
      },
    ]
  }

  notice(): string[] | null {
    if (this.zonings && !this.zonings.length) return [t('zones.noZonings')]
    const s = this.ctx.store.get()
    if (this.zonings && s.zoning !== null && !this.zonings.some((z) => z.id === s.zoning)) return [t('zones.unknownZoning', { id: s.zoning })]
    const { zones } = this.view(s)
    if (zones && !zones.features.length) return [t('zones.emptyZoning')]
    return null
  }

  tooltip(info: PickingInfo): TooltipContent | null | undefined {
    if (info.layer?.id !== ZONES_LAYER_ID) return undefined
    const f = info.object as { properties: ZoneProps } | undefined
    if (!f) return null
    const { shown } = this.view()
    return zoneTooltip(f.properties, shown ? this.rates.get(shown.id)?.get(f.properties.zone) : undefined, getLang())
  }

  /** A click on a grid selects it (its figures and rates in the panel); elsewhere clears the selection. */
  click(info: PickingInfo): boolean {
    if (info.layer?.id !== ZONES_LAYER_ID) {
      if (this.selectedZone) this.selectZone(null)
      return false
    }
    const f = info.object as { properties: ZoneProps } | undefined
    this.selectZone(f ? f.properties.zone : null)
    return true
  }

  // ------------------------------------------------------------------ panel

  private updatePanel(): void {
    const s = this.ctx.store.get()
    const v = this.view(s)
    const c = v.selected?.kind === 'proposal' && v.current ? this.comparisons.get(`${v.current.id}|${v.selected.id}`) ?? null : null
    const model: ZonesModel = {
      state: s,
      zonings: this.zonings,
      selected: v.selected,
      current: v.current,
      shown: v.shown,
      zones: v.zones,
      comparison: c,
      rates: {
        shown: v.shown ? this.rates.get(v.shown.id) ?? null : null,
        current: v.current ? this.rates.get(v.current.id) ?? null : null,
        selected: v.selected ? this.rates.get(v.selected.id) ?? null : null,
      },
      selectedZone: this.selectedZoneOf(v.shown),
      form: this.form,
      creating: this.creating,
      createError: this.createError,
    }
    this.panel.update(model)
    this.ctx.invalidate()
  }
}
