/**
 * Builds a planning instance from the street graph: attaches cell centres and offices given as
 * points to the nearest street, and computes the walking-distance matrix (one Dijkstra per
 * distinct position). Projected metres throughout.
 */
import type { StreetGraph } from './graph'
import type { GraphPosition, XY } from './graph-geometry'
import { indexStreetGraph, snapToEdge, type StreetIndex } from './graph-index'
import { distanceMatrix } from './shortest-path'
import type { PatrolCell, PatrolInstance, PatrolWorker } from './plan-types'

/** A position given as a graph position or as a point [x, y] to be snapped to the nearest street. */
export type PositionInput = GraphPosition | XY

/** Options of `buildPatrolInstance`. */
export interface InstanceOptions {
  /** snap points only onto this street component (e.g. 0, the largest); default any component */
  component?: number
  /** reuse an index of the graph */
  index?: StreetIndex
}

/**
 * Resolves points to graph positions and computes the (C + 2W)² matrix in the layout
 * `PatrolInstance.matrix` documents.
 */
export function buildPatrolInstance(
  graph: StreetGraph,
  cells: ReadonlyArray<Omit<PatrolCell, 'node'> & { node: PositionInput }>,
  workers: ReadonlyArray<Omit<PatrolWorker, 'start' | 'end'> & { start: PositionInput; end: PositionInput }>,
  options: InstanceOptions = {},
): PatrolInstance {
  let index = options.index
  const resolve = (p: PositionInput, what: string): GraphPosition => {
    if (!Array.isArray(p)) return p as GraphPosition
    index ??= indexStreetGraph(graph)
    const s = snapToEdge(index, p[0], p[1], { component: options.component })
    if (!s) throw new RangeError(`${what}: no street to attach point (${p[0]}, ${p[1]}) to; is the street graph empty?`)
    return { edge: s.edge, along: s.along }
  }
  const outCells: PatrolCell[] = cells.map((c) => ({ ...c, node: resolve(c.node, `cell ${c.id}`) }))
  const outWorkers: PatrolWorker[] = workers.map((w) => ({
    ...w,
    start: resolve(w.start, `worker ${w.id} start`),
    end: resolve(w.end, `worker ${w.id} end`),
  }))
  const positions: GraphPosition[] = outCells.map((c) => c.node)
  for (const w of outWorkers) positions.push(w.start, w.end)
  return { cells: outCells, workers: outWorkers, matrix: distanceMatrix(graph, positions) }
}
