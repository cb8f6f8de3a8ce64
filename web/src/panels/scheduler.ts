/**
 * The scheduler view's side panel (巡查调度): the day and worker, how coverage is coloured, the
 * day's 见巡率 (share of cells visited) per grid and per worker, the route plans of the day with
 * the selected worker's numbered stops and export links, and the form that plans a day (with a
 * progress bar). Built once per language; `update` refreshes values without rebuilding the form.
 */
import { planLinks, type Coverage, type Plan, type PlanSummary, type TrackDay, type Worker } from '../api/patrol'
import { formatNumber, formatPercent, getLang, t, type Lang } from '../i18n'
import { numberedStops } from '../layers/patrol-layer'
import { COVERAGE_METRICS, MAX_UNVISITED_DAYS, type UrlState } from '../state/url-state'
import { h, setChildren, uid } from '../ui/dom'
import { JobProgress } from '../ui/job-progress'

export interface SchedulerModel {
  state: UrlState
  day: string | null
  days: TrackDay[] | null
  workers: Worker[] | null
  /** coverage of the day (one entry per cell) */
  coverage: Coverage | null
  /** coverage of the N days up to the day (cells not visited) */
  window: Coverage | null
  loading: boolean
  /** trips drawn (after the worker filter) */
  trips: number | null
  plans: PlanSummary[] | null
  plan: Plan | null
  form: { day: string; workers: string[] | null }
  creating: { fraction: number | null; phase: string } | null
  createError: string | null
}

export interface SchedulerActions {
  setDay(day: string): void
  setWorker(code: string | null): void
  setMetric(m: UrlState['coverage']): void
  setUnvisited(n: number): void
  selectPlan(id: number | null): void
  setForm(patch: Partial<SchedulerModel['form']>): void
  create(): void
  cancelCreate(): void
}

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

/** A worker's display name: "张三 (W03)" in Chinese, the English name or the code in English. */
export function workerLabel(w: Pick<Worker, 'code' | 'name_zh' | 'name_en'> | undefined, code: string, lang: Lang = getLang()): string {
  if (!w) return code
  const name = lang === 'en' ? (w.name_en ?? w.name_zh) : (w.name_zh ?? w.name_en)
  return name ? `${name} (${code})` : code
}

const pct = (v: number | null | undefined, lang: Lang) => (v == null ? '—' : formatPercent(v, lang))

export class SchedulerPanel {
  readonly el: HTMLElement
  private readonly daySelect = h('select', { class: 'select' })
  private readonly workerSelect = h('select', { class: 'select select-wide' })
  private readonly metricInputs: Record<string, HTMLInputElement> = {}
  private readonly nvdInput = h('input', { type: 'number', class: 'input input-narrow', min: 1, max: MAX_UNVISITED_DAYS, step: 1 })
  private readonly summary = h('div', {})
  private readonly grids = h('div', {})
  private readonly workersBox = h('div', {})
  private readonly planBody = h('div', {})
  private readonly formDay = h('input', { type: 'date', class: 'input' })
  private readonly formWorkers = h('div', { class: 'check-list' })
  private readonly createBtn = h('button', { type: 'submit', class: 'btn btn-primary' })
  private readonly job: JobProgress
  private daysKey = ''
  private workersKey = ''

  constructor(private readonly actions: SchedulerActions) {
    const lang = getLang()
    const field = (label: string, control: HTMLElement) => {
      const id = uid('f')
      control.id = id
      return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), control)
    }
    this.daySelect.addEventListener('change', () => this.actions.setDay(this.daySelect.value))
    this.workerSelect.addEventListener('change', () => this.actions.setWorker(this.workerSelect.value || null))
    this.nvdInput.addEventListener('change', () => {
      const n = Math.round(Number(this.nvdInput.value))
      if (n >= 1 && n <= MAX_UNVISITED_DAYS) this.actions.setUnvisited(n)
    })
    const metricName = uid('cov')
    const metrics = h('fieldset', { class: 'segmented' }, h('legend', { class: 'sr-only' }, t('sched.colourBy')))
    for (const m of COVERAGE_METRICS) {
      this.metricInputs[m] = h('input', { type: 'radio', name: metricName, value: m, onchange: () => this.actions.setMetric(m) })
      metrics.append(h('label', {}, this.metricInputs[m], h('span', {}, t(m === 'passes' ? 'sched.metric.passes' : 'sched.metric.dwell'))))
    }
    this.formDay.addEventListener('change', () => this.actions.setForm({ day: this.formDay.value }))
    this.createBtn.textContent = t('sched.create')
    this.job = new JobProgress(() => this.actions.cancelCreate())
    const form = h(
      'form',
      { class: 'create-form', onsubmit: (e: Event) => { e.preventDefault(); this.actions.create() } },
      field(t('sched.formDay'), this.formDay),
      h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('sched.formWorkers')), this.formWorkers),
      h('p', { class: 'note' }, t('sched.formNote')),
      h('div', { class: 'form-actions' }, this.createBtn),
      this.job.el,
      this.job.error,
    )
    this.el = h(
      'div',
      { class: 'panel-body scheduler', lang: lang === 'zh' ? 'zh-CN' : 'en' },
      section(
        t('sched.title'),
        h('div', { class: 'field-row' }, field(t('sched.day'), this.daySelect), field(t('sched.unvisitedDays'), this.nvdInput)),
        field(t('sched.worker'), this.workerSelect),
        h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('sched.colourBy')), metrics),
        this.summary,
      ),
      section(t('sched.planTitle'), this.planBody),
      section(t('sched.byWorker'), this.workersBox),
      section(t('sched.byGrid'), this.grids),
      section(t('sched.createTitle'), form),
    )
  }

  update(m: SchedulerModel): void {
    const lang = getLang()
    const s = m.state
    // day picker: the days with tracks (newest first)
    const dk = (m.days ?? []).map((d) => d.day).join(',')
    if (dk !== this.daysKey) {
      this.daysKey = dk
      setChildren(this.daySelect, ...[...(m.days ?? [])].reverse().map((d) => h('option', { value: d.day }, t('sched.dayOption', { day: d.day, n: d.workers }))))
    }
    if (m.day && ![...this.daySelect.options].some((o) => o.value === m.day)) this.daySelect.append(h('option', { value: m.day }, m.day))
    if (m.day) this.daySelect.value = m.day
    const wk = (m.workers ?? []).map((w) => w.code).join(',') + lang
    if (wk !== this.workersKey) {
      this.workersKey = wk
      setChildren(this.workerSelect, h('option', { value: '' }, t('sched.allWorkers')), ...(m.workers ?? []).map((w) => h('option', { value: w.code }, workerLabel(w, w.code, lang))))
      setChildren(
        this.formWorkers,
        ...(m.workers ?? []).map((w) =>
          h('label', { class: 'check' }, h('input', { type: 'checkbox', value: w.code, 'data-worker': w.code, onchange: () => this.actions.setForm({ workers: this.checkedWorkers() }) }), h('span', {}, workerLabel(w, w.code, lang))),
        ),
      )
    }
    this.workerSelect.value = s.worker ?? ''
    this.metricInputs[s.coverage].checked = true
    if (document.activeElement !== this.nvdInput) this.nvdInput.value = String(s.unvisited)
    this.renderSummary(m, lang)
    this.renderWorkers(m, lang)
    this.renderGrids(m, lang)
    this.renderPlan(m, lang)
    // form
    if (document.activeElement !== this.formDay) this.formDay.value = m.form.day
    for (const box of this.formWorkers.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = m.form.workers === null || m.form.workers.includes(box.value)
    const busy = !!m.creating
    this.createBtn.disabled = busy || !m.form.day || (m.form.workers !== null && m.form.workers.length === 0)
    this.job.update(m.creating, m.createError)
  }

  private checkedWorkers(): string[] | null {
    const boxes = [...this.formWorkers.querySelectorAll<HTMLInputElement>('input[type=checkbox]')]
    const on = boxes.filter((b) => b.checked).map((b) => b.value)
    return on.length === boxes.length ? null : on
  }

  private renderSummary(m: SchedulerModel, lang: Lang): void {
    const c = m.coverage
    if (!c) {
      setChildren(this.summary, h('p', { class: 'muted' }, m.loading ? t('sched.loadingCoverage') : m.days && !m.days.length ? t('sched.noTracks') : ''))
      return
    }
    const d = c.by_day[0]
    const rows: Array<[string, string]> = [
      [t('sched.rate'), d ? `${pct(d.rate, lang)} (${formatNumber(d.visited, lang)} / ${formatNumber(d.cells, lang)})` : '—'],
      [t('sched.passes'), d ? formatNumber(d.passes, lang) : '—'],
      [t('sched.dwell'), d ? t('sched.minutes', { n: formatNumber(Math.round(d.dwell_minutes), lang) }) : '—'],
      [t('sched.streetShare'), pct(d?.street_share, lang)],
      [t('sched.trips'), `${formatNumber(c.trips, lang)} · ${t('sched.workersN', { n: c.workers })}`],
      [t('sched.notVisited', { n: m.state.unvisited }), m.window ? formatNumber(m.window.not_visited.cells.length, lang) : m.loading ? '…' : '—'],
    ]
    setChildren(this.summary, h('dl', { class: 'stat-grid' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])), h('p', { class: 'note' }, t('sched.rateNote')))
  }

  private renderWorkers(m: SchedulerModel, lang: Lang): void {
    const c = m.coverage
    if (!c) return setChildren(this.workersBox, h('p', { class: 'muted' }, '—'))
    if (!c.by_worker.length) return setChildren(this.workersBox, h('p', { class: 'empty' }, t('sched.noTrips')))
    const byCode = new Map((m.workers ?? []).map((w) => [w.code, w]))
    const rows = [...c.by_worker].sort((a, b) => (a.days[0]?.own_rate ?? 2) - (b.days[0]?.own_rate ?? 2))
    setChildren(
      this.workersBox,
      h(
        'table',
        { class: 'data-table sched-workers' },
        h('caption', { class: 'sr-only' }, t('sched.byWorker')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('sched.col.worker')), h('th', { scope: 'col', class: 'num' }, t('sched.col.ownRate')), h('th', { scope: 'col', class: 'num' }, t('sched.col.km')), h('th', { scope: 'col', class: 'num' }, t('sched.col.trips')))),
        h(
          'tbody',
          {},
          ...rows.map((r) => {
            const d = r.days[0]
            const sel = m.state.worker === r.worker
            return h(
              'tr',
              { class: sel ? 'selected' : '' },
              h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link-btn', 'aria-pressed': String(sel), onclick: () => this.actions.setWorker(sel ? null : r.worker) }, workerLabel(byCode.get(r.worker), r.worker, lang))),
              h('td', { class: 'num' }, d?.own_rate == null ? '—' : `${pct(d.own_rate, lang)}`),
              h('td', { class: 'num' }, d ? formatNumber(Math.round(d.km * 10) / 10, lang) : '—'),
              h('td', { class: 'num' }, d ? formatNumber(d.trips, lang) : '—'),
            )
          }),
        ),
      ),
      h('p', { class: 'note' }, t('sched.workerNote')),
    )
  }

  private renderGrids(m: SchedulerModel, lang: Lang): void {
    const c = m.coverage
    if (!c) return setChildren(this.grids, h('p', { class: 'muted' }, '—'))
    const rows = [...c.by_grid].filter((g) => m.state.worker === null || g.worker === m.state.worker).sort((a, b) => (a.mean_rate ?? 2) - (b.mean_rate ?? 2))
    if (!rows.length) return setChildren(this.grids, h('p', { class: 'empty' }, t('sched.noGrids')))
    setChildren(
      this.grids,
      h(
        'table',
        { class: 'data-table sched-grids' },
        h('caption', { class: 'sr-only' }, t('sched.byGrid')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('sched.col.grid')), h('th', { scope: 'col' }, t('sched.col.worker')), h('th', { scope: 'col', class: 'num' }, t('sched.col.cells')), h('th', { scope: 'col', class: 'num' }, t('sched.col.rate')))),
        h('tbody', {}, ...rows.map((g) => h('tr', {}, h('th', { scope: 'row', class: 'mono' }, g.grid), h('td', { class: 'mono' }, g.worker ?? '—'), h('td', { class: 'num' }, formatNumber(g.cells, lang)), h('td', { class: 'num' }, pct(g.mean_rate, lang))))),
      ),
    )
  }

  private renderPlan(m: SchedulerModel, lang: Lang): void {
    const plans = (m.plans ?? []).filter((p) => p.day === m.day)
    const list = plans.length
      ? h(
          'ul',
          { class: 'layout-list plan-list' },
          ...plans.map((p) => {
            const shown = p.id === m.state.plan
            return h(
              'li',
              { class: `layout-item${shown ? ' shown' : ''}`, 'data-plan': p.id },
              h('button', { type: 'button', class: 'layout-btn', 'aria-pressed': String(shown), onclick: () => this.actions.selectPlan(shown ? null : p.id) }, h('span', { class: 'layout-name' }, t('sched.planName', { id: p.id, day: p.day })), h('span', { class: 'layout-meta' }, `${p.network} · ${p.created_at.slice(0, 16).replace('T', ' ')} UTC`)),
            )
          }),
        )
      : h('p', { class: 'empty' }, m.plans === null ? t('loading.generic') : t('sched.noPlans'))
    const plan = m.plan
    if (!plan || plan.id !== m.state.plan) {
      setChildren(this.planBody, list, m.state.plan !== null && !plan ? h('p', { class: 'muted' }, t('sched.loadingPlan')) : null)
      return
    }
    const byCode = new Map((m.workers ?? []).map((w) => [w.code, w]))
    const worker = m.state.worker
    const route = worker === null ? null : plan.routes.find((r) => r.worker === worker) ?? null
    const links = planLinks(plan.id, worker)
    const head = h(
      'dl',
      { class: 'stat-grid' },
      h('dt', {}, t('sched.planRoutes')),
      h('dd', {}, formatNumber(plan.routes.length, lang)),
      h('dt', {}, t('sched.planKm')),
      h('dd', {}, t('sched.km', { n: formatNumber(Math.round(plan.routes.reduce((a, r) => a + r.length_m, 0) / 100) / 10, lang) })),
      h('dt', {}, t('sched.planUncovered')),
      h('dd', {}, formatNumber(plan.uncovered.length, lang)),
    )
    const linkRow = h(
      'div',
      { class: 'row-actions export-links' },
      h('a', { class: 'btn btn-small', href: links.html, target: '_blank', rel: 'noopener' }, t('sched.routeSheet')),
      h('a', { class: 'btn btn-small', href: links.gpx, download: '' }, t('sched.gpx')),
      h('a', { class: 'btn btn-small', href: links.geojson, download: '' }, 'GeoJSON'),
    )
    let stops: HTMLElement
    if (worker === null) stops = h('p', { class: 'note' }, t('sched.pickWorker'))
    else if (!route) stops = h('p', { class: 'empty' }, t('sched.noRoute', { worker: workerLabel(byCode.get(worker), worker, lang) }))
    else {
      const ns = numberedStops([route])
      stops = h(
        'div',
        {},
        h('p', { class: 'note' }, t('sched.routeLine', { shift: route.shift, km: formatNumber(Math.round(route.length_m / 100) / 10, lang), min: formatNumber(Math.round(route.duration_min), lang), n: ns.length })),
        h(
          'table',
          { class: 'data-table stop-table' },
          h('caption', { class: 'sr-only' }, t('sched.stops')),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, t('sched.col.cell')), h('th', { scope: 'col', class: 'num' }, t('sched.col.eta')), h('th', { scope: 'col', class: 'num' }, t('sched.col.dwell')))),
          h('tbody', {}, ...ns.map((st) => h('tr', {}, h('td', { class: 'num' }, String(st.n)), h('td', { class: 'mono' }, st.cell), h('td', { class: 'num' }, `${st.arrive_at}–${st.leave_at}`), h('td', { class: 'num' }, t('sched.minutes', { n: formatNumber(Math.round(st.dwell), lang) }))))),
        ),
      )
    }
    setChildren(this.planBody, list, head, linkRow, stops)
  }
}
