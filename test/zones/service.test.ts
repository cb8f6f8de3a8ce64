import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { seededRandom } from '../../server/shared/random'
import { zoningMetrics } from '../../server/zones/core/metrics'
import { compareZonings, createZoning, getZoning, importCurrentZoning, listZonings, loadCellGraph, matchZones, resolveK } from '../../server/zones/service'
import * as repo from '../../server/zones/repository'
import { openTestDatabase } from '../helpers/db'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { buildSquareLayout } from './square-layout'

// Zoning runs bounded by iterations (time to spare) are reproducible on any machine.
const RUN = { max_iterations: 60_000, time_budget_s: 120 }

let db: Database
let layout: { id: number; cells: number }

/** Seeded cases: a uniform background plus a hot spot of adverts in the north-east. */
async function insertCases(n: number): Promise<void> {
  const rand = seededRandom(3)
  const lon: number[] = []
  const lat: number[] = []
  const cat: string[] = []
  for (let i = 0; i < n; i++) {
    const hot = i % 4 === 0
    lon.push(hot ? 120.164 + rand() * 0.004 : TINY.west + rand() * (TINY.east - TINY.west))
    lat.push(hot ? 30.266 + rand() * 0.003 : TINY.south + rand() * (TINY.north - TINY.south))
    cat.push(hot ? '0201' : i % 3 === 0 ? '0601' : '0401')
  }
  await db.knex.raw(`INSERT INTO cases (external_id, category_code, source, reported_at, status, geom)
    SELECT 'Z' || t.ord, t.cat, 'patrol', timestamptz '2026-01-01' + (t.ord || ' hours')::interval, 'closed', ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)
    FROM unnest(CAST(:lon AS float8[]), CAST(:lat AS float8[]), CAST(:cat AS text[])) WITH ORDINALITY AS t (lon, lat, cat, ord)`, { lon, lat, cat })
}

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
  layout = await buildSquareLayout(db, { side: 100 })
  await insertCases(3000)
})
afterAll(async () => db?.close())

describe('cell graph', () => {
  test('rook adjacency with shared edge lengths, metric centroids, communities', async () => {
    const g = await loadCellGraph(db, layout.id)
    expect(g.n).toBe(layout.cells)
    expect(g.n).toBeGreaterThan(150)
    expect(g.epsg).toBe(4549) // CGCS2000 Gauss-Krüger CM 120E
    // an interior square has 4 rook neighbours sharing ~100 m each
    let interior = -1
    const degree = (i: number) => g.adjacency.offsets[i + 1] - g.adjacency.offsets[i]
    const neighbours = (i: number) => Array.from(g.adjacency.indices.subarray(g.adjacency.offsets[i], g.adjacency.offsets[i + 1]))
    // a cell away from the district's edge: it and its neighbours are whole squares
    for (let i = 0; i < g.n && interior < 0; i++) if (degree(i) === 4 && neighbours(i).every((j) => degree(j) === 4)) interior = i
    expect(interior).toBeGreaterThanOrEqual(0)
    for (let k = g.adjacency.offsets[interior]; k < g.adjacency.offsets[interior + 1]; k++) {
      const j = g.adjacency.indices[k]
      expect(g.perimeterEdges[k]).toBeCloseTo(100, -0.5)
      expect(Math.hypot(g.x[j] - g.x[interior], g.y[j] - g.y[interior])).toBeCloseTo(100, -0.5)
    }
    expect(new Set(g.community).size).toBe(2)
  })
})

describe('proposals', () => {
  test('K = 6 by case workload: contiguous, balanced, coded community + 2 digits, stored', async () => {
    const z = await createZoning(db, { layout_id: layout.id, k: 6, seed: 1, ...RUN })
    expect(z.kind).toBe('proposal')
    expect(z.zones).toHaveLength(6)
    expect(z.metrics.contiguous).toBe(true)
    expect(z.metrics.cv as number).toBeLessThan(0.05)
    expect(z.metrics.max_over_min as number).toBeLessThan(1.15)
    for (const zone of z.zones) expect(zone.code).toMatch(/^330198001\d{3}\d{2}$/)
    expect(new Set(z.zones.map((x) => x.code)).size).toBe(6)
    const wl = z.workload as { window: { cases: number }; total: number }
    expect(wl.window.cases).toBe(3000)
    expect(wl.total).toBe(3000)
    // the stored assignment reproduces the figures
    const g = await loadCellGraph(db, layout.id)
    const cells = await repo.zoneCells(db, z.id, g.n)
    const m = zoningMetrics({ n: g.n, adjacency: g.adjacency, workload: cells.workload, x: g.x, y: g.y }, cells.zone, 6)
    expect(m.cv).toBeCloseTo(z.metrics.cv as number, 5)
    expect(Array.from(m.workload).reduce((a, b) => a + b, 0)).toBe(3000)
    expect((z.metrics.history as unknown[]).length).toBeGreaterThan(1)
  })

  test('same seed, same plan; category weights change the workload', async () => {
    const a = await createZoning(db, { layout_id: layout.id, k: 4, seed: 5, ...RUN })
    const b = await createZoning(db, { layout_id: layout.id, k: 4, seed: 5, ...RUN })
    const g = await loadCellGraph(db, layout.id)
    expect(Array.from((await repo.zoneCells(db, a.id, g.n)).zone)).toEqual(Array.from((await repo.zoneCells(db, b.id, g.n)).zone))
    const w = await createZoning(db, { layout_id: layout.id, k: 4, seed: 5, ...RUN, workload: { category_weights: { '0601': 3, '02': 0.5 }, area_weight: 1 } })
    const total = (w.workload as { total: number }).total
    // 750 adverts × 0.5 + 750 drains × 3 + 1500 others × 1 + ~200 ha × 1
    expect(total).toBeGreaterThan(375 + 2250 + 1500 + 150)
    expect(total).toBeLessThan(375 + 2250 + 1500 + 250)
  })

  test('nesting in communities keeps each zone inside one; K from workers × grids per worker', async () => {
    expect(resolveK({ workers: 3, grids_per_worker: 2 })).toBe(6)
    const z = await createZoning(db, { layout_id: layout.id, workers: 3, grids_per_worker: 2, nesting: 'community', ...RUN })
    const g = await loadCellGraph(db, layout.id)
    const cells = await repo.zoneCells(db, z.id, g.n)
    const communityOf = new Map<number, number>()
    for (let i = 0; i < g.n; i++) {
      const seen = communityOf.get(cells.zone[i])
      if (seen === undefined) communityOf.set(cells.zone[i], g.community[i])
      else expect(g.community[i]).toBe(seen)
    }
    for (const zone of z.zones) expect(zone.community_id).toBe(communityOf.get(zone.zone))
  })

  test('a barrier street that splits a community: nesting is refused naming the community and its pieces', async () => {
    await db.knex.raw(`INSERT INTO streets (network, class, name_zh, geom, length_m)
      VALUES ('test', 'arterial', '测试大道', ST_SetSRID(ST_MakeLine(ST_MakePoint(120.1551, 30.255), ST_MakePoint(120.1551, 30.275)), 4326), 2200)`)
    const open = await loadCellGraph(db, layout.id)
    const cut = await loadCellGraph(db, layout.id, ['arterial'])
    expect(cut.barrierPairs).toBeGreaterThan(5)
    expect(cut.adjacency.indices.length).toBe(open.adjacency.indices.length - 2 * cut.barrierPairs)
    const err = await createZoning(db, { layout_id: layout.id, k: 6, nesting: 'community', cross_streets: false }).catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.details.issues[0].code).toBe('GROUP_DISCONNECTED')
    expect(err.message).toContain('西社区')
    // zones may still not cross the street without nesting: every zone keeps to one side
    const z = await createZoning(db, { layout_id: layout.id, k: 6, cross_streets: false, ...RUN })
    const cells = await repo.zoneCells(db, z.id, cut.n)
    const sides = new Map<number, Set<boolean>>()
    for (let i = 0; i < cut.n; i++) {
      const set = sides.get(cells.zone[i]) ?? new Set<boolean>()
      set.add(cut.lon[i] < 120.1551)
      sides.set(cells.zone[i], set)
    }
    for (const set of sides.values()) expect(set.size).toBe(1)
    await db.knex('streets').del()
  })

  test('fixed cells stay in their zone', async () => {
    const g = await loadCellGraph(db, layout.id)
    const fixed = [{ cell: g.codes[0], zone: 2 }, { cell: g.codes[g.n - 1], zone: 0 }]
    const z = await createZoning(db, { layout_id: layout.id, k: 5, fixed, ...RUN })
    const cells = await repo.zoneCells(db, z.id, g.n)
    expect(cells.zone[0]).toBe(2)
    expect(cells.zone[g.n - 1]).toBe(0)
  })

  test('invalid requests say which constraint failed where', async () => {
    await expect(createZoning(db, { layout_id: layout.id, k: layout.cells + 1 })).rejects.toMatchObject({ status: 422, code: 'WG_ZONING_INFEASIBLE', message: expect.stringContaining(`only ${layout.cells} cells`) })
    await expect(createZoning(db, { layout_id: layout.id, k: 1, nesting: 'community' })).rejects.toMatchObject({ status: 422, message: expect.stringContaining('2 groups') })
    const g = await loadCellGraph(db, layout.id)
    // one zone cannot hold fixed cells 2 km apart within 500 m
    const err = await createZoning(db, { layout_id: layout.id, k: 3, max_diameter_m: 500, fixed: [{ cell: g.codes[0], zone: 1 }, { cell: g.codes[g.n - 1], zone: 1 }] }).catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.message).toMatch(/maxDiameter|Raise K/)
    expect(err.message).toContain(g.codes[0])
    await expect(createZoning(db, { layout_id: layout.id, k: 3, fixed: [{ cell: 'NOPE', zone: 0 }] })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('NOPE') })
    await expect(createZoning(db, { layout_id: layout.id })).rejects.toMatchObject({ status: 400 })
    await expect(createZoning(db, { layout_id: 999 , k: 2 })).rejects.toMatchObject({ status: 404 })
  })
})

describe('current grids and comparison', () => {
  let currentId: number

  test('import a cell → grid table: west and east halves split north/south', async () => {
    const g = await loadCellGraph(db, layout.id)
    const rows = ['单元网格编码,网格编码,网格名称,网格员']
    for (let i = 0; i < g.n; i++) {
      const east = g.lon[i] > TINY.mid
      const north = g.lat[i] > (TINY.south + TINY.north) / 2
      rows.push(`${g.codes[i]},G${east ? 2 : 1}${north ? 1 : 2},${east ? '东' : '西'}${north ? '北' : '南'},W${east ? 2 : 1}`)
    }
    const r = await importCurrentZoning(db, tempFile('grids.csv', rows.join('\n')), { layout_id: layout.id })
    currentId = r.zoning.id
    expect(r.grids).toBe(4)
    expect(r.cells_unassigned).toBe(0)
    expect(r.zoning.kind).toBe('current')
    expect(r.zoning.zones.map((z) => z.code).sort()).toEqual(['G11', 'G12', 'G21', 'G22'])
    expect(r.zoning.zones.find((z) => z.code === 'G21')?.worker_id).toBe('W2')
    expect(r.zoning.metrics.contiguous).toBe(true)
  })

  test('bad table rows are named and nothing is written', async () => {
    const before = (await listZonings(db)).items.length
    const err = await importCurrentZoning(db, tempFile('bad.csv', 'cell_code,code\nT000000,A\nXX1,B\n'), { layout_id: layout.id }).catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.message).toContain('row 3: cell XX1')
    expect((await listZonings(db)).items.length).toBe(before)
  })

  test('import polygons: each cell goes to the polygon covering most of it', async () => {
    const { west, east, south, north, mid } = TINY
    const poly = (w: number, e: number) => ({ type: 'Polygon', coordinates: [[[w, south], [e, south], [e, north], [w, north], [w, south]]] })
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { code: '00101', name_zh: '西社区第1网格', worker_id: 'W01' }, geometry: poly(west, mid) },
      { type: 'Feature', properties: { code: '00201', name_zh: '东社区第1网格', worker_id: 'W02' }, geometry: poly(mid, east) },
      { type: 'Feature', properties: { code: '09901' }, geometry: poly(130, 131) },
    ] }
    const r = await importCurrentZoning(db, tempFile('grids.geojson', JSON.stringify(fc)), { layout_id: layout.id, name: 'halves' })
    expect(r.grids).toBe(2)
    expect(r.cells_unassigned).toBe(0)
    expect(r.warnings.join(' ')).toContain('09901')
    const g = await loadCellGraph(db, layout.id)
    const cells = await repo.zoneCells(db, r.zoning.id, g.n)
    for (let i = 0; i < g.n; i++) expect(cells.zone[i]).toBe(g.lon[i] < mid ? 0 : 1)
    // each half is its own community
    for (const z of r.zoning.zones) expect(z.community_id).not.toBeNull()
  })

  test('a proposal close to the current zoning; comparison measures both with one workload', async () => {
    const p = await createZoning(db, { layout_id: layout.id, k: 4, current_id: currentId, weights: { similarity: 5 }, ...RUN })
    expect(p.params.current_id).toBe(currentId)
    const c = await compareZonings(db, currentId, p.id)
    expect(c.workload_from).toBe(p.id)
    expect(c.a.k).toBe(4)
    expect(c.b.cv).toBeCloseTo(p.metrics.cv as number, 5)
    expect(c.b.cv).toBeLessThan(c.a.cv)
    expect(c.cells_compared).toBe(layout.cells)
    expect(c.cells_moved).toBe(p.metrics.cells_moved)
    expect(c.cells_moved).toBeLessThan(layout.cells / 2)
    expect(c.matched).toHaveLength(4)
    expect(c.chart.a).toHaveLength(4)
    expect(c.chart.b[0]).toBeGreaterThanOrEqual(c.chart.b[3])
    expect(c.clusters).toBeGreaterThan(0)
    expect(c.a.clusters_split).not.toBeNull()
    expect((await getZoning(db, p.id)).zones[0].share).toBeGreaterThan(0.8)
  })

  test('matchZones pairs by overlap and counts moved cells', () => {
    const a = Int32Array.from([0, 0, 0, 1, 1, 1, -1])
    const b = Int32Array.from([5, 5, 7, 7, 7, 7, 5])
    const m = matchZones(a, b)
    expect(m.partner.get(1)).toBe(7)
    expect(m.partner.get(0)).toBe(5)
    expect(m.compared).toBe(6)
    expect(m.moved).toBe(1)
  })
})
