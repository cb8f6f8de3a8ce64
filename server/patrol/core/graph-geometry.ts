/**
 * Geometry of street-graph edges and of positions on them: an edge runs from `edgeFrom` to
 * `edgeTo` along the vertices of its source line, with both ends moved onto their nodes.
 * All coordinates and distances are in the graph's projected CRS (metres).
 */
import type { StreetGraph } from './graph'

/** A point on an edge, `along` metres from the edge's `edgeFrom` node (0 ≤ along ≤ edge length). */
export interface EdgePosition {
  edge: number
  along: number
}

/** Where something attaches to the graph: a node id, or a position on an edge. */
export type GraphPosition = number | EdgePosition

/** [x, y] in metres. */
export type XY = [number, number]

/** Vertices of edge `e` from `edgeFrom` to `edgeTo`, metres. */
export function edgeCoordinates(graph: StreetGraph, e: number): XY[] {
  checkEdge(graph, e)
  const base = graph.lineOffsets[graph.edgeLine[e]]
  const v0 = base + graph.edgeVertexFrom[e]
  const v1 = base + graph.edgeVertexTo[e]
  const out: XY[] = [[graph.nodeX[graph.edgeFrom[e]], graph.nodeY[graph.edgeFrom[e]]]]
  for (let v = v0 + 1; v < v1; v++) out.push([graph.lineXY[2 * v], graph.lineXY[2 * v + 1]])
  out.push([graph.nodeX[graph.edgeTo[e]], graph.nodeY[graph.edgeTo[e]]])
  return out
}

/**
 * The part of edge `e` between `fromAlong` and `toAlong` (metres from `edgeFrom`), in that
 * direction (reversed when toAlong < fromAlong), both end points included.
 */
export function edgeSlice(graph: StreetGraph, e: number, fromAlong: number, toAlong: number): XY[] {
  const coords = edgeCoordinates(graph, e)
  const len = graph.edgeLength[e]
  const a = clamp(Math.min(fromAlong, toAlong), 0, len)
  const b = clamp(Math.max(fromAlong, toAlong), 0, len)
  const out: XY[] = [interpolate(coords, a)]
  let acc = 0
  for (let k = 1; k < coords.length; k++) {
    acc += Math.hypot(coords[k][0] - coords[k - 1][0], coords[k][1] - coords[k - 1][1])
    if (acc > a && acc < b) out.push(coords[k])
    if (acc >= b) break
  }
  if (b > a) out.push(interpolate(coords, b))
  return toAlong < fromAlong ? out.reverse() : out
}

/** The point `along` metres from the start of edge `e`. */
export function pointAlongEdge(graph: StreetGraph, e: number, along: number): XY {
  return interpolate(edgeCoordinates(graph, e), clamp(along, 0, graph.edgeLength[e]))
}

/** Coordinates of a graph position (node or edge position), metres. */
export function positionPoint(graph: StreetGraph, pos: GraphPosition): XY {
  if (typeof pos === 'number') {
    checkNode(graph, pos)
    return [graph.nodeX[pos], graph.nodeY[pos]]
  }
  return pointAlongEdge(graph, pos.edge, pos.along)
}

/** Component of a graph position (see `StreetGraph.component`). */
export function positionComponent(graph: StreetGraph, pos: GraphPosition): number {
  if (typeof pos === 'number') {
    checkNode(graph, pos)
    return graph.component[pos]
  }
  checkEdge(graph, pos.edge)
  return graph.component[graph.edgeFrom[pos.edge]]
}

/**
 * The nodes a position reaches directly and the walk to each (metres): a node reaches itself at 0,
 * an edge position reaches both ends of its edge. Used to seed and to read shortest-path searches.
 * @returns number of seeds written (1 or 2)
 */
export function positionSeeds(graph: StreetGraph, pos: GraphPosition, nodes: Uint32Array, dist: Float64Array, at = 0): number {
  if (typeof pos === 'number') {
    checkNode(graph, pos)
    nodes[at] = pos
    dist[at] = 0
    return 1
  }
  checkEdge(graph, pos.edge)
  const len = graph.edgeLength[pos.edge]
  const along = clamp(pos.along, 0, len)
  nodes[at] = graph.edgeFrom[pos.edge]
  dist[at] = along
  nodes[at + 1] = graph.edgeTo[pos.edge]
  dist[at + 1] = len - along
  return 2
}

function interpolate(coords: XY[], along: number): XY {
  let acc = 0
  for (let k = 1; k < coords.length; k++) {
    const dx = coords[k][0] - coords[k - 1][0]
    const dy = coords[k][1] - coords[k - 1][1]
    const seg = Math.hypot(dx, dy)
    if (acc + seg >= along && seg > 0) {
      const t = (along - acc) / seg
      return [coords[k - 1][0] + t * dx, coords[k - 1][1] + t * dy]
    }
    acc += seg
  }
  return coords[coords.length - 1].slice() as XY
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}

function checkEdge(graph: StreetGraph, e: number): void {
  if (!(e >= 0 && e < graph.edgeCount && Number.isInteger(e))) throw new RangeError(`Unexpected edge id: ${e} (graph has ${graph.edgeCount} edges).`)
}

function checkNode(graph: StreetGraph, v: number): void {
  if (!(v >= 0 && v < graph.n && Number.isInteger(v))) throw new RangeError(`Unexpected node id: ${v} (graph has ${graph.n} nodes).`)
}
