/**
 * The leader view's side panel: KPIs, time window with chart and play, filters, layers,
 * export. Built once per language; `update` refreshes values without rebuilding controls, so
 * keyboard focus stays where the user left it.
 */
import type { CaseSummary } from '../api/types'
import { formatNumber, formatPercent, getLang, t, tOr, type MessageKey } from '../i18n'
import { localName, type CategoryIndex } from '../state/categories'
import { lastDay, type Step, type TimeWindow } from '../state/time-window'
import type { LayerId, UrlState } from '../state/url-state'
import { chartSvg, type SeriesPoint } from '../ui/chart-svg'
import { h, setChildren, uid } from '../ui/dom'

/** What the panel shows. */
export interface LeaderModel {
  state: UrlState
  categories: CategoryIndex | null
  /** all sources seen in the data, sorted */
  sources: string[]
  /** window starts along the slider */
  starts: string[]
  window: TimeWindow | null
  series: SeriesPoint[] | null
  summary: CaseSummary | null
  /** stacked cases among the loaded points of this window */
  stackedCount: number
  playing: boolean
}

/** What the panel asks the app to do. */
export interface LeaderActions {
  setCategories(codes: string[]): void
  setSources(sources: string[]): void
  setStep(step: Step): void
  setWindowIndex(i: number, mode: 'push' | 'replace'): void
  togglePlay(): void
  setLayer(id: LayerId, on: boolean): void
  setStacked(on: boolean): void
  resetFilters(): void
  exportPng(): void
  exportData(layer: ExportLayer, format: 'geojson' | 'csv'): void
}

/** Layers the panel exports as data: the case layers and the hotspot analyses. */
export const EXPORT_LAYERS = ['points', 'hex', 'density', 'cells', 'gi', 'clusters', 'emerging'] as const
export type ExportLayer = (typeof EXPORT_LAYERS)[number]

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

export class LeaderPanel {
  readonly el: HTMLElement
  private model: LeaderModel | null = null
  private readonly kpis = h('div', { class: 'kpis' })
  private readonly windowLabel = h('output', { class: 'window-label', 'aria-live': 'polite' })
  private readonly slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'slider' })
  private readonly playBtn = h('button', { type: 'button', class: 'btn btn-icon btn-play' })
  private readonly prevBtn = h('button', { type: 'button', class: 'btn btn-icon' }, '‹')
  private readonly nextBtn = h('button', { type: 'button', class: 'btn btn-icon' }, '›')
  private readonly stepInputs: Record<Step, HTMLInputElement>
  private readonly chart = h('div', { class: 'chart' })
  private readonly catTree = h('div', { class: 'cat-tree' })
  private readonly catSummary = h('span', { class: 'muted' })
  private readonly sourceList = h('div', { class: 'source-list' })
  private readonly layerInputs = {} as Record<LayerId, HTMLInputElement>
  private readonly stackedInput = h('input', { type: 'checkbox' })
  private readonly stackedNote = h('p', { class: 'note' })
  private readonly exportLayer = h('select', { class: 'select' })
  private catBuiltFor: CategoryIndex | null = null
  private sourcesBuiltFor = ''

  /**
   * @param extra  sections placed after the layer switches (the hotspot analyses, their tables)
   */
  constructor(private readonly actions: LeaderActions, extra: readonly HTMLElement[] = []) {
    const lang = getLang()
    this.slider.setAttribute('aria-label', t('time.slider'))
    // The first step of a drag (or a key press) earns a history entry, later steps of the same
    // drag replace it, so Back returns to where the drag started.
    let dragging = false
    this.slider.addEventListener('input', () => {
      this.actions.setWindowIndex(+this.slider.value, dragging ? 'replace' : 'push')
      dragging = true
    })
    this.slider.addEventListener('change', () => {
      dragging = false
    })
    this.prevBtn.setAttribute('aria-label', t('time.prev'))
    this.prevBtn.title = t('time.prev')
    this.nextBtn.setAttribute('aria-label', t('time.next'))
    this.nextBtn.title = t('time.next')
    this.prevBtn.addEventListener('click', () => this.actions.setWindowIndex(+this.slider.value - 1, 'push'))
    this.nextBtn.addEventListener('click', () => this.actions.setWindowIndex(+this.slider.value + 1, 'push'))
    this.playBtn.addEventListener('click', () => this.actions.togglePlay())

    const stepName = uid('step')
    const mkStep = (s: Step) => {
      const input = h('input', { type: 'radio', name: stepName, value: s, onchange: () => this.actions.setStep(s) })
      return input
    }
    this.stepInputs = { week: mkStep('week'), month: mkStep('month') }
    const stepGroup = h(
      'fieldset',
      { class: 'segmented' },
      h('legend', { class: 'sr-only' }, t('time.step')),
      h('label', {}, this.stepInputs.week, h('span', {}, t('time.week'))),
      h('label', {}, this.stepInputs.month, h('span', {}, t('time.month'))),
    )

    const layerRow = (id: LayerId, label: string) => {
      const input = h('input', { type: 'checkbox', onchange: () => this.actions.setLayer(id, input.checked) })
      this.layerInputs[id] = input
      return h('label', { class: 'check' }, input, h('span', {}, label))
    }
    this.stackedInput.addEventListener('change', () => this.actions.setStacked(this.stackedInput.checked))

    this.exportLayer.setAttribute('aria-label', t('export.layer'))
    const layerOf = () => this.exportLayer.value as ExportLayer

    this.el = h(
      'div',
      { class: 'panel-body', lang: lang === 'zh' ? 'zh-CN' : 'en' },
      section(t('kpi.title'), this.kpis, h('p', { class: 'note' }, t('kpi.scope'))),
      section(
        t('time.title'),
        h('div', { class: 'time-head' }, this.windowLabel, stepGroup),
        h('div', { class: 'time-controls' }, this.prevBtn, this.playBtn, this.nextBtn, this.slider),
        this.chart,
      ),
      section(
        t('filters.title'),
        h(
          'div',
          { class: 'filter-block' },
          h('div', { class: 'filter-head' }, h('h3', { class: 'sub-title' }, t('filters.categories')), this.catSummary),
          h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.actions.setCategories([]) }, t('filters.categoriesAll'))),
          this.catTree,
        ),
        h('div', { class: 'filter-block' }, h('h3', { class: 'sub-title' }, t('filters.sources')), this.sourceList),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => this.actions.resetFilters() }, t('filters.reset')),
      ),
      section(
        t('layers.title'),
        layerRow('points', t('layers.points')),
        layerRow('hex', t('layers.hex')),
        layerRow('communities', t('layers.communities')),
        h('label', { class: 'check' }, this.stackedInput, h('span', {}, t('layers.stacked'))),
        this.stackedNote,
      ),
      ...extra,
      section(
        t('export.title'),
        h('div', { class: 'export-row' }, h('button', { type: 'button', class: 'btn', onclick: () => this.actions.exportPng() }, t('export.png'))),
        h(
          'div',
          { class: 'export-row' },
          this.exportLayer,
          h('button', { type: 'button', class: 'btn', onclick: () => this.actions.exportData(layerOf(), 'geojson') }, t('export.geojson')),
          h('button', { type: 'button', class: 'btn', onclick: () => this.actions.exportData(layerOf(), 'csv') }, t('export.csv')),
        ),
      ),
    )
  }

  /** Refreshes every value from the model. */
  update(m: LeaderModel): void {
    this.model = m
    const s = m.state
    this.renderKpis(m.summary)
    // time
    this.stepInputs[s.step].checked = true
    this.slider.max = String(Math.max(0, m.starts.length - 1))
    const idx = m.window ? m.starts.indexOf(m.window.from) : -1
    if (idx >= 0) this.slider.value = String(idx)
    this.slider.disabled = m.starts.length === 0
    this.windowLabel.textContent = m.window ? t('time.window', { from: m.window.from, to: lastDay(m.window) }) : t('time.noData')
    this.slider.setAttribute('aria-valuetext', this.windowLabel.textContent)
    this.prevBtn.disabled = idx <= 0
    this.nextBtn.disabled = idx < 0 || idx >= m.starts.length - 1
    this.playBtn.textContent = m.playing ? '❚❚' : '▶'
    this.playBtn.setAttribute('aria-label', m.playing ? t('time.pause') : t('time.play'))
    this.playBtn.title = m.playing ? t('time.pause') : t('time.play')
    this.playBtn.setAttribute('aria-pressed', String(m.playing))
    this.playBtn.disabled = m.starts.length < 2
    this.renderChart(m)
    // filters
    if (m.categories !== this.catBuiltFor) this.buildCategoryTree(m.categories)
    this.syncCategoryTree(s.categories)
    const srcKey = m.sources.join(',')
    if (srcKey !== this.sourcesBuiltFor) this.buildSources(m.sources)
    this.syncSources(s.sources)
    // layers
    for (const id of Object.keys(this.layerInputs) as LayerId[]) this.layerInputs[id].checked = s.layers.includes(id)
    this.stackedInput.checked = s.stacked
    this.stackedNote.textContent = m.stackedCount > 0 ? t('layers.stackedNote', { n: m.stackedCount }) : t('layers.stackedNoteNone')
    this.syncExportLayers(s)
  }

  /** The export choices: the case layers, then the hotspot layers on the map (the top one chosen when it appears). */
  private syncExportLayers(s: UrlState): void {
    const offered = EXPORT_LAYERS.filter((id) => id === 'points' || id === 'hex' || s.layers.includes(id))
    const key = offered.join(',')
    if (this.exportLayer.dataset.offered === key) return
    const before = this.exportLayer.dataset.offered?.split(',') ?? []
    const prev = this.exportLayer.value
    this.exportLayer.dataset.offered = key
    setChildren(this.exportLayer, ...offered.map((id) => h('option', { value: id }, t(`export.layer.${id}` as MessageKey))))
    // a hotspot layer just turned on is most likely what the user wants to take away
    const added = offered.filter((id) => !before.includes(id) && id !== 'points' && id !== 'hex')
    this.exportLayer.value = added.length ? added[added.length - 1] : offered.includes(prev as ExportLayer) ? prev : offered[0]
  }

  private renderKpis(sum: CaseSummary | null): void {
    const card = (label: string, value: string, sub: string, hint?: string) =>
      h('div', { class: 'kpi' }, h('div', { class: 'kpi-label' }, label, hint ? h('span', { class: 'kpi-hint' }, hint) : null), h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-sub' }, sub))
    if (!sum) {
      setChildren(this.kpis, card(t('kpi.total'), '—', ''), card(t('kpi.rateClosed'), '—', '', t('kpi.rateClosedHint')), card(t('kpi.rateOnTime'), '—', '', t('kpi.rateOnTimeHint')))
      return
    }
    const rate = (num: number, r: number | null) => (sum.due > 0 ? formatPercent(r ?? num / sum.due) : '—')
    const sub = (num: number) => (sum.due > 0 ? t('kpi.counts', { a: num, b: sum.due }) : t('kpi.noDue'))
    setChildren(
      this.kpis,
      card(t('kpi.total'), formatNumber(sum.total), ''),
      card(t('kpi.rateClosed'), rate(sum.closed, sum.rate_closed), sub(sum.closed), t('kpi.rateClosedHint')),
      card(t('kpi.rateOnTime'), rate(sum.closed_on_time, sum.rate_on_time), sub(sum.closed_on_time), t('kpi.rateOnTimeHint')),
    )
  }

  private renderChart(m: LeaderModel): void {
    const lang = getLang()
    if (!m.series) {
      setChildren(this.chart, h('div', { class: 'chart-placeholder' }))
      return
    }
    const svg = chartSvg(m.series, {
      width: 320,
      height: 96,
      window: m.window,
      title: t('chart.title'),
      desc: t('chart.desc', { step: t(m.state.step === 'week' ? 'chart.stepWeek' : 'chart.stepMonth') }),
      maxLabel: (n) => t('chart.max', { n }),
      // the year goes on the first tick and on every January, so a weekly axis starting in late December is not misread
      tickLabel: (day, first) => (lang === 'zh' ? `${+day.slice(5, 7)}月` : new Date(day + 'T00:00:00Z').toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })) + (first || day.slice(5, 7) === '01' ? ` ${day.slice(0, 4)}` : ''),
    })
    if (!svg) {
      setChildren(this.chart, h('p', { class: 'empty' }, t('chart.empty')))
      return
    }
    this.chart.innerHTML = svg
  }

  private buildCategoryTree(idx: CategoryIndex | null): void {
    this.catBuiltFor = idx
    if (!idx) {
      setChildren(this.catTree, h('p', { class: 'muted' }, t('loading.generic')))
      return
    }
    const lang = getLang()
    const blocks: HTMLElement[] = []
    for (const g of idx.majors) {
      const listId = uid('minors')
      const majorBox = h('input', { type: 'checkbox', 'data-major': g.key })
      majorBox.addEventListener('change', () => this.toggleMajor(g.key, majorBox.checked))
      const minors = h('ul', { class: 'cat-minors', id: listId, hidden: true })
      for (const c of g.minors) {
        const box = h('input', { type: 'checkbox', 'data-code': c.code })
        box.addEventListener('change', () => this.toggleMinor(c.code, box.checked))
        minors.append(h('li', {}, h('label', { class: 'check' }, box, h('span', {}, localName(c, lang)), h('span', { class: 'code' }, c.code), c.kind === 'component' ? h('span', { class: 'kind-tag' }, t('filters.components')) : null, h('span', { class: 'count', 'data-count-code': c.code }))))
      }
      const expand = h('button', { type: 'button', class: 'btn-expand', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-label': t('filters.expand', { name: localName(g, lang) }) }, '▸')
      expand.addEventListener('click', () => {
        const open = expand.getAttribute('aria-expanded') !== 'true'
        expand.setAttribute('aria-expanded', String(open))
        expand.textContent = open ? '▾' : '▸'
        minors.hidden = !open
      })
      blocks.push(
        h(
          'div',
          { class: 'cat-major' },
          h('div', { class: 'cat-major-row' }, expand, h('label', { class: 'check' }, majorBox, h('span', { class: 'swatch', style: `background:rgb(${g.color.join(',')})`, 'aria-hidden': 'true' }), h('span', {}, localName(g, lang)), h('span', { class: 'count', 'data-count-major': g.key }))),
          minors,
        ),
      )
    }
    setChildren(this.catTree, ...blocks)
  }

  /** All minor codes of the table. */
  private allCodes(): string[] {
    return this.model?.categories ? [...this.model.categories.byCode.keys()].sort() : []
  }

  private selected(): Set<string> {
    const codes = this.model?.state.categories ?? []
    return new Set(codes.length ? codes : this.allCodes())
  }

  private commitCategories(sel: Set<string>): void {
    const all = this.allCodes()
    // nothing selected would match nothing: keep the last choice instead
    if (sel.size === 0) {
      this.syncCategoryTree(this.model?.state.categories ?? [])
      return
    }
    this.actions.setCategories(sel.size === all.length ? [] : [...sel].sort())
  }

  private toggleMajor(key: string, on: boolean): void {
    const g = this.model?.categories?.majors.find((x) => x.key === key)
    if (!g) return
    const sel = this.selected()
    for (const c of g.minors) {
      if (on) sel.add(c.code)
      else sel.delete(c.code)
    }
    this.commitCategories(sel)
  }

  private toggleMinor(code: string, on: boolean): void {
    const sel = this.selected()
    if (on) sel.add(code)
    else sel.delete(code)
    this.commitCategories(sel)
  }

  private syncCategoryTree(codes: readonly string[]): void {
    const idx = this.model?.categories
    if (!idx) return
    const sel = new Set(codes.length ? codes : idx.byCode.keys())
    const counts = new Map((this.model?.summary?.by_category ?? []).map((r) => [r.code, r.n]))
    for (const box of this.catTree.querySelectorAll<HTMLInputElement>('input[data-code]')) box.checked = sel.has(box.dataset.code!)
    for (const el of this.catTree.querySelectorAll<HTMLElement>('[data-count-code]')) {
      const n = counts.get(el.dataset.countCode!)
      el.textContent = n ? formatNumber(n) : ''
    }
    for (const g of idx.majors) {
      const box = this.catTree.querySelector<HTMLInputElement>(`input[data-major="${CSS.escape(g.key)}"]`)
      const on = g.minors.filter((c) => sel.has(c.code)).length
      if (box) {
        box.checked = on === g.minors.length
        box.indeterminate = on > 0 && on < g.minors.length
      }
      const countEl = this.catTree.querySelector<HTMLElement>(`[data-count-major="${CSS.escape(g.key)}"]`)
      if (countEl) {
        const n = g.minors.reduce((acc, c) => acc + (counts.get(c.code) ?? 0), 0)
        countEl.textContent = n ? formatNumber(n) : ''
      }
    }
    this.catSummary.textContent = codes.length ? t('filters.categoriesSome', { n: codes.length }) : t('filters.categoriesAll')
  }

  private buildSources(sources: string[]): void {
    this.sourcesBuiltFor = sources.join(',')
    setChildren(
      this.sourceList,
      ...sources.map((src) => {
        const box = h('input', { type: 'checkbox', 'data-source': src })
        box.addEventListener('change', () => {
          const cur = new Set(this.model?.state.sources.length ? this.model.state.sources : sources)
          if (box.checked) cur.add(src)
          else cur.delete(src)
          if (cur.size === 0) {
            box.checked = true
            return
          }
          this.actions.setSources(cur.size === sources.length ? [] : [...cur].sort())
        })
        return h('label', { class: 'check' }, box, h('span', {}, tOr(`source.${src}`, src)), h('span', { class: 'count', 'data-count-source': src }))
      }),
    )
  }

  private syncSources(selected: readonly string[]): void {
    const counts = new Map((this.model?.summary?.by_source ?? []).map((r) => [r.source, r.n]))
    for (const box of this.sourceList.querySelectorAll<HTMLInputElement>('input[data-source]')) box.checked = selected.length === 0 || selected.includes(box.dataset.source!)
    for (const el of this.sourceList.querySelectorAll<HTMLElement>('[data-count-source]')) {
      const n = counts.get(el.dataset.countSource!)
      el.textContent = n ? formatNumber(n) : ''
    }
  }
}
