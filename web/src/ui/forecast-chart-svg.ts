/**
 * The forecast evaluation's chart as an SVG string: for each hot spot method, the share of the
 * next period's cases that fell in the area it flagged (hit rate) against the share of the
 * district flagged. A method above another forecasts better at equal area; the diagonal is a
 * map drawn at random. Methods differ by colour (Okabe–Ito) and by marker shape.
 */
import { esc } from './chart-svg'

export interface ForecastSeries {
  method: string
  label: string
  /** hit rate (0–1) per x; null where the method had no windows */
  y: ReadonlyArray<number | null>
}

export interface ForecastChartOptions {
  width: number
  height: number
  title: string
  desc: string
  /** x tick label, e.g. "5%" */
  xLabel: (share: number) => string
  /** axis captions */
  xCaption: string
  yCaption: string
}

/** Colour and marker of each method (Okabe–Ito; the naive baseline in grey). */
export const METHOD_STYLE: Readonly<Record<string, { color: string; marker: 'circle' | 'square' | 'triangle' | 'diamond' }>> = {
  'gi-star': { color: '#D55E00', marker: 'circle' },
  kde: { color: '#0072B2', marker: 'square' },
  dbscan: { color: '#009E73', marker: 'triangle' },
  'last-period': { color: '#6b7280', marker: 'diamond' },
}

const AXIS = '#7a808a'
const GRID = '#e3e5e8'

/** SVG of one marker centred on (x, y). */
export function markerSvg(marker: string, x: number, y: number, r: number, color: string): string {
  const f = (v: number) => v.toFixed(2)
  if (marker === 'square') return `<rect x="${f(x - r * 0.85)}" y="${f(y - r * 0.85)}" width="${f(r * 1.7)}" height="${f(r * 1.7)}" fill="${color}"/>`
  if (marker === 'triangle') return `<polygon points="${f(x)},${f(y - r * 1.1)} ${f(x - r)},${f(y + r * 0.8)} ${f(x + r)},${f(y + r * 0.8)}" fill="${color}"/>`
  if (marker === 'diamond') return `<polygon points="${f(x)},${f(y - r * 1.15)} ${f(x + r)},${f(y)} ${f(x)},${f(y + r * 1.15)} ${f(x - r)},${f(y)}" fill="${color}"/>`
  return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 0.9)}" fill="${color}"/>`
}

let seq = 0

/** Renders the chart; '' without x values. */
export function forecastChartSvg(x: readonly number[], series: readonly ForecastSeries[], o: ForecastChartOptions): string {
  if (!x.length || !series.length) return ''
  const id = `fc-${++seq}`
  const w = o.width
  const h = o.height
  const pad = { top: 16, right: 8, bottom: 30, left: 34 }
  const iw = w - pad.left - pad.right
  const ih = h - pad.top - pad.bottom
  const ys = series.flatMap((s) => s.y.filter((v): v is number => v !== null))
  // round ticks: every 20 % (every 10 % when all scores are below 40 %)
  const tick = Math.max(0, ...ys) > 0.4 ? 0.2 : 0.1
  const yMax = Math.min(1, Math.max(tick, Math.ceil(Math.max(0, ...ys) / tick - 1e-9) * tick))
  const ticks = Math.round(yMax / tick)
  // x positions evenly spaced by rank: the shares span two orders of magnitude
  const px = (i: number) => pad.left + (x.length === 1 ? iw / 2 : (i / (x.length - 1)) * iw)
  const py = (v: number) => pad.top + ih - (v / yMax) * ih
  const p: string[] = []
  p.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${id}-t ${id}-d" class="forecast-chart">`)
  p.push(`<title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(o.desc)}</desc>`)
  for (let k = 0; k <= ticks; k++) {
    const v = k * tick
    p.push(`<line x1="${pad.left}" y1="${py(v).toFixed(2)}" x2="${w - pad.right}" y2="${py(v).toFixed(2)}" stroke="${k === 0 ? AXIS : GRID}" stroke-width="1"/>`)
    p.push(`<text x="${pad.left - 4}" y="${(py(v) + 3).toFixed(2)}" font-size="10" fill="${AXIS}" text-anchor="end">${Math.round(v * 100)}%</text>`)
  }
  x.forEach((s, i) => p.push(`<text x="${px(i).toFixed(2)}" y="${pad.top + ih + 13}" font-size="10" fill="${AXIS}" text-anchor="middle">${esc(o.xLabel(s))}</text>`))
  // chance: a random map of a share s of the area catches about s of the cases
  const chance = x.map((s, i) => `${i ? 'L' : 'M'}${px(i).toFixed(2)},${py(Math.min(s, yMax)).toFixed(2)}`).join('')
  p.push(`<path d="${chance}" fill="none" stroke="${AXIS}" stroke-width="1" stroke-dasharray="2 3"/>`)
  for (const s of series) {
    const st = METHOD_STYLE[s.method] ?? { color: '#333', marker: 'circle' }
    let d = ''
    s.y.forEach((v, i) => {
      if (v === null) return
      d += `${d && s.y[i - 1] !== null ? 'L' : 'M'}${px(i).toFixed(2)},${py(v).toFixed(2)}`
    })
    p.push(`<g data-method="${esc(s.method)}"><title>${esc(s.label)}</title>`)
    if (d) p.push(`<path d="${d}" fill="none" stroke="${st.color}" stroke-width="1.6"${s.method === 'last-period' ? ' stroke-dasharray="4 2"' : ''}/>`)
    s.y.forEach((v, i) => {
      if (v !== null) p.push(markerSvg(st.marker, px(i), py(v), 3.2, st.color))
    })
    p.push('</g>')
  }
  p.push(`<text x="${pad.left + iw / 2}" y="${h - 2}" font-size="10" fill="${AXIS}" text-anchor="middle">${esc(o.xCaption)}</text>`)
  p.push(`<text x="${pad.left}" y="${pad.top - 5}" font-size="10" fill="${AXIS}">${esc(o.yCaption)}</text>`)
  p.push('</svg>')
  return p.join('')
}
