import { describe, expect, test } from 'vitest'
import { balancedZones } from '../../server/zones/core/partition'
import type { ZoningProgress } from '../../server/zones/core/types'
import { lattice } from './lattice-fixture'
import { syntheticCity } from './synthetic-city'

const AMPLE_MS = 600_000
const city = syntheticCity({ rows: 45, cols: 48, seed: 7 })
const K = 40
const ITERATIONS = 150_000

describe('fixed cells, similarity, clusters, diameter', () => {
  test('fixed cells stay in their zone, including a zone fixed at two distant cells', () => {
    const fixed = new Int32Array(city.n).fill(-1)
    // Zone 3 must hold two cells ~600 m apart; zones 7 and 8 one cell each.
    const near = (x: number, y: number) => {
      let best = 0
      for (let i = 1; i < city.n; i++) if ((city.x[i] - x) ** 2 + (city.y[i] - y) ** 2 < (city.x[best] - x) ** 2 + (city.y[best] - y) ** 2) best = i
      return best
    }
    const a = near(1000, 3800)
    const b = near(1600, 3800)
    const c = near(4000, 1000)
    const d = near(3000, 2800)
    fixed[a] = 3
    fixed[b] = 3
    fixed[c] = 7
    fixed[d] = 8
    const r = balancedZones({ ...city, fixed }, { K, seed: 3, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS })
    expect([r.zone[a], r.zone[b], r.zone[c], r.zone[d]]).toEqual([3, 3, 7, 8])
    expect(r.contiguous.every(Boolean)).toBe(true)
    expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
  })

  test('similarity: after workload changes, fewer cells move the more stability weighs', () => {
    const before = balancedZones(city, { K, seed: 1, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS })
    // The western third gets 30 % busier: the current plan is now unbalanced.
    const workload = Float64Array.from(city.workload, (w, i) => (city.x[i] < 1500 ? Math.round(w * 1.3) : w))
    const changed = { ...city, workload, current: before.zone }
    const moved = [0, 1, 3].map((similarity) => {
      const r = balancedZones(changed, { K, seed: 2, weights: { similarity }, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS })
      expect(r.contiguous.every(Boolean)).toBe(true)
      expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
      return r.cellsMoved as number
    })
    expect(moved[0]).toBeGreaterThan(0)
    expect(moved[1]).toBeLessThan(moved[0])
    expect(moved[2]).toBeLessThan(moved[1])
    console.info(`cells moved after a 30 % workload rise in the west: similarity 0 → ${moved[0]}, 1 → ${moved[1]}, 3 → ${moved[2]} of ${city.n}`)
  })

  test('clusters: recurring-problem clusters are kept whole when they weigh', () => {
    const clusters = new Int32Array(city.n).fill(-1)
    for (let c = 0; c < 80; c++) {
      const s = (c * 7919) % city.n
      clusters[s] = c
      for (let e = city.adjacency.offsets[s]; e < city.adjacency.offsets[s + 1]; e++) {
        const j = city.adjacency.indices[e]
        if (clusters[j] < 0) clusters[j] = c
      }
    }
    const input = { ...city, clusters }
    const split = [0, 1].map((w) => balancedZones(input, { K, seed: 1, weights: { clusters: w }, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS }))
    expect(split[1].clustersSplit as number).toBeLessThan((split[0].clustersSplit as number) / 3)
    expect(split[1].maxOverMin).toBeLessThanOrEqual(1.1)
  })

  test('maxDiameter: every zone within the limit', () => {
    const free = balancedZones(city, { K, seed: 1, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS })
    const D = 1500
    expect(Math.max(...free.diameter)).toBeGreaterThan(D) // the limit binds
    const r = balancedZones(city, { K, seed: 1, maxDiameter: D, maxIterations: ITERATIONS, timeBudgetMs: AMPLE_MS })
    expect(Math.max(...r.diameter)).toBeLessThanOrEqual(D)
    expect(r.contiguous.every(Boolean)).toBe(true)
    expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
    expect(r.warnings.map((w) => w.code)).not.toContain('MAX_DIAMETER_UNMET')
  })

  test('an unreachable maxDiameter is reported, not hidden', () => {
    const r = balancedZones(city, { K, seed: 1, maxDiameter: 1000, maxIterations: 20_000, timeBudgetMs: AMPLE_MS })
    const w = r.warnings.find((x) => x.code === 'MAX_DIAMETER_UNMET')
    expect(w?.message).toMatch(/No plan was found with every zone at most 1000 m across/)
  })
})

describe('budgets, progress and edge cases', () => {
  test('onProgress reports construction, search and the end; the time budget stops the search', () => {
    const seen: ZoningProgress[] = []
    const r = balancedZones(city, { K, seed: 1, timeBudgetMs: 600, onProgress: (p) => seen.push(p) })
    expect(seen[0].phase).toBe('construct')
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'done', fraction: 1, iteration: r.iterations })
    expect(seen[seen.length - 1].cv).toBeCloseTo(r.cv, 12)
    for (const p of seen.filter((q) => q.phase === 'search')) {
      expect(p.fraction).toBeGreaterThanOrEqual(0)
      expect(p.fraction).toBeLessThanOrEqual(1)
    }
    expect(r.elapsedMs).toBeLessThan(600 + 2000) // the clock is read every 1,024 iterations
    expect(r.contiguous.every(Boolean)).toBe(true)
  })

  test('K = 1 and K = n', () => {
    const small = lattice(4, 5, (r, c) => 1 + r + c)
    const one = balancedZones(small, { K: 1, maxIterations: 1000, timeBudgetMs: AMPLE_MS })
    expect(Array.from(one.zone)).toEqual(new Array(20).fill(0))
    expect(one.cv).toBe(0)
    const all = balancedZones(small, { K: 20, maxIterations: 1000, timeBudgetMs: AMPLE_MS })
    expect(new Set(all.zone).size).toBe(20)
    expect(all.contiguous.every(Boolean)).toBe(true)
  })

  test('a current zoning with more zones than K is redrawn into K contiguous zones', () => {
    const grid = lattice(12, 12)
    const current = Int32Array.from({ length: 144 }, (_, i) => Math.floor((i % 12) / 2)) // six 2-column strips
    const r = balancedZones({ ...grid, current }, { K: 4, seed: 1, maxIterations: 20_000, timeBudgetMs: AMPLE_MS })
    expect(r.contiguous).toEqual([true, true, true, true])
    expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
    expect(r.cellsMoved).toBeGreaterThan(0)
  })

  test('a current zoning with fewer zones than K gains new zones carved from the heaviest', () => {
    const grid = lattice(12, 12)
    const current = Int32Array.from({ length: 144 }, (_, i) => (i % 12 < 6 ? 0 : 1))
    const r = balancedZones({ ...grid, current }, { K: 4, seed: 1, maxIterations: 20_000, timeBudgetMs: AMPLE_MS })
    expect(r.contiguous).toEqual([true, true, true, true])
    expect(r.maxOverMin).toBeLessThanOrEqual(1.1)
  })
})
