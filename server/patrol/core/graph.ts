/**
 * The walkable street graph: street centre lines (projected, metres) turned into nodes at
 * intersections and dead ends, edges that keep a reference to their source line's geometry, CSR
 * adjacency for shortest paths, and connected components for the import report.
 *
 * Connectivity rules (what joins two lines):
 * - line ends closer than `snapTolerance` to any vertex of any line (end or interior) are merged
 *   into one node, clustered with a grid hash (single linkage);
 * - an interior vertex shared exactly (same x and y) by two lines, or twice by one line, becomes a
 *   node and splits the lines there (the OpenStreetMap convention for junctions);
 * - lines that CROSS without a shared vertex are NOT connected: that is how bridges, tunnels and
 *   underpasses are drawn, and a walker cannot step from a bridge onto the road below. Data
 *   digitised without junction vertices must be noded beforehand (e.g. PostGIS ST_Node).
 * One-way tags are ignored: patrols walk, so every edge is usable both ways.
 *
 * Coordinates are projected metres (any metric CRS, e.g. a UTM zone or CGCS2000 3-degree
 * Gauss–Krüger); lengths are Euclidean along the line geometry.
 */
import type { Csr } from '../../shared/csr'

/** One street centre line; `coords` are [x, y] in metres (extra ordinates such as z are ignored). */
export interface StreetLine {
  id: string | number
  coords: ReadonlyArray<ArrayLike<number>>
}

export interface BuildStreetGraphOptions {
  /** line ends closer than this (metres) to another vertex are merged into one node; default 0.5 */
  snapTolerance?: number
}

/**
 * A walkable street graph. The `Csr` part (`n`, `offsets`, `indices`) lists, for each node, its
 * neighbour nodes sorted ascending; `weights` and `slotEdge` are aligned with `indices`. Parallel
 * edges collapse to the shortest one in the adjacency (the others can never lie on a shortest
 * path) and loops are left out of it; both stay in the edge arrays for geometry and reporting.
 */
export interface StreetGraph extends Csr {
  /** metres of the shortest edge between node i and `indices[k]`, one per adjacency slot */
  weights: Float64Array
  /** edge id behind each adjacency slot */
  slotEdge: Uint32Array
  /** node coordinates, metres */
  nodeX: Float64Array
  nodeY: Float64Array
  /** number of edges */
  edgeCount: number
  /** node at the start of the edge geometry */
  edgeFrom: Uint32Array
  /** node at the end of the edge geometry */
  edgeTo: Uint32Array
  /** metres along the geometry */
  edgeLength: Float64Array
  /** index of the source line in `lineIds` */
  edgeLine: Uint32Array
  /** first and last vertex of the edge within its source line (first < last) */
  edgeVertexFrom: Uint32Array
  edgeVertexTo: Uint32Array
  /** source line ids, input order */
  lineIds: Array<string | number>
  /** vertices of line l are `lineXY[2 * k], lineXY[2 * k + 1]` for k in `lineOffsets[l] .. lineOffsets[l + 1])`,
   *  consecutive duplicates removed */
  lineOffsets: Uint32Array
  lineXY: Float64Array
  /** component of each node; components are numbered by decreasing total length, 0 is the largest */
  component: Uint32Array
  /** per component: nodes, edges, total edge length (metres) */
  componentNodes: Uint32Array
  componentEdges: Uint32Array
  componentLength: Float64Array
  /** ids of lines that produced no edge (fewer than two distinct vertices, or collapsed by snapping) */
  droppedLineIds: Array<string | number>
}

const DEFAULT_SNAP_TOLERANCE = 0.5 // metres: survey noise of digitised line ends, well below a pavement width
const MAX_GRID_KEY = 2 ** 52 // grid keys stay exact doubles

/**
 * Builds the walkable graph from street centre lines (see the module comment for what connects).
 * Lines that cross without a shared vertex are NOT connected (bridges, tunnels, underpasses);
 * node such data first if its crossings are real junctions.
 * @param lines  centre lines in a projected metric CRS
 * @param options  `snapTolerance` in metres (default 0.5; 0 joins exactly equal vertices only)
 * @returns the graph with CSR adjacency, edge geometry references and components
 */
export function buildStreetGraph(lines: ReadonlyArray<StreetLine>, options: BuildStreetGraphOptions = {}): StreetGraph {
  const tol = options.snapTolerance ?? DEFAULT_SNAP_TOLERANCE
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new RangeError(`Unexpected snapTolerance value: ${tol}.`)

  // 1. Flatten vertices, dropping consecutive duplicates.
  const nLines = lines.length
  const lineOffsets = new Uint32Array(nLines + 1)
  let total = 0
  for (let l = 0; l < nLines; l++) total += lines[l].coords.length
  const xy = new Float64Array(2 * total)
  let nv = 0
  for (let l = 0; l < nLines; l++) {
    const coords = lines[l].coords
    for (let k = 0; k < coords.length; k++) {
      const x = coords[k][0]
      const y = coords[k][1]
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new RangeError(`Street line ${lines[l].id}: vertex ${k} is not a finite coordinate (${x}, ${y}).`)
      }
      if (nv > lineOffsets[l] && xy[2 * nv - 2] === x && xy[2 * nv - 1] === y) continue
      xy[2 * nv] = x
      xy[2 * nv + 1] = y
      nv++
    }
    if (nv - lineOffsets[l] < 2) nv = lineOffsets[l] // a lone point is no street and must not split others
    lineOffsets[l + 1] = nv
  }
  const lineXY = xy.slice(0, 2 * nv)
  const lineOf = new Uint32Array(nv)
  const isEnd = new Uint8Array(nv)
  for (let l = 0; l < nLines; l++) {
    const a = lineOffsets[l]
    const b = lineOffsets[l + 1]
    lineOf.fill(l, a, b)
    if (b - a >= 2) {
      isEnd[a] = 1
      isEnd[b - 1] = 1
    }
  }

  // 2. Union vertices that become one node: exact duplicates anywhere, ends within tolerance of any vertex.
  const parent = new Int32Array(nv)
  for (let i = 0; i < nv; i++) parent[i] = i
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]]
      i = parent[i]
    }
    return i
  }
  const union = (a: number, b: number): void => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb) // lowest vertex is root: deterministic
  }
  if (nv > 0) unionNearVertices(lineXY, nv, isEnd, tol, union)

  // 3. Node vertices: ends, and any vertex merged with another.
  const groupSize = new Uint32Array(nv)
  for (let i = 0; i < nv; i++) groupSize[find(i)]++
  const nodeOfRoot = new Int32Array(nv).fill(-1)
  const nodeOfVertex = new Int32Array(nv).fill(-1)
  // node coordinates: an interior member fixes it (keeps the through line straight), else the mean of the ends
  const sumX: number[] = []
  const sumY: number[] = []
  const cnt: number[] = []
  const pinned: boolean[] = []
  let nNodes = 0
  for (let v = 0; v < nv; v++) {
    const r = find(v)
    if (!isEnd[v] && groupSize[r] < 2) continue
    let node = nodeOfRoot[r]
    if (node < 0) {
      node = nodeOfRoot[r] = nNodes++
      sumX.push(0)
      sumY.push(0)
      cnt.push(0)
      pinned.push(false)
    }
    nodeOfVertex[v] = node
    const x = lineXY[2 * v]
    const y = lineXY[2 * v + 1]
    if (!isEnd[v]) {
      if (!pinned[node]) {
        pinned[node] = true
        sumX[node] = x
        sumY[node] = y
        cnt[node] = 1
      }
    } else if (!pinned[node]) {
      sumX[node] += x
      sumY[node] += y
      cnt[node]++
    }
  }
  const nodeX = new Float64Array(nNodes)
  const nodeY = new Float64Array(nNodes)
  for (let i = 0; i < nNodes; i++) {
    nodeX[i] = sumX[i] / cnt[i]
    nodeY[i] = sumY[i] / cnt[i]
  }

  // 4. Split lines into edges between consecutive node vertices.
  const eFrom: number[] = []
  const eTo: number[] = []
  const eLen: number[] = []
  const eLine: number[] = []
  const eV0: number[] = []
  const eV1: number[] = []
  const droppedLineIds: Array<string | number> = []
  const loopMin = 2 * tol // shorter loops are snapping artefacts, not streets
  for (let l = 0; l < nLines; l++) {
    const a = lineOffsets[l]
    const b = lineOffsets[l + 1]
    let made = false
    if (b - a >= 2) {
      let startV = a
      for (let v = a + 1; v < b; v++) {
        if (nodeOfVertex[v] < 0) continue
        const u = nodeOfVertex[startV]
        const w = nodeOfVertex[v]
        const len = pieceLength(lineXY, startV, v, nodeX[u], nodeY[u], nodeX[w], nodeY[w])
        if (len > 0 && (u !== w || len > loopMin)) {
          eFrom.push(u)
          eTo.push(w)
          eLen.push(len)
          eLine.push(l)
          eV0.push(startV - a)
          eV1.push(v - a)
          made = true
        }
        startV = v
      }
    }
    if (!made) droppedLineIds.push(lines[l].id)
  }
  const edgeCount = eFrom.length
  const edgeFrom = Uint32Array.from(eFrom)
  const edgeTo = Uint32Array.from(eTo)
  const edgeLength = Float64Array.from(eLen)

  // 5. CSR adjacency, shortest parallel edge kept, loops left out.
  const adj = buildAdjacency(nNodes, edgeFrom, edgeTo, edgeLength)

  // 6. Components, numbered by decreasing length.
  const comp = labelComponents(nNodes, adj.offsets, adj.indices, edgeFrom, edgeLength)

  return {
    n: nNodes,
    offsets: adj.offsets,
    indices: adj.indices,
    weights: adj.weights,
    slotEdge: adj.slotEdge,
    nodeX,
    nodeY,
    edgeCount,
    edgeFrom,
    edgeTo,
    edgeLength,
    edgeLine: Uint32Array.from(eLine),
    edgeVertexFrom: Uint32Array.from(eV0),
    edgeVertexTo: Uint32Array.from(eV1),
    lineIds: lines.map((l) => l.id),
    lineOffsets,
    lineXY,
    component: comp.component,
    componentNodes: comp.nodes,
    componentEdges: comp.edges,
    componentLength: comp.length,
    droppedLineIds,
  }
}

/** Grid-hash pass: unions exact duplicates, and every line end with all vertices within `tol`. */
function unionNearVertices(
  xy: Float64Array,
  nv: number,
  isEnd: Uint8Array,
  tol: number,
  union: (a: number, b: number) => void,
): void {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < nv; i++) {
    const x = xy[2 * i]
    const y = xy[2 * i + 1]
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  // cell = tolerance so a 3×3 block holds every candidate; widened only if the key would overflow
  let h = tol > 0 ? tol : 1
  while (((maxX - minX) / h + 2) * ((maxY - minY) / h + 2) > MAX_GRID_KEY) h *= 2
  const ny = Math.floor((maxY - minY) / h) + 3
  const cellX = (x: number): number => Math.floor((x - minX) / h) + 1
  const cellY = (y: number): number => Math.floor((y - minY) / h) + 1
  const keys = new Float64Array(nv)
  const order = new Uint32Array(nv)
  for (let i = 0; i < nv; i++) {
    keys[i] = cellX(xy[2 * i]) * ny + cellY(xy[2 * i + 1])
    order[i] = i
  }
  order.sort((a, b) => keys[a] - keys[b] || a - b)
  const cellStart = new Map<number, number>()
  for (let k = 0; k < nv; k++) if (k === 0 || keys[order[k]] !== keys[order[k - 1]]) cellStart.set(keys[order[k]], k)

  // exact duplicates share a cell
  for (let k = 0; k < nv; k++) {
    const v = order[k]
    for (let m = k + 1; m < nv && keys[order[m]] === keys[v]; m++) {
      const w = order[m]
      if (xy[2 * v] === xy[2 * w] && xy[2 * v + 1] === xy[2 * w + 1]) union(v, w)
    }
  }
  if (tol === 0) return
  const tol2 = tol * tol
  for (let e = 0; e < nv; e++) {
    if (!isEnd[e]) continue
    const x = xy[2 * e]
    const y = xy[2 * e + 1]
    const cx = cellX(x)
    const cy = cellY(y)
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const key = (cx + dx) * ny + (cy + dy)
        const start = cellStart.get(key)
        if (start === undefined) continue
        for (let m = start; m < nv && keys[order[m]] === key; m++) {
          const w = order[m]
          if (w === e) continue
          const ddx = xy[2 * w] - x
          const ddy = xy[2 * w + 1] - y
          if (ddx * ddx + ddy * ddy <= tol2) union(e, w)
        }
      }
    }
  }
}

/** Length (m) of vertices v0..v1 of the flat array, with the two ends moved onto their nodes. */
function pieceLength(xy: Float64Array, v0: number, v1: number, x0: number, y0: number, x1: number, y1: number): number {
  let len = 0
  let px = x0
  let py = y0
  for (let v = v0 + 1; v <= v1; v++) {
    const qx = v === v1 ? x1 : xy[2 * v]
    const qy = v === v1 ? y1 : xy[2 * v + 1]
    len += Math.hypot(qx - px, qy - py)
    px = qx
    py = qy
  }
  return len
}

function buildAdjacency(
  n: number,
  edgeFrom: Uint32Array,
  edgeTo: Uint32Array,
  edgeLength: Float64Array,
): { offsets: Uint32Array; indices: Uint32Array; weights: Float64Array; slotEdge: Uint32Array } {
  const deg = new Uint32Array(n + 1)
  const m = edgeFrom.length
  for (let e = 0; e < m; e++) {
    if (edgeFrom[e] === edgeTo[e]) continue
    deg[edgeFrom[e]]++
    deg[edgeTo[e]]++
  }
  const start = new Uint32Array(n + 1)
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + deg[i]
  const fill = start.slice(0, n)
  const rawT = new Uint32Array(start[n])
  const rawE = new Uint32Array(start[n])
  for (let e = 0; e < m; e++) {
    const u = edgeFrom[e]
    const v = edgeTo[e]
    if (u === v) continue
    rawT[fill[u]] = v
    rawE[fill[u]++] = e
    rawT[fill[v]] = u
    rawE[fill[v]++] = e
  }
  // per node: sort slots by (target, length, edge id) and keep the first of each target
  const offsets = new Uint32Array(n + 1)
  const indices = new Uint32Array(start[n])
  const weights = new Float64Array(start[n])
  const slotEdge = new Uint32Array(start[n])
  let out = 0
  const tmp: number[] = []
  for (let i = 0; i < n; i++) {
    tmp.length = 0
    for (let k = start[i]; k < start[i + 1]; k++) tmp.push(k)
    tmp.sort((a, b) => rawT[a] - rawT[b] || edgeLength[rawE[a]] - edgeLength[rawE[b]] || rawE[a] - rawE[b])
    for (let j = 0; j < tmp.length; j++) {
      const k = tmp[j]
      if (j > 0 && rawT[k] === rawT[tmp[j - 1]]) continue
      indices[out] = rawT[k]
      weights[out] = edgeLength[rawE[k]]
      slotEdge[out] = rawE[k]
      out++
    }
    offsets[i + 1] = out
  }
  return { offsets, indices: indices.slice(0, out), weights: weights.slice(0, out), slotEdge: slotEdge.slice(0, out) }
}

function labelComponents(
  n: number,
  offsets: Uint32Array,
  indices: Uint32Array,
  edgeFrom: Uint32Array,
  edgeLength: Float64Array,
): { component: Uint32Array; nodes: Uint32Array; edges: Uint32Array; length: Float64Array } {
  const raw = new Int32Array(n).fill(-1)
  const stack = new Uint32Array(n)
  let nc = 0
  for (let s = 0; s < n; s++) {
    if (raw[s] >= 0) continue
    let top = 0
    stack[top++] = s
    raw[s] = nc
    while (top > 0) {
      const u = stack[--top]
      for (let k = offsets[u]; k < offsets[u + 1]; k++) {
        const v = indices[k]
        if (raw[v] < 0) {
          raw[v] = nc
          stack[top++] = v
        }
      }
    }
    nc++
  }
  const rawNodes = new Uint32Array(nc)
  const rawEdges = new Uint32Array(nc)
  const rawLength = new Float64Array(nc)
  for (let i = 0; i < n; i++) rawNodes[raw[i]]++
  for (let e = 0; e < edgeFrom.length; e++) {
    rawEdges[raw[edgeFrom[e]]]++
    rawLength[raw[edgeFrom[e]]] += edgeLength[e]
  }
  // raw labels follow the lowest node id, so ties keep a stable order
  const order = Array.from({ length: nc }, (_, c) => c)
  order.sort((a, b) => rawLength[b] - rawLength[a] || rawNodes[b] - rawNodes[a] || a - b)
  const relabel = new Uint32Array(nc)
  order.forEach((c, rank) => (relabel[c] = rank))
  const component = new Uint32Array(n)
  for (let i = 0; i < n; i++) component[i] = relabel[raw[i]]
  const nodes = new Uint32Array(nc)
  const edges = new Uint32Array(nc)
  const length = new Float64Array(nc)
  for (let c = 0; c < nc; c++) {
    nodes[relabel[c]] = rawNodes[c]
    edges[relabel[c]] = rawEdges[c]
    length[relabel[c]] = rawLength[c]
  }
  return { component, nodes, edges, length }
}

/** Size of one connected component. */
export interface ComponentSummary {
  /** component number (0 = largest by length) */
  component: number
  nodes: number
  edges: number
  /** total edge length, metres */
  lengthM: number
}

/** The largest component by total street length (always component 0); undefined for an empty graph. */
export function largestComponent(graph: StreetGraph): ComponentSummary | undefined {
  if (graph.componentNodes.length === 0) return undefined
  return summary(graph, 0)
}

function summary(graph: StreetGraph, c: number): ComponentSummary {
  return { component: c, nodes: graph.componentNodes[c], edges: graph.componentEdges[c], lengthM: graph.componentLength[c] }
}

/** What the import report says about the pieces a patrol on the main network cannot reach. */
export interface ConnectivityReport {
  /** number of connected components */
  components: number
  largest: ComponentSummary | undefined
  /** every component except the largest */
  disconnected: {
    count: number
    /** total street length outside the largest component, metres */
    lengthM: number
    /** ids of source lines with at least one edge outside the largest component */
    lineIds: Array<string | number>
    pieces: Array<ComponentSummary & { lineIds: Array<string | number> }>
  }
  /** lines that produced no edge at all */
  droppedLineIds: Array<string | number>
}

/** Connectivity summary for the import report: the largest component and the disconnected pieces. */
export function connectivityReport(graph: StreetGraph): ConnectivityReport {
  const nc = graph.componentNodes.length
  const linesOf: Array<Set<number>> = Array.from({ length: nc }, () => new Set<number>())
  for (let e = 0; e < graph.edgeCount; e++) linesOf[graph.component[graph.edgeFrom[e]]].add(graph.edgeLine[e])
  const pieces: ConnectivityReport['disconnected']['pieces'] = []
  const allLines = new Set<number>()
  let lengthM = 0
  for (let c = 1; c < nc; c++) {
    const ls = Array.from(linesOf[c]).sort((a, b) => a - b)
    ls.forEach((l) => allLines.add(l))
    pieces.push({ ...summary(graph, c), lineIds: ls.map((l) => graph.lineIds[l]) })
    lengthM += graph.componentLength[c]
  }
  return {
    components: nc,
    largest: largestComponent(graph),
    disconnected: {
      count: nc > 0 ? nc - 1 : 0,
      lengthM,
      lineIds: Array.from(allLines).sort((a, b) => a - b).map((l) => graph.lineIds[l]),
      pieces,
    },
    droppedLineIds: graph.droppedLineIds.slice(),
  }
}
