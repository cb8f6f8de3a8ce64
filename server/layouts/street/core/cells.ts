/**
 * Street-following unit cells from street blocks, in a metric CRS (metres).
 *
 * Blocks are the faces of the noded street, water and community-boundary lines (ST_Polygonize,
 * see ../queries/blocks.sql); each lies in one unit (a community clipped to the scope). Then:
 *   1. merge: blocks much smaller than the target join a neighbour of the same unit (merge.ts:
 *      smallest first, longest shared boundary, near-target partners first);
 *   2. split: blocks much larger than the target are cut into balanced pieces by recursive
 *      straight cuts (split.ts), so cell boundaries are streets wherever the blocks allow;
 *   3. node: the cut points are inserted into the neighbours' edges (node.ts), so the cells form
 *      a clean coverage sharing every boundary vertex;
 *   4. absorb: scraps a cut left (concave blocks) and pieces still below the sliver share join
 *      the neighbour of the same unit sharing the longest boundary.
 * The cells tile the blocks exactly: merges cancel shared edges, cuts share their crossing points.
 */
import { type Poly, cleanRing, orient, polyArea } from './geometry'
import { mergeSmall } from './merge'
import { nodeCoverage } from './node'
import { type Guide, pieceCount, splitBalanced } from './split'
import { unionCoverage } from './union'

/** One block: a face of the polygonised lines. */
export interface StreetBlock {
  /** polygon in metres, shell then holes (any orientation: normalised here) */
  poly: Poly
  /** the unit (community piece) it lies in; cells never join blocks of different units */
  unit: number
  /** water surface (river, lake): merged with water first, land with land */
  water: boolean
  /** streets inside the block that bound nothing (dead ends), as cut guides: start and end point */
  guides?: Guide[]
}

export interface StreetCellOptions {
  /** target cell area, m² (default 10 000) */
  target?: number
  /** blocks below this share of the target always merge with a neighbour of their unit (default 0.3) */
  sliverRatio?: number
  /** blocks below this share merge when a neighbour keeps the sum within improveUpTo (default 0.7) */
  improveBelow?: number
  /** upper bound of such a near-target merge, share of the target (default 1.3) */
  improveUpTo?: number
}

/** How a cell came about. */
export type CellOrigin = 'block' | 'merged' | 'cut'

export interface StreetCell {
  /** polygon in metres: shell counter-clockwise, holes clockwise */
  poly: Poly
  area: number
  unit: number
  water: boolean
  origin: CellOrigin
  /** indexes of the input blocks the cell was made from (pieces of one cut block share it) */
  blocks: number[]
}

export interface StreetCellResult {
  cells: StreetCell[]
  counts: {
    blocks: number
    /** blocks joined into another */
    merged: number
    /** blocks (or merged groups) cut */
    cut: number
    /** cuts that follow a dead-end street (a guide) instead of the balanced position */
    guided: number
    /** scraps and small pieces joined to a neighbour after cutting */
    absorbed: number
    /** cells still below sliverRatio × target: no neighbour in their unit */
    isolated: number
    /** vertices inserted to node the coverage */
    noded: number
  }
}

export const STREET_CELL_DEFAULTS = { target: 10_000, sliverRatio: 0.3, improveBelow: 0.7, improveUpTo: 1.3 } as const

/** Street-following cells from blocks (see the module note for the method). */
export function streetCells(blocks: readonly StreetBlock[], options: StreetCellOptions = {}): StreetCellResult {
  const o = { ...STREET_CELL_DEFAULTS, ...options }
  if (!(o.target > 0)) throw new RangeError(`Unexpected target value: ${o.target}.`)
  const polys: Poly[] = []
  const units: number[] = []
  const water: boolean[] = []
  const areas: number[] = []
  const source: number[] = []
  blocks.forEach((b, i) => {
    const rings = b.poly.map(cleanRing).filter((r) => r.length >= 3)
    if (!rings.length) return
    const poly = orient(rings)
    const a = polyArea(poly)
    if (!(a > 0)) return
    polys.push(poly)
    units.push(b.unit)
    water.push(b.water)
    areas.push(a)
    source.push(i)
  })

  // 1. merge small blocks within their unit
  const merged = mergeSmall(
    { polys, area: areas, community: units, water },
    { target: o.target, forcedBelow: o.sliverRatio, improveBelow: o.improveBelow, improveUpTo: o.improveUpTo },
  )

  // 2. split large blocks
  const cells: StreetCell[] = []
  const scrap: boolean[] = []
  let cut = 0
  let guided = 0
  for (const g of merged.groups) {
    const parts = g.members.length === 1 ? [polys[g.members[0]]] : unionCoverage(g.members.map((m) => polys[m]))
    const blockIds = g.members.map((m) => source[m])
    for (const part of parts) {
      const area = parts.length === 1 ? g.area : polyArea(part)
      const n = pieceCount(area, o.target)
      if (n === 1) {
        cells.push({ poly: part, area, unit: g.community ?? units[g.members[0]], water: g.water, origin: g.members.length > 1 ? 'merged' : 'block', blocks: blockIds })
        scrap.push(false)
        continue
      }
      cut++
      const guides = g.members.flatMap((m) => blocks[source[m]].guides ?? [])
      const split = splitBalanced(part, area, n, o.sliverRatio, guides)
      guided += split.guided
      for (const piece of split.pieces) {
        cells.push({ poly: piece.poly, area: piece.area, unit: g.community ?? units[g.members[0]], water: g.water, origin: 'cut', blocks: blockIds })
        scrap.push(piece.fragment)
      }
    }
  }

  // 3. node the coverage (cut points into the neighbours' edges)
  const noded = nodeCoverage(cells.map((c) => c.poly))

  // 4. absorb scraps and leftover slivers into a neighbour of the same unit
  const small = cells.map((c, i) => scrap[i] || c.area < o.sliverRatio * o.target)
  let absorbed = 0
  let isolated = merged.isolated
  let result = cells
  if (small.some(Boolean)) {
    const again = mergeSmall(
      {
        polys: cells.map((c) => c.poly),
        // scraps rank as smallest so they merge whatever their size
        area: cells.map((c, i) => (scrap[i] ? 0 : c.area)),
        community: cells.map((c) => c.unit),
        water: cells.map((c) => c.water),
      },
      { target: o.target, forcedBelow: o.sliverRatio, improveBelow: o.sliverRatio, improveUpTo: 0 },
    )
    isolated = again.isolated
    result = again.groups.flatMap((g): StreetCell[] => {
      if (g.members.length === 1) return [cells[g.members[0]]]
      absorbed += g.members.length - 1
      const host = cells[g.members[0]]
      const blockIds = [...new Set(g.members.flatMap((m) => cells[m].blocks))]
      return unionCoverage(g.members.map((m) => cells[m].poly)).map((poly) => ({ ...host, poly, area: polyArea(poly), blocks: blockIds }))
    })
  }
  return {
    cells: result,
    counts: { blocks: polys.length, merged: merged.merges, cut, guided, absorbed, isolated, noded },
  }
}
