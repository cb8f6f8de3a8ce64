import { describe, expect, test } from 'vitest'
import { bhAdjust, bhCriticalP } from '../../server/hotspots/core/fdr'
import { giBin } from '../../server/hotspots/core/gi-star'

// Ten p-values, shuffled. Sorted: 0.0009 0.008 0.039 0.041 0.042 0.059 0.074 0.205 0.212 0.216.
const P = [0.205, 0.041, 0.0009, 0.216, 0.059, 0.008, 0.074, 0.212, 0.039, 0.042]

describe('Benjamini–Hochberg (hand-computed)', () => {
  test('critical p per level: largest p_(k) ≤ k·α/10', () => {
    // α = 0.10: thresholds 0.01·k; p_(6) = 0.059 ≤ 0.06 passes, p_(7) = 0.074 > 0.07 fails
    expect(bhCriticalP(P, 0.1)).toBe(0.059)
    // α = 0.05: thresholds 0.005·k; p_(2) = 0.008 ≤ 0.010 passes, p_(3) = 0.039 > 0.015 and none later
    expect(bhCriticalP(P, 0.05)).toBe(0.008)
    // α = 0.01: thresholds 0.001·k; only p_(1) = 0.0009 ≤ 0.001
    expect(bhCriticalP(P, 0.01)).toBe(0.0009)
    // α = 0.001: nothing passes
    expect(bhCriticalP(P, 0.001)).toBe(-Infinity)
  })

  test('step-up: a later passing rank rescues earlier failing ones', () => {
    // sorted 0.02, 0.03, 0.031 with n = 3, α = 0.05: 0.02 > 0.0167 fails alone, but 0.031 ≤ 0.05 passes
    expect(bhCriticalP([0.031, 0.02, 0.03], 0.05)).toBe(0.031)
  })

  test('adjusted p-values: q_(k) = min over j ≥ k of n·p_(j)/j', () => {
    const q = bhAdjust(P)
    const expected = new Map([
      [0.0009, 0.009],
      [0.008, 0.04],
      [0.039, 0.084],
      [0.041, 0.084],
      [0.042, 0.084],
      [0.059, 0.59 / 6],
      [0.074, 0.74 / 7],
      [0.205, 0.216],
      [0.212, 0.216],
      [0.216, 0.216],
    ])
    P.forEach((p, i) => expect(q[i]).toBeCloseTo(expected.get(p)!, 12))
    // q ≤ α exactly for the cells bhCriticalP calls significant
    for (const a of [0.1, 0.05, 0.01]) {
      const crit = bhCriticalP(P, a)
      P.forEach((p, i) => expect(q[i] <= a).toBe(p <= crit))
    }
  })

  test('non-finite p-values are left out of n and never significant', () => {
    expect(bhCriticalP([0.01, NaN, 0.04], 0.05)).toBe(0.04)
    expect(Number.isNaN(bhAdjust([NaN, 0.5])[0])).toBe(true)
  })
})

describe('Gi_Bin (ArcGIS confidence bins)', () => {
  // z signs: the 0.039 and 0.059 cells are cold spots
  const Z = P.map((p) => (p === 0.039 || p === 0.059 ? -1 : 1))

  test('without FDR: p ≤ 0.01 → ±3, ≤ 0.05 → ±2, ≤ 0.10 → ±1, signed by z', () => {
    const bins = Array.from(giBin(Z, P))
    const byP = new Map(P.map((p, i) => [p, bins[i]]))
    expect(Object.fromEntries(byP)).toEqual({
      0.0009: 3, 0.008: 3, 0.039: -2, 0.041: 2, 0.042: 2, 0.059: -1, 0.074: 1, 0.205: 0, 0.212: 0, 0.216: 0,
    })
  })

  test('bin thresholds are inclusive (p = 0.05 is 95 %)', () => {
    expect(Array.from(giBin([2, -2, 2], [0.05, 0.01, 0.1]))).toEqual([2, -3, 1])
  })

  test('with FDR: thresholds become the BH critical p at each level', () => {
    // critical p: 0.059 (90 %), 0.008 (95 %), 0.0009 (99 %)
    const bins = Array.from(giBin(Z, P, { fdr: true }))
    const byP = new Map(P.map((p, i) => [p, bins[i]]))
    expect(Object.fromEntries(byP)).toEqual({
      0.0009: 3, 0.008: 2, 0.039: -1, 0.041: 1, 0.042: 1, 0.059: -1, 0.074: 0, 0.205: 0, 0.212: 0, 0.216: 0,
    })
  })

  test('custom levels and validation', () => {
    expect(Array.from(giBin([1, 1], [0.15, 0.25], { alpha: [0.2, 0.1, 0.05] }))).toEqual([1, 0])
    expect(() => giBin([1], [0.1], { alpha: [0.01, 0.05, 0.1] })).toThrow(/decreasing/)
  })
})
