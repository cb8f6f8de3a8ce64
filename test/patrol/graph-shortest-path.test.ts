import { describe, expect, test } from 'vitest'
import { seededRandom, type Random } from '../../server/shared/random'
import { buildStreetGraph, type StreetGraph, type StreetLine } from '../../server/patrol/core/graph'
import { pointAlongEdge, positionPoint, type EdgePosition, type GraphPosition } from '../../server/patrol/core/graph-geometry'
import {
  createShortestPathWorkspace,
  distanceMatrix,
  distancesTo,
  shortestPath,
  shortestPathTree,
  treePath,
} from '../../server/patrol/core/shortest-path'

/** Random street network: points on a jittered lattice joined by random bent lines, some parallel, some isolated. */
function randomNetwork(rand: Random, nPoints: number, nLines: number): StreetLine[] {
  const pts: number[][] = []
  for (let i = 0; i < nPoints; i++) pts.push([Math.round(rand() * 500), Math.round(rand() * 500)])
  const lines: StreetLine[] = []
  for (let k = 0; k < nLines; k++) {
    const a = pts[Math.floor(rand() * nPoints)]
    const b = pts[Math.floor(rand() * nPoints)]
    const coords: number[][] = [a]
    const bends = Math.floor(rand() * 3)
    for (let m = 0; m < bends; m++) coords.push([a[0] + (b[0] - a[0]) * rand() + 30 * (rand() - 0.5), a[1] + (b[1] - a[1]) * rand() + 30 * (rand() - 0.5)])
    coords.push(b)
    lines.push({ id: k, coords: coords as [number, number][] })
  }
  // an island far away, so some pairs are unreachable
  const ix = 2000 + Math.round(rand() * 100)
  lines.push({ id: 'island-a', coords: [[ix, 0], [ix + 50, 20]] })
  lines.push({ id: 'island-b', coords: [[ix + 50, 20], [ix + 20, 80], [ix, 0]] })
  return lines
}

/** All-pairs node distances by Floyd–Warshall over every edge (parallel edges and loops included). */
function floydWarshall(g: StreetGraph): Float64Array {
  const n = g.n
  const d = new Float64Array(n * n).fill(Infinity)
  for (let i = 0; i < n; i++) d[i * n + i] = 0
  for (let e = 0; e < g.edgeCount; e++) {
    const u = g.edgeFrom[e]
    const v = g.edgeTo[e]
    const w = g.edgeLength[e]
    if (w < d[u * n + v]) d[u * n + v] = d[v * n + u] = w
  }
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      const dik = d[i * n + k]
      if (dik === Infinity) continue
      for (let j = 0; j < n; j++) {
        const via = dik + d[k * n + j]
        if (via < d[i * n + j]) d[i * n + j] = via
      }
    }
  }
  return d
}

/** Position-to-position distance from node distances: through either edge end, or along a shared edge. */
function bruteDistance(g: StreetGraph, fw: Float64Array, a: GraphPosition, b: GraphPosition): number {
  const seeds = (p: GraphPosition): Array<[number, number]> =>
    typeof p === 'number' ? [[p, 0]] : [[g.edgeFrom[p.edge], p.along], [g.edgeTo[p.edge], g.edgeLength[p.edge] - p.along]]
  let best = Infinity
  for (const [u, du] of seeds(a)) for (const [v, dv] of seeds(b)) best = Math.min(best, du + fw[u * g.n + v] + dv)
  if (typeof a !== 'number' && typeof b !== 'number' && a.edge === b.edge) best = Math.min(best, Math.abs(a.along - b.along))
  return best
}

function randomPosition(rand: Random, g: StreetGraph): GraphPosition {
  if (rand() < 0.3) return Math.floor(rand() * g.n)
  const edge = Math.floor(rand() * g.edgeCount)
  return { edge, along: rand() * g.edgeLength[edge] }
}

function polylineLength(c: number[][]): number {
  let s = 0
  for (let i = 1; i < c.length; i++) s += Math.hypot(c[i][0] - c[i - 1][0], c[i][1] - c[i - 1][1])
  return s
}

describe('Dijkstra against Floyd–Warshall on random small graphs', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}`, () => {
      const rand = seededRandom(seed)
      const g = buildStreetGraph(randomNetwork(rand, 25 + seed * 3, 40 + seed * 4), { snapTolerance: 1 })
      expect(g.componentNodes.length).toBeGreaterThan(1)
      const fw = floydWarshall(g)
      // single source → all
      for (let s = 0; s < g.n; s++) {
        const tree = shortestPathTree(g, s)
        for (let t = 0; t < g.n; t++) {
          const want = fw[s * g.n + t]
          if (want === Infinity) expect(tree.dist[t]).toBe(Infinity)
          else expect(tree.dist[t]).toBeCloseTo(want, 9)
        }
      }
      // one-to-many with early stop, and the matrix, between random edge positions and nodes
      const positions = Array.from({ length: 30 }, () => randomPosition(rand, g))
      const ws = createShortestPathWorkspace(g)
      const m = distanceMatrix(g, positions, ws)
      for (let i = 0; i < positions.length; i++) {
        const row = distancesTo(g, positions[i], positions.slice(0, 7), ws)
        for (let j = 0; j < positions.length; j++) {
          const want = bruteDistance(g, fw, positions[i], positions[j])
          const got = m[i * positions.length + j]
          if (want === Infinity) expect(got).toBe(Infinity)
          else expect(got).toBeCloseTo(want, 9)
          if (j < 7) expect(row[j]).toBe(got)
        }
      }
      // paths: the polyline is as long as the distance and runs from one position to the other
      for (let k = 0; k < 40; k++) {
        const a = positions[k % positions.length]
        const b = positions[(k * 7 + 3) % positions.length]
        const p = shortestPath(g, a, b, ws)
        const want = bruteDistance(g, fw, a, b)
        if (want === Infinity) {
          expect(p).toBeUndefined()
          continue
        }
        expect(p!.lengthM).toBeCloseTo(want, 9)
        expect(polylineLength(p!.coordinates)).toBeCloseTo(want, 6)
        const pa = positionPoint(g, a)
        const pb = positionPoint(g, b)
        expect(p!.coordinates[0][0]).toBeCloseTo(pa[0], 9)
        expect(p!.coordinates[0][1]).toBeCloseTo(pa[1], 9)
        expect(p!.coordinates.at(-1)![0]).toBeCloseTo(pb[0], 9)
        expect(p!.coordinates.at(-1)![1]).toBeCloseTo(pb[1], 9)
      }
    })
  }
})

describe('paths on a hand-made network', () => {
  // a square block with a diagonal lane from (0,0) to (100,100) and a cul-de-sac
  const g = buildStreetGraph([
    { id: 'south', coords: [[0, 0], [100, 0]] },
    { id: 'east', coords: [[100, 0], [100, 100]] },
    { id: 'north', coords: [[100, 100], [0, 100]] },
    { id: 'west', coords: [[0, 100], [0, 0]] },
    { id: 'lane', coords: [[0, 0], [60, 40], [100, 100]] },
  ])
  const ne = Array.from({ length: g.n }, (_, i) => i).find((i) => g.nodeX[i] === 100 && g.nodeY[i] === 100)!
  const sw = Array.from({ length: g.n }, (_, i) => i).find((i) => g.nodeX[i] === 0 && g.nodeY[i] === 0)!

  test('takes the lane and follows its bend', () => {
    const p = shortestPath(g, sw, ne)!
    expect(p.lengthM).toBeCloseTo(Math.hypot(60, 40) + Math.hypot(40, 60), 12)
    expect(p.coordinates).toEqual([[0, 0], [60, 40], [100, 100]])
    const back = treePath(g, shortestPathTree(g, ne), sw)!
    expect(back.coordinates).toEqual([[100, 100], [60, 40], [0, 0]])
  })

  test('between two points of one edge it walks straight along the edge', () => {
    const south = g.lineIds.indexOf('south')
    const e = Array.from(g.edgeLine).indexOf(south)
    const a: EdgePosition = { edge: e, along: 20 }
    const b: EdgePosition = { edge: e, along: 70 }
    const p = shortestPath(g, a, b)!
    expect(p.lengthM).toBe(50)
    expect(p.coordinates).toEqual([pointAlongEdge(g, e, 20), pointAlongEdge(g, e, 70)])
  })

  test('from a point on one edge to a point on another', () => {
    const east = Array.from(g.edgeLine).indexOf(g.lineIds.indexOf('east'))
    const north = Array.from(g.edgeLine).indexOf(g.lineIds.indexOf('north'))
    // (100, 30) on the east side to (80, 100) on the north side: up the east side, round the corner
    const p = shortestPath(g, { edge: east, along: 30 }, { edge: north, along: 20 })!
    expect(p.lengthM).toBeCloseTo(70 + 20, 12)
    expect(p.coordinates).toEqual([[100, 30], [100, 100], [80, 100]])
  })
})
