import { describe, expect, test } from 'vitest'
import { normalCdf, normalPdf, normalSf, twoSidedP } from '../../server/trends/core/normal-cdf'

// Reference tails computed with mpmath at 40 digits (ncdf(−z)).
const TAILS: [number, number][] = [
  [0, 0.5],
  [1, 0.15865525393145705],
  [1.959963984540054, 0.025000000000000015],
  [2.5, 0.006209665325776135],
  [3, 0.0013498980316300946],
  [5, 2.866515718791939e-7],
  [8, 6.220960574271784e-16],
  [10, 7.619853024160525e-24],
  [20, 2.7536241186062337e-89],
]

describe('normal tail', () => {
  test.each(TAILS)('Q(%f) to 1e-13 relative', (z, q) => {
    expect(Math.abs(normalSf(z) - q) / q).toBeLessThan(1e-13)
  })

  test('lower tail mirrors the upper tail far out (no 1 − Φ cancellation)', () => {
    expect(normalCdf(-8) / 6.220960574271784e-16).toBeCloseTo(1, 12)
    expect(normalCdf(0.5)).toBeCloseTo(0.6914624612740131, 15)
  })

  test('continuous where the method switches at z = 3', () => {
    const below = normalSf(3 - 1e-9)
    const above = normalSf(3 + 1e-9)
    const slope = normalPdf(3) * 2e-9
    expect(Math.abs(below - above - slope) / slope).toBeLessThan(1e-3)
  })

  test('two-sided p', () => {
    expect(twoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 14)
    expect(twoSidedP(0)).toBe(1)
    expect(Number.isNaN(twoSidedP(NaN))).toBe(true)
  })

  test('underflows to zero only beyond z ≈ 38.5', () => {
    expect(normalSf(38)).toBeGreaterThan(0)
    expect(normalSf(40)).toBe(0)
  })
})
