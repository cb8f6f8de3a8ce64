/**
 * Shortest walking paths on the street graph: Dijkstra (1959) with an indexed binary heap
 * (decrease-key) over typed arrays, started from graph positions (a node, or a point on an edge
 * seeded at both edge ends), with early stop once every target is settled. Distances are metres.
 *
 * A workspace holds every buffer of one search so that many searches (one per stop for a
 * distance matrix) allocate nothing.
 */
import type { StreetGraph } from './graph'
import { edgeSlice, positionSeeds, type GraphPosition, type XY } from './graph-geometry'

const NEVER = -1 // heapPos: not reached yet
const SETTLED = -2 // heapPos: distance final

/** Reusable buffers for searches on one graph (n nodes). */
export interface ShortestPathWorkspace {
  graph: StreetGraph
  /** metres from the source; Infinity when not reached */
  dist: Float64Array
  /** node before each node on its shortest path, -1 at the sources */
  prevNode: Int32Array
  /** edge used to reach each node, -1 at the sources */
  prevEdge: Int32Array
  /** binary min-heap of node ids keyed by `dist` */
  heap: Uint32Array
  /** position of each node in `heap`, or NEVER / SETTLED */
  heapPos: Int32Array
  /** 1 for nodes the current search waits for */
  targetMark: Uint8Array
  seedNodes: Uint32Array
  seedDist: Float64Array
}

/** Allocates the buffers for searches on `graph` (about 30 bytes per node). */
export function createShortestPathWorkspace(graph: StreetGraph): ShortestPathWorkspace {
  const n = graph.n
  return {
    graph,
    dist: new Float64Array(n),
    prevNode: new Int32Array(n),
    prevEdge: new Int32Array(n),
    heap: new Uint32Array(n),
    heapPos: new Int32Array(n),
    targetMark: new Uint8Array(n),
    seedNodes: new Uint32Array(2),
    seedDist: new Float64Array(2),
  }
}

/**
 * One Dijkstra run in `ws`: from the seeds (node, starting metres), until the heap is empty, the
 * next distance exceeds `maxDistance`, or every node in `targets` is settled.
 * Afterwards `ws.dist` is exact for settled nodes; nodes beyond `maxDistance` read Infinity.
 * Predecessors are recorded only with `trackPaths` (tables do not need them).
 */
function search(
  ws: ShortestPathWorkspace,
  nSeeds: number,
  targets: Uint32Array | undefined,
  nTargets: number,
  maxDistance: number,
  trackPaths: boolean,
): void {
  const { graph, dist, prevNode, prevEdge, heap, heapPos, targetMark, seedNodes, seedDist } = ws
  const { offsets, indices, weights, slotEdge } = graph
  dist.fill(Infinity)
  if (trackPaths) {
    prevNode.fill(-1)
    prevEdge.fill(-1)
  }
  heapPos.fill(NEVER)
  let size = 0
  for (let s = 0; s < nSeeds; s++) {
    const v = seedNodes[s]
    if (seedDist[s] < dist[v]) {
      dist[v] = seedDist[s]
      if (heapPos[v] === NEVER) {
        heap[size] = v
        heapPos[v] = size
        size++
      }
      siftUp(heap, heapPos, dist, heapPos[v])
    }
  }
  let remaining = 0
  if (targets) {
    for (let t = 0; t < nTargets; t++) {
      if (!targetMark[targets[t]]) {
        targetMark[targets[t]] = 1
        remaining++
      }
    }
  }
  while (size > 0) {
    const u = heap[0]
    const du = dist[u]
    if (du > maxDistance) break
    size--
    if (size > 0) {
      heap[0] = heap[size]
      heapPos[heap[0]] = 0
      siftDown(heap, heapPos, dist, 0, size)
    }
    heapPos[u] = SETTLED
    if (targetMark[u] && --remaining === 0) break
    for (let k = offsets[u], end = offsets[u + 1]; k < end; k++) {
      const v = indices[k]
      const pv = heapPos[v]
      if (pv === SETTLED) continue
      const nd = du + weights[k]
      if (nd < dist[v]) {
        dist[v] = nd
        if (trackPaths) {
          prevNode[v] = u
          prevEdge[v] = slotEdge[k]
        }
        if (pv === NEVER) {
          heap[size] = v
          heapPos[v] = size
          siftUp(heap, heapPos, dist, size)
          size++
        } else {
          siftUp(heap, heapPos, dist, pv)
        }
      }
    }
  }
  // tentative labels left in the heap are beyond maxDistance (or not needed): report them unreached
  if (maxDistance < Infinity) for (let i = 0; i < size; i++) dist[heap[i]] = Infinity
  if (targets) for (let t = 0; t < nTargets; t++) targetMark[targets[t]] = 0
}

function siftUp(heap: Uint32Array, pos: Int32Array, key: Float64Array, i: number): void {
  const v = heap[i]
  const kv = key[v]
  while (i > 0) {
    const p = (i - 1) >> 1
    const w = heap[p]
    if (key[w] <= kv) break
    heap[i] = w
    pos[w] = i
    i = p
  }
  heap[i] = v
  pos[v] = i
}

function siftDown(heap: Uint32Array, pos: Int32Array, key: Float64Array, i: number, size: number): void {
  const v = heap[i]
  const kv = key[v]
  const half = size >> 1
  while (i < half) {
    let c = 2 * i + 1
    const r = c + 1
    if (r < size && key[heap[r]] < key[heap[c]]) c = r
    const w = heap[c]
    if (key[w] >= kv) break
    heap[i] = w
    pos[w] = i
    i = c
  }
  heap[i] = v
  pos[v] = i
}

/** A single-source shortest-path tree (copies of the workspace arrays). */
export interface ShortestPathTree {
  source: GraphPosition
  /** metres from the source to each node; Infinity when unreachable (or beyond maxDistance) */
  dist: Float64Array
  /** previous node on the shortest path, -1 at the source's seed nodes and unreached nodes */
  prevNode: Int32Array
  /** edge taken into each node, -1 where prevNode is -1 */
  prevEdge: Int32Array
}

/**
 * Shortest distances from `source` to every node (single source → all).
 * @param maxDistance  stop exploring beyond this many metres (default Infinity)
 */
export function shortestPathTree(graph: StreetGraph, source: GraphPosition, maxDistance = Infinity): ShortestPathTree {
  const ws = createShortestPathWorkspace(graph)
  const ns = positionSeeds(graph, source, ws.seedNodes, ws.seedDist)
  search(ws, ns, undefined, 0, maxDistance, true)
  return { source, dist: ws.dist.slice(), prevNode: ws.prevNode.slice(), prevEdge: ws.prevEdge.slice() }
}

/** Seeds of many target positions, flattened: up to two (node, metres) pairs per target. */
interface TargetSeeds {
  count: number
  nodes: Uint32Array
  off: Float64Array
  nSeeds: Uint8Array
  edge: Int32Array
  along: Float64Array
}

function targetSeeds(graph: StreetGraph, targets: ReadonlyArray<GraphPosition>): TargetSeeds {
  const count = targets.length
  const t: TargetSeeds = {
    count,
    nodes: new Uint32Array(2 * count),
    off: new Float64Array(2 * count),
    nSeeds: new Uint8Array(count),
    edge: new Int32Array(count).fill(-1),
    along: new Float64Array(count),
  }
  for (let j = 0; j < count; j++) {
    const p = targets[j]
    t.nSeeds[j] = positionSeeds(graph, p, t.nodes, t.off, 2 * j)
    if (t.nSeeds[j] === 1) t.nodes[2 * j + 1] = t.nodes[2 * j] // so that 2·count nodes can be marked as a block
    if (typeof p !== 'number') {
      t.edge[j] = p.edge
      t.along[j] = p.along
    }
  }
  return t
}

/** Distance (m) from the searched source to target j, given the source's own edge position if any. */
function readTarget(ws: ShortestPathWorkspace, t: TargetSeeds, j: number, srcEdge: number, srcAlong: number): number {
  let d = ws.dist[t.nodes[2 * j]] + t.off[2 * j]
  if (t.nSeeds[j] === 2) {
    const d2 = ws.dist[t.nodes[2 * j + 1]] + t.off[2 * j + 1]
    if (d2 < d) d = d2
  }
  // both on one edge: walking straight along it may beat any detour through its ends
  if (srcEdge >= 0 && t.edge[j] === srcEdge) {
    const direct = Math.abs(t.along[j] - srcAlong)
    if (direct < d) d = direct
  }
  return d
}

/**
 * Distances (m) from `source` to each of `targets` (one-to-many), stopping as soon as every
 * target is settled. Infinity for targets in another component.
 */
export function distancesTo(
  graph: StreetGraph,
  source: GraphPosition,
  targets: ReadonlyArray<GraphPosition>,
  ws: ShortestPathWorkspace = createShortestPathWorkspace(graph),
): Float64Array {
  return distanceTable(graph, [source], targets, ws)
}

/**
 * Distance table (m), row-major `sources.length × targets.length`: one Dijkstra per distinct source
 * with early stop on the targets; identical sources reuse the row. Infinity where unreachable.
 */
export function distanceTable(
  graph: StreetGraph,
  sources: ReadonlyArray<GraphPosition>,
  targets: ReadonlyArray<GraphPosition>,
  ws: ShortestPathWorkspace = createShortestPathWorkspace(graph),
): Float64Array {
  const nt = targets.length
  const out = new Float64Array(sources.length * nt)
  const t = targetSeeds(graph, targets)
  const rowOf = new Map<string, number>()
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i]
    const key = typeof s === 'number' ? `n${s}` : `e${s.edge}:${s.along}`
    const prior = rowOf.get(key)
    if (prior !== undefined) {
      out.copyWithin(i * nt, prior * nt, prior * nt + nt)
      continue
    }
    rowOf.set(key, i)
    const ns = positionSeeds(graph, s, ws.seedNodes, ws.seedDist)
    search(ws, ns, t.nodes, 2 * nt, Infinity, false)
    const srcEdge = typeof s === 'number' ? -1 : s.edge
    const srcAlong = typeof s === 'number' ? 0 : s.along
    for (let j = 0; j < nt; j++) out[i * nt + j] = readTarget(ws, t, j, srcEdge, srcAlong)
  }
  return out
}

/**
 * Symmetric distance matrix (m) between `positions`, row-major n × n (walking is undirected).
 * One Dijkstra per distinct position; Infinity between components.
 */
export function distanceMatrix(
  graph: StreetGraph,
  positions: ReadonlyArray<GraphPosition>,
  ws: ShortestPathWorkspace = createShortestPathWorkspace(graph),
): Float64Array {
  return distanceTable(graph, positions, positions, ws)
}

/** A walk along the streets: its length (m) and its coordinates (metres, a LineString). */
export interface StreetPath {
  lengthM: number
  coordinates: XY[]
}

/**
 * The shortest walk from `from` to `to` following the edge geometries, or undefined when they are
 * in different components.
 */
export function shortestPath(
  graph: StreetGraph,
  from: GraphPosition,
  to: GraphPosition,
  ws: ShortestPathWorkspace = createShortestPathWorkspace(graph),
): StreetPath | undefined {
  const ns = positionSeeds(graph, from, ws.seedNodes, ws.seedDist)
  const t = targetSeeds(graph, [to])
  search(ws, ns, t.nodes, 2, Infinity, true)
  return tracePath(graph, ws, from, to)
}

/** The walk from a tree's source to `to`, or undefined when unreachable. */
export function treePath(graph: StreetGraph, tree: ShortestPathTree, to: GraphPosition): StreetPath | undefined {
  return tracePath(graph, tree, tree.source, to)
}

function tracePath(
  graph: StreetGraph,
  tree: Pick<ShortestPathTree, 'dist' | 'prevNode' | 'prevEdge'>,
  from: GraphPosition,
  to: GraphPosition,
): StreetPath | undefined {
  const { dist, prevNode, prevEdge } = tree
  // where the walk leaves the network towards `to`: a node, or straight along a shared edge
  let endNode = -1
  let best = Infinity
  let tail: XY[] = []
  if (typeof to === 'number') {
    endNode = to
    best = dist[to]
  } else {
    const len = graph.edgeLength[to.edge]
    const a = graph.edgeFrom[to.edge]
    const b = graph.edgeTo[to.edge]
    if (dist[a] + to.along < best) {
      best = dist[a] + to.along
      endNode = a
      tail = edgeSlice(graph, to.edge, 0, to.along)
    }
    if (dist[b] + len - to.along < best) {
      best = dist[b] + len - to.along
      endNode = b
      tail = edgeSlice(graph, to.edge, len, to.along)
    }
  }
  if (typeof from !== 'number' && typeof to !== 'number' && from.edge === to.edge) {
    const direct = Math.abs(to.along - from.along)
    if (direct <= best) return { lengthM: direct, coordinates: edgeSlice(graph, from.edge, from.along, to.along) }
  }
  if (!(best < Infinity)) return undefined

  // walk back to a seed node
  const edges: number[] = []
  const nodes: number[] = [endNode]
  let v = endNode
  while (prevNode[v] >= 0) {
    edges.push(prevEdge[v])
    v = prevNode[v]
    nodes.push(v)
  }
  edges.reverse()
  nodes.reverse()
  const coords: XY[] = []
  const append = (part: XY[]): void => {
    for (const p of part) {
      const last = coords[coords.length - 1]
      if (!last || last[0] !== p[0] || last[1] !== p[1]) coords.push(p)
    }
  }
  const seed = nodes[0]
  if (typeof from === 'number') {
    append([[graph.nodeX[seed], graph.nodeY[seed]]])
  } else {
    const len = graph.edgeLength[from.edge]
    const towardsStart = seed === graph.edgeFrom[from.edge] && (seed !== graph.edgeTo[from.edge] || from.along <= len - from.along)
    append(edgeSlice(graph, from.edge, from.along, towardsStart ? 0 : len))
  }
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]
    const forward = graph.edgeFrom[e] === nodes[k]
    append(edgeSlice(graph, e, forward ? 0 : graph.edgeLength[e], forward ? graph.edgeLength[e] : 0))
  }
  append(tail)
  if (coords.length === 1) coords.push([coords[0][0], coords[0][1]]) // a LineString needs two points
  return { lengthM: best, coordinates: coords }
}
