import { describe, expect, test } from 'vitest'
import { ConditionalDraws, foldedPseudoP } from '../../server/hotspots/core/crand'

/** All k-subsets of `items`. */
function subsets(items: number[], k: number): number[][] {
  if (k === 0) return [[]]
  if (items.length < k) return []
  const [first, ...rest] = items
  return [...subsets(rest, k - 1).map((s) => [first, ...s]), ...subsets(rest, k)]
}

describe('conditional randomisation draws (shared table, per-degree sorted sums)', () => {
  // cell 0 has an extreme value: if it were ever drawn as its own neighbour the tail would be far too heavy
  const values = Float64Array.from([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  const permutations = 20_000
  const draws = new ConditionalDraws(values, 3, permutations, 5)

  test('cell 0 with 3 neighbours: P(sum ≥ 25) and P(sum ≤ 10) match exhaustive enumeration of the other 11', () => {
    const all = subsets([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 3).map((s) => s.reduce((a, b) => a + b, 0))
    const exactGe = all.filter((s) => s >= 25).length / all.length
    const exactLe = all.filter((s) => s <= 10).length / all.length
    const se = Math.sqrt(0.25 / permutations)
    expect(Math.abs(draws.count(0, 3, 25, true) / permutations - exactGe)).toBeLessThan(5 * se)
    expect(Math.abs(draws.count(0, 3, 10, false) / permutations - exactLe)).toBeLessThan(5 * se)
    // moments of the drawn sum: E = 3 · 6 = 18, E[S²] from the enumeration
    draws.moments(0, 3)
    const meanSq = all.reduce((a, s) => a + s * s, 0) / all.length
    expect(Math.abs(draws.mean - 18)).toBeLessThan(0.1)
    expect(Math.abs(draws.meanSq - meanSq) / meanSq).toBeLessThan(0.01)
  })

  test('a cell with every other cell as neighbour always draws exactly them', () => {
    const v = Float64Array.from([5, 1, 2, 3, 4])
    const full = new ConditionalDraws(v, 4, 50, 9)
    for (let i = 0; i < v.length; i++) {
      const others = v.reduce((a, b) => a + b, 0) - v[i]
      expect(full.count(i, 4, others, true)).toBe(50)
      expect(full.count(i, 4, others + 0.5, true)).toBe(0)
      full.moments(i, 4)
      expect(full.mean).toBeCloseTo(others, 12)
    }
  })

  test('same seed, same counts; the fold keeps the smaller tail', () => {
    const again = new ConditionalDraws(values, 3, permutations, 5)
    for (let i = 0; i < values.length; i++) expect(again.count(i, 2, 12, true)).toBe(draws.count(i, 2, 12, true))
    expect(foldedPseudoP(990, 999)).toBeCloseTo(10 / 1000, 15)
    expect(foldedPseudoP(3, 999)).toBeCloseTo(4 / 1000, 15)
    expect(foldedPseudoP(999, 999)).toBeCloseTo(1 / 1000, 15)
  })

  test('rejects impossible degrees', () => {
    expect(() => new ConditionalDraws(Float64Array.of(1, 2, 3), 3, 10, 1)).toThrow(/only 2 other cells/)
    expect(() => new ConditionalDraws(Float64Array.of(1, 2, 3), 1, 0, 1)).toThrow(/permutations/)
  })
})
