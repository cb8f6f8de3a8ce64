import { describe, expect, test } from 'vitest'
import { buildStreetGraph, connectivityReport, largestComponent, type StreetGraph, type StreetLine } from '../../server/patrol/core/graph'
import { edgeCoordinates, edgeSlice, pointAlongEdge, positionComponent } from '../../server/patrol/core/graph-geometry'
import { indexStreetGraph, nearestNode, snapToEdge } from '../../server/patrol/core/graph-index'

/** Node id at (x, y), or -1. */
function nodeAt(g: StreetGraph, x: number, y: number): number {
  for (let i = 0; i < g.n; i++) if (Math.abs(g.nodeX[i] - x) < 1e-9 && Math.abs(g.nodeY[i] - y) < 1e-9) return i
  return -1
}

function degreeAt(g: StreetGraph, x: number, y: number): number {
  const i = nodeAt(g, x, y)
  return g.offsets[i + 1] - g.offsets[i]
}

describe('buildStreetGraph', () => {
  test('T-junction: a side street ending on an interior vertex of the main street splits it', () => {
    const g = buildStreetGraph([
      { id: 'main', coords: [[0, 0], [10, 0], [20, 0]] },
      { id: 'side', coords: [[10, 0], [10, 10]] },
    ])
    expect(g.n).toBe(4)
    expect(g.edgeCount).toBe(3)
    expect(degreeAt(g, 10, 0)).toBe(3)
    expect(degreeAt(g, 0, 0)).toBe(1)
    expect(Array.from(g.edgeLength)).toEqual([10, 10, 10])
    expect(g.componentNodes.length).toBe(1)
    // edges keep a reference to their source line and vertex range
    const e = Array.from(g.edgeLine).indexOf(0, 0)
    expect(g.lineIds[g.edgeLine[e]]).toBe('main')
    expect([g.edgeVertexFrom[e], g.edgeVertexTo[e]]).toEqual([0, 1])
  })

  test('cross with a shared interior vertex: four edges meet at the centre', () => {
    const g = buildStreetGraph([
      { id: 'ew', coords: [[0, 0], [10, 0], [20, 0]] },
      { id: 'ns', coords: [[10, -10], [10, 0], [10, 10]] },
    ])
    expect(g.n).toBe(5)
    expect(g.edgeCount).toBe(4)
    expect(degreeAt(g, 10, 0)).toBe(4)
    expect(g.componentNodes.length).toBe(1)
  })

  test('crossing lines without a shared vertex stay apart (bridge over a road)', () => {
    const g = buildStreetGraph([
      { id: 'road', coords: [[0, 0], [20, 0]] },
      { id: 'bridge', coords: [[10, -10], [10, 10]] },
    ])
    expect(g.n).toBe(4)
    expect(g.edgeCount).toBe(2)
    expect(g.componentNodes.length).toBe(2)
  })

  test('line ends within the snap tolerance become one node; beyond it they do not', () => {
    const lines: StreetLine[] = [
      { id: 'a', coords: [[0, 0], [10, 0]] },
      { id: 'b', coords: [[10.3, 0.1], [20, 0]] },
    ]
    const snapped = buildStreetGraph(lines) // default 0.5 m
    expect(snapped.n).toBe(3)
    expect(snapped.componentNodes.length).toBe(1)
    const mid = 1 // second node created: the merged ends, at their mean
    expect(snapped.nodeX[mid]).toBeCloseTo(10.15, 12)
    expect(snapped.nodeY[mid]).toBeCloseTo(0.05, 12)
    // edge lengths are measured to the merged node
    expect(snapped.edgeLength[0]).toBeCloseTo(Math.hypot(10.15, 0.05), 12)

    const strict = buildStreetGraph(lines, { snapTolerance: 0.1 })
    expect(strict.n).toBe(4)
    expect(strict.componentNodes.length).toBe(2)
  })

  test('a line end near an interior vertex of another line snaps onto it and splits that line', () => {
    const g = buildStreetGraph([
      { id: 'main', coords: [[0, 0], [10, 0], [20, 0]] },
      { id: 'side', coords: [[10.2, 0.2], [10, 10]] },
    ])
    expect(g.n).toBe(4)
    expect(g.edgeCount).toBe(3)
    // the through street keeps its vertex; the side street bends onto it
    expect(degreeAt(g, 10, 0)).toBe(3)
  })

  test('a disconnected piece is reported with its length and line ids', () => {
    const lines: StreetLine[] = []
    // a 3×3 block grid of 100 m blocks, noded at every junction
    for (let i = 0; i <= 3; i++) {
      lines.push({ id: `h${i}`, coords: [0, 1, 2, 3].map((j) => [j * 100, i * 100]) })
      lines.push({ id: `v${i}`, coords: [0, 1, 2, 3].map((j) => [i * 100, j * 100]) })
    }
    lines.push({ id: 'island-1', coords: [[1000, 1000], [1040, 1000]] })
    lines.push({ id: 'island-2', coords: [[1040, 1000], [1040, 1030]] })
    lines.push({ id: 'dot', coords: [[5, 5], [5, 5]] })
    const g = buildStreetGraph(lines)
    expect(largestComponent(g)).toEqual({ component: 0, nodes: 16, edges: 24, lengthM: 2400 })
    const r = connectivityReport(g)
    expect(r.components).toBe(2)
    expect(r.disconnected.count).toBe(1)
    expect(r.disconnected.lengthM).toBeCloseTo(70, 12)
    expect(r.disconnected.lineIds).toEqual(['island-1', 'island-2'])
    expect(r.disconnected.pieces[0]).toMatchObject({ component: 1, nodes: 3, edges: 2 })
    expect(r.droppedLineIds).toEqual(['dot'])
  })

  test('parallel streets between two nodes: the adjacency keeps the shorter, the edges keep both', () => {
    const g = buildStreetGraph([
      { id: 'straight', coords: [[0, 0], [10, 0]] },
      { id: 'bent', coords: [[0, 0], [5, 5], [10, 0]] },
      { id: 'loop', coords: [[10, 0], [15, 5], [20, 0], [10, 0]] },
    ])
    expect(g.n).toBe(2)
    expect(g.edgeCount).toBe(3)
    expect(Array.from(g.indices)).toEqual([1, 0])
    expect(Array.from(g.weights)).toEqual([10, 10])
    // the loop counts in the component length
    expect(g.componentLength[0]).toBeCloseTo(10 + 2 * Math.hypot(5, 5) + 2 * Math.hypot(5, 5) + 10, 9)
  })

  test('rejects non-finite coordinates, naming the line and vertex', () => {
    expect(() => buildStreetGraph([{ id: 'x9', coords: [[0, 0], [NaN, 1]] }])).toThrow(/x9.*vertex 1/)
    expect(() => buildStreetGraph([], { snapTolerance: -1 })).toThrow(/snapTolerance/)
  })

  test('larger random grid: node and edge counts match the construction', () => {
    // 12×9 junctions, streets drawn as one line per row/column with a vertex at every junction
    const nx = 12
    const ny = 9
    const lines: StreetLine[] = []
    for (let j = 0; j < ny; j++) lines.push({ id: `r${j}`, coords: Array.from({ length: nx }, (_, i) => [i * 80, j * 80]) })
    for (let i = 0; i < nx; i++) lines.push({ id: `c${i}`, coords: Array.from({ length: ny }, (_, j) => [i * 80, j * 80]) })
    const g = buildStreetGraph(lines)
    expect(g.n).toBe(nx * ny)
    expect(g.edgeCount).toBe((nx - 1) * ny + nx * (ny - 1))
    expect(g.offsets[g.n]).toBe(2 * g.edgeCount)
    for (let i = 0; i < g.n; i++) {
      for (let k = g.offsets[i] + 1; k < g.offsets[i + 1]; k++) expect(g.indices[k]).toBeGreaterThan(g.indices[k - 1])
    }
  })
})

describe('edge geometry', () => {
  const g = buildStreetGraph([{ id: 'l', coords: [[0, 0], [3, 4], [3, 10]] }])
  test('coordinates, slices and points along an edge', () => {
    expect(g.edgeLength[0]).toBe(11)
    expect(edgeCoordinates(g, 0)).toEqual([[0, 0], [3, 4], [3, 10]])
    expect(pointAlongEdge(g, 0, 2.5)).toEqual([1.5, 2])
    expect(edgeSlice(g, 0, 2.5, 8)).toEqual([[1.5, 2], [3, 4], [3, 7]])
    expect(edgeSlice(g, 0, 8, 2.5)).toEqual([[3, 7], [3, 4], [1.5, 2]])
    expect(positionComponent(g, { edge: 0, along: 3 })).toBe(0)
    expect(() => edgeCoordinates(g, 4)).toThrow(/edge id: 4/)
  })
})

describe('snapping points to the graph', () => {
  const g = buildStreetGraph([
    { id: 'main', coords: [[0, 0], [50, 0], [100, 0]] },
    { id: 'side', coords: [[50, 0], [50, 40]] },
    { id: 'island', coords: [[0, 20], [30, 20]] },
  ])
  const index = indexStreetGraph(g)

  test('nearest edge position: edge, metres along, distance', () => {
    const s = snapToEdge(index, 70, 6)!
    expect(g.lineIds[g.edgeLine[s.edge]]).toBe('main')
    expect(s.along).toBeCloseTo(g.edgeFrom[s.edge] === nodeAt(g, 50, 0) ? 20 : 30, 12)
    expect(s.distance).toBeCloseTo(6, 12)
    expect([s.x, s.y]).toEqual([70, 0])
  })

  test('a component filter attaches to the main network even when an island is nearer', () => {
    const near = snapToEdge(index, 10, 17)!
    expect(g.lineIds[g.edgeLine[near.edge]]).toBe('island')
    const main = snapToEdge(index, 10, 17, { component: 0 })!
    expect(g.lineIds[g.edgeLine[main.edge]]).toBe('main')
    expect(main.distance).toBeCloseTo(17, 12)
    expect(snapToEdge(index, 10, 17, { component: 0, maxDistance: 5 })).toBeUndefined()
  })

  test('nearest node', () => {
    expect(nearestNode(index, 48, 35)).toEqual({ node: nodeAt(g, 50, 40), distance: Math.hypot(2, 5) })
    expect(nearestNode(index, 2, 18, { component: 0 })!.node).toBe(nodeAt(g, 0, 0))
  })

  test('brute force agrees on random points', () => {
    let s = 7
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647)
    for (let k = 0; k < 200; k++) {
      const x = rand() * 140 - 20
      const y = rand() * 80 - 20
      const hit = snapToEdge(index, x, y)!
      let best = Infinity
      for (let e = 0; e < g.edgeCount; e++) {
        const c = edgeCoordinates(g, e)
        for (let i = 1; i < c.length; i++) best = Math.min(best, pointSegment(x, y, c[i - 1], c[i]))
      }
      expect(hit.distance).toBeCloseTo(best, 9)
      const p = pointAlongEdge(g, hit.edge, hit.along)
      expect(p[0]).toBeCloseTo(hit.x, 9)
      expect(p[1]).toBeCloseTo(hit.y, 9)
    }
  })
})

function pointSegment(x: number, y: number, a: number[], b: number[]): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(a[0] + t * dx - x, a[1] + t * dy - y)
}
