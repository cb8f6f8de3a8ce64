import { describe, expect, test } from 'vitest'
import { seededRandom } from '../../server/shared/random'
import { differenceInDifferences } from '../../server/trends/core/did'
import { poisson } from './helpers'

/**
 * Cells with a fixed level each (2–12 cases per period), a common 10 % rise after the change, and
 * `effect` cases per period added to treated cells after it. `preGap` makes treated cells lower
 * in the earlier period (a violated parallel-trends assumption).
 */
function simulate(seed: number, effect: number, nCells = 300, share = 0.3, preGap = 0) {
  const rand = seededRandom(seed)
  const treated = new Uint8Array(nCells)
  const earlier = new Float64Array(nCells)
  const before = new Float64Array(nCells)
  const after = new Float64Array(nCells)
  for (let i = 0; i < nCells; i++) {
    const level = 2 + 10 * rand()
    treated[i] = rand() < share ? 1 : 0
    earlier[i] = poisson(rand, level - (treated[i] ? preGap : 0))
    before[i] = poisson(rand, level)
    after[i] = poisson(rand, Math.max(0, level * 1.1 + effect * treated[i]))
  }
  return { treated, earlier, before, after }
}

describe('difference-in-differences', () => {
  test('by hand: the difference of mean changes, with the Welch standard error', () => {
    const r = differenceInDifferences(
      {
        treated: Uint8Array.from([1, 1, 1, 0, 0, 0]),
        before: Float64Array.from([5, 6, 7, 5, 6, 7]),
        after: Float64Array.from([3, 5, 4, 6, 6, 8]), // changes −2 −1 −3 and +1 0 +1
      },
      { minCells: 3 },
    )
    expect(r.changeTreated).toBe(-2)
    expect(r.changeControl).toBeCloseTo(2 / 3, 12)
    expect(r.estimate).toBeCloseTo(-8 / 3, 12)
    // s²_T = 1, s²_C = 1/3 → SE = √(1/3 + 1/9)
    expect(r.se).toBeCloseTo(Math.sqrt(1 / 3 + 1 / 9), 12)
    // Welch–Satterthwaite df = (4/9)² / ((1/3)²/2 + (1/9)²/2) = 3.2
    expect(r.df).toBeCloseTo(3.2, 12)
    expect(r.ci[1]).toBeLessThan(0)
    expect(r.verdict).toBe('decrease')
  })

  test('recovers a known effect: estimate close, interval covers it', () => {
    const r = differenceInDifferences(simulate(1, -2))
    expect(Math.abs(r.estimate + 2)).toBeLessThan(2 * r.se)
    expect(r.ci[0]).toBeLessThan(-2)
    expect(r.ci[1]).toBeGreaterThan(-2)
    expect(r.verdict).toBe('decrease')
    expect(r.conclusive).toBe(true)
    expect(r.verdictEn).toMatch(/^Case rates fell by 2\.0 cases per cell per period more in the \d+ cells with changed patrol/)
    expect(r.verdictZh).toMatch(/下降 2\.0/)
  })

  test('95 % intervals cover the true effect about 95 % of the time', () => {
    let covered = 0
    const runs = 200
    for (let seed = 1; seed <= runs; seed++) {
      const r = differenceInDifferences(simulate(seed, 1.5, 80, 0.25), { minCells: 5 })
      if (r.ci[0] <= 1.5 && 1.5 <= r.ci[1]) covered++
    }
    expect(covered / runs).toBeGreaterThan(0.9)
    expect(covered / runs).toBeLessThan(0.99)
  })

  test('the cell bootstrap agrees with the cluster-robust interval', () => {
    const data = simulate(2, -2)
    const cluster = differenceInDifferences(data)
    const boot = differenceInDifferences(data, { method: 'bootstrap', seed: 7 })
    expect(boot.estimate).toBe(cluster.estimate)
    expect(Math.abs(boot.se / cluster.se - 1)).toBeLessThan(0.1)
    expect(Math.abs(boot.ci[0] - cluster.ci[0])).toBeLessThan(0.25 * cluster.se)
    expect(Math.abs(boot.ci[1] - cluster.ci[1])).toBeLessThan(0.25 * cluster.se)
    expect(differenceInDifferences(data, { method: 'bootstrap', seed: 7 }).ci).toEqual(boot.ci) // seeded
  })

  test('null data: the verdict says the data cannot tell', () => {
    const r = differenceInDifferences(simulate(1, 0))
    expect(r.ci[0]).toBeLessThan(0)
    expect(r.ci[1]).toBeGreaterThan(0)
    expect(r.verdict).toBe('ci-spans-zero')
    expect(r.conclusive).toBe(false)
    expect(r.verdictEn).toMatch(/^No conclusion: .* could be zero/)
    expect(r.verdictZh).toMatch(/^无法下结论/)
  })

  test('too few treated cells: no conclusion, whatever the estimate', () => {
    const r = differenceInDifferences(simulate(3, -4, 30, 0.15))
    expect(r.nTreated).toBeLessThan(10)
    expect(r.verdict).toBe('too-few-cells')
    expect(r.verdictEn).toMatch(/at least 10 of each/)
  })

  test('diverging pre-trends: no conclusion even with a clear difference', () => {
    const r = differenceInDifferences(simulate(4, -2, 300, 0.3, 3))
    expect(r.ci[1]).toBeLessThan(0) // the main interval alone would suggest an effect
    expect(r.preTrend!.ci[0]).toBeGreaterThan(0)
    expect(r.verdict).toBe('pre-trend')
    expect(r.verdictEn).toMatch(/placebo difference/)
    // with parallel pre-trends the same effect passes
    expect(differenceInDifferences(simulate(4, -2, 300, 0.3, 0)).verdict).toBe('decrease')
  })

  test('errors name the bad value', () => {
    const t = Uint8Array.from([1, 0])
    expect(() => differenceInDifferences({ treated: t, before: Float64Array.from([1]), after: Float64Array.from([1, 2]) })).toThrow(/before length: 1/)
    expect(() => differenceInDifferences({ treated: t, before: Float64Array.from([1, 1]), after: Float64Array.from([1, 2]) }, { alpha: 2 })).toThrow(/alpha value: 2/)
  })
})
