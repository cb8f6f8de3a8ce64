import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { patrolCoverage } from '../../server/patrol/coverage-service'
import { createPlan, type PlanView } from '../../server/patrol/plan-service'
import { loadSampleCity } from '../../server/sample/load'
import { openTestDatabase } from '../helpers/db'
import { insertSquareLayout } from './square-cells'

// The sample city as `npm start` loads it (cases, workers, grids, June's tracks, street graph),
// with ~1,500 square cells of 130 m standing in for a layout from the layouts service.

let db: Database
let layout: number
let loadMs = 0

beforeAll(async () => {
  db = await openTestDatabase()
  const t0 = performance.now()
  await loadSampleCity(db)
  loadMs = performance.now() - t0
  layout = await insertSquareLayout(db, 130)
}, 900_000)
afterAll(async () => { await db?.close() })

describe('sample city patrol', () => {
  test('loading stores the 20 workers, 44 grids, June\'s trips and one connected street graph', async () => {
    const state = await db.knex('app_state').where({ key: 'sample_loaded' }).first()
    console.log(JSON.stringify({ sampleLoadMs: Math.round(loadMs), patrol: state.value.patrol }))
    expect(state.value.patrol).toMatchObject({ workers: 20, grids: 44, fixes: 376_058, graph_edges: 1955 })
    const [{ fixes, trips, workers }] = (await db.knex.raw('SELECT sum(fixes)::int AS fixes, count(*)::int AS trips, count(DISTINCT worker_id)::int AS workers FROM patrol_trips')).rows
    expect(workers).toBe(20)
    expect(trips).toBe(state.value.patrol.trips)
    // 225 planted single-fix jumps (data/README.md): dropped as speed, or as outside when they leave the district
    const imp = await db.knex('imports').where({ kind: 'patrol-tracks' }).first('counts')
    expect(imp.counts.dropped.speed + imp.counts.dropped.outsideDistrict).toBe(225)
    expect(fixes).toBe(imp.counts.kept)
    const graph = await db.knex('patrol_graphs').where({ network: 'sample' }).first()
    expect(graph.components).toBe(1) // "one connected network"
  })

  test('coverage of a week agrees with PostGIS on which cells a trip came within 10 m of', async () => {
    const r = await patrolCoverage(db, { layout, from: '2025-06-02', to: '2025-06-08', cells: true })
    expect(r.by_grid).toHaveLength(44)
    expect(r.by_worker).toHaveLength(20)
    expect(r.summary.hotspot_cells).toBeGreaterThan(100)
    const { rows } = await db.knex.raw(
      `SELECT count(DISTINCT c.idx)::int AS n FROM patrol_trips t
       JOIN cells c ON c.layout_id = ? AND c.geom && ST_Expand(ST_Force2D(t.geom), 0.0002)
        AND ST_DWithin(c.geom::geography, ST_Force2D(t.geom)::geography, 10)
       WHERE t.day = '2025-06-02'`, [layout])
    const day = r.by_day[0]
    // the service projects to Gauss–Krüger metres, PostGIS measures on the spheroid: a handful of border cases may differ
    expect(Math.abs(day.visited - rows[0].n)).toBeLessThanOrEqual(Math.ceil(0.005 * rows[0].n))
    expect(day.rate).toBeGreaterThan(0.3)
    expect(day.street_share).toBeGreaterThan(0.2)
    for (const w of r.by_worker) for (const d of w.days) expect(d.own_visited).toBeLessThanOrEqual(w.own_cells)
  }, 300_000)

  describe('a day plan for every worker, 13:00–18:00, priorities from the cases of the last 90 days', () => {
    let plan: PlanView
    beforeAll(async () => {
      plan = await createPlan(db, { layout, day: '2025-06-02', shift: '13:00-18:00', include_resting: true, max_iterations: 1500, time_budget_ms: 600_000 })
    }, 900_000)

    test('covers every cell of every grid, each by the worker owning its grid', async () => {
      expect(plan.uncovered).toEqual([])
      const owners = new Map((await db.knex.raw(
        `SELECT c.code, w.code AS worker FROM cells c JOIN patrol_worker_grids g ON ST_Intersects(g.geom, c.centroid)
         JOIN patrol_workers w ON w.id = g.worker_id WHERE c.layout_id = ?`, [layout])).rows.map((r: any) => [r.code, r.worker]))
      const cells = await db.knex('cells').where({ layout_id: layout }).count({ n: '*' })
      const visits = plan.routes.flatMap((r) => r.stops.map((s) => [s.cell, r.worker]))
      expect(new Set(visits.map(([c]) => c)).size).toBe(Number(cells[0].n))
      for (const [cell, worker] of visits) expect(worker).toBe(owners.get(cell))
    })

    test('captures at least 30% more priority-weighted dwell than nearest neighbour with the same shifts', () => {
      console.log(JSON.stringify({ objective: plan.objective, baseline: plan.baseline, ratio: plan.dwell_ratio, stats: plan.stats }))
      expect(plan.objective.mandatoryCovered).toBe(plan.objective.mandatoryTotal)
      expect(plan.dwell_ratio).toBeGreaterThanOrEqual(1.3)
      for (const r of plan.routes) expect(r.duration_min).toBeLessThanOrEqual(300 + 1e-6)
    })
  })
})
