import { describe, expect, test } from 'vitest'
import { erfc, normalCdf, normalSf, pNormOneSided, pNormTwoSided } from '../../server/hotspots/core/normal'

// Reference values: mpmath at 40 significant digits (erfc(z/√2)/2), rounded to 17.
const SF: Array<[number, number]> = [
  [0, 0.5],
  [1, 0.15865525393145705],
  [1.959963984540054, 0.025000000000000015],
  [3, 0.0013498980316300946],
  [8.3, 5.2055697448902854e-17],
  [10, 7.619853024160525e-24],
  [20, 2.7536241186062337e-89],
  [37, 5.725571222524577e-300],
  [37.5, 4.605353009581955e-308],
]
const ERFC: Array<[number, number]> = [
  [0.3, 0.6713732405408726],
  [2, 0.004677734981047266],
  [5, 1.537459794428035e-12],
  [26, 5.663192408856143e-296],
]

describe('normal tails (Cody erfc)', () => {
  test.each(SF)('1 − Φ(%d) to 1e-14 relative, deep into the tail', (z, ref) => {
    expect(Math.abs(normalSf(z) - ref) / ref).toBeLessThan(1e-14)
    // the lower tail by symmetry, also without cancellation
    expect(Math.abs(normalCdf(-z) - ref) / ref).toBeLessThan(1e-14)
  })

  test.each(ERFC)('erfc(%d) to 1e-14 relative', (x, ref) => {
    expect(Math.abs(erfc(x) - ref) / ref).toBeLessThan(1e-14)
    expect(Math.abs(erfc(-x) - (2 - ref))).toBeLessThan(1e-15)
  })

  test('underflows to 0 only past z ≈ 37.5; stays a probability everywhere', () => {
    expect(normalSf(40)).toBe(0)
    expect(normalSf(-40)).toBe(1)
    expect(normalSf(Infinity)).toBe(0)
    expect(Number.isNaN(normalSf(NaN))).toBe(true)
    for (let z = -45; z <= 45; z += 0.37) {
      const p = normalSf(z)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThanOrEqual(1)
    }
  })

  test('one- and two-sided p as esda and ArcGIS report them', () => {
    expect(pNormOneSided(-1.959963984540054)).toBeCloseTo(0.025, 15)
    expect(pNormTwoSided(-1.959963984540054)).toBeCloseTo(0.05, 15)
    expect(pNormTwoSided(0)).toBe(1)
  })
})
