/**
 * A planar partition built from noded polylines, and the polygons of any labelling of its faces.
 *
 * Districts, streets (街道), communities (社区) and responsibility grids are all unions of the
 * faces of ONE planar graph. A region's rings are walked over the graph's own edges, so two
 * regions that share a boundary share every vertex of it, and unions or ST_Covers checks in
 * PostGIS hold exactly.
 */
import { type Pt, signedArea, pointInRing, ringCentroid } from './geom'

/** A planar graph with half-edges and its bounded faces. Coordinates are planar metres. */
export interface PlanarGraph {
  /** node coordinates */
  nodes: Pt[]
  /** half-edge h goes from `from[h]` to `to[h]`; its twin is h ^ 1 */
  from: Uint32Array
  to: Uint32Array
  /** face on the left of each half-edge; -1 for the unbounded face */
  face: Int32Array
  /** bounded faces: node ids of the counter-clockwise ring, its area (m²) and centroid */
  faces: { ring: number[]; area: number; centroid: Pt }[]
  /** outgoing half-edges of each node, sorted counter-clockwise by angle */
  out: number[][]
}

/**
 * Builds the planar graph of polylines that are already noded: wherever two polylines meet,
 * both carry a vertex with bitwise-identical coordinates there, and no two edges cross.
 * @param polylines  lists of points, metres
 * @throws Error when the graph has no bounded face
 */
export function buildPlanarGraph(polylines: readonly Pt[][]): PlanarGraph {
  const index = new Map<string, number>()
  const nodes: Pt[] = []
  const node = (p: Pt): number => {
    const key = `${p[0]},${p[1]}`
    let id = index.get(key)
    if (id === undefined) {
      id = nodes.length
      index.set(key, id)
      nodes.push([p[0], p[1]])
    }
    return id
  }
  const seen = new Set<string>()
  const ends: number[] = []
  for (const line of polylines) {
    for (let i = 1; i < line.length; i++) {
      const a = node(line[i - 1])
      const b = node(line[i])
      if (a === b) continue
      const key = a < b ? `${a}-${b}` : `${b}-${a}`
      if (seen.has(key)) continue
      seen.add(key)
      ends.push(a, b)
    }
  }
  const nHalf = ends.length
  const from = new Uint32Array(nHalf)
  const to = new Uint32Array(nHalf)
  for (let e = 0; e < nHalf / 2; e++) {
    from[2 * e] = ends[2 * e]
    to[2 * e] = ends[2 * e + 1]
    from[2 * e + 1] = ends[2 * e + 1]
    to[2 * e + 1] = ends[2 * e]
  }
  const out: number[][] = nodes.map(() => [])
  for (let h = 0; h < nHalf; h++) out[from[h]].push(h)
  const angle = (h: number) => Math.atan2(nodes[to[h]][1] - nodes[from[h]][1], nodes[to[h]][0] - nodes[from[h]][0])
  for (const list of out) list.sort((a, b) => angle(a) - angle(b))

  const face = new Int32Array(nHalf).fill(-2)
  const faces: PlanarGraph['faces'] = []
  for (let start = 0; start < nHalf; start++) {
    if (face[start] !== -2) continue
    const cycle: number[] = []
    let h = start
    do {
      cycle.push(h)
      face[h] = -3
      h = nextAround(out, from, to, h, () => true)
    } while (h !== start)
    const ring = cycle.map((c) => from[c])
    const pts = ring.map((i) => nodes[i])
    const area = signedArea(pts)
    const id = area > 0 ? faces.length : -1
    if (area > 0) faces.push({ ring, area, centroid: ringCentroid(pts) })
    for (const c of cycle) face[c] = id
  }
  if (faces.length === 0) throw new Error('Unexpected planar graph: it has no bounded face.')
  return { nodes, from, to, face, faces, out }
}

/**
 * The half-edge that follows h around the face on its left: at h's head, the first outgoing
 * half-edge clockwise from h's twin that `accept`s.
 */
function nextAround(out: number[][], from: Uint32Array, to: Uint32Array, h: number, accept: (e: number) => boolean): number {
  const v = to[h]
  const list = out[v]
  const twin = h ^ 1
  const at = list.indexOf(twin)
  for (let k = 1; k <= list.length; k++) {
    const e = list[(at - k + list.length * 2) % list.length]
    if (accept(e)) return e
  }
  throw new Error(`Unexpected planar graph: no way on from node ${v} (${from[h]} → ${v}).`)
}

/** Pairs of bounded faces that share at least one edge, as neighbour lists per face. */
export function faceAdjacency(g: PlanarGraph): number[][] {
  const adj: Set<number>[] = g.faces.map(() => new Set())
  for (let h = 0; h < g.face.length; h += 2) {
    const a = g.face[h]
    const b = g.face[h + 1]
    if (a >= 0 && b >= 0 && a !== b) {
      adj[a].add(b)
      adj[b].add(a)
    }
  }
  return adj.map((s) => [...s].sort((x, y) => x - y))
}

/**
 * Polygons of the union of the faces labelled `label`, walked along the graph's edges.
 * @param labels  one label per bounded face; the unbounded face counts as a label of its own
 * @returns polygons as [shell, ...holes]; shells counter-clockwise, holes clockwise, no closing point
 */
export function regionPolygons(g: PlanarGraph, labels: ArrayLike<number>, label: number): Pt[][][] {
  const labelOf = (h: number) => (g.face[h] < 0 ? Number.NaN : labels[g.face[h]])
  const boundary = new Uint8Array(g.face.length)
  for (let h = 0; h < g.face.length; h++) if (labelOf(h) === label && labelOf(h ^ 1) !== label) boundary[h] = 1
  const used = new Uint8Array(g.face.length)
  const shells: Pt[][] = []
  const holes: Pt[][] = []
  for (let start = 0; start < g.face.length; start++) {
    if (!boundary[start] || used[start]) continue
    const ring: Pt[] = []
    let h = start
    do {
      used[h] = 1
      ring.push(g.nodes[g.from[h]])
      h = nextAround(g.out, g.from, g.to, h, (e) => boundary[e] === 1)
    } while (h !== start)
    ;(signedArea(ring) > 0 ? shells : holes).push(ring)
  }
  const polygons: Pt[][][] = shells.map((s) => [s])
  for (const hole of holes) {
    // a hole edge's midpoint lies strictly inside its shell (it borders the region on one side only)
    const mx = (hole[0][0] + hole[1][0]) / 2
    const my = (hole[0][1] + hole[1][1]) / 2
    let best = -1
    for (let i = 0; i < shells.length; i++) {
      if (pointInRing(mx, my, shells[i]) && (best < 0 || signedArea(shells[i]) < signedArea(shells[best]))) best = i
    }
    if (best < 0) throw new Error(`Unexpected hole of region ${label}: no shell contains it.`)
    polygons[best].push(hole)
  }
  return polygons
}
