/**
 * Map labels drawn by deck.gl rather than MapLibre: MapLibre text needs glyph PBFs from a
 * server, deck.gl's TextLayer rasterises any character (CJK included) with the browser's own
 * fonts (`characterSet: 'auto'`), so the map works offline with no glyph service. Street,
 * river, POI and community names are placed together (`label-placement.ts`) so they never
 * overlap, then drawn by two TextLayers (regular and bold).
 */
import { TextLayer } from '@deck.gl/layers'
import type { LineString, MultiLineString, Position } from 'geojson'
import type { PoiCollection, StreetClass, StreetCollection, WaterCollection } from '../api/types'
import type { Lang } from '../i18n'
import { placeLabels, type PlaceableLabel } from './label-placement'
import { FONT_FAMILY, HALO, LABEL, TEXT_FONT_SETTINGS } from './theme'

export const LABELS_LAYER_ID = 'labels'
export const LABELS_BOLD_LAYER_ID = 'labels-bold'

/** A label candidate. `angle` is degrees counter-clockwise from east, in [-90, 90] so text never reads upside down. */
export interface PlacedLabel extends PlaceableLabel {
  name_zh: string
  name_en: string
  role: 'street' | 'water' | 'poi' | 'community'
}

/** Metres per degree of latitude (spherical Earth, adequate for label spacing). */
const M_PER_DEG = 111_320

/** Same-name street labels are kept at least this far apart, m; placement thins them further. */
export const STREET_LABEL_SPACING_M = 700

const STREET_STYLE: Record<StreetClass, { size: number; priority: number; minZoom: number } | null> = {
  arterial: { size: 12.5, priority: 60, minZoom: 12.5 },
  bridge: { size: 11.5, priority: 55, minZoom: 14 },
  secondary: { size: 11.5, priority: 50, minZoom: 13.5 },
  local: { size: 11, priority: 30, minZoom: 15 },
  lane: null, // lanes (胡同/小巷) are too many and too short to name legibly
}

function parts(g: LineString | MultiLineString): Position[][] {
  return g.type === 'LineString' ? [g.coordinates] : g.coordinates
}

function metres(a: readonly number[], b: readonly number[]): number {
  const kx = Math.cos((a[1] * Math.PI) / 180) * M_PER_DEG
  return Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * M_PER_DEG)
}

/** Places labels along a line every `spacing` metres (first at half a spacing, or the middle of a short line). */
export function labelsAlongLine(line: Position[], spacingM: number): Array<{ position: [number, number]; angle: number; length: number }> {
  if (line.length < 2) return []
  const kx = Math.cos((line[0][1] * Math.PI) / 180) * M_PER_DEG
  const seg: number[] = []
  let total = 0
  for (let i = 1; i < line.length; i++) {
    const d = metres(line[i - 1], line[i])
    seg.push(d)
    total += d
  }
  if (total === 0) return []
  const targets: number[] = []
  if (total < spacingM) targets.push(total / 2)
  else for (let s = spacingM / 2; s < total; s += spacingM) targets.push(s)
  const out: Array<{ position: [number, number]; angle: number; length: number }> = []
  let i = 0
  let acc = 0
  for (const s of targets) {
    while (i < seg.length - 1 && acc + seg[i] < s) acc += seg[i++]
    const f = seg[i] === 0 ? 0 : (s - acc) / seg[i]
    const a = line[i]
    const b = line[i + 1]
    let angle = (Math.atan2((b[1] - a[1]) * M_PER_DEG, (b[0] - a[0]) * kx) * 180) / Math.PI
    if (angle > 90) angle -= 180
    if (angle < -90) angle += 180
    out.push({ position: [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f], angle, length: total })
  }
  return out
}

/**
 * Label candidates for named streets, river centre lines and POIs. Streets arrive as many
 * short segments (one per block); candidates of one name are taken longest segment first and
 * kept `STREET_LABEL_SPACING_M` apart, so a street is named a few times, not once per block.
 */
export function placeBasemapLabels(streets: StreetCollection | null, water: WaterCollection | null, pois: PoiCollection | null): PlacedLabel[] {
  const out: PlacedLabel[] = []
  const byName = new Map<string, Array<PlacedLabel & { length: number }>>()
  for (const f of streets?.features ?? []) {
    const style = STREET_STYLE[f.properties.class]
    if (!style || !f.properties.name_zh || !f.geometry) continue
    for (const line of parts(f.geometry)) {
      for (const p of labelsAlongLine(line, STREET_LABEL_SPACING_M)) {
        const cand = { ...p, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'street' as const, ...style }
        const list = byName.get(cand.name_zh)
        if (list) list.push(cand)
        else byName.set(cand.name_zh, [cand])
      }
    }
  }
  for (const cands of byName.values()) {
    cands.sort((a, b) => b.length - a.length)
    const kept: PlacedLabel[] = []
    for (const c of cands) {
      if (kept.some((k) => metres(k.position, c.position) < STREET_LABEL_SPACING_M)) continue
      const { length: _length, ...label } = c
      kept.push(label)
    }
    out.push(...kept)
  }
  for (const f of water?.features ?? []) {
    const g = f.geometry
    if (!g || !f.properties.name_zh || (g.type !== 'LineString' && g.type !== 'MultiLineString')) continue
    for (const line of parts(g)) {
      for (const p of labelsAlongLine(line, STREET_LABEL_SPACING_M * 2)) {
        out.push({ position: p.position, angle: p.angle, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'water', size: 12.5, priority: 70, minZoom: 12 })
      }
    }
  }
  for (const f of pois?.features ?? []) {
    if (!f.geometry || !f.properties.name_zh) continue
    const [lon, lat] = f.geometry.coordinates
    out.push({ position: [lon, lat], angle: 0, offsetY: 11, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'poi', size: 10.5, priority: f.properties.kind === 'metro_exit' ? 45 : 20, minZoom: 15.5 })
  }
  return out
}

/** The text of a label in a language. */
export function labelText(l: PlacedLabel, lang: Lang): string {
  return lang === 'zh' ? l.name_zh : l.name_en || l.name_zh
}

const placementCache = new WeakMap<readonly PlacedLabel[], { key: string; data: PlacedLabel[] }>()

/**
 * Labels shown at a zoom and language: placed once per half-zoom step and language, and the
 * same array returned within a step so deck.gl does not rebuild its text attributes each frame.
 */
export function labelsForZoom(labels: readonly PlacedLabel[], zoom: number, lang: Lang): PlacedLabel[] {
  const band = Math.floor(zoom * 2) / 2
  const key = `${band}|${lang}`
  const hit = placementCache.get(labels)
  if (hit && hit.key === key) return hit.data
  // place for the upper end of the band: labels never collide when zooming in within it
  const data = placeLabels(labels, band, (l) => labelText(l, lang))
  placementCache.set(labels, { key, data })
  return data
}

function textLayer(id: string, data: PlacedLabel[], lang: Lang, bold: boolean): TextLayer<PlacedLabel> {
  return new TextLayer<PlacedLabel>({
    id,
    data,
    characterSet: 'auto',
    fontFamily: FONT_FAMILY,
    fontWeight: bold ? 600 : 400,
    fontSettings: TEXT_FONT_SETTINGS,
    outlineWidth: 5,
    outlineColor: HALO,
    getPosition: (d) => d.position,
    getText: (d) => labelText(d, lang),
    getAngle: (d) => d.angle,
    getSize: (d) => d.size,
    sizeUnits: 'pixels',
    getColor: (d) => LABEL[d.role],
    getPixelOffset: (d) => [0, d.offsetY ?? 0],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    updateTriggers: { getText: [lang] },
  })
}

/**
 * The label layers for a zoom and language: regular names (streets, river, POIs) and bold
 * community names, placed together so they never overlap.
 */
export function labelLayers(input: { labels: readonly PlacedLabel[]; lang: Lang; zoom: number }): [TextLayer<PlacedLabel>, TextLayer<PlacedLabel>] {
  const placed = labelsForZoom(input.labels, input.zoom, input.lang)
  const cache = splitCache.get(placed)
  const split = cache ?? { regular: placed.filter((l) => l.role !== 'community'), bold: placed.filter((l) => l.role === 'community') }
  if (!cache) splitCache.set(placed, split)
  return [textLayer(LABELS_LAYER_ID, split.regular, input.lang, false), textLayer(LABELS_BOLD_LAYER_ID, split.bold, input.lang, true)]
}
const splitCache = new WeakMap<PlacedLabel[], { regular: PlacedLabel[]; bold: PlacedLabel[] }>()
