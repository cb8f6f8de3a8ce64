/** Community (社区) polygons: hover target for the tooltip, outlines, and names. */
import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions'
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers'
import type { DistrictFeature } from '../api/types'
import { labelPoint } from '../geo/geometry'
import type { Lang } from '../i18n'
import { FONT_FAMILY, HALO, HOVER, LABEL, LABEL_COLLISION_GROUP, TEXT_FONT_SETTINGS } from './theme'

export const COMMUNITY_LAYER_ID = 'communities'
export const COMMUNITY_LABELS_LAYER_ID = 'community-labels'

/** A label anchor for one community. */
export interface CommunityLabel {
  id: DistrictFeature['properties']['id']
  position: [number, number]
  name_zh: string
  name_en: string
}

/** Label anchors for communities (polygon label points; features without geometry are skipped). */
export function communityLabels(features: readonly DistrictFeature[]): CommunityLabel[] {
  const out: CommunityLabel[] = []
  for (const f of features) {
    const p = f.geometry ? labelPoint(f.geometry) : null
    if (p) out.push({ id: f.properties.id, position: p, name_zh: f.properties.name_zh, name_en: f.properties.name_en })
  }
  return out
}

/**
 * Community polygons: transparent fill (so hovering anywhere inside names the community),
 * a firm outline, and a hover highlight.
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
    stroked: true,
    getFillColor: [0, 0, 0, 0],
    getLineColor: [92, 102, 118, 200],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.25,
  })
}

/** Community names in the chosen language, haloed; labels that would overlap are dropped. */
export function communityLabelsLayer(input: { labels: readonly CommunityLabel[]; lang: Lang; visible: boolean }): TextLayer<CommunityLabel> {
  const { lang } = input
  return new TextLayer<CommunityLabel, CollisionFilterExtensionProps<CommunityLabel>>({
    id: COMMUNITY_LABELS_LAYER_ID,
    data: input.labels as CommunityLabel[],
    visible: input.visible,
    characterSet: 'auto',
    fontFamily: FONT_FAMILY,
    fontWeight: 600,
    fontSettings: TEXT_FONT_SETTINGS,
    outlineWidth: 4,
    outlineColor: HALO,
    getPosition: (d) => d.position,
    getText: (d) => (lang === 'zh' ? d.name_zh : d.name_en || d.name_zh),
    getColor: LABEL.community,
    getSize: 13,
    sizeUnits: 'pixels',
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    extensions: [new CollisionFilterExtension()],
    collisionGroup: LABEL_COLLISION_GROUP,
    getCollisionPriority: 100,
    updateTriggers: { getText: [lang] },
  })
}
