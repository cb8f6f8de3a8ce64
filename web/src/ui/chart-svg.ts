/**
 * The "cases over time" bar chart as an SVG string: no chart library, no DOM. Bars are the
 * series; bars inside the current window are drawn in the accent colour, others in grey.
 */
import type { TimeWindow } from '../state/time-window'
import { cityDate } from '../state/time-window'

/** One bar: the bin's start instant (ISO) and its count. */
export interface SeriesPoint {
  t: string
  n: number
}

export interface ChartOptions {
  width: number
  height: number
  /** highlighted window (city-time days); bars whose start day lies in it are highlighted */
  window: TimeWindow | null
  /** accessible title */
  title: string
  /** accessible description */
  desc: string
  /** label of the maximum, e.g. "最大 120 件" */
  maxLabel: (max: number) => string
  /** tick label for a bin start (e.g. month names); `first` is true for the leftmost tick; at most ~6 ticks are drawn */
  tickLabel: (day: string, first: boolean) => string
}

const ACCENT = '#0072B2'
const MUTED = '#b8bcc4'
const AXIS = '#7a808a'
const PAD = { top: 16, right: 6, bottom: 18, left: 6 }

/** Text made safe inside SVG markup and attribute values (the charts are built as strings). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Renders the chart; returns '' for an empty series (the caller shows an empty state instead). */
export function chartSvg(series: readonly SeriesPoint[], o: ChartOptions): string {
  if (series.length === 0) return ''
  const w = o.width
  const h = o.height
  const innerW = w - PAD.left - PAD.right
  const innerH = h - PAD.top - PAD.bottom
  const max = Math.max(1, ...series.map((p) => p.n))
  const bw = innerW / series.length
  const gap = bw > 4 ? 1 : 0
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="chart-title chart-desc">`)
  parts.push(`<title id="chart-title">${esc(o.title)}</title><desc id="chart-desc">${esc(o.desc)}</desc>`)
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top + innerH}" x2="${w - PAD.right}" y2="${PAD.top + innerH}" stroke="${AXIS}" stroke-width="1"/>`)
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top}" x2="${w - PAD.right}" y2="${PAD.top}" stroke="#e3e5e8" stroke-width="1" stroke-dasharray="2 3"/>`)
  parts.push(`<text x="${PAD.left}" y="${PAD.top - 5}" font-size="10" fill="${AXIS}">${esc(o.maxLabel(max))}</text>`)
  series.forEach((p, i) => {
    const day = cityDate(p.t)
    const inWindow = !!o.window && day >= o.window.from && day < o.window.to
    const bh = (p.n / max) * innerH
    const x = PAD.left + i * bw
    parts.push(
      `<rect x="${(x + gap / 2).toFixed(2)}" y="${(PAD.top + innerH - bh).toFixed(2)}" width="${Math.max(0.5, bw - gap).toFixed(2)}" height="${bh.toFixed(2)}" fill="${inWindow ? ACCENT : MUTED}" data-t="${esc(day)}" data-n="${p.n}"><title>${esc(day)}: ${p.n}</title></rect>`,
    )
  })
  const every = Math.max(1, Math.ceil(series.length / 6))
  for (let i = 0; i < series.length; i += every) {
    const x = PAD.left + i * bw
    parts.push(`<text x="${x.toFixed(2)}" y="${h - 4}" font-size="10" fill="${AXIS}">${esc(o.tickLabel(cityDate(series[i].t), i === 0))}</text>`)
  }
  parts.push('</svg>')
  return parts.join('')
}
