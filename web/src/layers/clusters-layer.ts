/**
 * Recurring-problem spots (DBSCAN / HDBSCAN clusters of case points) as outlined hulls with
 * their rank, so "where does it keep coming back" reads at a glance and matches the side list.
 * Okabe–Ito vermillion outlines stay distinct from the blue hover and the viridis/inferno fills.
 */
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers'
import type { ClusterFeature } from '../api/analyses'
import type { RGBA } from '../colors/ramps'
import { FONT_FAMILY } from './theme'

export const CLUSTERS_LAYER_ID = 'hotspot-clusters'
export const CLUSTER_LABELS_LAYER_ID = 'hotspot-cluster-ranks'

/** Outline of a spot; the selected one in Okabe–Ito blue. */
export const SPOT_LINE: RGBA = [213, 94, 0, 240]
export const SPOT_FILL: RGBA = [213, 94, 0, 46]
export const SPOT_SELECTED_LINE: RGBA = [0, 114, 178, 255]
export const SPOT_SELECTED_FILL: RGBA = [0, 114, 178, 60]

/** Ranks labelled on the map: the list shows more, the map stays legible. */
export const LABELLED_RANKS = 30

export interface ClustersLayerInput {
  data: readonly ClusterFeature[]
  /** rank of the selected spot, or null */
  selected: number | null
  visible: boolean
}

/** Hull polygons (points and lines of tiny clusters drawn as dots and strokes), pickable. */
export function clustersLayer(input: ClustersLayerInput): GeoJsonLayer {
  const sel = input.selected
  return new GeoJsonLayer({
    id: CLUSTERS_LAYER_ID,
    data: input.data as ClusterFeature[],
    visible: input.visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [0, 114, 178, 70],
    filled: true,
    stroked: true,
    lineWidthUnits: 'pixels',
    pointRadiusUnits: 'pixels',
    getPointRadius: 6,
    getLineWidth: (f) => ((f as ClusterFeature).properties.rank === sel ? 3 : 1.75),
    getLineColor: (f) => ((f as ClusterFeature).properties.rank === sel ? SPOT_SELECTED_LINE : SPOT_LINE),
    getFillColor: (f) => ((f as ClusterFeature).properties.rank === sel ? SPOT_SELECTED_FILL : SPOT_FILL),
    updateTriggers: { getLineWidth: [sel], getLineColor: [sel], getFillColor: [sel] },
  })
}

/** Rank numbers at the spots' centres (the best `LABELLED_RANKS`). */
export function clusterRankLayer(input: ClustersLayerInput): TextLayer<ClusterFeature> {
  const sel = input.selected
  return new TextLayer<ClusterFeature>({
    id: CLUSTER_LABELS_LAYER_ID,
    data: input.data.filter((f) => f.properties.rank <= LABELLED_RANKS),
    visible: input.visible,
    pickable: false,
    getPosition: (f) => [f.properties.lon, f.properties.lat],
    getText: (f) => String(f.properties.rank),
    getSize: 12,
    fontFamily: FONT_FAMILY,
    fontWeight: 700,
    getColor: [255, 255, 255, 255],
    background: true,
    getBackgroundColor: (f) => (f.properties.rank === sel ? SPOT_SELECTED_LINE : SPOT_LINE),
    backgroundPadding: [4, 1, 4, 1],
    getPixelOffset: [0, -14],
    updateTriggers: { getBackgroundColor: [sel] },
  })
}

/** Bounds of a spot's geometry, [minLon, minLat, maxLon, maxLat]. */
export function spotBounds(f: ClusterFeature): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[]
      b[0] = Math.min(b[0], x)
      b[1] = Math.min(b[1], y)
      b[2] = Math.max(b[2], x)
      b[3] = Math.max(b[3], y)
    } else for (const k of c as unknown[]) visit(k)
  }
  visit(f.geometry.coordinates)
  return b
}
