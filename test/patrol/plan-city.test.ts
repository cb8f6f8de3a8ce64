import { beforeAll, describe, expect, test } from 'vitest'
import { buildStreetGraph } from '../../server/patrol/core/graph'
import { positionPoint } from '../../server/patrol/core/graph-geometry'
import { planPatrol, type PatrolInstance, type PatrolPlan } from '../../server/patrol/core/plan'
import { planNearestNeighbour } from '../../server/patrol/core/plan-baseline'
import { routeGeometry } from '../../server/patrol/core/plan-geometry'
import { buildPatrolInstance } from '../../server/patrol/core/plan-instance'
import { syntheticCity } from '../../server/patrol/core/plan-synthetic-city'
import { validatePlan } from '../../server/patrol/core/plan-validate'

// A sample-city-like day at test size: a 2 km jittered street grid, 300 one-hectare cells in four
// grids of about 75, 4-hour shifts from 15:00, stall windows 17:00–21:00 on some hot cells.
// The full 5 km / 1,500 cells / 20 workers case runs in test/bench/patrol-plan.bench.ts.

const SEARCH = { maxIterations: 300, timeBudgetMs: 60_000 } // iteration-bound: independent of machine load

describe.each([1, 2])('synthetic city, seed %i', (seed) => {
  const city = syntheticCity({ seed, sizeM: 2000, cells: 300, workers: 4 })
  const graph = buildStreetGraph(city.lines)
  let instance: PatrolInstance
  let baseline: PatrolPlan
  let plan: PatrolPlan
  beforeAll(() => {
    instance = buildPatrolInstance(graph, city.cells.map((c) => ({ ...c, node: c.centre })), city.workers, { component: 0 })
    baseline = planNearestNeighbour(instance)
    plan = planPatrol(instance, { seed, ...SEARCH })
  })

  test('both plans are sound', () => {
    expect(validatePlan(instance, plan)).toEqual([])
    expect(validatePlan(instance, baseline)).toEqual([])
    expect(plan.stats.iterations).toBe(SEARCH.maxIterations)
  })

  test('every cell of every grid is covered by its own worker', () => {
    expect(plan.uncovered).toEqual([])
    plan.workers.forEach((w, r) => {
      expect([...w.coveredCells].sort()).toEqual([...city.workers[r].cells].sort())
    })
  })

  test('captures at least 30% more priority-weighted dwell than nearest neighbour, walking less', () => {
    expect(baseline.uncovered).toEqual([]) // same coverage, so the comparison is about dwell
    expect(plan.objective.dwellValue).toBeGreaterThanOrEqual(1.3 * baseline.objective.dwellValue)
    expect(plan.objective.lengthM).toBeLessThan(baseline.objective.lengthM)
  })

  test('stall cells are visited inside 17:00–21:00', () => {
    let windowed = 0
    for (const w of plan.workers) {
      for (const s of w.stops) {
        const tw = instance.cells[s.cellIndex].timeWindow
        if (!tw) continue
        windowed++
        expect(900 + s.arrival + s.wait).toBeGreaterThanOrEqual(tw[0] - 1e-9)
        expect(900 + s.departure).toBeLessThanOrEqual(tw[1] + 1e-9)
      }
    }
    expect(windowed).toBeGreaterThan(0)
  })

  test('route geometry follows the streets from office to office', () => {
    const geoms = routeGeometry(plan, graph)
    geoms.forEach((g, r) => {
      const w = plan.workers[r]
      expect(g.worker).toBe(w.worker)
      expect(g.lengthM).toBeCloseTo(w.lengthM, 6)
      let poly = 0
      for (let i = 1; i < g.coordinates.length; i++) {
        poly += Math.hypot(g.coordinates[i][0] - g.coordinates[i - 1][0], g.coordinates[i][1] - g.coordinates[i - 1][1])
      }
      expect(poly).toBeCloseTo(w.lengthM, 3)
      const office = positionPoint(graph, w.start)
      expect(g.coordinates[0][0]).toBeCloseTo(office[0], 9)
      expect(g.coordinates[0][1]).toBeCloseTo(office[1], 9)
    })
  })
})

describe('instance from a street graph', () => {
  // an L-shaped street with an island lane nearby that is not connected to it
  const graph = buildStreetGraph([
    { id: 'south', coords: [[0, 0], [300, 0]] },
    { id: 'east', coords: [[300, 0], [300, 200]] },
    { id: 'island', coords: [[100, 60], [200, 60]] },
  ])
  const cell = (id: string, node: PatrolInstance['cells'][number]['node'] | [number, number]) => ({ id, node, priority: 1, mandatory: true, dwellMinutes: 10 })

  test('points snap to the nearest street, the matrix follows the documented layout', () => {
    const inst = buildPatrolInstance(
      graph,
      [cell('a', [150, 8]), cell('b', [310, 100])],
      [{ id: 'w', start: [0, 0], end: [300, 200], shiftMinutes: 60, cells: ['a', 'b'] }],
    )
    const N = 4
    expect(inst.matrix.length).toBe(N * N)
    // a is 150 m along the south street, b 100 m up the east street
    expect(inst.matrix[0 * N + 1]).toBeCloseTo(150 + 100, 9)
    expect(inst.matrix[2 * N + 0]).toBeCloseTo(150, 9) // start → a
    expect(inst.matrix[1 * N + 3]).toBeCloseTo(100, 9) // b → end
    const plan = planPatrol(inst, { maxIterations: 20, timeBudgetMs: 60_000 })
    expect(plan.workers[0].coveredCells).toEqual(['a', 'b'])
    expect(validatePlan(inst, plan)).toEqual([])
  })

  test('a cell attached to a disconnected piece is reported unreachable', () => {
    const inst = buildPatrolInstance(
      graph,
      [cell('a', [150, 8]), cell('lane', [150, 58])], // nearer the island than the south street
      [{ id: 'w', start: [0, 0], end: [0, 0], shiftMinutes: 60, cells: ['a', 'lane'] }],
    )
    expect(inst.matrix[0 * 4 + 1]).toBe(Infinity)
    const plan = planPatrol(inst, { maxIterations: 20, timeBudgetMs: 60_000 })
    expect(plan.uncovered).toEqual([{ cell: 'lane', cellIndex: 1, reason: 'unreachable' }])
    // restricted to the main component, the same point attaches to the south street instead
    const main = buildPatrolInstance(graph, [cell('lane', [150, 58])], [{ id: 'w', start: [0, 0], end: [0, 0], shiftMinutes: 60, cells: ['lane'] }], { component: 0 })
    expect(planPatrol(main, { maxIterations: 20, timeBudgetMs: 60_000 }).uncovered).toEqual([])
  })
})
