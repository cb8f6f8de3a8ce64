/**
 * The administrative partition: district → subdistricts (街道) → communities (社区) → today's
 * hand-drawn responsibility grids (责任网格), all unions of the faces of one planar graph made
 * of the district outline, the arterial and secondary road lines and the river's centre line.
 */
import { type Pt, signedArea } from './geom'
import {
  OUTLINE, LATTICE, LATTICE_MAX, ARTERIAL_COLS, ARTERIAL_ROWS, SECONDARY_COLS, SECONDARY_ROWS, RIVER_ROW,
  COMMUNITIES, communityAt, GRID_TARGET_KM2,
} from './layout'
import { buildPlanarGraph, faceAdjacency, regionPolygons, type PlanarGraph } from './partition'

/** Outline edges are cut into pieces no longer than this (m), so the warp bends them smoothly. */
const MAX_OUTLINE_STEP = 50

/** The planar partition in design space and the labels of its faces. */
export interface Partition {
  graph: PlanarGraph
  /** COMMUNITIES index of each bounded face */
  community: Int32Array
  /** grid index (into `grids`) of each bounded face */
  grid: Int32Array
  grids: { code: string; community: number; name_zh: string; area_m2: number }[]
}

interface Crossing {
  edge: number
  t: number
  p: Pt
  along: number
}

/**
 * Every partition line (vertical x = c or horizontal y = c, metres) clipped to the outline,
 * with a vertex at each lattice node it passes, plus the points where it meets the outline.
 */
function clipLine(vertical: boolean, c: number, outline: readonly Pt[], crossings: Crossing[]): Pt[][] {
  const mine: Crossing[] = []
  for (let k = 0; k < outline.length; k++) {
    const p = outline[k]
    const q = outline[(k + 1) % outline.length]
    const [pa, qa] = vertical ? [p[0], q[0]] : [p[1], q[1]]
    if (pa < c === qa < c) continue
    const t = (c - pa) / (qa - pa)
    const along = vertical ? p[1] + t * (q[1] - p[1]) : p[0] + t * (q[0] - p[0])
    const pt: Pt = vertical ? [c, along] : [along, c]
    mine.push({ edge: k, t, p: pt, along })
  }
  mine.sort((a, b) => a.along - b.along)
  if (mine.length % 2 !== 0) throw new Error(`Unexpected outline: line ${vertical ? 'x' : 'y'} = ${c} crosses it ${mine.length} times.`)
  crossings.push(...mine)
  const pieces: Pt[][] = []
  for (let k = 0; k < mine.length; k += 2) {
    const a = mine[k]
    const b = mine[k + 1]
    const piece: Pt[] = [a.p]
    for (let m = Math.floor(a.along / LATTICE) + 1; m * LATTICE < b.along; m++) {
      piece.push(vertical ? [c, m * LATTICE] : [m * LATTICE, c])
    }
    piece.push(b.p)
    pieces.push(piece)
  }
  return pieces
}

/** The outline as one closed polyline carrying every crossing point, densified. */
function nodedOutline(outline: readonly Pt[], crossings: Crossing[]): Pt[] {
  const ring: Pt[] = []
  for (let k = 0; k < outline.length; k++) {
    const p = outline[k]
    const q = outline[(k + 1) % outline.length]
    const stops = [{ t: 0, p }, ...crossings.filter((c) => c.edge === k).map((c) => ({ t: c.t, p: c.p }))]
    stops.sort((a, b) => a.t - b.t)
    stops.push({ t: 1, p: q })
    for (let s = 0; s < stops.length - 1; s++) {
      const a = stops[s].p
      const b = stops[s + 1].p
      const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / MAX_OUTLINE_STEP))
      ring.push(a)
      for (let m = 1; m < n; m++) ring.push([a[0] + ((b[0] - a[0]) * m) / n, a[1] + ((b[1] - a[1]) * m) / n])
    }
  }
  ring.push(ring[0])
  return ring
}

/** Builds the partition graph and labels its faces with communities and grids. */
export function buildPartition(): Partition {
  const crossings: Crossing[] = []
  const lines: Pt[][] = []
  const cols = [...new Set([...ARTERIAL_COLS, ...SECONDARY_COLS])].sort((a, b) => a - b)
  const rows = [...new Set([...ARTERIAL_ROWS, ...SECONDARY_ROWS, RIVER_ROW])].sort((a, b) => a - b)
  for (const i of cols) if (i > 0 && i < LATTICE_MAX) lines.push(...clipLine(true, i * LATTICE, OUTLINE, crossings))
  for (const j of rows) if (j > 0 && j < LATTICE_MAX) lines.push(...clipLine(false, j * LATTICE, OUTLINE, crossings))
  const graph = buildPlanarGraph([nodedOutline(OUTLINE, crossings), ...lines])
  const community = new Int32Array(graph.faces.length)
  graph.faces.forEach((f, k) => { community[k] = communityAt(f.centroid[0], f.centroid[1]) })
  const { grid, grids } = drawGrids(graph, community)
  return { graph, community, grid, grids }
}

/**
 * Cuts each community into grids the way they are drawn by hand today: by area alone, about
 * GRID_TARGET_KM2 each, as contiguous groups of blocks grown from far-apart seed blocks.
 * Workload is ignored on purpose, so grids holding markets carry many times the cases of others.
 */
function drawGrids(graph: PlanarGraph, community: Int32Array): { grid: Int32Array; grids: Partition['grids'] } {
  const adj = faceAdjacency(graph)
  const grid = new Int32Array(graph.faces.length).fill(-1)
  const grids: Partition['grids'] = []
  const dist = (a: number, b: number) =>
    Math.hypot(graph.faces[a].centroid[0] - graph.faces[b].centroid[0], graph.faces[a].centroid[1] - graph.faces[b].centroid[1])
  COMMUNITIES.forEach((c, ci) => {
    const faces = graph.faces.map((_, k) => k).filter((k) => community[k] === ci)
    if (faces.length === 0) throw new Error(`Unexpected plan: community ${c.code} holds no block.`)
    const area = faces.reduce((s, k) => s + graph.faces[k].area, 0)
    const k = Math.min(faces.length, Math.max(2, Math.round(area / 1e6 / GRID_TARGET_KM2)))
    // farthest-point seeds, starting from the south-west-most block
    const seeds = [faces.reduce((best, f) => {
      const [x, y] = graph.faces[f].centroid
      const [bx, by] = graph.faces[best].centroid
      return x + y < bx + by ? f : best
    })]
    while (seeds.length < k) {
      let far = -1
      let farD = -1
      for (const f of faces) {
        const d = Math.min(...seeds.map((s) => dist(f, s)))
        if (d > farD) { farD = d; far = f }
      }
      seeds.push(far)
    }
    // grow all seeds at once, nearest block first, only through shared edges (keeps grids contiguous)
    const owner = new Map<number, number>()
    seeds.forEach((s, g) => owner.set(s, g))
    while (owner.size < faces.length) {
      let bestF = -1
      let bestG = -1
      let bestD = Infinity
      for (const [f, g] of owner) {
        for (const nb of adj[f]) {
          if (community[nb] !== ci || owner.has(nb)) continue
          const d = dist(nb, seeds[g])
          if (d < bestD || (d === bestD && nb < bestF)) { bestD = d; bestF = nb; bestG = g }
        }
      }
      if (bestF < 0) throw new Error(`Unexpected plan: community ${c.code} is not contiguous.`)
      owner.set(bestF, bestG)
    }
    // number grids north to south, then west to east, as a person would
    const centre = seeds.map((_, g) => {
      let ax = 0, ay = 0, a = 0
      for (const [f, o] of owner) if (o === g) {
        const fa = graph.faces[f].area
        ax += graph.faces[f].centroid[0] * fa
        ay += graph.faces[f].centroid[1] * fa
        a += fa
      }
      return { g, x: ax / a, y: ay / a, a }
    })
    centre.sort((p, q) => Math.round(q.y / 300) - Math.round(p.y / 300) || p.x - q.x)
    centre.forEach((cg, n) => {
      const id = grids.length
      const num = String(n + 1).padStart(2, '0')
      grids.push({ code: c.code + num, community: ci, name_zh: `${c.name_zh}第${n + 1}网格`, area_m2: cg.a })
      for (const [f, o] of owner) if (o === cg.g) grid[f] = id
    })
  })
  return { grid, grids }
}

/** Polygons (design metres) of a region given per-face labels. */
export function regionOf(p: Partition, labels: ArrayLike<number>, label: number): Pt[][][] {
  const polys = regionPolygons(p.graph, labels, label)
  for (const poly of polys) if (signedArea(poly[0]) <= 0) throw new Error(`Unexpected region ${label}: shell is not counter-clockwise.`)
  return polys
}
