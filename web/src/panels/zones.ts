/**
 * The responsibility-grid view's side panel (责任网格): the zonings of the layout (current grids
 * and proposals), the before / after toggle, the comparison figures (CV, max/min, cells moved …)
 * as a table and a bar chart of workload per zone, 结案率 and 按期结案率 per grid (the range in
 * the comparison, every grid in a table, the grid clicked on the map in detail), the export
 * links, and the form that draws a proposal (K, nesting) with a progress bar. Built once per
 * language; `update` keeps the form.
 */
import { NESTINGS, zoningLinks, type Nesting, type ZoneCollection, type ZoneProps, type ZoningComparison, type ZoningSummary } from '../api/zones'
import { rgbaCss } from '../colors/ramps'
import { formatNumber, formatPercent, getLang, t, type Lang, type MessageKey } from '../i18n'
import { balanceClass, BALANCE_COLORS } from '../layers/zones-layer'
import type { UrlState } from '../state/url-state'
import { h, setChildren, uid } from '../ui/dom'
import { JobProgress } from '../ui/job-progress'
import { formatRate, formatRateRange, rateRange, zoneRateLines, type ZoneRates } from '../views/zone-rates'

export interface ZonesModel {
  state: UrlState
  zonings: ZoningSummary[] | null
  /** the zoning the URL points at (a proposal or the current grids) */
  selected: ZoningSummary | null
  /** the current grids of the same layout */
  current: ZoningSummary | null
  /** the zoning drawn: the current grids while "before" is on */
  shown: ZoningSummary | null
  zones: ZoneCollection | null
  comparison: ZoningComparison | null
  /** 结案率 / 按期结案率 per grid of the zoning drawn, the current grids and the selected zoning; null while loading */
  rates: { shown: ZoneRates | null; current: ZoneRates | null; selected: ZoneRates | null }
  /** zone number of the grid selected on the map or in the table (of the zoning drawn) */
  selectedZone: number | null
  form: { k: number; nesting: Nesting; name: string }
  creating: { fraction: number | null; phase: string } | null
  createError: string | null
}

export interface ZonesActions {
  select(id: number): void
  setBefore(before: boolean): void
  setForm(patch: Partial<ZonesModel['form']>): void
  create(): void
  cancelCreate(): void
  selectZone(zone: number | null): void
}

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

const SVG_NS = 'http://www.w3.org/2000/svg'
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG_NS, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  if (text !== undefined) el.textContent = text
  return el
}

/**
 * Bars of workload per zone (sorted, heaviest first) for each side, on one shared scale, with a
 * dashed line at each side's mean; bars coloured by balance class as on the map.
 */
export function workloadChart(sides: Array<{ label: string; values: readonly number[]; mean: number }>, title: string, lang: Lang): SVGElement {
  const W = 320, rowH = 64, gap = 18, left = 4, top = 4
  const H = top + sides.length * (rowH + gap)
  const max = Math.max(1e-9, ...sides.flatMap((s) => s.values))
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', class: 'zone-chart', 'aria-label': title })
  root.append(svg('title', {}, title))
  sides.forEach((s, r) => {
    const y0 = top + r * (rowH + gap)
    root.append(svg('text', { x: left, y: y0 + 10, class: 'chart-label' }, `${s.label} · ${t('zones.chartMean', { n: formatNumber(Math.round(s.mean * 10) / 10, lang) }, lang)}`))
    const n = Math.max(1, s.values.length)
    const bw = (W - left * 2) / n
    const base = y0 + rowH
    const sorted = [...s.values].sort((a, b) => b - a)
    sorted.forEach((v, i) => {
      const hgt = Math.max(0.5, (v / max) * (rowH - 16))
      const k = balanceClass(s.mean > 0 ? v / s.mean : null)
      root.append(svg('rect', { x: left + i * bw + 0.5, y: base - hgt, width: Math.max(0.6, bw - 1), height: hgt, fill: k < 0 ? '#bbb' : rgbaCss(BALANCE_COLORS[k]), stroke: 'rgba(40,48,60,0.5)', 'stroke-width': 0.4 }))
    })
    const my = base - (s.mean / max) * (rowH - 16)
    root.append(svg('line', { x1: left, x2: W - left, y1: my, y2: my, stroke: '#222', 'stroke-dasharray': '4 3', 'stroke-width': 1 }))
    root.append(svg('line', { x1: left, x2: W - left, y1: base, y2: base, stroke: '#889', 'stroke-width': 0.8 }))
  })
  return root
}

export class ZonesPanel {
  readonly el: HTMLElement
  private readonly list = h('ul', { class: 'layout-list zoning-list' })
  private readonly toggleBox = h('div', {})
  private readonly compareBody = h('div', {})
  private readonly gridsBody = h('div', {})
  /** the grid whose row was last scrolled into view (only a new selection scrolls the table) */
  private scrolledTo: number | null = null
  private readonly exportsBody = h('div', {})
  private readonly kInput = h('input', { type: 'number', class: 'input input-narrow', min: 1, max: 999, step: 1 })
  private readonly nestingInputs = {} as Record<Nesting, HTMLInputElement>
  private readonly nameInput = h('input', { type: 'text', class: 'input', maxlength: 200 })
  private readonly createBtn = h('button', { type: 'submit', class: 'btn btn-primary' })
  private readonly job: JobProgress

  constructor(private readonly actions: ZonesActions) {
    const lang = getLang()
    const field = (label: string, control: HTMLElement) => {
      const id = uid('f')
      control.id = id
      return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), control)
    }
    this.kInput.addEventListener('change', () => {
      const k = Math.round(Number(this.kInput.value))
      if (k >= 1) this.actions.setForm({ k })
    })
    this.nameInput.addEventListener('input', () => this.actions.setForm({ name: this.nameInput.value }))
    this.nameInput.placeholder = t('zones.namePlaceholder')
    const nestName = uid('nest')
    for (const n of NESTINGS) this.nestingInputs[n] = h('input', { type: 'radio', name: nestName, value: n, onchange: () => this.actions.setForm({ nesting: n }) })
    this.createBtn.textContent = t('zones.create')
    this.job = new JobProgress(() => this.actions.cancelCreate())
    const form = h(
      'form',
      { class: 'create-form', onsubmit: (e: Event) => { e.preventDefault(); this.actions.create() } },
      field(t('zones.k'), this.kInput),
      h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('zones.nesting')), h('div', { class: 'segmented segmented-wide' }, ...NESTINGS.map((n) => h('label', {}, this.nestingInputs[n], h('span', {}, t(`zones.nesting.${n}` as MessageKey)))))),
      field(t('zones.name'), this.nameInput),
      h('p', { class: 'note' }, t('zones.formNote')),
      h('div', { class: 'form-actions' }, this.createBtn),
      this.job.el,
      this.job.error,
    )
    this.el = h(
      'div',
      { class: 'panel-body zones', lang: lang === 'zh' ? 'zh-CN' : 'en' },
      section(t('zones.listTitle'), this.list, this.toggleBox),
      section(t('zones.compareTitle'), this.compareBody),
      section(t('zones.gridsTitle'), this.gridsBody),
      section(t('zones.exportTitle'), this.exportsBody),
      section(t('zones.createTitle'), form),
    )
  }

  update(m: ZonesModel): void {
    const lang = getLang()
    this.renderList(m, lang)
    this.renderToggle(m)
    this.renderCompare(m, lang)
    this.renderGrids(m, lang)
    const z = m.shown
    setChildren(
      this.exportsBody,
      z
        ? h(
            'div',
            { class: 'row-actions export-links' },
            ...(['html', 'geojson', 'shapefile', 'csv'] as const).map((k) =>
              h('a', { class: 'btn btn-small', href: zoningLinks(z.id)[k], ...(k === 'html' ? { target: '_blank', rel: 'noopener' } : { download: '' }) }, t(`zones.export.${k}` as MessageKey)),
            ),
          )
        : h('p', { class: 'muted' }, '—'),
    )
    if (document.activeElement !== this.kInput) this.kInput.value = String(m.form.k)
    this.nestingInputs[m.form.nesting].checked = true
    const busy = !!m.creating
    this.createBtn.disabled = busy || !(m.form.k >= 1) || !m.current
    this.job.update(m.creating, m.createError)
  }

  private renderList(m: ZonesModel, lang: Lang): void {
    if (!m.zonings) return setChildren(this.list, h('li', { class: 'muted' }, t('loading.generic')))
    const items = m.zonings.filter((z) => !m.current || z.layout_id === m.current.layout_id)
    if (!items.length) return setChildren(this.list, h('li', { class: 'empty' }, t('zones.noZonings')))
    setChildren(
      this.list,
      ...[...items].reverse().map((z) => {
        const shown = z.id === m.selected?.id
        const cv = z.figures?.cv
        const cvText = cv == null ? '' : ` · CV ${cv > 0 && cv < 0.001 ? '< 0.001' : formatNumber(Math.round(cv * 1000) / 1000, lang)}`
        return h(
          'li',
          { class: `layout-item${shown ? ' shown' : ''}`, 'data-zoning': z.id },
          h(
            'button',
            { type: 'button', class: 'layout-btn', 'aria-pressed': String(shown), onclick: () => this.actions.select(z.id) },
            h('span', { class: 'layout-name' }, z.name, h('span', { class: `tag ${z.kind === 'current' ? 'tag-a' : 'tag-b'}` }, t(z.kind === 'current' ? 'zones.kind.current' : 'zones.kind.proposal'))),
            h('span', { class: 'layout-meta' }, `${t('zones.kN', { n: z.k })}${cvText} · ${z.created_at.slice(0, 10)}`),
          ),
        )
      }),
    )
  }

  private renderToggle(m: ZonesModel): void {
    if (!m.selected || m.selected.kind !== 'proposal' || !m.current) {
      setChildren(this.toggleBox)
      return
    }
    const name = uid('ba')
    const opt = (before: boolean, label: string) =>
      h('label', {}, h('input', { type: 'radio', name, value: before ? 'before' : 'after', checked: m.state.before === before, onchange: () => this.actions.setBefore(before) }), h('span', {}, label))
    const id = uid('ba-label')
    setChildren(this.toggleBox, h('div', { class: 'field before-after' }, h('span', { class: 'field-label', id }, t('zones.beforeAfter')), h('div', { class: 'segmented segmented-wide', role: 'radiogroup', 'aria-labelledby': id }, opt(true, t('zones.before')), opt(false, t('zones.after')))))
  }

  private renderCompare(m: ZonesModel, lang: Lang): void {
    const c = m.comparison
    if (!m.selected || m.selected.kind !== 'proposal') {
      const zs = m.zones?.features.map((f) => f.properties.workload) ?? []
      if (!zs.length) return setChildren(this.compareBody, h('p', { class: 'note' }, m.zonings && !m.zonings.length ? t('zones.noZonings') : t('zones.pickProposal')))
      const mean = zs.reduce((a, b) => a + b, 0) / zs.length
      return setChildren(this.compareBody, h('p', { class: 'note' }, t('zones.pickProposal')), workloadChart([{ label: m.shown?.name ?? '', values: zs, mean }], t('zones.chartTitle'), lang))
    }
    if (!c) return setChildren(this.compareBody, h('p', { class: 'muted' }, m.current ? t('zones.loadingCompare') : t('zones.noCurrent')))
    const num = (v: number | null | undefined, d = 3) => (v == null ? '—' : formatNumber(Math.round(v * 10 ** d) / 10 ** d, lang))
    const rows: Array<[string, string, string]> = [
      [t('zones.stat.k'), num(c.a.k, 0), num(c.b.k, 0)],
      [t('zones.stat.cv'), num(c.a.cv), num(c.b.cv)],
      [t('zones.stat.maxMin'), num(c.a.max_over_min, 2), num(c.b.max_over_min, 2)],
      [t('zones.stat.compact'), num(c.a.mean_compactness), num(c.b.mean_compactness)],
      [t('zones.stat.contiguous'), `${c.a.contiguous_zones} / ${c.a.k}`, `${c.b.contiguous_zones} / ${c.b.k}`],
      [t('zones.stat.clustersSplit'), num(c.a.clusters_split, 0), num(c.b.clusters_split, 0)],
      [t('zones.stat.rateClosed'), formatRateRange(rateRange(m.rates.current, 'rate_closed'), lang), formatRateRange(rateRange(m.rates.selected, 'rate_closed'), lang)],
      [t('zones.stat.rateOnTime'), formatRateRange(rateRange(m.rates.current, 'rate_on_time'), lang), formatRateRange(rateRange(m.rates.selected, 'rate_on_time'), lang)],
    ]
    setChildren(
      this.compareBody,
      h(
        'table',
        { class: 'data-table compare-table' },
        h('caption', { class: 'sr-only' }, t('zones.compareTitle')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, t('zones.before')), h('th', { scope: 'col', class: 'num' }, t('zones.after')))),
        h('tbody', {}, ...rows.map(([k, a, b]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, a), h('td', { class: 'num' }, b)))),
      ),
      h('p', { class: 'stat-line' }, t('zones.cellsMoved', { n: formatNumber(c.cells_moved, lang), total: formatNumber(c.cells_compared, lang), pct: c.cells_compared ? formatPercent(c.cells_moved / c.cells_compared, lang) : '—' })),
      workloadChart([{ label: t('zones.before'), values: c.chart.a, mean: c.chart.mean_a }, { label: t('zones.after'), values: c.chart.b, mean: c.chart.mean_b }], t('zones.chartTitle'), lang),
      h('p', { class: 'note' }, t('zones.chartNote')),
    )
  }

  /** The grid selected on the map in detail, then every grid of the zoning drawn with its cases and rates. */
  private renderGrids(m: ZonesModel, lang: Lang): void {
    const features = m.zones?.features ?? []
    if (!features.length) return setChildren(this.gridsBody, h('p', { class: 'muted' }, m.shown ? t('loading.generic') : '—'))
    const rates = m.rates.shown
    const picked = m.selectedZone === null ? undefined : features.find((f) => f.properties.zone === m.selectedZone)?.properties
    let selectedRow: HTMLElement | null = null
    const rows = zoneRateLines(features.map((f) => f.properties), rates, lang).map((l) => {
      const on = l.zone === m.selectedZone
      const tr = h(
        'tr',
        {
          class: on ? 'selected' : '', 'data-zone': l.zone, tabindex: 0, 'aria-selected': String(on), title: t('zones.gridRowTitle'),
          onclick: () => this.actions.selectZone(on ? null : l.zone),
          onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && this.actions.selectZone(on ? null : l.zone),
        },
        h('th', { scope: 'row', class: 'mono' }, l.code),
        h('td', { class: 'num' }, l.cases),
        h('td', { class: 'num' }, l.rateClosed),
        h('td', { class: 'num' }, l.rateOnTime),
      )
      if (on) selectedRow = tr
      return tr
    })
    setChildren(
      this.gridsBody,
      picked ? this.gridDetail(picked, rates, lang) : h('p', { class: 'note' }, t('zones.gridsHint')),
      h(
        'div',
        { class: 'zone-grids-wrap' },
        h(
          'table',
          { class: 'data-table zone-grids' },
          h('caption', { class: 'sr-only' }, t('zones.gridsTitle')),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('zones.col.grid')), h('th', { scope: 'col', class: 'num' }, t('zones.tip.cases')), h('th', { scope: 'col', class: 'num' }, t('kpi.rateClosed')), h('th', { scope: 'col', class: 'num' }, t('kpi.rateOnTime')))),
          h('tbody', {}, ...rows),
        ),
      ),
      h('p', { class: 'note' }, t('zones.ratesNote')),
    )
    if (m.selectedZone !== this.scrolledTo) {
      this.scrolledTo = m.selectedZone
      ;(selectedRow as HTMLElement | null)?.scrollIntoView?.({ block: 'nearest' })
    }
  }

  private gridDetail(p: ZoneProps, rates: ZoneRates | null, lang: Lang): HTMLElement {
    const r = rates?.get(p.zone)
    const pending = rates ? '—' : '…'
    const items: Array<[string, string]> = [
      [t('zones.tip.worker'), p.worker_id ?? '—'],
      [t('zones.tip.community'), p.comm_name ?? p.community ?? '—'],
      [t('zones.tip.cells'), formatNumber(p.cells, lang)],
      [t('zones.tip.cases'), formatNumber(p.cases, lang)],
      [t('zones.tip.workload'), formatNumber(Math.round(p.workload * 10) / 10, lang)],
      [t('zones.due'), r ? formatNumber(r.due, lang) : pending],
      [t('kpi.rateClosed'), r ? formatRate(r.rate_closed, lang) : pending],
      [t('kpi.rateOnTime'), r ? formatRate(r.rate_on_time, lang) : pending],
    ]
    const title = p.name_zh && lang === 'zh' ? `${p.name_zh} (${p.code})` : t('zones.tip.title', { code: p.code })
    return h(
      'div',
      { class: 'zone-detail', 'data-zone': p.zone },
      h('h3', { class: 'zone-detail-title' }, title, h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': t('zones.clearGrid'), onclick: () => this.actions.selectZone(null) }, '×')),
      h('dl', { class: 'stat-grid' }, ...items.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    )
  }
}
