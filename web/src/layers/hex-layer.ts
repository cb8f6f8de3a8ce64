/** Case counts per H3 hexagon, classed (head/tail or quantile breaks) on a viridis ramp. */
import { H3HexagonLayer } from '@deck.gl/geo-layers'
import { classIndex } from '../colors/classify'
import type { RGB } from '../colors/ramps'
import type { HexBin } from './hex-bins'

export const HEX_LAYER_ID = 'case-hex'

/**
 * Fill alpha of class `k` of `n`: low classes are faint so streets stay readable under them,
 * the top class nearly opaque so hotspots carry the eye.
 */
export function hexAlpha(k: number, n: number): number {
  return n <= 1 ? 170 : Math.round(45 + 145 * (k / (n - 1)) ** 0.8)
}

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
      const k = classIndex(d.n, breaks)
      const c = colors[k]
      return [c[0], c[1], c[2], hexAlpha(k, breaks.length)]
    },
    getLineColor: [255, 255, 255, 70],
    lineWidthUnits: 'pixels',
    getLineWidth: 0.75,
    updateTriggers: {
      getFillColor: [breaks.join(','), colors.map((c) => c.join('.')).join(',')],
    },
  })
}
