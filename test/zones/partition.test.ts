import { describe, expect, test } from 'vitest'
import { coefficientOfVariation, zoningMetrics } from '../../server/zones/core/metrics'
import { balancedZones } from '../../server/zones/core/partition'
import type { ZoningResult } from '../../server/zones/core/types'
import { validateZoning } from '../../server/zones/core/validate'
import { latticeFixture, latticeInput } from './lattice-fixture'
import { syntheticCity } from './synthetic-city'

// Runs are bounded by iterations, with time to spare, so they are reproducible on any machine.
const AMPLE_MS = 600_000

function expectValid(r: ZoningResult, K: number, n: number): void {
  expect(r.zone.length).toBe(n)
  expect(r.contiguous).toEqual(new Array(K).fill(true))
  for (const c of r.cells) expect(c).toBeGreaterThan(0)
  for (let i = 0; i < n; i++) {
    expect(r.zone[i]).toBeGreaterThanOrEqual(0)
    expect(r.zone[i]).toBeLessThan(K)
  }
}

describe('balancedZones on the spopt lattice fixture (20 × 20, K = 8)', () => {
  const fixture = latticeFixture()
  const input = latticeInput(fixture, true)
  const run = (seed: number) => balancedZones(input, { K: fixture.K, seed, maxIterations: 300_000, timeBudgetMs: AMPLE_MS })
  const r = run(1)

  test('contiguous zones with CV < 2 % and max/min < 1.1, far below the best spopt method', () => {
    expectValid(r, fixture.K, input.n)
    expect(r.cv).toBeLessThan(0.02)
    expect(r.maxOverMin).toBeLessThan(1.1)
    // Same cells, neighbours, K and CV definition as the fixture (see metrics.test.ts).
    expect(r.cv).toBeLessThan(fixture.best_cv / 10)
    const spoptBest = zoningMetrics(input, Int32Array.from(fixture.spopt[fixture.best].labels), fixture.K)
    expect(r.maxOverMin).toBeLessThan(spoptBest.maxOverMin)
  })

  test('reported figures agree with an independent recomputation', () => {
    const m = zoningMetrics(input, r.zone, fixture.K)
    expect(r.cv).toBeCloseTo(m.cv, 12)
    expect(Array.from(r.workload)).toEqual(Array.from(m.workload))
    expect(r.compactnessMeasure).toBe('polsby-popper')
    // Zones are reasonably compact: the mean Polsby-Popper of 5 × 10 rectangles is 0.70.
    const meanPP = r.compactness.reduce((a, b) => a + b, 0) / fixture.K
    expect(meanPP).toBeGreaterThan(0.45)
  })

  test('deterministic for a seed; another seed gives another plan', () => {
    expect(Array.from(run(1).zone)).toEqual(Array.from(r.zone))
    expect(Array.from(run(2).zone)).not.toEqual(Array.from(r.zone))
  })

  test('history: CV over time from the construction to the end', () => {
    expect(r.history.length).toBeGreaterThanOrEqual(2)
    for (let k = 1; k < r.history.length; k++) expect(r.history[k].ms).toBeGreaterThanOrEqual(r.history[k - 1].ms)
    expect(r.history[0].cv).toBeGreaterThan(r.cv)
    expect(r.history[r.history.length - 1].cv).toBeCloseTo(r.cv, 12)
    expect(r.history[r.history.length - 1].maxOverMin).toBeCloseTo(r.maxOverMin, 12)
    expect(r.history[0].maxOverMin).toBeGreaterThan(r.maxOverMin)
    expect(r.iterations).toBeGreaterThan(0)
    expect(r.iterations).toBeLessThanOrEqual(300_000)
  })
})

describe('balancedZones on a sample-city-like district (≈2,000 irregular cells, lakes, a river with bridges, hotspots)', () => {
  const city = syntheticCity({ rows: 45, cols: 48, seed: 7 })
  const K = 40

  test('K = 40 without nesting: contiguous, max/min ≤ 1.10, CV ≤ 4 %', () => {
    expect(city.n).toBeGreaterThan(1500)
    expect(city.n).toBeLessThan(2500)
    const r = balancedZones(city, { K, seed: 1, maxIterations: 300_000, timeBudgetMs: AMPLE_MS })
    expectValid(r, K, city.n)
    expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
    expect(r.cv).toBeLessThanOrEqual(0.04)
    const before = r.history[0].cv
    console.info(`city K=40: cv ${r.cv.toFixed(4)} (construction ${before.toFixed(4)}), max/min ${r.maxOverMin.toFixed(3)}, mean Polsby-Popper ${(r.compactness.reduce((a, b) => a + b, 0) / K).toFixed(3)}, ${r.iterations} iterations`)
  })

  test('K = 40 nested in 12 communities: zones stay inside groups and are balanced within them', () => {
    const r = balancedZones(city, { K, nesting: true, seed: 1, maxIterations: 300_000, timeBudgetMs: AMPLE_MS })
    expectValid(r, K, city.n)
    for (let i = 0; i < city.n; i++) expect(r.zoneGroup[r.zone[i]]).toBe(city.group[i])
    expect(new Set(r.zoneGroup).size).toBe(city.groupCount)
    expect(r.warnings.map((w) => w.code)).toContain('BALANCE_LIMITED')

    // The best any nested plan can do: every group split evenly among its apportioned zones.
    const plan = validateZoning(city, { K, nesting: true }).plan!
    const floor = coefficientOfVariation(plan.target)
    let within = 1
    for (let g = 0; g < city.groupCount; g++) {
      const loads = Array.from(r.workload).filter((_, z) => r.zoneGroup[z] === g)
      within = Math.max(within, Math.max(...loads) / Math.min(...loads))
    }
    expect(within).toBeLessThanOrEqual(1.1)
    expect(r.cv).toBeLessThanOrEqual(floor + 0.02)
    console.info(`city K=40 nested: cv ${r.cv.toFixed(4)} (nesting floor ${floor.toFixed(4)}), max/min ${r.maxOverMin.toFixed(3)}, worst within-group max/min ${within.toFixed(3)}`)
  })
})
