import { describe, expect, test } from 'vitest'
import { globalMoran, localMoran, rowStandardisedSums } from '../../server/hotspots/core/moran'
import { distanceBandWeights, knnWeights } from '../../server/hotspots/core/weights'
import { fixtureCsr, hotspotFixture, maxAbsDiff, type FixtureGlobalMoran } from './weights.fixtures'
import type { Csr } from '../../server/shared/csr'

function expectGlobal(values: Float64Array, w: Csr, esda: FixtureGlobalMoran): void {
  const g = globalMoran(values, w)
  expect(Math.abs(g.I - esda.I)).toBeLessThan(1e-9)
  expect(Math.abs(g.EI - esda.EI)).toBeLessThan(1e-12)
  expect(Math.abs(g.z_norm - esda.z_norm)).toBeLessThan(1e-9)
  expect(Math.abs(g.p_norm - esda.p_norm)).toBeLessThan(1e-12)
  // VI_norm is not in the fixture; it is pinned by z_norm = (I − EI) / √VI_norm
  expect(Math.abs((g.I - g.EI) / Math.sqrt(g.VI_norm) - esda.z_norm)).toBeLessThan(1e-9)
}

describe('global Moran against esda Moran (row-standardised, normal approximation)', () => {
  const lattice = hotspotFixture('lattice-40x50.json')
  const boston = hotspotFixture('boston-graffiti-cells.json')
  for (const name of ['queen', 'knn8', 'distance250']) {
    test(`lattice ${name}`, () => expectGlobal(lattice.values, fixtureCsr(lattice.weights[name].neighbors), lattice.weights[name].global_moran))
  }
  test('lattice knn8 from our own (asymmetric) KNN weights', () => {
    expectGlobal(lattice.values, knnWeights(lattice.x, lattice.y, 8), lattice.weights.knn8.global_moran)
  })
  test('boston knn8 (asymmetric) and distance150 from our own weights', () => {
    expectGlobal(boston.values, knnWeights(boston.x, boston.y, 8), boston.weights.knn8.global_moran)
    expectGlobal(boston.values, distanceBandWeights(boston.x, boston.y, 150), boston.weights.distance150.global_moran)
  })
})

describe('local Moran against esda Moran_Local (Is and quadrant q)', () => {
  const f = hotspotFixture('lattice-40x50.json')
  for (const name of ['queen', 'knn8', 'distance250']) {
    test(`lattice ${name}`, () => {
      const lm = f.weights[name].local_moran!
      const r = localMoran(f.values, fixtureCsr(f.weights[name].neighbors), { permutations: 0 })
      expect(maxAbsDiff(r.Is, lm.Is)).toBeLessThan(1e-9)
      expect(Array.from(r.q)).toEqual(lm.q)
      expect(r.p_sim).toBeUndefined()
    })
  }

  test('permutations: deterministic per seed, plausible p_sim and z_sim', () => {
    const w = fixtureCsr(f.weights.queen.neighbors)
    const permutations = 499
    const a = localMoran(f.values, w, { permutations, seed: 11 })
    const b = localMoran(f.values, w, { permutations, seed: 11 })
    const c = localMoran(f.values, w, { permutations, seed: 12 })
    expect(Array.from(a.p_sim!)).toEqual(Array.from(b.p_sim!))
    expect(Array.from(a.z_sim!)).toEqual(Array.from(b.z_sim!))
    expect(maxAbsDiff(a.p_sim!, c.p_sim!)).toBeGreaterThan(0)
    let strong = 0
    for (let i = 0; i < f.values.length; i++) {
      const p = a.p_sim![i]
      expect(p).toBeGreaterThanOrEqual(1 / (permutations + 1))
      expect(p).toBeLessThanOrEqual(0.5 + 1 / (permutations + 1))
      // a large positive z_sim means the observed Is sits far in the upper tail of its permutations
      if (a.z_sim![i] > 4) {
        strong++
        expect(p).toBeLessThanOrEqual(0.01)
      }
    }
    // the planted hot spots give strong HH cells
    expect(strong).toBeGreaterThan(20)
  })
})

describe('Moran by hand', () => {
  test('s0, s1, s2 of an asymmetric row-standardised graph', () => {
    // 0 → {1, 2}, 1 → {0}, 2 → {0, 1}: w01 = w02 = ½, w10 = 1, w20 = w21 = ½
    const w = fixtureCsr([[1, 2], [0], [0, 1]])
    const s = rowStandardisedSums(w)
    expect(s.s0).toBe(3)
    // pairs: (0,1): ½ + 1 → 2.25; (0,2): ½ + ½ → 1; (1,2): 0 + ½ → 0.25; s1 = ½·Σ_ordered = 2.25 + 1 + 0.25
    expect(s.s1).toBeCloseTo(3.5, 14)
    // row sums 1, column sums: col0 = 1.5, col1 = 1, col2 = 0.5 → (2.5² + 2² + 1.5²)
    expect(s.s2).toBeCloseTo(6.25 + 4 + 2.25, 14)
  })

  test('perfectly alternating values on a chain give I = −1', () => {
    const w = fixtureCsr([[1], [0, 2], [1, 3], [2]])
    expect(globalMoran(Float64Array.of(1, -1, 1, -1), w).I).toBeCloseTo(-1, 12)
  })

  test('islands: zero rows, local I 0, p_sim 1', () => {
    const w = fixtureCsr([[1], [0], []])
    const r = localMoran(Float64Array.of(1, 2, 6), w, { permutations: 9, seed: 1 })
    expect(r.Is[2]).toBe(0)
    expect(r.p_sim![2]).toBe(1)
  })
})
