/**
 * Spatial lookups on the street graph, so that cell centres and offices attach to it: the nearest
 * node, and the nearest position on any edge (flatbush over edge segments). Projected metres.
 */
import Flatbush from 'flatbush'
import type { StreetGraph } from './graph'
import type { EdgePosition } from './graph-geometry'

/** Flatbush indexes over the nodes and the edge segments of one graph. */
export interface StreetIndex {
  graph: StreetGraph
  /** one box per node, item id = node id; undefined for a graph without nodes */
  nodes: Flatbush | undefined
  /** one box per straight segment of an edge geometry; undefined for a graph without edges */
  segments: Flatbush | undefined
  /** per segment: its edge, the metres along the edge at its first point, and x0, y0, x1, y1 */
  segEdge: Uint32Array
  segAlong: Float64Array
  segXY: Float64Array
}

/** Options of the nearest lookups. */
export interface SnapOptions {
  /** only attach to this component (e.g. 0, the largest); default any */
  component?: number
  /** give up beyond this distance, metres; default Infinity */
  maxDistance?: number
}

/** A snapped point: the edge position, the distance from the query point and the snapped coordinates (metres). */
export interface EdgeSnap extends EdgePosition {
  distance: number
  x: number
  y: number
}

/** Builds the node and segment indexes of `graph`. */
export function indexStreetGraph(graph: StreetGraph): StreetIndex {
  let nodes: Flatbush | undefined
  if (graph.n > 0) {
    nodes = new Flatbush(graph.n)
    for (let i = 0; i < graph.n; i++) nodes.add(graph.nodeX[i], graph.nodeY[i], graph.nodeX[i], graph.nodeY[i])
    nodes.finish()
  }
  let nSeg = 0
  for (let e = 0; e < graph.edgeCount; e++) nSeg += graph.edgeVertexTo[e] - graph.edgeVertexFrom[e]
  const segEdge = new Uint32Array(nSeg)
  const segAlong = new Float64Array(nSeg)
  const segXY = new Float64Array(4 * nSeg)
  let segments: Flatbush | undefined
  if (nSeg > 0) {
    segments = new Flatbush(nSeg)
    let s = 0
    for (let e = 0; e < graph.edgeCount; e++) {
      const base = graph.lineOffsets[graph.edgeLine[e]]
      const v0 = base + graph.edgeVertexFrom[e]
      const v1 = base + graph.edgeVertexTo[e]
      let px = graph.nodeX[graph.edgeFrom[e]]
      let py = graph.nodeY[graph.edgeFrom[e]]
      let along = 0
      for (let v = v0 + 1; v <= v1; v++) {
        const qx = v === v1 ? graph.nodeX[graph.edgeTo[e]] : graph.lineXY[2 * v]
        const qy = v === v1 ? graph.nodeY[graph.edgeTo[e]] : graph.lineXY[2 * v + 1]
        segEdge[s] = e
        segAlong[s] = along
        segXY[4 * s] = px
        segXY[4 * s + 1] = py
        segXY[4 * s + 2] = qx
        segXY[4 * s + 3] = qy
        segments.add(Math.min(px, qx), Math.min(py, qy), Math.max(px, qx), Math.max(py, qy))
        along += Math.hypot(qx - px, qy - py)
        px = qx
        py = qy
        s++
      }
    }
    segments.finish()
  }
  return { graph, nodes, segments, segEdge, segAlong, segXY }
}

/**
 * The node nearest to (x, y).
 * @returns node id and straight-line distance (metres), or undefined when none qualifies
 */
export function nearestNode(index: StreetIndex, x: number, y: number, options: SnapOptions = {}): { node: number; distance: number } | undefined {
  const { graph, nodes } = index
  if (!nodes) return undefined
  const c = options.component
  const filter = c === undefined ? undefined : (i: number) => graph.component[i] === c
  const hit = nodes.neighbors(x, y, 1, options.maxDistance ?? Infinity, filter)
  if (hit.length === 0) return undefined
  return { node: hit[0], distance: Math.hypot(graph.nodeX[hit[0]] - x, graph.nodeY[hit[0]] - y) }
}

/**
 * The nearest point on any edge to (x, y): its edge, metres along it, the distance and the
 * snapped coordinates. Ties go to the lowest segment, so results are stable.
 */
export function snapToEdge(index: StreetIndex, x: number, y: number, options: SnapOptions = {}): EdgeSnap | undefined {
  const { graph, segments, segEdge, segXY, segAlong } = index
  if (!segments) return undefined
  const c = options.component
  const filter = c === undefined ? undefined : (s: number) => graph.component[graph.edgeFrom[segEdge[s]]] === c
  // flatbush orders by box distance, a lower bound of the segment distance: the first hit bounds
  // the search square, and every segment that could be nearer has a box inside it
  const first = segments.neighbors(x, y, 1, options.maxDistance ?? Infinity, filter)
  if (first.length === 0) return undefined
  let bestD2 = segDist2(segXY, first[0], x, y)
  const r = Math.sqrt(bestD2)
  let best = first[0]
  for (const s of segments.search(x - r, y - r, x + r, y + r, filter)) {
    const d2 = segDist2(segXY, s, x, y)
    if (d2 < bestD2 || (d2 === bestD2 && s < best)) {
      bestD2 = d2
      best = s
    }
  }
  const distance = Math.sqrt(bestD2)
  if (distance > (options.maxDistance ?? Infinity)) return undefined
  const t = segParam(segXY, best, x, y)
  const x0 = segXY[4 * best]
  const y0 = segXY[4 * best + 1]
  const dx = segXY[4 * best + 2] - x0
  const dy = segXY[4 * best + 3] - y0
  const e = segEdge[best]
  const along = Math.min(graph.edgeLength[e], segAlong[best] + t * Math.hypot(dx, dy))
  return { edge: e, along, distance, x: x0 + t * dx, y: y0 + t * dy }
}

function segParam(xy: Float64Array, s: number, x: number, y: number): number {
  const x0 = xy[4 * s]
  const y0 = xy[4 * s + 1]
  const dx = xy[4 * s + 2] - x0
  const dy = xy[4 * s + 3] - y0
  const l2 = dx * dx + dy * dy
  if (l2 === 0) return 0
  const t = ((x - x0) * dx + (y - y0) * dy) / l2
  return t < 0 ? 0 : t > 1 ? 1 : t
}

function segDist2(xy: Float64Array, s: number, x: number, y: number): number {
  const t = segParam(xy, s, x, y)
  const px = xy[4 * s] + t * (xy[4 * s + 2] - xy[4 * s]) - x
  const py = xy[4 * s + 1] + t * (xy[4 * s + 3] - xy[4 * s + 1]) - y
  return px * px + py * py
}
