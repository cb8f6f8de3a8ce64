/**
 * Layer factories of the responsibility-grid view (责任网格): the zones of a zoning as dissolved
 * polygons coloured by workload balance (workload ÷ mean, diverging around 1), with their codes.
 * Pure: data in, deck.gl layers out, stable ids.
 */
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { ZoneCollection, ZoneProps } from '../api/zones'
import { rdBuColdHot, sampleRamp, type RGB, type RGBA } from '../colors/ramps'

export const ZONES_LAYER_ID = 'zones'
export const ZONE_LABELS_LAYER_ID = 'zone-labels'

/**
 * Upper bounds of the balance classes, as workload ÷ mean (the last class is open). The middle
 * class (±3 %) is the server's default balance tolerance, so "white" means "balanced" as the
 * optimiser counts it; ±10 % and ±20 % are the steps a planning meeting talks about.
 */
export const BALANCE_BREAKS: readonly number[] = [0.8, 0.9, 0.97, 1.03, 1.1, 1.2, Infinity]
/**
 * ColorBrewer RdBu, blue = lighter load than the mean, red = heavier: a diverging scheme that
 * stays distinct for deuteranopes and protanopes (blue–red, not red–green), light in the middle.
 */
export const BALANCE_COLORS: readonly RGB[] = sampleRamp(rdBuColdHot, BALANCE_BREAKS.length)
/** Fill opacity of zones, 0–255. */
export const ZONE_ALPHA = 190

/** Class index (0 … 6) of a workload share, or −1 when unknown. */
export function balanceClass(share: number | null | undefined): number {
  if (share == null || !Number.isFinite(share)) return -1
  for (let k = 0; k < BALANCE_BREAKS.length; k++) if (share <= BALANCE_BREAKS[k]) return k
  return BALANCE_BREAKS.length - 1
}

/** Fill colour of a zone by its share; grey when unknown. */
export function zoneFill(share: number | null | undefined): RGBA {
  const k = balanceClass(share)
  return k < 0 ? [180, 180, 180, 120] : [...BALANCE_COLORS[k], ZONE_ALPHA]
}

/** A label position for a zone: the centre of its largest polygon's outer ring bounding box nudged to a vertex mean. */
export function zoneLabelPosition(f: Feature<Polygon | MultiPolygon, ZoneProps>): [number, number] {
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
  let best: number[][] = polys[0]?.[0] ?? []
  let bestArea = -1
  for (const p of polys) {
    const ring = p[0]
    let a = 0
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1])
    if (Math.abs(a) > bestArea) {
      bestArea = Math.abs(a)
      best = ring
    }
  }
  // the vertex mean: inside for the convex-ish zones contiguous partitions produce, and cheap
  let x = 0, y = 0
  const n = Math.max(1, best.length - 1)
  for (let i = 0; i < n; i++) {
    x += best[i][0]
    y += best[i][1]
  }
  return [x / n, y / n]
}

/** Outline width of zones, px; the selected zone's is drawn thicker so the panel's detail has its place on the map. */
export const ZONE_LINE_PX = 1.6
export const SELECTED_ZONE_LINE_PX = 4.5

/** The zones filled by balance with dark outlines (the selected zone's thicker), and their codes as labels. */
export function zonesLayers(input: { zones: ZoneCollection; key: string; visible?: boolean; selected?: number | null }): [GeoJsonLayer, TextLayer] {
  const selected = input.selected ?? null
  const fill = new GeoJsonLayer<ZoneProps>({
    id: ZONES_LAYER_ID,
    data: input.zones as never,
    visible: input.visible ?? true,
    pickable: true,
    autoHighlight: true,
    highlightColor: [0, 0, 0, 50],
    filled: true,
    stroked: true,
    getFillColor: (f) => zoneFill((f.properties as ZoneProps).share),
    getLineColor: [40, 48, 60, 230],
    getLineWidth: (f) => ((f.properties as ZoneProps).zone === selected ? SELECTED_ZONE_LINE_PX : ZONE_LINE_PX),
    lineWidthUnits: 'pixels',
    updateTriggers: { getFillColor: [input.key], getLineWidth: [input.key, selected] },
  })
  const labels = new TextLayer<Feature<Polygon | MultiPolygon, ZoneProps>>({
    id: ZONE_LABELS_LAYER_ID,
    data: input.zones.features,
    visible: input.visible ?? true,
    getPosition: (f) => zoneLabelPosition(f),
    getText: (f) => f.properties.code,
    getSize: 10,
    getColor: [25, 30, 40, 255],
    // a light plate keeps the code readable on the darkest blue and red alike
    background: true,
    getBackgroundColor: [255, 255, 255, 200],
    backgroundPadding: [3, 1],
    characterSet: 'auto',
    pickable: false,
    updateTriggers: { getPosition: [input.key], getText: [input.key] },
  })
  return [fill, labels]
}
