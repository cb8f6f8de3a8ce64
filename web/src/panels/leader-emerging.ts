/**
 * The leader panel's emerging hot spot section (the analysis's time axis as a small form, the
 * cells worth a look, and the selected cell's history as a sparkline) and the forecast
 * evaluation section (which hot spot map forecast the next month best: a table and a chart).
 * Built once per language; `update` refreshes values in place so focus stays put.
 */
import type { EmergingRow, EmergingTime, ForecastComparison, ForecastSummary } from '../api/analyses'
import { formatNumber, formatPercent, getLang, t, tOr, type MessageKey } from '../i18n'
import { EMERGING_NAMES, emergingStyle, swatchPattern } from '../layers/emerging-layer'
import { EMERGING_STEPS, MIN_EMERGING_STEPS, type EmergingStep, type UrlState } from '../state/url-state'
import { h, setChildren, uid } from '../ui/dom'
import { forecastChartSvg, markerSvg, METHOD_STYLE } from '../ui/forecast-chart-svg'
import { patternCss } from '../ui/legend-model'
import { sparklineSvg } from '../ui/sparkline-svg'
import { emergingPeriod, type PartState } from '../views/leader-hotspots'

/** Cells listed as worth a look. */
export const EMERGING_LISTED = 8

export interface EmergingPanelModel {
  state: UrlState
  part: PartState
  time: EmergingTime | null
  highlights: readonly EmergingRow[]
  selected: { row: EmergingRow; time: EmergingTime | null; community: string | null } | null
  communityOf(cell: number): string | null
}

export interface EmergingPanelActions {
  /** runs the analysis with this axis (and turns the layer on) */
  run(p: { emStep: EmergingStep; emStart: string | null; emSteps: number | null }): void
  selectCell(cell: number | null): void
  zoomToCell(cell: number): void
}

export interface ForecastPanelModel {
  on: boolean
  part: PartState
  summary: ForecastSummary | null
  /** area share shown in the table */
  share: number
}

export interface ForecastPanelActions {
  setForecast(on: boolean): void
  setShare(share: number): void
}

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  const id = uid('sec')
  return h('section', { class: 'panel-section', 'aria-labelledby': id }, h('h2', { id, class: 'section-title' }, title), ...body)
}

/** A category swatch as the map and legend draw it. */
export function categorySwatch(code: number): HTMLElement {
  const st = emergingStyle(code)
  const pat = st ? swatchPattern(st) : undefined
  const bg = !st ? '#ffffff' : pat ? patternCss(pat) : `rgba(${st.fill.slice(0, 3).join(',')},${(st.fill[3] / 255).toFixed(2)})`
  return h('span', { class: 'lg-swatch lg-square em-swatch', style: `background:${bg}`, 'aria-hidden': 'true' })
}

const shortCode = (code: string) => (code.length > 8 ? `…${code.slice(-8)}` : code)

export class EmergingPanel {
  readonly el: HTMLElement
  private readonly stepSelect = h('select', { class: 'select', id: uid('em-step') })
  private readonly startInput = h('input', { type: 'date', class: 'input', id: uid('em-start') })
  private readonly stepsInput = h('input', { type: 'number', class: 'input input-narrow', min: MIN_EMERGING_STEPS, max: 520, step: 1, id: uid('em-steps') })
  private readonly runBtn = h('button', { type: 'button', class: 'btn btn-primary em-run' })
  private readonly status = h('p', { class: 'note em-status', 'aria-live': 'polite' })
  private readonly list = h('ol', { class: 'em-list' })
  private readonly detail = h('div', { class: 'em-detail', 'aria-live': 'polite' })
  private lastState = ''

  constructor(private readonly actions: EmergingPanelActions) {
    for (const s of EMERGING_STEPS) this.stepSelect.append(h('option', { value: s }, t(`emerging.step.${s}` as MessageKey)))
    this.stepsInput.placeholder = t('emerging.stepsAll')
    this.runBtn.textContent = t('emerging.run')
    this.runBtn.addEventListener('click', () => this.submit())
    for (const el of [this.startInput, this.stepsInput]) el.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && this.submit())
    const field = (input: HTMLElement, label: string) => h('div', { class: 'field' }, h('label', { class: 'field-label', for: input.id }, label), input)
    this.el = section(
      t('emerging.title'),
      h('p', { class: 'note' }, t('emerging.intro')),
      h('div', { class: 'field-row em-form' }, field(this.stepSelect, t('emerging.step')), field(this.startInput, t('emerging.start')), field(this.stepsInput, t('emerging.steps'))),
      h('div', { class: 'row-actions' }, this.runBtn),
      this.status,
      this.detail,
      h('h3', { class: 'sub-title' }, t('emerging.highlights')),
      this.list,
    )
  }

  private submit(): void {
    const steps = this.stepsInput.value ? Math.round(Number(this.stepsInput.value)) : null
    if (steps !== null && !(steps >= MIN_EMERGING_STEPS)) {
      this.status.textContent = t('emerging.tooFewSteps', { n: MIN_EMERGING_STEPS })
      this.stepsInput.focus()
      return
    }
    this.actions.run({ emStep: this.stepSelect.value as EmergingStep, emStart: this.startInput.value || null, emSteps: steps })
  }

  update(m: EmergingPanelModel): void {
    const s = m.state
    const on = s.layers.includes('emerging')
    this.el.hidden = !on
    if (!on) return
    const lang = getLang()
    // the form follows the URL (Back, a link), but not while the user edits it
    const sk = JSON.stringify([s.emStep, s.emStart, s.emSteps])
    if (sk !== this.lastState) {
      this.lastState = sk
      this.stepSelect.value = s.emStep
      this.startInput.value = s.emStart ?? ''
      this.stepsInput.value = s.emSteps === null ? '' : String(s.emSteps)
    }
    if (!s.emStart && m.time) this.startInput.placeholder = m.time.start
    const p = m.part
    this.runBtn.disabled = p.loading
    this.status.textContent = p.loading
      ? p.fraction !== null ? `${t('hotspots.running.emerging')} ${Math.round(p.fraction * 100)}%` : t('hotspots.running.emerging')
      : p.empty ?? (m.time ? t('emerging.axis', { steps: m.time.steps, step: t(`emerging.stepUnit.${m.time.step}` as MessageKey), period: emergingPeriod(m.time) }) : '')
    this.renderDetail(m, lang)
    this.renderList(m, lang)
  }

  private renderList(m: EmergingPanelModel, lang: 'zh' | 'en'): void {
    if (!m.highlights.length) {
      setChildren(this.list, h('li', { class: 'empty' }, m.part.loading ? t('loading.generic') : m.time ? t('emerging.noHighlights') : ''))
      return
    }
    setChildren(
      this.list,
      ...m.highlights.slice(0, EMERGING_LISTED).map((r) => {
        const selected = m.state.cell === r.cell
        const community = m.communityOf(r.cell)
        return h(
          'li',
          { class: `em-item${selected ? ' selected' : ''}` },
          h(
            'button',
            { type: 'button', class: 'em-btn', 'aria-pressed': String(selected), 'data-cell': r.cell, onclick: () => { this.actions.selectCell(r.cell); this.actions.zoomToCell(r.cell) } },
            categorySwatch(r.category),
            h('span', { class: 'em-main' }, h('span', { class: 'em-cat' }, EMERGING_NAMES[r.category]?.[lang] ?? r.category_key), h('span', { class: 'em-meta' }, `${shortCode(r.code)}${community ? ' · ' + community : ''}`)),
            h('span', { class: 'em-cases' }, t('hotspots.casesValue', { n: r.cases })),
          ),
        )
      }),
    )
  }

  private renderDetail(m: EmergingPanelModel, lang: 'zh' | 'en'): void {
    const sel = m.selected
    if (!sel) {
      setChildren(this.detail, m.time ? h('p', { class: 'muted' }, t('emerging.pickCell')) : null)
      return
    }
    const r = sel.row
    const tm = sel.time
    const stepWord = tm ? t(`emerging.stepUnit.${tm.step}` as MessageKey) : ''
    const starts = tm?.step_starts ?? r.series_cases.map((_, i) => String(i + 1))
    const svg = sparklineSvg(
      { cases: r.series_cases, z: r.series_z, hot: r.hot_steps, cold: r.cold_steps, starts },
      {
        width: 320,
        height: 150,
        title: t('emerging.sparkTitle', { code: r.code }),
        desc: t('emerging.sparkDesc', { step: stepWord, hot: r.n_hot, cold: r.n_cold, steps: r.series_cases.length }),
        maxLabel: (n) => t('emerging.sparkMax', { n, step: stepWord }),
        zLabel: t('emerging.sparkZ'),
        stepLabel: (i) => t('emerging.sparkStep', { day: starts[i] ?? String(i + 1), n: r.series_cases[i], z: r.series_z[i] === null ? '—' : (r.series_z[i] as number).toFixed(2) }) + (r.hot_steps.includes(i) ? ` · ${t('emerging.sigHot')}` : r.cold_steps.includes(i) ? ` · ${t('emerging.sigCold')}` : ''),
      },
    )
    const chart = h('div', { class: 'sparkline-wrap' })
    chart.innerHTML = svg
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'em-card' },
        h(
          'div',
          { class: 'em-card-head' },
          categorySwatch(r.category),
          h('strong', {}, EMERGING_NAMES[r.category]?.[lang] ?? r.category_key),
          h('span', { class: 'muted mono' }, shortCode(r.code)),
          h('button', { type: 'button', class: 'btn btn-small btn-ghost em-close', 'aria-label': t('emerging.close'), title: t('emerging.close'), onclick: () => this.actions.selectCell(null) }, '×'),
        ),
        sel.community ? h('p', { class: 'muted' }, sel.community) : null,
        h('p', { class: 'em-reason' }, lang === 'zh' ? r.reason_zh : r.reason_en),
        chart,
        h('p', { class: 'note' }, t('emerging.sparkKey', { step: stepWord })),
      ),
    )
  }
}

/**
 * The metrics of the table, one row each (methods are the columns: four short names fit the
 * panel, seven metric columns do not).
 */
const FORECAST_METRICS: ReadonlyArray<{ key: keyof ForecastComparison; label: MessageKey; percent?: boolean }> = [
  { key: 'mean_hit_rate', label: 'forecast.col.hitRate', percent: true },
  { key: 'mean_pai', label: 'forecast.col.pai' },
  { key: 'mean_pei', label: 'forecast.col.pei' },
  { key: 'mean_pei_star', label: 'forecast.col.peiStar' },
  { key: 'mean_pai_street', label: 'forecast.col.paiStreet' },
  { key: 'mean_pei_street', label: 'forecast.col.peiStreet' },
  { key: 'mean_pei_star_street', label: 'forecast.col.peiStarStreet' },
]

/** Rows of the table at one area share, best PAI first. */
export function forecastRows(sum: ForecastSummary, share: number): ForecastComparison[] {
  return sum.all_shares.filter((r) => Math.abs(r.area_share - share) < 1e-9).sort((a, b) => (b.mean_pai ?? -Infinity) - (a.mean_pai ?? -Infinity))
}

export class ForecastPanel {
  readonly el: HTMLElement
  private readonly toggle = h('button', { type: 'button', class: 'btn fc-toggle' })
  private readonly status = h('p', { class: 'note', 'aria-live': 'polite' })
  private readonly shareSelect = h('select', { class: 'select', id: uid('fc-share') })
  private readonly shareField: HTMLElement
  private readonly best = h('p', { class: 'fc-best' })
  private readonly table = h('div', { class: 'table-wrap' })
  private readonly chart = h('div', { class: 'fc-chart' })
  private readonly key = h('ul', { class: 'fc-key' })
  private readonly notes: HTMLElement
  private sharesKey = ''
  private model: ForecastPanelModel | null = null

  constructor(private readonly actions: ForecastPanelActions) {
    this.toggle.addEventListener('click', () => this.actions.setForecast(!this.model?.on))
    this.shareSelect.addEventListener('change', () => this.actions.setShare(Number(this.shareSelect.value)))
    this.shareField = h('div', { class: 'field' }, h('label', { class: 'field-label', for: this.shareSelect.id }, t('forecast.share')), this.shareSelect)
    this.notes = h('p', { class: 'note' }, t('forecast.definitions'))
    this.el = section(t('forecast.title'), h('p', { class: 'note' }, t('forecast.intro')), h('div', { class: 'row-actions' }, this.toggle), this.status, this.best, this.shareField, this.table, this.chart, this.key, this.notes)
  }

  update(m: ForecastPanelModel): void {
    this.model = m
    const lang = getLang()
    this.toggle.textContent = m.on ? t('forecast.hide') : t('forecast.show')
    this.toggle.setAttribute('aria-expanded', String(m.on))
    const p = m.part
    this.status.textContent = !m.on ? '' : p.loading ? (p.fraction !== null ? `${t('hotspots.running.forecast')} ${Math.round(p.fraction * 100)}%` : t('hotspots.running.forecast')) : p.empty ?? ''
    const sum = m.on ? m.summary : null
    for (const el of [this.best, this.shareField, this.table, this.chart, this.key, this.notes]) el.hidden = !sum
    if (!sum) return
    const shares = [...new Set(sum.all_shares.map((r) => r.area_share))].sort((a, b) => a - b)
    const sk = shares.join(',')
    if (sk !== this.sharesKey) {
      this.sharesKey = sk
      setChildren(this.shareSelect, ...shares.map((s) => h('option', { value: String(s) }, t('forecast.shareOption', { p: formatPercent(s, lang) }))))
    }
    const share = shares.includes(m.share) ? m.share : sum.headline_share
    this.shareSelect.value = String(share)
    const rows = forecastRows(sum, share)
    const bestRow = rows[0]
    this.best.textContent = bestRow && bestRow.mean_pai !== null
      ? t('forecast.best', { method: lang === 'zh' ? bestRow.name_zh : bestRow.name_en, share: formatPercent(share, lang), hit: bestRow.mean_hit_rate === null ? '—' : formatPercent(bestRow.mean_hit_rate, lang), pai: bestRow.mean_pai.toFixed(1), windows: sum.time.windows })
      : t('forecast.noBest')
    const num = (v: number | null, percent?: boolean) => (v === null ? '—' : percent ? formatPercent(v, lang) : formatNumber(Math.round(v * 100) / 100, lang))
    const shortName = (r: ForecastComparison) => tOr(`forecast.method.${r.method}`, lang === 'zh' ? r.name_zh : r.name_en)
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('forecast.col.metric'))),
      ...rows.map((r, k) => h('th', { scope: 'col', class: `num${k === 0 ? ' fc-top' : ''}`, 'data-method': r.method, title: lang === 'zh' ? r.name_zh : r.name_en }, h('span', { class: 'fc-head' }, this.marker(r.method), shortName(r)))),
    )
    // street scores are absent when no streets were imported: their rows would be all dashes
    const metrics = FORECAST_METRICS.filter((c) => rows.some((r) => r[c.key] !== null))
    const body = metrics.map((c) => h('tr', {}, h('th', { scope: 'row' }, t(c.label)), ...rows.map((r, k) => h('td', { class: `num${k === 0 ? ' fc-top' : ''}` }, num(r[c.key] as number | null, c.percent)))))
    setChildren(this.table, h('table', { class: 'data-table fc-table' }, h('caption', { class: 'sr-only' }, t('forecast.caption', { share: formatPercent(share, lang) })), h('thead', {}, head), h('tbody', {}, ...body)))
    const names = new Map(sum.all_shares.map((r) => [r.method, lang === 'zh' ? r.name_zh : r.name_en]))
    const series = sum.chart.by_share.series.map((s) => ({ method: s.method, label: names.get(s.method) ?? s.method, y: s.hit_rate }))
    this.chart.innerHTML = forecastChartSvg(sum.chart.by_share.x, series, {
      width: 320,
      height: 150,
      title: t('forecast.chartTitle'),
      desc: t('forecast.chartDesc'),
      xLabel: (x) => formatPercent(x, lang).replace(/\.0%$/, '%'),
      xCaption: t('forecast.chartX'),
      yCaption: t('forecast.chartY'),
    })
    setChildren(this.key, ...series.map((s) => h('li', {}, this.marker(s.method), s.label)), h('li', {}, h('span', { class: 'fc-chance', 'aria-hidden': 'true' }), t('forecast.chance')))
  }

  private marker(method: string): HTMLElement {
    const st = METHOD_STYLE[method] ?? { color: '#333', marker: 'circle' }
    const span = h('span', { class: 'fc-marker', 'aria-hidden': 'true' })
    span.innerHTML = `<svg width="10" height="10" viewBox="0 0 10 10">${markerSvg(st.marker, 5, 5, 3.6, st.color)}</svg>`
    return span
  }
}
