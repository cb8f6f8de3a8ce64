/** Case counts per H3 hexagon, classed with quantile breaks and a viridis ramp. */
import { H3HexagonLayer } from '@deck.gl/geo-layers'
import { classIndex } from '../colors/classify'
import type { RGB } from '../colors/ramps'
import type { HexBin } from './hex-bins'

export const HEX_LAYER_ID = 'case-hex'

/** Fill alpha: translucent so streets and boundaries stay visible underneath. */
export const HEX_ALPHA = 175

export interface HexLayerInput {
  bins: readonly HexBin[]
  /** class upper bounds from `quantileBreaks` */
  breaks: readonly number[]
  /** one colour per class, same length as `breaks` */
  colors: readonly RGB[]
  visible: boolean
}

/** Builds the hexagon count layer. */
export function hexLayer(input: HexLayerInput): H3HexagonLayer<HexBin> {
  if (input.breaks.length !== input.colors.length) {
    throw new Error(`Unexpected colour count: ${input.colors.length} colours for ${input.breaks.length} classes`)
  }
  const { breaks, colors } = input
  return new H3HexagonLayer<HexBin>({
    id: HEX_LAYER_ID,
    data: input.bins as HexBin[],
    visible: input.visible,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    extruded: false,
    stroked: true,
    filled: true,
    highPrecision: 'auto',
    getHexagon: (d) => d.hex,
    getFillColor: (d) => {
      const c = colors[classIndex(d.n, breaks)]
      return [c[0], c[1], c[2], HEX_ALPHA]
    },
    getLineColor: [255, 255, 255, 140],
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75,
    updateTriggers: {
      getFillColor: [breaks.join(','), colors.map((c) => c.join('.')).join(',')],
    },
  })
}
