/**
 * The street network: arterials every ~1 km, secondary roads between them, a jittered grid of
 * local streets with missing links, a dense old quarter of lanes, two embankment roads and
 * exactly two bridges over the river. Built on the 75 m lattice so that every crossing is a
 * shared lattice node; published as segments that end at every intersection.
 */
import { type Pt, pointInRing, distToRing, segmentsCross } from './geom'
import { warp, metricToLonLat } from './frame'
import {
  LATTICE, LATTICE_MAX, OUTLINE, ARTERIAL_COLS, ARTERIAL_ROWS, SECONDARY_COLS, SECONDARY_ROWS,
  RIVER_ROW, BANK_ROWS, BRIDGE_COLS, OLD_QUARTER, LOW_LYING,
} from './layout'
import { ROAD_STEMS, ORDINALS_ZH, ORDINALS_EN } from './names'
import { streamFor, shuffled, type Random } from './rand'

/** Road classes, from through traffic to footpaths. */
export type StreetClass = 'arterial' | 'secondary' | 'local' | 'lane' | 'bridge'

/** Share of local links left out, so blocks differ in size (big compounds, dead ends). */
const LOCAL_DROP = 0.1
/** Share of old-quarter lane links left out (blind alleys, courtyards). */
const LANE_DROP = 0.15
/** Streets keep this clearance from the district outline (m, design space). */
const OUTLINE_CLEARANCE = 12

/** One published street segment: a polyline between two intersections (or dead ends). */
export interface StreetSegment {
  id: number
  cls: StreetClass
  name_zh: string
  name_en: string
  low_lying: boolean
  /** index into LOW_LYING when low-lying, else -1 */
  lowArea: number
  /** vertices in design space, metres */
  design: Pt[]
  /** vertices in the local metric frame, metres */
  metric: Pt[]
  /** WGS84 [lon, lat], 7 decimals */
  lonlat: Pt[]
  /** house-number coordinate (m along the named road, from its west or south end) at each vertex */
  along: number[]
}

interface Edge {
  a: number
  b: number
  cls: StreetClass
  name: string
}

const isIn = (list: readonly number[], v: number) => list.includes(v)
const nearAny = (list: readonly number[], v: number) => list.some((c) => Math.abs(c - v) <= 1)
const colFixed = (i: number) => isIn(ARTERIAL_COLS, i) || isIn(SECONDARY_COLS, i)
const rowFixed = (j: number) => isIn(ARTERIAL_ROWS, j) || isIn(SECONDARY_ROWS, j) || isIn(BANK_ROWS, j) || j === RIVER_ROW
const inOld = (i: number, j: number) =>
  i >= OLD_QUARTER.i0 && i <= OLD_QUARTER.i1 && j >= OLD_QUARTER.j0 && j <= OLD_QUARTER.j1

function colRole(i: number): StreetClass | null {
  if (isIn(ARTERIAL_COLS, i)) return 'arterial'
  if (isIn(SECONDARY_COLS, i)) return 'secondary'
  if (i % 2 === 0 && !nearAny([...ARTERIAL_COLS, ...SECONDARY_COLS], i)) return 'local'
  return null
}

function rowRole(j: number): StreetClass | null {
  if (j === RIVER_ROW) return null
  if (isIn(ARTERIAL_ROWS, j)) return 'arterial'
  if (isIn(SECONDARY_ROWS, j) || isIn(BANK_ROWS, j)) return 'secondary'
  if (j % 2 === 0 && !nearAny([...ARTERIAL_ROWS, ...SECONDARY_ROWS, ...BANK_ROWS, RIVER_ROW], j)) return 'local'
  return null
}

/** Inside the old quarter every street below secondary rank is a lane. */
function oldQuarterRole(role: StreetClass | null, old: boolean): StreetClass | null {
  return old && (role === null || role === 'local') ? 'lane' : role
}

const nodeId = (i: number, j: number) => i * (LATTICE_MAX + 1) + j
const nodeI = (id: number) => Math.floor(id / (LATTICE_MAX + 1))
const nodeJ = (id: number) => id % (LATTICE_MAX + 1)

/** Jittered design positions of all lattice nodes: fixed roads stay straight, local streets wander. */
function nodePositions(rand: Random): Pt[] {
  const colOff = Array.from({ length: LATTICE_MAX + 1 }, (_, i) => (colFixed(i) ? 0 : (rand() - 0.5) * 24))
  const rowOff = Array.from({ length: LATTICE_MAX + 1 }, (_, j) => (rowFixed(j) ? 0 : (rand() - 0.5) * 24))
  const pos: Pt[] = new Array((LATTICE_MAX + 1) ** 2)
  for (let i = 0; i <= LATTICE_MAX; i++) {
    for (let j = 0; j <= LATTICE_MAX; j++) {
      const amp = inOld(i, j) ? 7 : 3
      const jx = (rand() - 0.5) * 2 * amp
      const jy = (rand() - 0.5) * 2 * amp
      pos[nodeId(i, j)] = [
        i * LATTICE + (colFixed(i) ? 0 : colOff[i] + jx),
        j * LATTICE + (rowFixed(j) ? 0 : rowOff[j] + jy),
      ]
    }
  }
  return pos
}

/** Name keys: one per road line, split at the river for roads that do not cross it. */
function edgeName(vertical: boolean, index: number, cls: StreetClass, north: boolean): string {
  if (cls === 'bridge') return `bridge${index}`
  if (cls === 'lane') return `${vertical ? 'lc' : 'lr'}${index}`
  if (vertical && cls !== 'arterial') return `c${index}${north ? 'n' : 's'}`
  return `${vertical ? 'c' : 'r'}${index}`
}

function latticeEdges(rand: Random): Edge[] {
  const edges: Edge[] = []
  for (let i = 0; i <= LATTICE_MAX; i++) {
    for (let j = 0; j <= LATTICE_MAX; j++) {
      // vertical link (i, j) → (i, j + 1)
      if (j < LATTICE_MAX) {
        let cls: StreetClass | null
        if (j === RIVER_ROW - 1 || j === RIVER_ROW) cls = isIn(BRIDGE_COLS, i) ? 'bridge' : null
        else cls = oldQuarterRole(colRole(i), inOld(i, j) && inOld(i, j + 1))
        const drop = cls === 'local' ? LOCAL_DROP : cls === 'lane' ? LANE_DROP : 0
        if (cls && rand() >= drop) edges.push({ a: nodeId(i, j), b: nodeId(i, j + 1), cls, name: edgeName(true, i, cls, j >= RIVER_ROW) })
      }
      // horizontal link (i, j) → (i + 1, j)
      if (i < LATTICE_MAX) {
        const cls = oldQuarterRole(rowRole(j), inOld(i, j) && inOld(i + 1, j))
        const drop = cls === 'local' ? LOCAL_DROP : cls === 'lane' ? LANE_DROP : 0
        if (cls && rand() >= drop) edges.push({ a: nodeId(i, j), b: nodeId(i + 1, j), cls, name: edgeName(false, j, cls, j >= RIVER_ROW) })
      }
    }
  }
  return edges
}

function insideOutline(p: Pt): boolean {
  return pointInRing(p[0], p[1], OUTLINE) && distToRing(p[0], p[1], OUTLINE) >= OUTLINE_CLEARANCE
}

function crossesOutline(a: Pt, b: Pt): boolean {
  for (let k = 0; k < OUTLINE.length; k++) if (segmentsCross(a, b, OUTLINE[k], OUTLINE[(k + 1) % OUTLINE.length])) return true
  return false
}

/** Edges of the largest connected piece (by edge count); smaller pieces cut off by the outline are dropped. */
function largestComponent(edges: Edge[]): Edge[] {
  const parent = new Map<number, number>()
  const find = (x: number): number => {
    let r = x
    while (parent.get(r) !== r) r = parent.get(r)!
    while (parent.get(x) !== r) { const n = parent.get(x)!; parent.set(x, r); x = n }
    return r
  }
  for (const e of edges) {
    if (!parent.has(e.a)) parent.set(e.a, e.a)
    if (!parent.has(e.b)) parent.set(e.b, e.b)
    const ra = find(e.a)
    const rb = find(e.b)
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb))
  }
  const size = new Map<number, number>()
  for (const e of edges) size.set(find(e.a), (size.get(find(e.a)) ?? 0) + 1)
  let best = -1
  let bestN = -1
  for (const [r, n] of size) if (n > bestN || (n === bestN && r < best)) { best = r; bestN = n }
  return edges.filter((e) => find(e.a) === best)
}

/** Chinese and English names for every name key, drawn from the stem stock in seeded order. */
function nameTable(rand: Random, keys: Map<string, StreetClass>): Map<string, [string, string]> {
  const stems = shuffled(rand, ROAD_STEMS)
  const table = new Map<string, [string, string]>()
  const used = new Set<string>()
  let k = 0
  const fixed: Record<string, [string, string]> = {
    [`r${BANK_ROWS[0]}`]: ['南滨河路', 'South Binhe Road'],
    [`r${BANK_ROWS[1]}`]: ['北滨河路', 'North Binhe Road'],
    [`bridge${BRIDGE_COLS[0]}`]: ['古城桥', 'Gucheng Bridge'],
    [`bridge${BRIDGE_COLS[1]}`]: ['望江大桥', 'Wangjiang Bridge'],
  }
  const sorted = [...keys.keys()].sort()
  for (const key of sorted) {
    if (fixed[key]) { table.set(key, fixed[key]); continue }
    const cls = keys.get(key)!
    const [zhSuffix, enSuffix] = cls === 'arterial' ? ['路', 'Road'] : cls === 'secondary' ? ['路', 'Road'] : cls === 'lane' ? ['巷', 'Lane'] : ['街', 'Street']
    for (;;) {
      const round = Math.floor(k / stems.length)
      const [zh, en] = stems[k % stems.length]
      k++
      const name: [string, string] = [`${zh}${ORDINALS_ZH[round]}${zhSuffix}`, `${en} ${round ? ORDINALS_EN[round] + ' ' : ''}${enSuffix}`]
      if (used.has(name[0])) continue
      used.add(name[0])
      table.set(key, name)
      break
    }
  }
  return table
}

/** Builds the street network for a seed. Segment ids are 1-based and stable for the seed. */
export function buildStreets(seed: number): StreetSegment[] {
  const rand = streamFor(seed, 'streets')
  const pos = nodePositions(rand)
  const kept = latticeEdges(rand).filter((e) => {
    const a = pos[e.a]
    const b = pos[e.b]
    return insideOutline(a) && insideOutline(b) && !crossesOutline(a, b)
  })
  const edges = largestComponent(kept)

  // merge runs of links into segments that end where the graph branches, ends or changes road
  const incident = new Map<number, number[]>()
  edges.forEach((e, k) => {
    for (const n of [e.a, e.b]) {
      if (!incident.has(n)) incident.set(n, [])
      incident.get(n)!.push(k)
    }
  })
  const isBreak = (n: number) => {
    const inc = incident.get(n)!
    if (inc.length !== 2) return true
    const [e, f] = [edges[inc[0]], edges[inc[1]]]
    return e.cls !== f.cls || e.name !== f.name
  }
  const visited = new Uint8Array(edges.length)
  const chains: { nodes: number[]; edge: Edge }[] = []
  const walk = (start: number, first: number) => {
    const nodes = [start]
    let at = start
    let k = first
    for (;;) {
      visited[k] = 1
      const e = edges[k]
      at = e.a === at ? e.b : e.a
      nodes.push(at)
      if (isBreak(at) || at === start) break
      const next = incident.get(at)!.find((x) => !visited[x])
      if (next === undefined) break
      k = next
    }
    chains.push({ nodes, edge: edges[first] })
  }
  const nodeIds = [...incident.keys()].sort((a, b) => a - b)
  for (const n of nodeIds) if (isBreak(n)) for (const k of incident.get(n)!) if (!visited[k]) walk(n, k)
  for (const n of nodeIds) for (const k of incident.get(n)!) if (!visited[k]) walk(n, k)

  const keys = new Map<string, StreetClass>()
  for (const c of chains) keys.set(c.edge.name, c.edge.cls)
  const names = nameTable(rand, keys)
  // house numbers run from the west or south end of each named road
  const start = new Map<string, number>()
  for (const c of chains) {
    const vertical = nodeI(c.nodes[0]) === nodeI(c.nodes[1])
    for (const n of c.nodes) {
      const v = vertical ? pos[n][1] : pos[n][0]
      start.set(c.edge.name, Math.min(start.get(c.edge.name) ?? Infinity, v))
    }
  }
  return chains.map((c, idx) => {
    const vertical = nodeI(c.nodes[0]) === nodeI(c.nodes[1])
    const design = c.nodes.map((n) => pos[n])
    const mi = c.nodes.reduce((s, n) => s + nodeI(n), 0) / c.nodes.length
    const mj = c.nodes.reduce((s, n) => s + nodeJ(n), 0) / c.nodes.length
    const lowArea = c.edge.cls === 'bridge' ? -1 : LOW_LYING.findIndex((r) => mi >= r.i0 && mi <= r.i1 && mj >= r.j0 && mj <= r.j1)
    const metric = design.map((p) => warp(p[0], p[1]))
    const [name_zh, name_en] = names.get(c.edge.name)!
    return {
      id: idx + 1,
      cls: c.edge.cls,
      name_zh,
      name_en,
      low_lying: lowArea >= 0,
      lowArea,
      design,
      metric,
      lonlat: metric.map((p) => metricToLonLat(p[0], p[1])),
      along: c.nodes.map((n) => (vertical ? pos[n][1] : pos[n][0]) - start.get(c.edge.name)!),
    }
  })
}
