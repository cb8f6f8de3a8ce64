/**
 * The planner view's side panel (网格规划): the layouts with their statistics, the form that
 * builds a new one (kind, scope, cell size) with a progress bar, the comparison of two layouts
 * and the selected cell. Built once per language; `update` refreshes values without rebuilding
 * the form, so typing and focus survive progress reports.
 */
import type { CellStatsRow } from '../api/analyses'
import type { Layout, LayoutComparison, LayoutKind } from '../api/layouts'
import type { DistrictFeature } from '../api/types'
import { formatNumber, formatPercent, getLang, t, type MessageKey } from '../i18n'
import { localName } from '../state/categories'
import type { UrlState } from '../state/url-state'
import { h, setChildren, uid } from '../ui/dom'
import { JobProgress } from '../ui/job-progress'
import type { CreateForm } from '../views/planner-view'

/** Nominal cell areas offered for square and street cells, m² (10,000 m² is the national norm). */
export const CELL_AREAS = [2_500, 5_000, 10_000, 20_000, 40_000] as const
/** H3 resolutions offered, with their mean cell area in m² (H3's published averages). */
export const H3_RESOLUTIONS: ReadonlyArray<[number, number]> = [[9, 105_333], [10, 15_048], [11, 2_150], [12, 307]]

export interface PlannerModel {
  state: UrlState
  layouts: Layout[] | null
  layoutId: number | null
  compareId: number | null
  loading: boolean
  /** cell-stats summary of the shown layout (all dates) */
  summary: Record<string, unknown> | null
  cellCount: number | null
  comparison: LayoutComparison | null
  scopes: DistrictFeature[]
  form: CreateForm
  creating: { fraction: number | null; phase: string } | null
  createError: string | null
  selected: { cell: number; code: string; community: string | null; areaM2: number; stats: CellStatsRow | null } | null
  /** name of a minor category code in the interface language */
  categoryName(code: string): string
}

export interface PlannerActions {
  selectLayout(id: number): void
  compareWith(id: number): void
  stopCompare(): void
  setForm(patch: Partial<CreateForm>): void
  create(): void
  cancelCreate(): void
  clearCell(): void
  zoomToCell(cell: number): void
}

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

const KINDS: LayoutKind[] = ['square', 'h3', 'street']

/** "12,345 m²" or "1.2 km²" for an area in m². */
export function formatArea(m2: number, lang = getLang()): string {
  if (!Number.isFinite(m2)) return '—'
  if (m2 >= 1_000_000) return t('planner.km2', { n: formatNumber(Math.round(m2 / 10_000) / 100, lang) }, lang)
  // a clipped edge cell can be a sliver of under a square metre: never print it as 0 m²
  const n = m2 >= 10 || m2 === 0 ? Math.round(m2) : Number(m2.toPrecision(2))
  return t('hotspots.areaM2', { n: formatNumber(n, lang) }, lang)
}

export class PlannerPanel {
  readonly el: HTMLElement
  private readonly list = h('ul', { class: 'layout-list' })
  private readonly stats = h('div', { class: 'layout-stats' })
  private readonly compareBox: HTMLElement
  private readonly compareBody = h('div', {})
  private readonly cellBox: HTMLElement
  private readonly cellBody = h('div', {})
  private readonly kindInputs = {} as Record<LayoutKind, HTMLInputElement>
  private readonly scopeSelect = h('select', { class: 'select select-wide' })
  private readonly areaSelect = h('select', { class: 'select' })
  private readonly resSelect = h('select', { class: 'select' })
  private readonly areaRow: HTMLElement
  private readonly resRow: HTMLElement
  private readonly nameInput = h('input', { type: 'text', class: 'input', maxlength: 200 })
  private readonly createBtn = h('button', { type: 'submit', class: 'btn btn-primary' })
  private readonly job: JobProgress
  private scopesKey = ''

  constructor(private readonly actions: PlannerActions) {
    const lang = getLang()
    const kindName = uid('kind')
    for (const k of KINDS) this.kindInputs[k] = h('input', { type: 'radio', name: kindName, value: k, onchange: () => this.actions.setForm({ kind: k }) })
    for (const a of CELL_AREAS) this.areaSelect.append(h('option', { value: String(a) }, t('planner.areaOption', { n: formatNumber(a, lang), side: String(Math.round(Math.sqrt(a))) })))
    for (const [r, a] of H3_RESOLUTIONS) this.resSelect.append(h('option', { value: String(r) }, t('planner.resOption', { r: String(r), n: formatNumber(a, lang) })))
    this.areaSelect.addEventListener('change', () => this.actions.setForm({ area: Number(this.areaSelect.value) }))
    this.resSelect.addEventListener('change', () => this.actions.setForm({ resolution: Number(this.resSelect.value) }))
    this.scopeSelect.addEventListener('change', () => this.actions.setForm({ scope: Number(this.scopeSelect.value) }))
    this.nameInput.addEventListener('input', () => this.actions.setForm({ name: this.nameInput.value }))
    this.nameInput.placeholder = t('planner.namePlaceholder')
    this.createBtn.textContent = t('planner.create')
    this.job = new JobProgress(() => this.actions.cancelCreate())

    const field = (label: string, control: HTMLElement) => {
      const id = uid('f')
      control.id = id
      return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), control)
    }
    this.areaRow = field(t('planner.area'), this.areaSelect)
    this.resRow = field(t('planner.resolution'), this.resSelect)
    const form = h(
      'form',
      { class: 'create-form', onsubmit: (e: Event) => { e.preventDefault(); this.actions.create() } },
      h('fieldset', { class: 'segmented segmented-wide' }, h('legend', { class: 'sr-only' }, t('planner.kind')), ...KINDS.map((k) => h('label', {}, this.kindInputs[k], h('span', {}, t(`planner.kind.${k}` as MessageKey))))),
      h('p', { class: 'note kind-note' }),
      field(t('planner.scope'), this.scopeSelect),
      this.areaRow,
      this.resRow,
      field(t('planner.name'), this.nameInput),
      h('div', { class: 'form-actions' }, this.createBtn),
      this.job.el,
      this.job.error,
    )

    this.compareBox = section(t('planner.compareTitle'), this.compareBody)
    this.cellBox = section(t('planner.cellTitle'), this.cellBody)
    this.el = h(
      'div',
      { class: 'panel-body planner', lang: lang === 'zh' ? 'zh-CN' : 'en' },
      section(t('planner.layoutsTitle'), this.list, this.stats),
      this.cellBox,
      this.compareBox,
      section(t('planner.createTitle'), form),
    )
  }

  update(m: PlannerModel): void {
    const lang = getLang()
    this.renderList(m, lang)
    this.renderStats(m, lang)
    this.renderCompare(m, lang)
    this.renderCell(m, lang)
    // form
    this.kindInputs[m.form.kind].checked = true
    const note = this.el.querySelector('.kind-note')
    if (note) note.textContent = t(`planner.kindNote.${m.form.kind}` as MessageKey)
    this.areaRow.hidden = m.form.kind === 'h3'
    this.resRow.hidden = m.form.kind !== 'h3'
    this.areaSelect.value = String(m.form.area)
    this.resSelect.value = String(m.form.resolution)
    const sk = m.scopes.map((f) => f.properties.id).join(',')
    if (sk !== this.scopesKey) {
      this.scopesKey = sk
      const group = (level: string, label: MessageKey) => {
        const items = m.scopes.filter((f) => f.properties.level === level)
        return items.length ? h('optgroup', { label: t(label) }, ...items.map((f) => h('option', { value: String(f.properties.id) }, localName(f.properties, lang)))) : null
      }
      setChildren(this.scopeSelect, group('district', 'planner.scopeDistrict'), group('street', 'planner.scopeStreet'), group('community', 'planner.scopeCommunity'))
    }
    if (m.form.scope !== null) this.scopeSelect.value = String(m.form.scope)
    const busy = !!m.creating
    this.createBtn.disabled = busy || m.form.scope === null
    this.job.update(m.creating, m.createError)
  }

  private renderList(m: PlannerModel, lang: 'zh' | 'en'): void {
    if (!m.layouts) {
      setChildren(this.list, h('li', { class: 'muted' }, t('loading.generic')))
      return
    }
    if (!m.layouts.length) {
      setChildren(this.list, h('li', { class: 'empty' }, t('planner.noLayouts')))
      return
    }
    setChildren(
      this.list,
      ...m.layouts.map((l) => {
        const shown = l.id === m.layoutId
        const compared = l.id === m.compareId
        const median = l.stats?.area?.median_m2
        return h(
          'li',
          { class: `layout-item${shown ? ' shown' : ''}${compared ? ' compared' : ''}`, 'data-layout': l.id },
          h(
            'button',
            { type: 'button', class: 'layout-btn', 'aria-pressed': String(shown), disabled: l.status !== 'ready', onclick: () => this.actions.selectLayout(l.id) },
            h('span', { class: 'layout-name' }, l.name, shown ? h('span', { class: 'tag tag-a' }, m.compareId !== null ? t('planner.left') : t('planner.shown')) : null, compared ? h('span', { class: 'tag tag-b' }, t('planner.right')) : null),
            h('span', { class: 'layout-meta' }, `${t(`planner.kind.${l.kind}` as MessageKey)} · ${t('planner.cellsN', { n: l.cell_count })}${median ? ` · ${t('planner.medianArea', { a: formatArea(median, lang) })}` : ''} · ${l.created_at.slice(0, 10)}`),
          ),
          !shown && l.status === 'ready'
            ? h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': String(compared), title: t('planner.compareHint'), onclick: () => (compared ? this.actions.stopCompare() : this.actions.compareWith(l.id)) }, compared ? t('planner.stopCompare') : t('planner.compare'))
            : null,
        )
      }),
    )
  }

  private renderStats(m: PlannerModel, lang: 'zh' | 'en'): void {
    const l = m.layouts?.find((x) => x.id === m.layoutId)
    if (!l) {
      setChildren(this.stats)
      return
    }
    const a = l.stats?.area
    const sum = m.summary
    const cells = Number(sum?.units ?? l.cell_count)
    const cases = Number(sum?.cases ?? NaN)
    const rows: Array<[string, string]> = [
      [t('planner.stat.cells'), formatNumber(l.cell_count, lang)],
      [t('planner.stat.median'), a ? formatArea(a.median_m2, lang) : '—'],
      [t('planner.stat.range'), a ? `${formatArea(a.min_m2, lang)} – ${formatArea(a.max_m2, lang)}` : '—'],
      [t('planner.stat.within30'), a?.share_within_30pct != null ? formatPercent(a.share_within_30pct, lang) : '—'],
      [t('planner.stat.cases'), Number.isFinite(cases) ? formatNumber(cases, lang) : m.loading ? '…' : '—'],
      [t('planner.stat.meanCases'), Number.isFinite(cases) && cells ? formatNumber(Math.round((cases / cells) * 100) / 100, lang) : '—'],
    ]
    setChildren(this.stats, h('dl', { class: 'stat-grid' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])), h('p', { class: 'note' }, t('planner.workloadNote')))
  }

  private renderCompare(m: PlannerModel, lang: 'zh' | 'en'): void {
    this.compareBox.hidden = m.compareId === null
    if (m.compareId === null) return
    const c = m.comparison
    if (!c) {
      setChildren(this.compareBody, h('p', { class: 'muted' }, t('planner.loadingCompare')))
      return
    }
    const pct = (v: number | null | undefined) => (v == null ? '—' : formatPercent(v, lang))
    const num = (v: number | null | undefined) => (v == null ? '—' : formatNumber(Math.round(v * 100) / 100, lang))
    const rows: Array<[string, string, string]> = [
      [t('planner.stat.cells'), formatNumber(c.a.cell_count, lang), formatNumber(c.b.cell_count, lang)],
      [t('planner.stat.median'), formatArea(c.a.area?.median_m2 ?? NaN, lang), formatArea(c.b.area?.median_m2 ?? NaN, lang)],
      [t('planner.stat.within30'), pct(c.a.area?.share_within_30pct), pct(c.b.area?.share_within_30pct)],
      [t('planner.stat.meanCases'), num(c.a.cases_per_cell.mean), num(c.b.cases_per_cell.mean)],
      [t('planner.stat.p90'), num(c.a.cases_per_cell.p90), num(c.b.cases_per_cell.p90)],
      [t('planner.stat.max'), num(c.a.cases_per_cell.max), num(c.b.cases_per_cell.max)],
      [t('planner.stat.empty'), pct(c.a.cases_per_cell.empty_share), pct(c.b.cases_per_cell.empty_share)],
      [t('planner.stat.top10'), pct(c.a.cases_per_cell.top10_share), pct(c.b.cases_per_cell.top10_share)],
    ]
    setChildren(
      this.compareBody,
      h(
        'table',
        { class: 'data-table compare-table' },
        h('caption', { class: 'sr-only' }, t('planner.compareTitle')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, h('span', { class: 'tag tag-a' }, t('planner.left')), ' ', c.a.name), h('th', { scope: 'col', class: 'num' }, h('span', { class: 'tag tag-b' }, t('planner.right')), ' ', c.b.name))),
        h('tbody', {}, ...rows.map(([k, a, b]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, a), h('td', { class: 'num' }, b)))),
      ),
      h('p', { class: 'note' }, t('planner.compareNote')),
    )
  }

  private renderCell(m: PlannerModel, lang: 'zh' | 'en'): void {
    this.cellBox.hidden = !m.selected
    if (!m.selected) return
    const c = m.selected
    const st = c.stats
    const rows: Array<[string, string]> = [
      [t('hotspots.col.code'), c.code],
      [t('tooltip.community'), c.community ?? t('tooltip.unknown')],
      [t('tooltip.area'), formatArea(c.areaM2, lang)],
      [t('planner.workload'), t('hotspots.casesValue', { n: st?.cases ?? 0 })],
    ]
    if (st) {
      rows.push([t('kpi.rateClosed'), st.rate_closed === null ? t('legend.noDue') : `${formatPercent(st.rate_closed, lang)} (${st.closed}/${st.due})`])
      rows.push([t('kpi.rateOnTime'), st.rate_on_time === null ? t('legend.noDue') : `${formatPercent(st.rate_on_time, lang)} (${st.closed_on_time}/${st.due})`])
    }
    const cats = st ? Object.entries(st).filter(([k, v]) => k.startsWith('n_') && typeof v === 'number' && v > 0).sort((a, b) => (b[1] as number) - (a[1] as number)).slice(0, 5) : []
    setChildren(
      this.cellBody,
      h('dl', { class: 'stat-grid' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: k === t('hotspots.col.code') ? 'mono' : '' }, v)])),
      cats.length ? h('p', { class: 'note' }, t('planner.topCategories', { list: cats.map(([k, v]) => `${m.categoryName(k.slice(2))} ${v}`).join(lang === 'zh' ? '、' : ', ') })) : null,
      h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.actions.zoomToCell(c.cell) }, t('planner.zoomCell')), h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => this.actions.clearCell() }, t('planner.clearCell'))),
    )
  }
}
