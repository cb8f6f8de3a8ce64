import { describe, expect, test } from 'vitest'
import { gridDisk, gridDistance, latLngToCell } from 'h3-js'
import {
  distanceBandWeights,
  h3RingWeights,
  knnWeights,
  minimumBandForOneNeighbour,
  queenWeightsFromPolygons,
  rookWeightsFromPolygons,
  weightsSummary,
  type PolygonRings,
} from '../../server/hotspots/core/weights'
import { knnPysal } from '../../server/hotspots/core/knn'
import { buildKdTree, knnSelfExcluded } from '../../server/hotspots/core/kdtree'
import { csrRows, hotspotFixture } from './weights.fixtures'

const sortedRows = (rows: number[][]) => rows.map((r) => [...r].sort((a, b) => a - b))

/** 100 m squares centred on the fixture's cell centres, counter-clockwise, closed. */
function squaresAround(x: Float64Array, y: Float64Array, half = 50): PolygonRings[] {
  return Array.from(x, (cx, i) => {
    const cy = y[i]
    return [[[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half], [cx - half, cy - half]]]
  })
}

describe('lattice-40x50 fixture (PySAL neighbour lists)', () => {
  const f = hotspotFixture('lattice-40x50.json')

  test('knn8 equals PySAL KNN(k=8), ties at the 8th distance included', () => {
    const w = knnWeights(f.x, f.y, 8)
    expect(csrRows(w)).toEqual(sortedRows(f.weights.knn8.neighbors))
  })

  test('distance250 equals libpysal DistanceBand(250, binary)', () => {
    expect(csrRows(distanceBandWeights(f.x, f.y, 250))).toEqual(sortedRows(f.weights.distance250.neighbors))
  })

  test('queen from 100 m square polygons built from the cell centres equals PySAL queen', () => {
    const w = queenWeightsFromPolygons(squaresAround(f.x, f.y))
    expect(csrRows(w)).toEqual(sortedRows(f.weights.queen.neighbors))
  })

  test('queen still matches when shared coordinates carry clipping noise below the tolerance', () => {
    // jitter every vertex independently by up to ±3 mm, as reprojection and ST_Intersection leave them
    let s = 12345
    const jitter = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return ((s / 4294967296) - 0.5) * 0.006
    }
    const polys = squaresAround(f.x, f.y).map((p) => p.map((ring) => ring.map((pt) => [pt[0] + jitter(), pt[1] + jitter()])))
    expect(csrRows(queenWeightsFromPolygons(polys))).toEqual(sortedRows(f.weights.queen.neighbors))
  })

  test('rook from squares keeps only the 4 edge neighbours', () => {
    const w = rookWeightsFromPolygons(squaresAround(f.x, f.y))
    const expected = Array.from(f.x, (cx, i) =>
      f.weights.queen.neighbors[i].filter((j) => f.x[j] === cx || f.y[j] === f.y[i]).sort((a, b) => a - b),
    )
    expect(csrRows(w)).toEqual(expected)
    expect(weightsSummary(w)).toMatchObject({ min: 2, max: 4 })
  })

  test('minimum band giving every cell a neighbour is the lattice spacing', () => {
    expect(minimumBandForOneNeighbour(f.x, f.y)).toBe(100)
  })
})

describe('boston-graffiti-cells fixture (real 100 m cells)', () => {
  const f = hotspotFixture('boston-graffiti-cells.json')

  test('knn8 equals PySAL KNN(k=8), including rows where several cells tie at the 8th distance', () => {
    const res = knnPysal(f.x, f.y, 8)
    // the fixture is only a meaningful tie-breaking check if ties actually occur
    expect(res.treeRows).toBeGreaterThan(100)
    expect(csrRows(knnWeights(f.x, f.y, 8))).toEqual(sortedRows(f.weights.knn8.neighbors))
  })

  test('the scipy-compatible kd-tree alone (every row, no grid shortcut) gives the same lists', () => {
    const { ids } = knnSelfExcluded(buildKdTree(f.x, f.y), 8)
    const rows = Array.from({ length: f.x.length }, (_, i) => Array.from(ids.subarray(i * 8, i * 8 + 8)).sort((a, b) => a - b))
    expect(rows).toEqual(sortedRows(f.weights.knn8.neighbors))
  })

  test('distance150 equals libpysal DistanceBand(150, binary)', () => {
    expect(csrRows(distanceBandWeights(f.x, f.y, 150))).toEqual(sortedRows(f.weights.distance150.neighbors))
  })
})

describe('hand-made cases', () => {
  test('distance band includes a point exactly on the threshold (≤, as scipy / libpysal)', () => {
    const x = Float64Array.of(0, 100, 300)
    const y = Float64Array.of(0, 0, 0)
    expect(csrRows(distanceBandWeights(x, y, 100))).toEqual([[1], [0], []])
    expect(csrRows(distanceBandWeights(x, y, 99.999))).toEqual([[], [], []])
  })

  test('knn keeps PySAL asymmetry: an outlier points at the cluster, not the reverse', () => {
    const x = Float64Array.of(0, 1, 2, 50)
    const y = Float64Array.of(0, 0, 0, 0)
    expect(csrRows(knnWeights(x, y, 1))).toEqual([[1], [0], [1], [2]])
  })

  test('knn with duplicate points follows PySAL: self missing from the k + 1 found means the farthest is dropped', () => {
    // expected rows from scipy KDTree(leafsize=10).query(k=3) with libpysal's self-removal rule
    const x = Float64Array.of(0, 0, 0, 10, 30)
    const y = Float64Array.of(0, 0, 0, 0, 0)
    expect(csrRows(knnWeights(x, y, 2))).toEqual([[1, 2], [0, 2], [0, 1], [1, 2], [1, 3]])
  })

  test('minimum band is the largest nearest-neighbour distance', () => {
    const x = Float64Array.of(0, 3, 100, 104)
    const y = Float64Array.of(0, 4, 0, 3)
    expect(minimumBandForOneNeighbour(x, y)).toBe(5)
  })

  test('T-junction: a long edge against two short ones is rook for both; corner contact is queen only', () => {
    const big: PolygonRings = [[[0, 0], [200, 0], [200, 100], [0, 100]]]
    const leftTop: PolygonRings = [[[0, 100], [100, 100], [100, 200], [0, 200]]]
    const rightTop: PolygonRings = [[[100, 100], [200, 100], [200, 200], [100, 200]]]
    const corner: PolygonRings = [[[200, 200], [300, 200], [300, 300], [200, 300]]]
    const rook = csrRows(rookWeightsFromPolygons([big, leftTop, rightTop, corner]))
    expect(rook).toEqual([[1, 2], [0, 2], [0, 1], []])
    const queen = csrRows(queenWeightsFromPolygons([big, leftTop, rightTop, corner]))
    expect(queen).toEqual([[1, 2], [0, 2], [0, 1, 3], [2]])
  })

  test('an extra collinear vertex on a shared edge (cells clipped differently) still makes rook neighbours', () => {
    const below: PolygonRings = [[[0, -100], [100, -100], [100, 0], [50, 0], [0, 0]]]
    const above: PolygonRings = [[[0, 0], [100, 0], [100, 100], [0, 100]]]
    const apart: PolygonRings = [[[300, 0], [400, 0], [400, 100], [300, 100]]]
    expect(csrRows(rookWeightsFromPolygons([below, above, apart]))).toEqual([[1], [0], []])
  })

  test('rook from jittered squares equals rook from exact squares', () => {
    const f = hotspotFixture('lattice-40x50.json')
    let s = 99
    const jitter = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0
      return (s / 4294967296 - 0.5) * 0.006
    }
    const exact = squaresAround(f.x, f.y)
    const noisy = exact.map((p) => p.map((ring) => ring.map((pt) => [pt[0] + jitter(), pt[1] + jitter()])))
    expect(csrRows(rookWeightsFromPolygons(noisy))).toEqual(csrRows(rookWeightsFromPolygons(exact)))
  })

  test('cells separated by more than the tolerance are not neighbours', () => {
    const a: PolygonRings = [[[0, 0], [100, 0], [100, 100], [0, 100]]]
    const b: PolygonRings = [[[100.05, 0], [200, 0], [200, 100], [100.05, 100]]]
    expect(csrRows(queenWeightsFromPolygons([a, b]))).toEqual([[], []])
    expect(csrRows(queenWeightsFromPolygons([a, b], 0.1))).toEqual([[1], [0]])
  })

  test('h3 ring-1 weights keep only cells present in the set', () => {
    const origin = latLngToCell(31.2304, 121.4737, 9)
    const ring = gridDisk(origin, 1).filter((h) => h !== origin)
    const far = latLngToCell(31.3, 121.6, 9)
    const cells = [origin, ring[0], ring[1], ring[3], far]
    // oracle: grid distance 1 between members of the set
    const expected = cells.map((h, i) => cells.flatMap((g, j) => (j !== i && gridDistance(h, g) === 1 ? [j] : [])))
    const rows = csrRows(h3RingWeights(cells))
    expect(rows).toEqual(expected)
    expect(rows[0]).toEqual([1, 2, 3])
    expect(rows[4]).toEqual([])
  })

  test('weightsSummary reports counts and islands', () => {
    const s = weightsSummary({ n: 4, offsets: Uint32Array.of(0, 2, 3, 3, 6), indices: Uint32Array.of(1, 3, 0, 0, 1, 2) })
    expect(s).toEqual({ min: 0, max: 3, mean: 1.5, median: 1.5, islands: [2] })
  })
})
