/**
 * The outline of the selected cell (the one whose history the panel shows): a dark line with a
 * white casing, legible over any fill and hatch.
 */
import { PathLayer } from '@deck.gl/layers'
import type { CellGeometry } from './cells-layer'
import { cellPolygons } from './cells-layer'

export interface SelectedCellInput {
  id: string
  geometry: CellGeometry
  cell: number
}

/** Casing and line of one cell's rings. */
export function selectedCellLayer(input: SelectedCellInput): PathLayer<number[][]> {
  const rings = cellPolygons(input.geometry, input.cell).flat()
  return new PathLayer<number[][]>({
    id: input.id,
    data: [...rings, ...rings],
    pickable: false,
    widthUnits: 'pixels',
    getPath: (d) => d as never,
    // the first half is the white casing, the second the line over it
    getWidth: (_d, { index }) => (index < rings.length ? 5 : 2.5),
    getColor: (_d, { index }) => (index < rings.length ? [255, 255, 255, 230] : [31, 41, 51, 255]),
    updateTriggers: { getWidth: rings.length, getColor: rings.length },
  })
}
