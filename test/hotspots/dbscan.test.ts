import { describe, expect, test } from 'vitest'
import { dbscan } from '../../server/hotspots/core/dbscan'
import { seededRandom } from '../../server/shared/random'
import { sharedFixture } from '../helpers/paths'
import { dbscanOracle, partitionDiff } from './dbscan-oracle'

interface SklearnFixture {
  eps: number
  minPts: number
  points: [number, number][]
  label: number[]
  core: boolean[]
  ambiguous: boolean[]
}

function columns(points: [number, number][]): { x: Float64Array; y: Float64Array } {
  return { x: Float64Array.from(points, (p) => p[0]), y: Float64Array.from(points, (p) => p[1]) }
}

describe.each(['dbscan/synthetic-8k.json', 'dbscan/boston-graffiti.json'])('matches scikit-learn 1.2.1 on %s', (name) => {
  const fx = sharedFixture<SklearnFixture>(name)
  const { x, y } = columns(fx.points)
  const ours = dbscan(x, y, fx.eps, fx.minPts)

  test('same core points', () => {
    const differ = fx.core.flatMap((c, i) => (Boolean(ours.core[i]) !== c ? [i] : []))
    expect(differ).toEqual([])
  })

  test('same partition of core points, same noise, same border points outside ambiguous ones', () => {
    expect(partitionDiff(ours.labels, fx.label, fx.core, fx.ambiguous)).toEqual([])
    expect(ours.clusters).toBe(new Set(fx.label.filter((l) => l >= 0)).size)
  })

  test('clusters are numbered by their smallest core point id', () => {
    let next = 0
    for (let i = 0; i < x.length; i++) {
      if (!ours.core[i]) continue
      if (ours.labels[i] === next) next++
      else expect(ours.labels[i]).toBeLessThan(next)
    }
    expect(next).toBe(ours.clusters)
  })
})

describe('agrees exactly with the literal scikit-learn algorithm', () => {
  const cases: { name: string; make: (rand: () => number) => [number, number][]; eps: number; minPts: number }[] = [
    {
      name: 'blobs and scatter',
      make: (rand) => Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? [rand() * 1000, rand() * 1000] : [200 + ((i % 5) * 150) + rand() * 60, 300 + rand() * 60])),
      eps: 25,
      minPts: 5,
    },
    // integer lattice: many pairs exactly eps apart, so the inclusive radius matters
    { name: 'integer lattice at distance eps', make: (rand) => Array.from({ length: 400 }, () => [Math.floor(rand() * 30), Math.floor(rand() * 30)]), eps: 1, minPts: 4 },
    // stacked duplicates (one address reported many times) and collinear points along a street
    {
      name: 'duplicates and a street',
      make: (rand) => Array.from({ length: 300 }, (_, i) => (i < 100 ? [500, 500] : i < 200 ? [i * 7.5, 100] : [rand() * 2000, rand() * 2000])),
      eps: 8,
      minPts: 3,
    },
    { name: 'minPts 1 makes every point core', make: (rand) => Array.from({ length: 200 }, () => [rand() * 500, rand() * 500]), eps: 20, minPts: 1 },
    // far-apart points with a tiny eps: the grid falls back to a comparison sort
    { name: 'extent huge compared with eps', make: (rand) => Array.from({ length: 300 }, (_, i) => [(i % 60) * 1e5 + rand() * 0.3, Math.floor(i / 60) * 1e5 + rand() * 0.3]), eps: 0.05, minPts: 2 },
  ]
  for (const c of cases) {
    test(c.name, () => {
      const pts = c.make(seededRandom(42))
      const { x, y } = columns(pts)
      const eps2 = c.eps * c.eps
      const ref = dbscanOracle(pts.length, (i, j) => (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 <= eps2, c.minPts)
      const ours = dbscan(x, y, c.eps, c.minPts)
      expect(Array.from(ours.core)).toEqual(Array.from(ref.core))
      expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels))
    })
  }
})

describe('edge cases', () => {
  test('no points', () => {
    const r = dbscan(new Float64Array(0), new Float64Array(0), 10, 3)
    expect(r.clusters).toBe(0)
    expect(r.labels.length).toBe(0)
  })

  test('two points exactly eps apart are neighbours (inclusive radius)', () => {
    const r = dbscan(Float64Array.of(0, 30), Float64Array.of(0, 40), 50, 2)
    expect(Array.from(r.labels)).toEqual([0, 0])
  })

  test('bad parameters name the value', () => {
    const z = new Float64Array(1)
    expect(() => dbscan(z, z, 0, 3)).toThrow(/eps value: 0/)
    expect(() => dbscan(z, z, 5, 0)).toThrow(/minPts value: 0/)
    expect(() => dbscan(z, new Float64Array(2), 5, 2)).toThrow(/differ in length/)
    expect(() => dbscan(Float64Array.of(NaN), z, 5, 2)).toThrow(/non-finite/)
  })
})
