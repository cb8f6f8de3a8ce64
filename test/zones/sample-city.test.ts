/**
 * The quality targets on what users get: the sample city as `npm start` loads it
 * (server/sample/load.ts) — its default layouts drawn by the layouts service (10,000 m² squares
 * clipped to the communities, H3 res 10), the 44 current grids on the square layout — one year of
 * cases as workload, K = 40.
 */
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { importCases } from '../../server/cases/import/service'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { createSampleLayouts } from '../../server/layouts/sample'
import { sampleDir } from '../../server/sample/load'
import { compareZonings, createZoning, importSampleGrids, loadCellGraph, type ZoningView } from '../../server/zones/service'
import * as repo from '../../server/zones/repository'
import { openTestDatabase } from '../helpers/db'

const K = 40
// Bounded by iterations with time to spare, so the plans are the same on any machine.
const RUN = { seed: 1, max_iterations: 300_000, time_budget_s: 300 }

let db: Database
let layout: number
let currentId: number

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, resolve(sampleDir, 'districts.geojson'))
  await importCases(db, resolve(sampleDir, 'cases.csv.gz'), { mapping: { dataset: 'sample', timezone: 'Asia/Shanghai' } })
  const [square] = await createSampleLayouts(db)
  expect(square.kind).toBe('square')
  layout = square.id
  const imported = await importSampleGrids(db, resolve(sampleDir, 'grids.geojson'))
  expect(imported).not.toBeNull()
  // the sample grids land on the first ready layout of the district, which is the square one
  expect(imported!.zoning.layout_id).toBe(layout)
  currentId = imported!.zoning.id
  console.info(`sample city: square layout ${square.cell_count} cells`)
}, 600_000)
afterAll(async () => db?.close())

function figures(z: ZoningView) {
  const m = z.metrics as { cv: number; max_over_min: number; contiguous: boolean; mean_compactness: number; cells_moved: number | null; clusters_split: number | null; clusters: number; iterations: number }
  return `cv ${(m.cv * 100).toFixed(2)} %, max/min ${m.max_over_min.toFixed(3)}, contiguous ${m.contiguous}, mean Polsby-Popper ${m.mean_compactness}, cells moved ${m.cells_moved}, clusters split ${m.clusters_split}/${m.clusters}, ${m.iterations} iterations`
}

describe('sample city, K = 40, case workload', () => {
  test('the 44 current grids load as the current zoning of the default layout', async () => {
    const z = await repo.zoningRow(db, currentId)
    expect(z?.kind).toBe('current')
    expect(z?.k).toBe(44)
    const cur = z!.metrics as { cv: number; max_over_min: number; unassigned_cells: number }
    expect(cur.unassigned_cells).toBe(0)
    console.info(`current grids: cv ${(cur.cv * 100).toFixed(2)} %, max/min ${cur.max_over_min.toFixed(3)}`)
  })

  test('nesting off: all zones contiguous, max/min ≤ 1.10, CV ≤ 4 %', async () => {
    const z = await createZoning(db, { layout_id: layout, k: K, ...RUN })
    const m = z.metrics as { cv: number; max_over_min: number; contiguous: boolean }
    expect(z.zones).toHaveLength(K)
    expect(m.contiguous).toBe(true)
    expect(m.max_over_min).toBeLessThanOrEqual(1.1)
    expect(m.cv).toBeLessThanOrEqual(0.04)
    const c = await compareZonings(db, currentId, z.id)
    expect(c.b.cv).toBeLessThan(c.a.cv)
    console.info(`K=40 nesting off: ${figures(z)}; current (same workload) cv ${(c.a.cv * 100).toFixed(2)} %, max/min ${c.a.max_over_min?.toFixed(3)}`)
  }, 600_000)

  test('nesting on: zones stay inside one community, contiguous; figures reported', async () => {
    const z = await createZoning(db, { layout_id: layout, k: K, nesting: 'community', ...RUN })
    const m = z.metrics as { cv: number; max_over_min: number; contiguous: boolean; warnings: { code: string }[] }
    expect(m.contiguous).toBe(true)
    const g = await loadCellGraph(db, layout)
    const cells = await repo.zoneCells(db, z.id, g.n)
    const communityOf = new Map<number, number>()
    for (let i = 0; i < g.n; i++) {
      const seen = communityOf.get(cells.zone[i])
      if (seen === undefined) communityOf.set(cells.zone[i], g.community[i])
      else expect(g.community[i]).toBe(seen)
    }
    // balance is bounded by how K splits among 14 communities of unequal workload
    expect(m.cv).toBeLessThan(0.25)
    console.info(`K=40 nesting on: ${figures(z)}; warnings ${m.warnings.map((w) => w.code).join(', ')}`)
  }, 600_000)
})
