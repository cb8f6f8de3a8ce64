/**
 * One cell's emerging hot spot history as an SVG string (no chart library, no DOM): cases per
 * time step as bars, the space-time Gi* z per step as a line under them with the 90 % bounds
 * (|z| ≥ 1.645) dashed, and the steps where the cell was a significant hot (cold) spot marked
 * in red (blue) in both. Steps are marked by shape too (filled ▲ hot, ▼ cold), not by colour alone.
 */
import { esc } from './chart-svg'

export interface SparklineInput {
  /** cases per step */
  cases: readonly number[]
  /** Gi* z per step (null: undefined for this cell) */
  z: ReadonlyArray<number | null>
  /** step indices of significant hot / cold spots */
  hot: readonly number[]
  cold: readonly number[]
  /** first day of each step, YYYY-MM-DD (tick labels) */
  starts: readonly string[]
}

export interface SparklineOptions {
  width: number
  height: number
  /** accessible title and description */
  title: string
  desc: string
  /** label of the bars' maximum, e.g. "最多 12 件" */
  maxLabel: (max: number) => string
  /** label of the z line */
  zLabel: string
  /** tooltip of one step, e.g. "2025-03-03: 4 件, z = 2.10" */
  stepLabel: (i: number) => string
}

/** z of the 90 % two-sided bound: the weakest significance Emerging Hot Spot Analysis counts. */
export const Z90 = 1.645

const HOT = '#cb181d'
const COLD = '#2171b5'
const MUTED = '#b8bcc4'
const AXIS = '#7a808a'
const INK = '#1f2933'

let seq = 0

/** Renders the sparkline; '' when there are no steps. */
export function sparklineSvg(d: SparklineInput, o: SparklineOptions): string {
  const n = d.cases.length
  if (n === 0) return ''
  const id = `spark-${++seq}`
  const w = o.width
  const h = o.height
  const left = 4
  const right = 4
  const innerW = w - left - right
  const barTop = 14
  const barH = Math.round((h - 40) * 0.45)
  const zTop = barTop + barH + 16
  const zH = h - zTop - 14
  const hot = new Set(d.hot)
  const cold = new Set(d.cold)
  const max = Math.max(1, ...d.cases)
  const bw = innerW / n
  const gap = bw > 4 ? 1 : 0
  const x = (i: number) => left + (i + 0.5) * bw
  const zs = d.z.filter((v): v is number => v !== null && Number.isFinite(v))
  const zMax = Math.max(Z90 + 0.5, ...zs.map((v) => Math.abs(v)))
  const zy = (v: number) => zTop + zH / 2 - (v / zMax) * (zH / 2)
  const p: string[] = []
  p.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${id}-t ${id}-d" class="sparkline">`)
  p.push(`<title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(o.desc)}</desc>`)
  p.push(`<text x="${left}" y="${barTop - 4}" font-size="10" fill="${AXIS}">${esc(o.maxLabel(max))}</text>`)
  p.push(`<line x1="${left}" y1="${barTop + barH}" x2="${w - right}" y2="${barTop + barH}" stroke="${AXIS}" stroke-width="1"/>`)
  for (let i = 0; i < n; i++) {
    const bh = (d.cases[i] / max) * barH
    const fill = hot.has(i) ? HOT : cold.has(i) ? COLD : MUTED
    p.push(`<rect x="${(left + i * bw + gap / 2).toFixed(2)}" y="${(barTop + barH - bh).toFixed(2)}" width="${Math.max(0.5, bw - gap).toFixed(2)}" height="${bh.toFixed(2)}" fill="${fill}" data-step="${i}" data-n="${d.cases[i]}"${hot.has(i) ? ' data-sig="hot"' : cold.has(i) ? ' data-sig="cold"' : ''}><title>${esc(o.stepLabel(i))}</title></rect>`)
  }
  // z panel: 90 % bounds dashed, zero line solid
  p.push(`<text x="${left}" y="${zTop - 4}" font-size="10" fill="${AXIS}">${esc(o.zLabel)}</text>`)
  for (const b of [Z90, -Z90]) p.push(`<line x1="${left}" y1="${zy(b).toFixed(2)}" x2="${w - right}" y2="${zy(b).toFixed(2)}" stroke="${b > 0 ? HOT : COLD}" stroke-opacity="0.55" stroke-width="1" stroke-dasharray="3 3"/>`)
  p.push(`<line x1="${left}" y1="${zy(0).toFixed(2)}" x2="${w - right}" y2="${zy(0).toFixed(2)}" stroke="#e3e5e8" stroke-width="1"/>`)
  let path = ''
  for (let i = 0; i < n; i++) {
    const v = d.z[i]
    if (v === null || !Number.isFinite(v)) continue
    path += `${path && d.z[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(2)},${zy(v).toFixed(2)}`
  }
  if (path) p.push(`<path d="${path}" fill="none" stroke="${INK}" stroke-width="1.3" stroke-linejoin="round"/>`)
  const r = Math.max(2.2, Math.min(3.5, bw / 2.5))
  for (let i = 0; i < n; i++) {
    const v = d.z[i]
    if (v === null || !Number.isFinite(v) || (!hot.has(i) && !cold.has(i))) continue
    const cx = x(i)
    const cy = zy(v)
    const up = hot.has(i)
    // ▲ for hot, ▼ for cold: the mark's shape carries the meaning as well as its colour
    const pts = up ? `${cx},${cy - r * 1.2} ${cx - r},${cy + r * 0.8} ${cx + r},${cy + r * 0.8}` : `${cx},${cy + r * 1.2} ${cx - r},${cy - r * 0.8} ${cx + r},${cy - r * 0.8}`
    p.push(`<polygon points="${pts}" fill="${up ? HOT : COLD}" stroke="#fff" stroke-width="0.8" data-step="${i}" data-sig="${up ? 'hot' : 'cold'}"><title>${esc(o.stepLabel(i))}</title></polygon>`)
  }
  if (d.starts.length) {
    p.push(`<text x="${left}" y="${h - 2}" font-size="10" fill="${AXIS}">${esc(d.starts[0])}</text>`)
    p.push(`<text x="${w - right}" y="${h - 2}" font-size="10" fill="${AXIS}" text-anchor="end">${esc(d.starts[d.starts.length - 1])}</text>`)
  }
  p.push('</svg>')
  return p.join('')
}
