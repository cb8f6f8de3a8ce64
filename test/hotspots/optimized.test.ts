import { describe, expect, test } from 'vitest'
import {
  chooseScale,
  defaultBands,
  fallbackDistance,
  incrementalMoran,
  type IncrementalBand,
} from '../../server/hotspots/core/incremental'
import { globalMoran } from '../../server/hotspots/core/moran'
import { distanceBandWeights } from '../../server/hotspots/core/weights'
import { hotspotFixture } from './weights.fixtures'

describe('incremental spatial autocorrelation against esda (lattice-40x50 incremental_moran)', () => {
  const f = hotspotFixture('lattice-40x50.json')
  const expected = f.incremental_moran!
  const bands = incrementalMoran(f.x, f.y, f.values, expected.map((e) => e.distance))

  test('I, EI, z_norm and p_norm at every fixture distance', () => {
    expect(bands.map((b) => b.distance)).toEqual(expected.map((e) => e.distance))
    bands.forEach((b, k) => {
      expect(Math.abs(b.I - expected[k].I)).toBeLessThan(1e-9)
      expect(Math.abs(b.EI - expected[k].EI)).toBeLessThan(1e-12)
      expect(Math.abs(b.z_norm - expected[k].z_norm)).toBeLessThan(1e-9)
      expect(Math.abs(b.p_norm - expected[k].p_norm)).toBeLessThan(1e-12)
    })
  })

  test('the one-sweep computation equals per-band weights + globalMoran', () => {
    for (const b of [bands[0], bands[4], bands[8]]) {
      const g = globalMoran(f.values, distanceBandWeights(f.x, f.y, b.distance))
      expect(Math.abs(g.I - b.I)).toBeLessThan(1e-12)
      expect(Math.abs(g.VI_norm - b.VI_norm)).toBeLessThan(1e-15)
    }
    expect(bands[0]).toMatchObject({ minNeighbours: 3, islands: 0 })
  })

  test('scale choice: first peak of z is at 450 m', () => {
    const choice = chooseScale(bands, { fallbackDistance: fallbackDistance(f.x, f.y) })
    expect(choice).toMatchObject({ distance: 450, rule: 'first-peak', band: 3 })
    expect(choice.reason).toContain('first peak')
  })

  test('default bands on the lattice: start 100 m (every cell a neighbour), step 100 m, 10 bands', () => {
    const d = defaultBands(f.x, f.y)
    expect(d.start).toBe(100)
    expect(d.increment).toBe(100)
    expect(d.distances).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    expect(d.outliers).toEqual([])
    expect(d.reason).toMatch(/start 100 m.*increment 100 m.*10 bands/)
  })
})

describe('default bands and scale rules by hand', () => {
  test('a far-away point is a locational outlier and does not set the start distance', () => {
    // 30 points on a 10 m line, one point 5 km away
    const x = Float64Array.from({ length: 31 }, (_, i) => (i < 30 ? i * 10 : 5000))
    const y = new Float64Array(31)
    const d = defaultBands(x, y, 3)
    expect(d.outliers).toEqual([30])
    expect(d.start).toBe(10)
    expect(d.increment).toBe(10)
    expect(d.distances).toEqual([10, 20, 30])
    expect(d.reason).toContain('1 locational outlier')
  })

  const band = (distance: number, z_norm: number, p_norm = z_norm > 1.96 ? 0.01 : 0.5): IncrementalBand => ({
    distance, z_norm, p_norm, I: 0, EI: 0, VI_norm: 1, minNeighbours: 1, meanNeighbours: 1, islands: 0,
  })

  test('no peak (z keeps rising): the band with the largest significant z', () => {
    const c = chooseScale([band(100, 3), band(200, 4), band(300, 5)], { fallbackDistance: 150 })
    expect(c).toMatchObject({ distance: 300, rule: 'max-z', band: 2 })
    expect(c.reason).toContain('no peak')
  })

  test('a peak that is not significant is skipped', () => {
    const c = chooseScale([band(100, 0.5), band(200, 1.5), band(300, 1.0), band(400, 2.5), band(500, 2.0)], { fallbackDistance: 150 })
    expect(c).toMatchObject({ distance: 400, rule: 'first-peak' })
  })

  test('nothing significant: the fallback distance', () => {
    const c = chooseScale([band(100, 0.2), band(200, 0.9), band(300, 0.4)], { fallbackDistance: 175 })
    expect(c).toMatchObject({ distance: 175, rule: 'fallback', band: -1 })
    expect(c.reason).toContain('no band shows significant clustering')
  })

  test('fallback distance: mean distance to the 8th nearest neighbour', () => {
    // 3 × 3 lattice at 1 m: centre's 8th NN is at √2; corner's 8th at √8; edge-middle's at √5
    const x = Float64Array.from({ length: 9 }, (_, i) => i % 3)
    const y = Float64Array.from({ length: 9 }, (_, i) => Math.floor(i / 3))
    const expected = (Math.SQRT2 + 4 * Math.sqrt(8) + 4 * Math.sqrt(5)) / 9
    expect(fallbackDistance(x, y)).toBeCloseTo(expected, 12)
  })

  test('rejects bands that do not increase', () => {
    const f = hotspotFixture('lattice-40x50.json')
    expect(() => incrementalMoran(f.x, f.y, f.values, [200, 100])).toThrow(/increase/)
  })
})
