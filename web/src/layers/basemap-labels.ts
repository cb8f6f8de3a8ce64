/**
 * Base-map labels drawn by deck.gl rather than MapLibre: MapLibre text needs glyph PBFs from a
 * server, deck.gl's TextLayer rasterises any character (CJK included) with the browser's own
 * fonts, so the map works offline with no glyph service.
 */
import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions'
import { TextLayer } from '@deck.gl/layers'
import type { LineString, MultiLineString, Position } from 'geojson'
import type { PoiCollection, StreetClass, StreetCollection, WaterCollection } from '../api/types'
import type { Lang } from '../i18n'
import { FONT_FAMILY, HALO, LABEL, LABEL_COLLISION_GROUP, TEXT_FONT_SETTINGS } from './theme'

export const BASEMAP_LABELS_LAYER_ID = 'basemap-labels'

/** One placed label. `angle` is degrees counter-clockwise from east, in [-90, 90] so text never reads upside down. */
export interface PlacedLabel {
  position: [number, number]
  angle: number
  name_zh: string
  name_en: string
  role: 'street' | 'water' | 'poi'
  /** label size, px */
  size: number
  /** higher wins when labels collide */
  priority: number
  /** zoom below which the label is hidden */
  minZoom: number
}

/** Metres per degree of latitude (spherical Earth, adequate for label spacing). */
const M_PER_DEG = 111_320

/** Repeat a street name every this many metres along long streets; the collision filter thins the rest. */
export const STREET_LABEL_SPACING_M = 900

const STREET_STYLE: Record<StreetClass, { size: number; priority: number; minZoom: number } | null> = {
  arterial: { size: 13, priority: 60, minZoom: 12 },
  bridge: { size: 12, priority: 55, minZoom: 13 },
  secondary: { size: 12, priority: 50, minZoom: 13 },
  local: { size: 11, priority: 30, minZoom: 14.5 },
  lane: null, // lanes (胡同/小巷) are too many and too short to name legibly
}

function parts(g: LineString | MultiLineString): Position[][] {
  return g.type === 'LineString' ? [g.coordinates] : g.coordinates
}

/** Places labels along a line every `spacing` metres (first at half a spacing, or the middle of a short line). */
export function labelsAlongLine(line: Position[], spacingM: number): Array<{ position: [number, number]; angle: number }> {
  if (line.length < 2) return []
  const lat0 = line[0][1]
  const kx = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG
  const seg: number[] = []
  let total = 0
  for (let i = 1; i < line.length; i++) {
    const dx = (line[i][0] - line[i - 1][0]) * kx
    const dy = (line[i][1] - line[i - 1][1]) * M_PER_DEG
    const d = Math.hypot(dx, dy)
    seg.push(d)
    total += d
  }
  if (total === 0) return []
  const targets: number[] = []
  if (total < spacingM) targets.push(total / 2)
  else for (let s = spacingM / 2; s < total; s += spacingM) targets.push(s)
  const out: Array<{ position: [number, number]; angle: number }> = []
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
    out.push({ position: [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f], angle })
  }
  return out
}

/** Labels for named streets, river centre lines and POIs. */
export function placeBasemapLabels(streets: StreetCollection | null, water: WaterCollection | null, pois: PoiCollection | null): PlacedLabel[] {
  const out: PlacedLabel[] = []
  for (const f of streets?.features ?? []) {
    const style = STREET_STYLE[f.properties.class]
    if (!style || !f.properties.name_zh || !f.geometry) continue
    for (const line of parts(f.geometry)) {
      for (const p of labelsAlongLine(line, STREET_LABEL_SPACING_M)) {
        out.push({ ...p, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'street', ...style })
      }
    }
  }
  for (const f of water?.features ?? []) {
    const g = f.geometry
    if (!g || !f.properties.name_zh || (g.type !== 'LineString' && g.type !== 'MultiLineString')) continue
    for (const line of parts(g)) {
      for (const p of labelsAlongLine(line, STREET_LABEL_SPACING_M * 2)) {
        out.push({ ...p, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'water', size: 13, priority: 70, minZoom: 12 })
      }
    }
  }
  for (const f of pois?.features ?? []) {
    if (!f.geometry || !f.properties.name_zh) continue
    const [lon, lat] = f.geometry.coordinates
    out.push({ position: [lon, lat], angle: 0, name_zh: f.properties.name_zh, name_en: f.properties.name_en ?? f.properties.name_zh, role: 'poi', size: 11, priority: f.properties.kind === 'metro_exit' ? 45 : 20, minZoom: 15 })
  }
  return out
}

const zoomCache = new WeakMap<readonly PlacedLabel[], { band: number; data: PlacedLabel[] }>()

/**
 * Labels shown at a zoom. Re-filtered on half-zoom steps only, and the same array is returned
 * within a step, so deck.gl does not rebuild the text attributes on every frame of a zoom.
 */
export function labelsForZoom(labels: readonly PlacedLabel[], zoom: number): PlacedLabel[] {
  const band = Math.floor(zoom * 2) / 2
  const hit = zoomCache.get(labels)
  if (hit && hit.band === band) return hit.data
  const data = labels.filter((l) => band >= l.minZoom)
  zoomCache.set(labels, { band, data })
  return data
}

/** The base map's labels for a zoom and language (labels below their `minZoom` are left out). */
export function basemapLabelsLayer(input: { labels: readonly PlacedLabel[]; lang: Lang; zoom: number }): TextLayer<PlacedLabel> {
  const { lang } = input
  const data = labelsForZoom(input.labels, input.zoom)
  return new TextLayer<PlacedLabel, CollisionFilterExtensionProps<PlacedLabel>>({
    id: BASEMAP_LABELS_LAYER_ID,
    data,
    characterSet: 'auto',
    fontFamily: FONT_FAMILY,
    fontSettings: TEXT_FONT_SETTINGS,
    outlineWidth: 4,
    outlineColor: HALO,
    getPosition: (d) => d.position,
    getText: (d) => (lang === 'zh' ? d.name_zh : d.name_en),
    getAngle: (d) => d.angle,
    getSize: (d) => d.size,
    sizeUnits: 'pixels',
    getColor: (d) => LABEL[d.role],
    getPixelOffset: (d) => (d.role === 'poi' ? [0, 12] : [0, 0]),
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    extensions: [new CollisionFilterExtension()],
    collisionGroup: LABEL_COLLISION_GROUP,
    getCollisionPriority: (d) => d.priority,
    updateTriggers: { getText: [lang] },
  })
}
