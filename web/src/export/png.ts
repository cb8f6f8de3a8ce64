/**
 * PNG export: the map canvas (MapLibre and deck.gl share one WebGL canvas because the overlay
 * is interleaved; `preserveDrawingBuffer` keeps the last frame readable) composed with a title
 * band, the legend and a source line on a 2D canvas.
 */
import { FONT_FAMILY } from '../layers/theme'
import type { LegendItem, LegendSection, SwatchPattern } from '../ui/legend-model'

export interface PngOptions {
  title: string
  subtitle: string
  footer: string
  legend: readonly LegendSection[]
}

const INK = '#1f2933'
const MUTED = '#5b6673'

/** Fills the square (x, y, s) with a hatched swatch: background, then lines or dots clipped to it. */
function drawPattern(ctx: CanvasRenderingContext2D, p: SwatchPattern, x: number, y: number, s: number): void {
  ctx.beginPath()
  ctx.roundRect(x + 1, y + 1, s - 2, s - 2, 2.5)
  ctx.fillStyle = p.background
  ctx.fill()
  ctx.clip()
  ctx.strokeStyle = p.line
  ctx.fillStyle = p.line
  ctx.lineWidth = 1.3
  const step = Math.max(2.5, p.spacing * 0.8)
  if (p.kind === 'dots') {
    for (let dy = step / 2; dy < s; dy += step) for (let dx = step / 2; dx < s; dx += step) {
      ctx.beginPath()
      ctx.arc(x + dx, y + dy, 1.1, 0, Math.PI * 2)
      ctx.fill()
    }
    return
  }
  const angles = p.kind === 'cross' ? [45, 135] : [p.angle]
  for (const a of angles) {
    // lines at angle a (counter-clockwise from east; canvas y runs down), spaced `step` apart across the square
    const rad = (a * Math.PI) / 180
    const dx = Math.cos(rad)
    const dy = -Math.sin(rad)
    const cx = x + s / 2
    const cy = y + s / 2
    for (let k = -s; k <= s; k += step) {
      const ox = cx - dy * k
      const oy = cy + dx * k
      ctx.beginPath()
      ctx.moveTo(ox - dx * s, oy - dy * s)
      ctx.lineTo(ox + dx * s, oy + dy * s)
      ctx.stroke()
    }
  }
}

/** Draws a legend swatch at (x, y) of size s (CSS px scaled by the context transform). */
function drawSwatch(ctx: CanvasRenderingContext2D, item: LegendItem, x: number, y: number, s: number): void {
  const { shape, color } = item
  ctx.save()
  if (shape === 'square' && item.pattern) {
    drawPattern(ctx, item.pattern, x, y, s)
    ctx.restore()
    return
  }
  if (shape === 'point' || shape === 'ring') {
    ctx.beginPath()
    ctx.arc(x + s / 2, y + s / 2, s / 2.6, 0, Math.PI * 2)
    if (shape === 'point') {
      ctx.fillStyle = color
      ctx.fill()
      ctx.strokeStyle = '#ffffff'
      ctx.lineWidth = 1
      ctx.stroke()
    } else {
      ctx.strokeStyle = color
      ctx.lineWidth = 1.5
      ctx.stroke()
    }
  } else if (shape === 'square') {
    ctx.fillStyle = color
    ctx.beginPath()
    ctx.roundRect(x + 1, y + 1, s - 2, s - 2, 2.5)
    ctx.fill()
    // a white swatch (a class drawn clear on the map) needs its outline to be seen on the white box
    if (/255,\s*255,\s*255/.test(color)) {
      ctx.strokeStyle = 'rgba(31, 41, 51, 0.3)'
      ctx.lineWidth = 1
      ctx.stroke()
    }
  } else if (shape === 'hex') {
    ctx.beginPath()
    for (let k = 0; k < 6; k++) {
      const a = (Math.PI / 3) * k + Math.PI / 6
      const px = x + s / 2 + (s / 2) * Math.cos(a)
      const py = y + s / 2 + (s / 2) * Math.sin(a)
      if (k === 0) ctx.moveTo(px, py)
      else ctx.lineTo(px, py)
    }
    ctx.closePath()
    ctx.fillStyle = color
    ctx.fill()
  } else {
    ctx.strokeStyle = color
    ctx.lineWidth = 2
    if (shape === 'dash') ctx.setLineDash([4, 3])
    ctx.beginPath()
    ctx.moveTo(x, y + s / 2)
    ctx.lineTo(x + s, y + s / 2)
    ctx.stroke()
  }
  ctx.restore()
}

/** Wraps `text` to lines no wider than `maxW` (CJK has no spaces: wrap by character). */
function wrap(ctx: CanvasRenderingContext2D, text: string, maxW: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const ch of text) {
    if (ctx.measureText(line + ch).width > maxW && line) {
      lines.push(line)
      line = ch.trimStart()
    } else line += ch
  }
  if (line) lines.push(line)
  return lines
}

/** Composes the export image; `mapCanvas` must hold the current frame. */
export function composeMapPng(mapCanvas: HTMLCanvasElement, o: PngOptions): HTMLCanvasElement {
  const scale = mapCanvas.width / mapCanvas.clientWidth || 1
  const cssW = mapCanvas.width / scale
  const cssH = mapCanvas.height / scale
  const header = 64
  const footer = 28
  const out = document.createElement('canvas')
  out.width = Math.round(cssW * scale)
  out.height = Math.round((cssH + header + footer) * scale)
  const ctx = out.getContext('2d')!
  ctx.scale(scale, scale)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, cssW, cssH + header + footer)
  ctx.fillStyle = INK
  ctx.font = `600 20px ${FONT_FAMILY}`
  ctx.textBaseline = 'top'
  ctx.fillText(o.title, 16, 12)
  ctx.fillStyle = MUTED
  ctx.font = `13px ${FONT_FAMILY}`
  ctx.fillText(o.subtitle, 16, 40, cssW - 32)
  ctx.drawImage(mapCanvas, 0, header, cssW, cssH)

  // legend box, bottom-right over the map
  const pad = 10
  const boxW = 230
  const sw = 12
  ctx.font = `12px ${FONT_FAMILY}`
  let h = pad
  const rows: Array<() => void> = []
  for (const s of o.legend) {
    const y0 = h
    rows.push(() => {
      ctx.fillStyle = INK
      ctx.font = `600 12px ${FONT_FAMILY}`
      ctx.fillText(s.title, 0, y0)
    })
    h += 18
    if (s.unit) {
      ctx.font = `11px ${FONT_FAMILY}`
      const lines = wrap(ctx, s.unit, boxW - 2 * pad)
      const yu = h
      rows.push(() => {
        ctx.fillStyle = MUTED
        ctx.font = `11px ${FONT_FAMILY}`
        lines.forEach((l, k) => ctx.fillText(l, 0, yu + k * 14))
      })
      h += lines.length * 14 + 2
    }
    for (const item of s.items) {
      const yi = h
      rows.push(() => {
        drawSwatch(ctx, item, 0, yi, sw)
        ctx.fillStyle = INK
        ctx.font = `12px ${FONT_FAMILY}`
        ctx.fillText(item.label, sw + 8, yi, boxW - 2 * pad - sw - 8)
      })
      h += 17
    }
    h += 6
  }
  h += pad - 6
  const bx = cssW - boxW - 12
  const by = header + cssH - h - 12
  ctx.fillStyle = 'rgba(255, 255, 255, 0.94)'
  ctx.strokeStyle = 'rgba(31, 41, 51, 0.18)'
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.roundRect(bx, by, boxW, h, 6)
  ctx.fill()
  ctx.stroke()
  ctx.save()
  ctx.translate(bx + pad, by)
  for (const r of rows) r()
  ctx.restore()

  ctx.fillStyle = MUTED
  ctx.font = `11px ${FONT_FAMILY}`
  ctx.fillText(o.footer, 16, header + cssH + 8, cssW - 32)
  return out
}

/** PNG blob of a canvas. */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob returned null'))), 'image/png'))
}
