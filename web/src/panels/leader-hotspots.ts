/**
 * The leader panel's hotspot sections: which analyses are on the map (with their progress or
 * why they are empty), the layout and statistic of the cell layer, the per-cell KPI table
 * (结案率, 按期结案率) and the ranked recurring-problem spots with their cases. Built once per
 * language; `update` refreshes values in place.
 */
import type { CellStatsRow } from '../api/analyses'
import type { Layout } from '../api/layouts'
import type { CaseFeature } from '../api/types'
import { formatNumber, formatPercent, getLang, t, tOr, type MessageKey } from '../i18n'
import { localName, type CategoryIndex } from '../state/categories'
import { CELL_METRICS, type CellMetric, type ClusterMethod, type LayerId, type UrlState } from '../state/url-state'
import { h, setChildren, uid } from '../ui/dom'
import { formatCityDateTime } from '../ui/tooltip-content'
import type { ClusterFeature } from '../api/analyses'
import type { KpiSort, PartState } from '../views/leader-hotspots'

/** Density bandwidths offered, metres (null: the server's Silverman rule). */
export const BANDWIDTHS: ReadonlyArray<number | null> = [null, 100, 200, 300, 500, 800]

/** The hotspot layers, in panel order. */
const HOT_LAYERS = ['density', 'cells', 'gi', 'clusters', 'emerging'] as const
type HotLayer = (typeof HOT_LAYERS)[number]

export interface HotspotPanelModel {
  state: UrlState
  layouts: Layout[] | null
  layoutId: number | null
  parts: Record<HotLayer, PartState>
  kpiRows: Array<CellStatsRow & { community: string | null }>
  kpiSort: KpiSort
  statsSummary: Record<string, unknown> | null
  clusters: readonly ClusterFeature[]
  spotCases: CaseFeature[] | null
  categories: CategoryIndex | null
}

export interface HotspotPanelActions {
  setLayer(id: LayerId, on: boolean): void
  setLayout(id: number): void
  setMetric(m: CellMetric): void
  setBandwidth(bw: number | null): void
  setClusters(m: ClusterMethod): void
  setKpiSort(s: KpiSort): void
  selectSpot(rank: number): void
  zoomToCell(cell: number): void
  openPlanner(): void
}

/** Spots listed in the panel (the map labels the best 30). */
export const LISTED_SPOTS = 15

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

export class HotspotPanel {
  readonly analysisSection: HTMLElement
  readonly kpiSection: HTMLElement
  readonly spotsSection: HTMLElement
  private model: HotspotPanelModel | null = null
  private readonly inputs = {} as Record<HotLayer, HTMLInputElement>
  private readonly states = {} as Record<HotLayer, HTMLElement>
  private readonly layoutSelect = h('select', { class: 'select select-wide' })
  private readonly layoutRow: HTMLElement
  private readonly noLayout: HTMLElement
  private readonly metricSelect = h('select', { class: 'select' })
  private readonly bwSelect = h('select', { class: 'select' })
  private readonly methodInputs: Record<ClusterMethod, HTMLInputElement>
  private readonly kpiTotals = h('div', { class: 'kpi-totals' })
  private readonly kpiTable = h('div', { class: 'table-wrap' })
  private readonly sortInputs: Record<KpiSort, HTMLInputElement>
  private readonly spotList = h('ol', { class: 'spot-list' })
  private layoutsKey = ''

  constructor(private readonly actions: HotspotPanelActions) {
    const row = (id: HotLayer) => {
      const input = h('input', { type: 'checkbox', 'data-layer': id, onchange: () => this.actions.setLayer(id, input.checked) })
      this.inputs[id] = input
      this.states[id] = h('span', { class: 'layer-state', 'aria-live': 'polite' })
      return h('label', { class: 'check' }, input, h('span', {}, t(`hotspots.layer.${id}` as MessageKey)), this.states[id])
    }
    this.layoutSelect.setAttribute('aria-label', t('hotspots.layout'))
    this.layoutSelect.addEventListener('change', () => this.actions.setLayout(Number(this.layoutSelect.value)))
    this.layoutRow = h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('hotspots.layout')), this.layoutSelect)
    this.noLayout = h('div', { class: 'callout callout-action', hidden: true }, h('p', {}, t('hotspots.noLayout')), h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.actions.openPlanner() }, t('hotspots.toPlanner')))

    for (const m of CELL_METRICS) this.metricSelect.append(h('option', { value: m }, t(`legend.metric.${m}` as MessageKey)))
    this.metricSelect.setAttribute('aria-label', t('hotspots.metric'))
    this.metricSelect.addEventListener('change', () => this.actions.setMetric(this.metricSelect.value as CellMetric))
    for (const bw of BANDWIDTHS) this.bwSelect.append(h('option', { value: bw === null ? '' : String(bw) }, bw === null ? t('hotspots.bandwidthAuto') : t('hotspots.bandwidthM', { n: bw })))
    this.bwSelect.setAttribute('aria-label', t('hotspots.bandwidth'))
    this.bwSelect.addEventListener('change', () => this.actions.setBandwidth(this.bwSelect.value ? Number(this.bwSelect.value) : null))

    const methodName = uid('clu')
    const mk = (m: ClusterMethod) => h('input', { type: 'radio', name: methodName, value: m, onchange: () => this.actions.setClusters(m) })
    this.methodInputs = { dbscan: mk('dbscan'), hdbscan: mk('hdbscan') }
    const sortName = uid('sort')
    const ms = (s: KpiSort) => h('input', { type: 'radio', name: sortName, value: s, onchange: () => this.actions.setKpiSort(s) })
    this.sortInputs = { cases: ms('cases'), rate_closed: ms('rate_closed'), rate_on_time: ms('rate_on_time') }

    this.analysisSection = section(
      t('hotspots.title'),
      row('density'),
      h('div', { class: 'field field-indent' }, h('span', { class: 'field-label' }, t('hotspots.bandwidth')), this.bwSelect),
      row('cells'),
      h('div', { class: 'field field-indent' }, h('span', { class: 'field-label' }, t('hotspots.metric')), this.metricSelect),
      row('gi'),
      row('clusters'),
      h(
        'fieldset',
        { class: 'segmented field-indent' },
        h('legend', { class: 'sr-only' }, t('hotspots.method')),
        h('label', {}, this.methodInputs.dbscan, h('span', {}, 'DBSCAN')),
        h('label', {}, this.methodInputs.hdbscan, h('span', {}, 'HDBSCAN')),
      ),
      row('emerging'),
      this.layoutRow,
      this.noLayout,
      h('p', { class: 'note' }, t('hotspots.sameFilters')),
    )
    this.kpiSection = section(
      t('hotspots.kpiTitle'),
      this.kpiTotals,
      h(
        'fieldset',
        { class: 'segmented segmented-wide' },
        h('legend', { class: 'sr-only' }, t('hotspots.sort')),
        h('label', {}, this.sortInputs.cases, h('span', {}, t('hotspots.sort.cases'))),
        h('label', {}, this.sortInputs.rate_closed, h('span', {}, t('hotspots.sort.rate_closed'))),
        h('label', {}, this.sortInputs.rate_on_time, h('span', {}, t('hotspots.sort.rate_on_time'))),
      ),
      this.kpiTable,
    )
    this.spotsSection = section(t('hotspots.spotsTitle'), this.spotList)
  }

  update(m: HotspotPanelModel): void {
    this.model = m
    const s = m.state
    const lang = getLang()
    for (const id of HOT_LAYERS) {
      const on = s.layers.includes(id)
      this.inputs[id].checked = on
      const p = m.parts[id]
      this.states[id].textContent = !on ? '' : p.loading ? (p.fraction !== null ? `${Math.round(p.fraction * 100)}%` : t('hotspots.stateRunning')) : p.empty ? t('hotspots.stateEmpty') : ''
      this.states[id].className = `layer-state${p.loading && on ? ' busy' : ''}`
    }
    this.metricSelect.value = s.metric
    this.bwSelect.value = s.bandwidth === null ? '' : String(s.bandwidth)
    if (s.bandwidth !== null && !BANDWIDTHS.includes(s.bandwidth)) {
      this.bwSelect.append(h('option', { value: String(s.bandwidth) }, t('hotspots.bandwidthM', { n: s.bandwidth })))
      this.bwSelect.value = String(s.bandwidth)
    }
    this.methodInputs[s.clusters].checked = true
    this.sortInputs[m.kpiSort].checked = true
    // layouts
    const needLayout = s.layers.includes('cells') || s.layers.includes('gi') || s.layers.includes('emerging') || s.forecast
    const lk = JSON.stringify(m.layouts?.map((l) => [l.id, l.name, l.cell_count]) ?? null)
    if (lk !== this.layoutsKey) {
      this.layoutsKey = lk
      setChildren(this.layoutSelect, ...(m.layouts ?? []).filter((l) => l.status === 'ready').map((l) => h('option', { value: String(l.id) }, `${l.name} · ${t('planner.cellsN', { n: l.cell_count })}`)))
    }
    if (m.layoutId !== null) this.layoutSelect.value = String(m.layoutId)
    this.layoutRow.hidden = !needLayout || !m.layouts?.length
    this.noLayout.hidden = !needLayout || !m.layouts || m.layouts.some((l) => l.status === 'ready')
    this.renderKpis(m, lang)
    this.renderSpots(m, lang)
  }

  private renderKpis(m: HotspotPanelModel, lang: 'zh' | 'en'): void {
    const on = m.state.layers.includes('cells')
    this.kpiSection.hidden = !on
    if (!on) return
    const sum = m.statsSummary
    if (sum) {
      const rate = (v: unknown) => (typeof v === 'number' ? formatPercent(v, lang) : '—')
      setChildren(
        this.kpiTotals,
        h('p', { class: 'note' }, t('hotspots.kpiTotals', { cases: formatNumber(Number(sum.cases ?? 0), lang), units: formatNumber(Number(sum.units ?? 0), lang), closed: rate(sum.rate_closed), onTime: rate(sum.rate_on_time) })),
        h('p', { class: 'note' }, t('hotspots.asOf', { time: formatCityDateTime(String(sum.as_of ?? '')) })),
      )
    } else setChildren(this.kpiTotals)
    if (!m.kpiRows.length) {
      setChildren(this.kpiTable, h('p', { class: 'empty' }, m.parts.cells.loading ? t('loading.generic') : m.kpiSort === 'cases' ? t('hotspots.kpiEmpty') : t('hotspots.kpiEmptyRates', { n: 5 })))
      return
    }
    const head = h('tr', {}, ...['code', 'community', 'cases', 'rate_closed', 'rate_on_time'].map((c) => h('th', { scope: 'col', class: c === 'code' || c === 'community' ? '' : 'num' }, t(`hotspots.col.${c}` as MessageKey))))
    const body = m.kpiRows.map((r) =>
      h(
        'tr',
        { tabindex: 0, 'data-cell': r.cell, title: t('hotspots.zoomToCell'), onclick: () => this.actions.zoomToCell(r.cell), onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && this.actions.zoomToCell(r.cell) },
        h('td', { class: 'mono' }, r.code.length > 8 ? `…${r.code.slice(-8)}` : r.code),
        h('td', { class: 'clip' }, r.community ?? '—'),
        h('td', { class: 'num' }, formatNumber(r.cases, lang)),
        h('td', { class: 'num' }, r.rate_closed === null ? '—' : formatPercent(r.rate_closed, lang)),
        h('td', { class: 'num' }, r.rate_on_time === null ? '—' : formatPercent(r.rate_on_time, lang)),
      ),
    )
    setChildren(this.kpiTable, h('table', { class: 'data-table' }, h('caption', { class: 'sr-only' }, t('hotspots.kpiTitle')), h('thead', {}, head), h('tbody', {}, ...body)))
  }

  private renderSpots(m: HotspotPanelModel, lang: 'zh' | 'en'): void {
    const on = m.state.layers.includes('clusters')
    this.spotsSection.hidden = !on
    if (!on) return
    if (!m.clusters.length) {
      setChildren(this.spotList, h('li', { class: 'empty' }, m.parts.clusters.loading ? t('loading.generic') : m.parts.clusters.empty ?? t('hotspots.noClusters')))
      return
    }
    const idx = m.categories
    const catName = (code: string) => {
      const c = idx?.byCode.get(code)
      return c ? localName(c, lang) : code
    }
    const items = m.clusters.slice(0, LISTED_SPOTS).map((f) => {
      const p = f.properties
      const top = Object.entries(p.categories).sort((a, b) => b[1] - a[1])[0]
      const selected = m.state.spot === p.rank
      const li = h(
        'li',
        { class: `spot${selected ? ' selected' : ''}` },
        h(
          'button',
          { type: 'button', class: 'spot-btn', 'aria-pressed': String(selected), 'data-rank': p.rank, onclick: () => this.actions.selectSpot(p.rank) },
          h('span', { class: 'spot-rank' }, String(p.rank)),
          h('span', { class: 'spot-main' }, h('span', { class: 'spot-cat' }, top ? catName(top[0]) : '—'), h('span', { class: 'spot-meta' }, t('hotspots.spotMeta', { n: p.cases, days: p.distinct_days, weeks: p.distinct_weeks }))),
          h('span', { class: 'spot-score', title: t('hotspots.spotScore') }, p.recurrence_score.toFixed(2)),
        ),
      )
      if (selected) li.append(this.spotCasesList(m, lang))
      return li
    })
    setChildren(this.spotList, ...items)
  }

  private spotCasesList(m: HotspotPanelModel, lang: 'zh' | 'en'): HTMLElement {
    if (!m.spotCases) return h('p', { class: 'muted spot-cases' }, t('hotspots.loadingSpot'))
    if (!m.spotCases.length) return h('p', { class: 'muted spot-cases' }, t('hotspots.spotNoCases'))
    const idx = m.categories
    const rows = m.spotCases.slice(0, 40).map((c) => {
      const p = c.properties
      const cat = idx?.byCode.get(p.category_code)
      return h('li', {}, h('span', { class: 'mono' }, formatCityDateTime(p.reported_at)), h('span', { class: 'clip' }, cat ? localName(cat, lang) : p.category_code), h('span', { class: `status status-${p.status}` }, tOr(`status.${p.status}`, p.status, lang)))
    })
    return h('div', { class: 'spot-cases' }, h('p', { class: 'muted' }, t('hotspots.spotCases', { n: m.spotCases.length })), h('ul', { class: 'case-list' }, ...rows))
  }
}
