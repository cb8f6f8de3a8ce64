/** Community (社区) polygons: hover target for the tooltip, outlines, and label candidates for their names. */
import { GeoJsonLayer } from '@deck.gl/layers'
import type { DistrictFeature } from '../api/types'
import { labelPoint } from '../geo/geometry'
import type { PlacedLabel } from './basemap-labels'
import { HOVER } from './theme'

export const COMMUNITY_LAYER_ID = 'communities'
export const COMMUNITY_OUTLINE_LAYER_ID = 'community-outlines'

/** Label candidates for communities: top priority among map labels, shown at every zoom. */
export function communityLabels(features: readonly DistrictFeature[]): PlacedLabel[] {
  const out: PlacedLabel[] = []
  for (const f of features) {
    const p = f.geometry ? labelPoint(f.geometry) : null
    if (p) out.push({ position: p, angle: 0, size: 13, priority: 100, minZoom: 0, role: 'community', name_zh: f.properties.name_zh, name_en: f.properties.name_en })
  }
  return out
}

/**
 * Community polygons as the hover target: a transparent fill (so hovering anywhere inside
 * names the community) with a highlight, drawn under the analytical layers so cases and
 * hexagons are picked first.
 */
export function communityLayer(input: { data: readonly DistrictFeature[]; visible: boolean }): GeoJsonLayer {
  return new GeoJsonLayer({
    id: COMMUNITY_LAYER_ID,
    data: input.data as DistrictFeature[],
    visible: input.visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: HOVER,
    filled: true,
    stroked: false,
    getFillColor: [0, 0, 0, 0],
  })
}

/** Community outlines drawn over the hexagons (not pickable), so the units stay visible. */
export function communityOutlineLayer(input: { data: readonly DistrictFeature[]; visible: boolean }): GeoJsonLayer {
  return new GeoJsonLayer({
    id: COMMUNITY_OUTLINE_LAYER_ID,
    data: input.data as DistrictFeature[],
    visible: input.visible,
    pickable: false,
    filled: false,
    stroked: true,
    getLineColor: [70, 78, 92, 190],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.25,
  })
}
