import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { rowsOf } from '../../server/analyses/render'
import { getResult } from '../../server/analyses/repository'
import type { ResultTable } from '../../server/analyses/kind'
import { listAnalysisViews, renderResult, rerunAnalysis, runAnalysis } from '../../server/analyses/service'
import { AppError } from '../../server/shared/errors'
import { openTestDatabase } from '../helpers/db'
import { tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { insertCases, insertSquareLayout, metres } from './fixtures'
import { AS_OF, BURST, HOT, P, STACKED, tinyCases } from './tiny-data'

let db: Database
let layout: number

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
  layout = await insertSquareLayout(db, id, 100)
  await insertCases(db, tinyCases())
})
afterAll(async () => db?.close())

async function table(id: number): Promise<Array<Record<string, any>>> {
  return rowsOf((await getResult<ResultTable>(db, id))!, true)
}

/** The row of the cell containing (lon, lat). */
async function cellAt(rows: Array<Record<string, any>>, lon: number, lat: number): Promise<Record<string, any>> {
  const { idx } = await db.knex('cells').where({ layout_id: layout })
    .whereRaw('ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [lon, lat]).orderBy('idx').first('idx')
  return rows.find((r) => r.cell === idx)!
}

async function expectProblem(run: Promise<unknown>, status: number, field: RegExp): Promise<AppError> {
  const err = await run.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(AppError)
  expect((err as AppError).status).toBe(status)
  expect((err as AppError).message).toMatch(field)
  return err as AppError
}

describe('cell-stats', () => {
  test('counts and handling rates of one cell, worked out by hand', async () => {
    const a = await runAnalysis(db, { kind: 'cell-stats', layout_id: layout, filters: { source: 'video' }, as_of: AS_OF })
    expect(a.status).toBe('done')
    expect(a.summary).toMatchObject({ cases: 7, due: 5, closed: 4, closed_on_time: 3, open_overdue: 1, rate_closed: 0.8, rate_on_time: 0.6 })
    const rows = await table(a.id)
    const p = await cellAt(rows, P[0], P[1])
    expect(p).toMatchObject({ cases: 7, n_0401: 4, n_0201: 3, due: 5, closed: 4, closed_on_time: 3, rate_closed: 0.8, rate_on_time: 0.6, median_hours_to_close: 4, open_overdue: 1 })
    expect(p.area_km2).toBeCloseTo(0.01, 6)
    expect(p.cases_per_km2).toBeCloseTo(700, 3)
    expect(p.cases_per_street_km).toBeNull() // no streets imported
    expect(rows.filter((r) => r.cases > 0)).toHaveLength(1)
    expect(rows.length).toBe(await db.knex('cells').where({ layout_id: layout }).count('* as n').first().then((r) => Number(r!.n)))
  })

  test('per community: the halves of the district add up to the whole, stacked points left out', async () => {
    const a = await runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'community' }, as_of: AS_OF })
    const rows = await table(a.id)
    expect(rows.map((r) => r.name_zh).sort()).toEqual(['东社区', '西社区'])
    const total = tinyCases().filter((c) => !c.stacked).length
    expect(rows.reduce((s, r) => s + r.cases, 0)).toBe(total)
    const withStacked = await runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'community' }, filters: { include_stacked: true }, as_of: AS_OF })
    expect(withStacked.summary!.cases).toBe(total + 60)
  })

  test('per responsibility grid: two grids split the cells, cases add up, the outline is the union of the cells', async () => {
    const { id: zoning } = await db.knex('zonings').insert({ layout_id: layout, kind: 'current', name: '两个网格', k: 2 }).returning('id').then((r) => r[0])
    await db.knex('zones').insert([{ zoning_id: zoning, zone: 0, code: 'A01', name_zh: '西网格' }, { zoning_id: zoning, zone: 1, code: 'A02', name_zh: '东网格' }])
    // west grid: cells whose centre lies west of P's cell's east edge (P's cell included)
    await db.knex.raw(`INSERT INTO zone_cells (zoning_id, idx, zone)
      SELECT ?, idx, CASE WHEN ST_X(centroid) < ? THEN 0 ELSE 1 END FROM cells WHERE layout_id = ?`, [zoning, P[0] + 0.0004, layout])
    const a = await runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'zone', zoning }, filters: { source: 'video' }, as_of: AS_OF })
    const rows = await table(a.id)
    expect(rows.map((r) => r.code)).toEqual(['A01', 'A02'])
    const west = rows[0]
    expect(west).toMatchObject({ name_zh: '西网格', cases: 7, due: 5, closed: 4, closed_on_time: 3, rate_closed: 0.8, rate_on_time: 0.6, open_overdue: 1 })
    expect(rows[1].cases).toBe(0)
    const cellArea = async (zone: number) => Number((await db.knex.raw(
      'SELECT sum(c.area_m2) AS a FROM zone_cells z JOIN cells c ON c.layout_id = ? AND c.idx = z.idx WHERE z.zoning_id = ? AND z.zone = ?', [layout, zoning, zone])).rows[0].a)
    expect(west.area_km2).toBeCloseTo(await cellArea(0) / 1e6, 6)
    expect(west.geometry.type).toMatch(/Polygon/)
    const outlineArea = Number((await db.knex.raw('SELECT ST_Area(ST_GeomFromGeoJSON(?)::geography) AS a', [JSON.stringify(west.geometry)])).rows[0].a)
    expect(outlineArea / await cellArea(0)).toBeCloseTo(1, 3)
    const all = await runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'zone', zoning }, as_of: AS_OF })
    expect(all.summary!.cases).toBe(tinyCases().filter((c) => !c.stacked).length)

    await expectProblem(runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'zone' }, as_of: AS_OF }), 400, /zoning/)
    await expectProblem(runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'zone', zoning: zoning + 99 }, as_of: AS_OF }), 400, /zoning .* does not exist/)
    await expectProblem(runAnalysis(db, { kind: 'cell-stats', parameters: { by: 'community', zoning }, as_of: AS_OF }), 400, /zoning/)
  })
})

describe('gi-star and local Moran', () => {
  test('the weekly stall spot is a 99 % hot spot; the stacked point is not, unless stacked points are included', async () => {
    const a = await runAnalysis(db, { kind: 'gi-star', layout_id: layout, filters: { category: '04' }, parameters: { k: 8 } })
    const rows = await table(a.id)
    expect((await cellAt(rows, HOT[0], HOT[1])).bin).toBe(3)
    expect((await cellAt(rows, STACKED[0], STACKED[1])).bin).toBeLessThanOrEqual(0)
    const weights = (a.summary as any).weights
    expect(weights).toMatchObject({ type: 'knn', k: 8, neighbours: { min: 8, max: 8 }, islands: { count: 0 } })

    const s = await runAnalysis(db, { kind: 'gi-star', layout_id: layout, filters: { category: '04', include_stacked: true }, parameters: { k: 8 } })
    expect((await cellAt(await table(s.id), STACKED[0], STACKED[1])).bin).toBe(3)
  })

  test('contiguity, distance band, permutations and FDR', async () => {
    const queen = await runAnalysis(db, { kind: 'gi-star', layout_id: layout, filters: { category: '04' }, parameters: { weights: 'contiguity', fdr: true, permutations: 99, seed: 3 } })
    const w = (queen.summary as any).weights
    // interior squares touch 8 others, corner squares 3
    expect(w.neighbours).toMatchObject({ min: 3, max: 8 })
    const rows = await table(queen.id)
    const hot = await cellAt(rows, HOT[0], HOT[1])
    expect(hot.bin).toBe(3)
    expect(hot.p_sim).toBeLessThan(0.05)
    const band = await runAnalysis(db, { kind: 'gi-star', layout_id: layout, filters: { category: '04' }, parameters: { weights: 'distance' } })
    // 100 m squares: the smallest band giving every cell a neighbour is the 100 m side
    expect((band.summary as any).weights.distance_m).toBeCloseTo(100, 0)
    expect((band.summary as any).weights.reason).toMatch(/smallest distance/)
  })

  test('local Moran marks the spot high-high and reports global I', async () => {
    const a = await runAnalysis(db, { kind: 'local-moran', layout_id: layout, filters: { category: '04' } })
    const hot = await cellAt(await table(a.id), HOT[0], HOT[1])
    expect(hot.quadrant).toBe('HH')
    expect(hot.type).toBe('HH')
    expect((a.summary as any).global_moran.I).toBeGreaterThan(0)
  })
})

describe('optimized hot spots', () => {
  test('without a layout: fishnet, scale by incremental autocorrelation, FDR, every choice explained', async () => {
    const a = await runAnalysis(db, { kind: 'optimized-hotspots', filters: { category: '04' } })
    const s = a.summary as any
    expect(s.choices.map((c: any) => c.step)).toEqual(['crs', 'cells', 'distance bands', 'scale', 'weights', 'multiple testing'])
    expect(s.choices.every((c: any) => c.reason.length > 20)).toBe(true)
    expect(['first-peak', 'max-z', 'fallback']).toContain(s.rule)
    const geo = (await renderResult(db, a.id, 'geojson')).body as any
    const hot = geo.features.filter((f: any) => f.properties.bin === 3)
    expect(hot.length).toBeGreaterThan(0)
    // the 99 % cells lie on the weekly stall spot (within a cell's diagonal of it)
    const near = hot.filter((f: any) => metres(centre(f.geometry.coordinates[0]), HOT) < 160)
    expect(near.length).toBeGreaterThan(0)
  })

  test('on the layout: cells of the layout', async () => {
    const a = await runAnalysis(db, { kind: 'optimized-hotspots', layout_id: layout, filters: { category: '04' } })
    expect((await cellAt(await table(a.id), HOT[0], HOT[1])).bin).toBe(3)
  })
})

function centre(ring: number[][]): [number, number] {
  const k = ring.length - 1
  return [ring.slice(0, k).reduce((s, p) => s + p[0], 0) / k, ring.slice(0, k).reduce((s, p) => s + p[1], 0) / k]
}

describe('recurring spots', () => {
  test('DBSCAN ranks the weekly spot above the one-day burst', async () => {
    const a = await runAnalysis(db, { kind: 'dbscan', filters: { category: '0401' }, parameters: { eps_m: 40, min_pts: 5 } })
    const top = (a.summary as any).top
    expect(top).toHaveLength(2)
    expect(metres([top[0].lon, top[0].lat], HOT)).toBeLessThan(30)
    expect(metres([top[1].lon, top[1].lat], BURST)).toBeLessThan(15)
    expect(top[0]).toMatchObject({ rank: 1, cases: 80, distinct_weeks: 20, distinct_days: 20, median_days_between: 7, closed_on_time_share: 1 })
    expect(top[1]).toMatchObject({ rank: 2, cases: 30, distinct_days: 1, closed_on_time_share: 0 })
    const rows = await table(a.id)
    expect(rows[0].geometry.type).toBe('Polygon')
  })

  test('space-time DBSCAN: a window shorter than the weekly gap splits the spot into single days; a 7-day window keeps the season', async () => {
    const short = await runAnalysis(db, { kind: 'dbscan', filters: { category: '0401' }, parameters: { eps_m: 60, min_pts: 3, window_days: 3, top: 100 } })
    const days = (short.summary as any).top.map((c: any) => c.distinct_days)
    expect(days.length).toBeGreaterThan(2)
    expect(Math.max(...days)).toBe(1)
    expect((short.summary as any).method).toBe('st-dbscan')
    const week = await runAnalysis(db, { kind: 'dbscan', filters: { category: '0401' }, parameters: { eps_m: 60, min_pts: 3, window_days: 7 } })
    const top = (week.summary as any).top[0]
    expect(top.distinct_weeks).toBe(20)
    expect(top.cases).toBeGreaterThan(70) // of 80: a few stray reports have no neighbour within 60 m and 7 days
    expect(metres([top.lon, top.lat], HOT)).toBeLessThan(30)
  })

  test('HDBSCAN finds both places', async () => {
    const a = await runAnalysis(db, { kind: 'hdbscan', filters: { category: '0401' }, parameters: { min_cluster_size: 10 } })
    const top = (a.summary as any).top
    expect(top.some((c: any) => metres([c.lon, c.lat], HOT) < 40)).toBe(true)
    expect(top.some((c: any) => metres([c.lon, c.lat], BURST) < 20)).toBe(true)
    expect(metres([top[0].lon, top[0].lat], HOT)).toBeLessThan(40)
  })
})

describe('density', () => {
  test('the densest raster cell is at the weekly spot; the grid rebuilds the raster', async () => {
    const a = await runAnalysis(db, { kind: 'density', filters: { category: '0401' }, parameters: { bandwidth_m: 150, cell_size_m: 20 } })
    const s = a.summary as any
    expect(s).toMatchObject({ bandwidth_m: 150, bandwidth_rule: 'given', cell_size_m: 20 })
    const csv = (await renderResult(db, a.id, 'csv')).body as string
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('row,col,density,lon,lat')
    const best = lines.slice(1).map((l) => l.split(',').map(Number)).sort((x, y) => y[2] - x[2])[0]
    expect(metres([best[3], best[4]], HOT)).toBeLessThan(40)
    const grid = (await renderResult(db, a.id, 'grid')).body as any
    const values = new Float32Array(Buffer.from(grid.values, 'base64').buffer.slice(0))
    expect(values.length).toBe(grid.width * grid.height)
    expect(Math.max(...values)).toBeCloseTo(s.max_density, 0)
    const silverman = await runAnalysis(db, { kind: 'density', filters: { category: '0401' } })
    expect((silverman.summary as any).bandwidth_rule).toBe('silverman-spatial')
    expect((silverman.summary as any).silverman.reason).toMatch(/median distance/)
  })
})

describe('absurd requests are refused, naming the parameter, and leave nothing behind', () => {
  test('eps ≤ 0, k ≥ cell count, unknown parameter, missing layout, empty selection', async () => {
    const before = (await listAnalysisViews(db, {})).total
    await expectProblem(runAnalysis(db, { kind: 'dbscan', parameters: { eps_m: 0 } }), 400, /parameters\/eps_m/)
    await expectProblem(runAnalysis(db, { kind: 'dbscan', parameters: { eps_m: -5 } }), 400, /parameters\/eps_m/)
    const cells = Number((await db.knex('cells').where({ layout_id: layout }).count('* as n').first())!.n)
    await expectProblem(runAnalysis(db, { kind: 'gi-star', layout_id: layout, parameters: { k: cells } }), 400, /Parameter k: .*k ≤/)
    await expectProblem(runAnalysis(db, { kind: 'gi-star', layout_id: layout, parameters: { radius: 3 } }), 400, /parameters\/radius.*known: weights, k/)
    await expectProblem(runAnalysis(db, { kind: 'gi-star' }), 400, /layout_id/)
    await expectProblem(runAnalysis(db, { kind: 'gi-star', layout_id: 9999 }), 404, /layout 9999/)
    await expectProblem(runAnalysis(db, { kind: 'dbscan', filters: { category: '0805' } }), 422, /filters: no case matches \(category=0805\)/)
    await expectProblem(runAnalysis(db, { kind: 'hotness' }), 400, /kind.*gi-star/)
    await expectProblem(runAnalysis(db, { kind: 'dbscan', filters: { hours: '25' } }), 400, /hours/)
    expect((await listAnalysisViews(db, {})).total).toBe(before)
  })
})

describe('stored and reproducible', () => {
  test('a re-run with the same inputs gives the same result and points back to the original', async () => {
    const a = await runAnalysis(db, { kind: 'gi-star', name: 'stalls', layout_id: layout, filters: { category: '04' }, parameters: { permutations: 99, seed: 5 } })
    expect(a.parameters).toMatchObject({ weights: 'knn', k: 8, value: 'count', fdr: false, permutations: 99, seed: 5 })
    expect(a.filters).toMatchObject({ category: '04', include_stacked: false })
    expect(a.duration_ms).toBeGreaterThanOrEqual(0)
    const b = await rerunAnalysis(db, a.id)
    expect(b.rerun_of).toBe(a.id)
    expect(b.as_of).toBe(a.as_of)
    expect(await getResult(db, b.id)).toEqual(await getResult(db, a.id))
    const list = await listAnalysisViews(db, { kind: 'gi-star' })
    expect(list.items[0].id).toBe(b.id)
  })
})
