/**
 * Emerging hot spots (ArcGIS Emerging Hot Spot Analysis) on the cells of a layout: one of the 17
 * patterns per cell, drawn with the tool's usual symbology — hot patterns in reds, their cold
 * mirrors in the matching blues, no pattern left clear. Hue alone cannot tell eight reds apart
 * (nor can a reader with a red-weak eye), so the kind of pattern is also told by a hatch:
 * dots for the young patterns (new, sporadic), diagonal lines for the directional ones
 * (consecutive ↗, diminishing ↘), a cross-hatch for the unstable or strengthening ones
 * (intensifying, oscillating), horizontal lines for the historical ones, and a plain fill for
 * persistent spots. Hot against cold stays red against blue, which the common colour-vision
 * deficiencies keep apart. Patterns are drawn by deck.gl's procedural FillStyleExtension.
 */
import type { RGBA } from '../colors/ramps'
import { rgbaCss } from '../colors/ramps'
import type { EmergingRow } from '../api/analyses'
import type { CellFillData, CellGeometry } from './cells-layer'
import { cellFillData } from './cells-layer'
import type { LegendItem, SwatchPattern } from '../ui/legend-model'

export const EMERGING_LAYER_ID = 'hotspot-emerging'

/** The hatch of a pattern; `solid` draws the fill alone. */
export type EmergingHatch = 'solid' | 'dots' | 'sparse-dots' | 'rising' | 'falling' | 'cross' | 'level'

/** How one category is drawn: background, the colour of its hatch, and the hatch. */
export interface EmergingStyle {
  /** fill under the hatch (the whole fill when solid) */
  fill: RGBA
  /** colour of the hatch lines or dots */
  line: RGBA
  hatch: EmergingHatch
}

/** Opacity of pattern fills: the streets under a hot spot stay readable. */
const FILL_A = 205
const LINE_A = 235

// ColorBrewer Reds and Blues (9 classes), light to dark
const REDS = ['#fff5f0', '#fee0d2', '#fcbba1', '#fc9272', '#fb6a4a', '#ef3b2c', '#cb181d', '#a50f15', '#67000d']
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b']

function rgba(hex: string, a: number): RGBA {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, a]
}

/** Per hot pattern (1 … 8): [background class, hatch class, hatch] on the 9-class ramp; cold mirrors use the same classes in blue. */
const HOT_DESIGN: Record<number, [number, number, EmergingHatch]> = {
  1: [2, 6, 'dots'], // new: appeared at the last step
  2: [3, 6, 'rising'], // consecutive: an unbroken run up to now
  3: [6, 8, 'cross'], // intensifying: hot most of the time and getting hotter — darkest
  4: [5, 5, 'solid'], // persistent: hot most of the time, no trend
  5: [2, 5, 'falling'], // diminishing: hot most of the time, cooling
  6: [1, 4, 'sparse-dots'], // sporadic: on and off
  7: [1, 4, 'cross'], // oscillating: hot now, cold before
  8: [1, 3, 'level'], // historical: hot most of the time, not now
}

/** The style of a category code (−8 … 8); null for no pattern (drawn clear). */
export function emergingStyle(code: number): EmergingStyle | null {
  const k = Math.abs(Math.round(code))
  const d = HOT_DESIGN[k]
  if (!d) return null
  const ramp = code > 0 ? REDS : BLUES
  return { fill: rgba(ramp[d[0]], FILL_A), line: rgba(ramp[d[1]], LINE_A), hatch: d[2] }
}

/** The 17 categories in legend order: hot patterns, no pattern, cold patterns (the order of ArcGIS's legend). */
export const EMERGING_LEGEND_ORDER: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 0, -1, -2, -3, -4, -5, -6, -7, -8]

/** Category names as the server writes them, by code (for a legend without a result). */
export const EMERGING_NAMES: Readonly<Record<number, { key: string; zh: string; en: string }>> = {
  1: { key: 'new-hot-spot', zh: '新热点', en: 'New Hot Spot' },
  2: { key: 'consecutive-hot-spot', zh: '连续热点', en: 'Consecutive Hot Spot' },
  3: { key: 'intensifying-hot-spot', zh: '加剧热点', en: 'Intensifying Hot Spot' },
  4: { key: 'persistent-hot-spot', zh: '持续热点', en: 'Persistent Hot Spot' },
  5: { key: 'diminishing-hot-spot', zh: '减弱热点', en: 'Diminishing Hot Spot' },
  6: { key: 'sporadic-hot-spot', zh: '零星热点', en: 'Sporadic Hot Spot' },
  7: { key: 'oscillating-hot-spot', zh: '振荡热点', en: 'Oscillating Hot Spot' },
  8: { key: 'historical-hot-spot', zh: '历史热点', en: 'Historical Hot Spot' },
  0: { key: 'no-pattern', zh: '无模式', en: 'No Pattern Detected' },
  [-1]: { key: 'new-cold-spot', zh: '新冷点', en: 'New Cold Spot' },
  [-2]: { key: 'consecutive-cold-spot', zh: '连续冷点', en: 'Consecutive Cold Spot' },
  [-3]: { key: 'intensifying-cold-spot', zh: '加剧冷点', en: 'Intensifying Cold Spot' },
  [-4]: { key: 'persistent-cold-spot', zh: '持续冷点', en: 'Persistent Cold Spot' },
  [-5]: { key: 'diminishing-cold-spot', zh: '减弱冷点', en: 'Diminishing Cold Spot' },
  [-6]: { key: 'sporadic-cold-spot', zh: '零星冷点', en: 'Sporadic Cold Spot' },
  [-7]: { key: 'oscillating-cold-spot', zh: '振荡冷点', en: 'Oscillating Cold Spot' },
  [-8]: { key: 'historical-cold-spot', zh: '历史冷点', en: 'Historical Cold Spot' },
}

/**
 * The procedural hatches (deck.gl FillStyleExtension, sizes in screen pixels). A hatch's index
 * in the shader is its position here plus one; index 0 draws the fill alone.
 */
export const HATCH_MAPPING = {
  dots: { type: 'dots', radius: 1.4, gap: 2.6 },
  'sparse-dots': { type: 'dots', radius: 1.3, gap: 5 },
  // deck.gl measures hatch angles on the map with y running south: 135° draws ↗, 45° ↘
  rising: { type: 'hatch', angle: 135, strokeWidth: 1.4, gap: 3.2 },
  falling: { type: 'hatch', angle: 45, strokeWidth: 1.4, gap: 3.2 },
  cross: { type: 'cross-hatch', angles: [45, 135], strokeWidth: 1, gap: 3.6 },
  level: { type: 'hatch', angle: 0, strokeWidth: 1.2, gap: 3.4 },
} as const

/** Shader index of a hatch (0 = solid), as deck.gl packs the mapping. */
export function hatchIndex(h: EmergingHatch): number {
  return h === 'solid' ? 0 : Object.keys(HATCH_MAPPING).indexOf(h) + 1
}

/**
 * The binary fill of the emerging layer: the cell fill table plus the background per vertex, and
 * the hatch name of every part. Hatches go through an accessor, not a binary attribute: deck.gl
 * turns names into shader indices with a transform that binary values would bypass.
 */
export interface EmergingFillData extends CellFillData {
  attributes: CellFillData['attributes'] & {
    getFillPatternBackgroundColor: { value: Uint8Array; size: 4; normalized: true }
  }
  /** hatch of each part ('solid' draws the fill colour alone) */
  partHatch: EmergingHatch[]
}

/**
 * Per-vertex colours, hatches and backgrounds for a result over `geom` (cells missing from the
 * result and cells without a pattern stay clear but pickable, so their tooltip still explains).
 */
export function emergingFillData(geom: CellGeometry, rows: readonly Pick<EmergingRow, 'cell' | 'category'>[]): EmergingFillData {
  const n = geom.cells
  const line = new Uint8Array(n * 4)
  const back = new Uint8Array(n * 4)
  const hatch: EmergingHatch[] = new Array(n).fill('solid')
  for (const r of rows) {
    if (r.cell < 0 || r.cell >= n) continue
    const st = emergingStyle(r.category)
    if (!st) continue
    const solid = st.hatch === 'solid'
    line.set(solid ? st.fill : st.line, r.cell * 4)
    if (!solid) back.set(st.fill, r.cell * 4)
    hatch[r.cell] = st.hatch
  }
  const base = cellFillData(geom, line)
  const vc = geom.vertexCell
  const bg = new Uint8Array(vc.length * 4)
  for (let i = 0; i < vc.length; i++) {
    const c = vc[i]
    bg[4 * i] = back[4 * c]
    bg[4 * i + 1] = back[4 * c + 1]
    bg[4 * i + 2] = back[4 * c + 2]
    bg[4 * i + 3] = back[4 * c + 3]
  }
  return {
    ...base,
    attributes: {
      ...base.attributes,
      getFillPatternBackgroundColor: { value: bg, size: 4, normalized: true },
    },
    partHatch: Array.from(geom.partCell, (c) => hatch[c]),
  }
}

/** The legend swatch pattern of a style (the same hatch as the map, in CSS pixels). */
export function swatchPattern(st: EmergingStyle): SwatchPattern | undefined {
  if (st.hatch === 'solid') return undefined
  const kind = st.hatch === 'dots' || st.hatch === 'sparse-dots' ? 'dots' : st.hatch === 'cross' ? 'cross' : 'hatch'
  const angle = st.hatch === 'rising' ? 45 : st.hatch === 'falling' ? 135 : 0
  const spacing = st.hatch === 'sparse-dots' ? 7 : 4.5
  return { kind, angle, spacing, line: rgbaCss(st.line), background: rgbaCss(st.fill) }
}

/** Cells per category code. */
export function emergingCounts(rows: readonly Pick<EmergingRow, 'category'>[]): Map<number, number> {
  const m = new Map<number, number>()
  for (const r of rows) m.set(r.category, (m.get(r.category) ?? 0) + 1)
  return m
}

/**
 * Legend entries: every category present in the result (with its cell count), in legend order;
 * no pattern always, so the clear cells are explained.
 */
export function emergingLegendItems(counts: ReadonlyMap<number, number>, name: (code: number) => string, count: (n: number) => string): LegendItem[] {
  const out: LegendItem[] = []
  for (const code of EMERGING_LEGEND_ORDER) {
    const n = counts.get(code) ?? 0
    if (!n && code !== 0) continue
    const st = emergingStyle(code)
    out.push({
      shape: 'square',
      color: st ? rgbaCss(st.hatch === 'solid' ? st.fill : st.line) : 'rgba(255, 255, 255, 0.9)',
      pattern: st ? swatchPattern(st) : undefined,
      label: `${name(code)} (${count(n)})`,
    })
  }
  return out
}

/** CSS colour of a category's swatch (tooltips, panel). */
export function emergingSwatchCss(code: number): string {
  const st = emergingStyle(code)
  return st ? rgbaCss(st.hatch === 'solid' ? st.fill : st.line) : 'rgba(255, 255, 255, 0.9)'
}
