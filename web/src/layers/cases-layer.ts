/** Case points coloured by major category. */
import { ScatterplotLayer } from '@deck.gl/layers'
import type { CaseFeature } from '../api/types'
import type { RGB } from '../colors/ramps'
import { HOVER } from './theme'

/** Stable id: tooltips and exports find the layer by it. */
export const CASES_LAYER_ID = 'cases'

/** Point radius in screen pixels; stacked points are drawn larger and hollow so they read as "approximate". */
export const CASE_RADIUS_PX = 3.5
export const STACKED_RADIUS_PX = 6

export interface CasesLayerInput {
  /** cases to draw (already filtered: the stacked toggle is applied by the caller) */
  data: readonly CaseFeature[]
  /** colour of a minor category code (via its major) */
  colorOf: (categoryCode: string) => RGB
  /** changes whenever `colorOf` would answer differently (e.g. the category table arrived) */
  colorKey: string
  visible: boolean
}

/** Builds the case point layer (positions WGS84 lon/lat, sizes in pixels). */
export function casesLayer(input: CasesLayerInput): ScatterplotLayer<CaseFeature> {
  const { colorOf } = input
  return new ScatterplotLayer<CaseFeature>({
    id: CASES_LAYER_ID,
    data: input.data as CaseFeature[],
    visible: input.visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: HOVER,
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    stroked: true,
    filled: true,
    opacity: 0.92,
    getPosition: (d) => d.geometry.coordinates as [number, number],
    getRadius: (d) => (d.properties.stacked ? STACKED_RADIUS_PX : CASE_RADIUS_PX),
    getFillColor: (d) => {
      const c = colorOf(d.properties.category_code)
      return d.properties.stacked ? [c[0], c[1], c[2], 60] : [c[0], c[1], c[2], 235]
    },
    getLineColor: (d) => (d.properties.stacked ? [40, 40, 40, 230] : [255, 255, 255, 210]),
    getLineWidth: (d) => (d.properties.stacked ? 1.5 : 0.75),
    updateTriggers: {
      getFillColor: [input.colorKey],
    },
  })
}
