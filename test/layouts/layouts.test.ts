import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { unzipSync } from 'fflate'
import type { App } from '../../server/http/context'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { createLayout, getLayout } from '../../server/layouts/service'
import type { LayoutStats } from '../../server/layouts/schema'
import { openTestDatabase } from '../helpers/db'
import { testApp } from '../helpers/http'
import { tempFile, tinyDistrictGeoJson, TINY } from '../helpers/tiny-city'
import { layoutInvariants, tiles } from './invariants'

let db: Database
let app: App

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  app = await testApp(db)
})
afterAll(async () => {
  await app?.close()
  await db?.close()
})

const cells = async (id: number) => (await db.knex('cells').where({ layout_id: id }).orderBy('idx')
  .select('idx', 'code', 'community_id', 'area_m2', 'h3', 'neighbours', db.knex.raw('ST_X(centroid) AS lon'), db.knex.raw('ST_Y(centroid) AS lat'))) as
  Array<{ idx: number; code: string; community_id: number; area_m2: number; h3: string[]; neighbours: number[]; lon: number; lat: number }>

describe('square layout of the tiny district', () => {
  test('tiles the district, codes west→east then north→south per community, merges slivers', async () => {
    const l = await createLayout(db, { kind: 'square', scope: '330198' })
    expect(l.status).toBe('ready')
    expect(l.metric_crs).toBe('EPSG:4549') // 120.15–120.17°E: CGCS2000 GK zone CM 120E
    const inv = await layoutInvariants(db, l.id)
    expect(inv).toMatchObject({ invalid: 0, empty: 0, outsideCommunity: 0, noCommunity: 0, asymmetricNeighbours: 0 })
    expect(inv.unionDifference).toBeLessThan(1e-4)
    expect(inv.overlap).toBeLessThan(1e-6)
    const cs = await cells(l.id)
    expect(cs.length).toBe(l.cell_count)
    const stats = l.stats as LayoutStats
    expect(stats.area.count).toBe(cs.length)
    // no sliver survives: every piece below 30% of 10,000 m² had a neighbour in its community
    expect(stats.area.min_m2).toBeGreaterThanOrEqual(3000)
    expect(stats.area.median_m2).toBeCloseTo(10_000, 0)
    expect(stats.coverage).toBeCloseTo(1, 6)
    // codes: 15 digits, unique, district + street + community + sequence 001…
    const codes = cs.map((c) => c.code)
    expect(new Set(codes).size).toBe(codes.length)
    for (const c of codes) expect(c).toMatch(/^330198001\d{3}\d{3}$/)
    const west = cs.filter((c) => c.code.slice(9, 12) === '001')
    expect(west[0].code).toBe('330198001001001')
    expect(west.map((c) => Number(c.code.slice(12)))).toEqual(west.map((_, i) => i + 1))
    // the first cell is the north-west corner, the next one lies east of it in the same row
    const maxLat = Math.max(...west.map((c) => c.lat))
    expect(west[0].lat).toBeGreaterThan(maxLat - 0.001)
    expect(west[1].lon).toBeGreaterThan(west[0].lon)
    // every cell is in the community its code names
    const communities = await db.knex('districts').where({ level: 'community' }).select('id', 'code')
    const codeOf = new Map(communities.map((c: { id: number; code: string }) => [c.id, c.code]))
    for (const c of cs) expect(codeOf.get(c.community_id)).toBe(c.code.slice(9, 12))
    // H3 res-11 cover: every cell has one, and the covers do not share cells
    const h3 = cs.flatMap((c) => c.h3)
    expect(cs.every((c) => c.h3.length > 0)).toBe(true)
    expect(new Set(h3).size).toBe(h3.length)
    // interior squares have 4 edge neighbours
    expect(Math.max(...cs.map((c) => c.neighbours.length))).toBeGreaterThanOrEqual(4)
  })

  test('new parameters make a new layout; the old one is kept', async () => {
    const before = await db.knex('layouts').count<{ n: number }[]>({ n: '*' })
    const l = await createLayout(db, { kind: 'square', scope: '330198', target_area_m2: 40_000, note: '200 m 方格' })
    const after = await db.knex('layouts').count<{ n: number }[]>({ n: '*' })
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1)
    expect(l.params).toMatchObject({ target_area_m2: 40_000, sliver_ratio: 0.3, origin: [0, 0], crs: 4549 })
    expect(l.note).toBe('200 m 方格')
    expect(tiles(await layoutInvariants(db, l.id))).toBe(true)
  })

  test('a community needing more than 999 cells is refused, naming it, and nothing is stored', async () => {
    const before = await db.knex('layouts').count<{ n: number }[]>({ n: '*' })
    await expect(createLayout(db, { kind: 'square', scope: '330198', target_area_m2: 400 })).rejects.toMatchObject({
      code: 'WG_LAYOUT_TOO_MANY_CELLS', message: expect.stringContaining('西社区 (330198001001)'),
    })
    const after = await db.knex('layouts').count<{ n: number }[]>({ n: '*' })
    expect(after[0].n).toBe(before[0].n)
  })

  test('a target larger than the district gives one cell per community, with a warning', async () => {
    const l = await createLayout(db, { kind: 'square', scope: '330198', target_area_m2: 5_000_000 })
    expect(l.cell_count).toBe(2)
    expect((l.stats as LayoutStats).warnings.join(' ')).toContain('smaller than the target area')
    expect(tiles(await layoutInvariants(db, l.id))).toBe(true)
  })

  test('a community scope gets only that community', async () => {
    const l = await createLayout(db, { kind: 'square', scope: '330198001002' })
    const cs = await cells(l.id)
    expect(cs.every((c) => c.code.startsWith('330198001002'))).toBe(true)
    expect(tiles(await layoutInvariants(db, l.id))).toBe(true)
  })

  test('bad crs and unknown scope are refused clearly', async () => {
    await expect(createLayout(db, { kind: 'square', scope: '330198', crs: 3857 })).rejects.toMatchObject({ code: 'WG_BAD_PARAMETER', message: expect.stringContaining('3857') })
    await expect(createLayout(db, { kind: 'square', scope: '999999' })).rejects.toMatchObject({ code: 'WG_NOT_FOUND' })
  })
})

describe('H3 layouts', () => {
  test('overlap + clip tiles the district; codes are H3 indexes; res-11 cover = children', async () => {
    const l = await createLayout(db, { kind: 'h3', scope: '330198', resolution: 10 })
    expect(l.params).toMatchObject({ resolution: 10, containment: 'overlap', clip: true })
    const inv = await layoutInvariants(db, l.id)
    expect(inv.unionDifference).toBeLessThan(1e-4)
    expect(inv.overlap).toBeLessThan(1e-6)
    expect(inv.invalid + inv.empty).toBe(0)
    const cs = await cells(l.id)
    for (const c of cs) {
      expect(c.code).toMatch(/^8a[0-9a-f]{13}$/)
      expect(c.h3).toHaveLength(7)
    }
  })

  test('centre containment without clipping keeps whole hexagons with centres inside', async () => {
    const l = await createLayout(db, { kind: 'h3', scope: '330198', resolution: 11, containment: 'center', clip: false })
    const cs = await cells(l.id)
    expect(cs.length).toBeGreaterThan(800) // 2.13 km² / ~2,150 m²
    for (const c of cs) {
      expect(c.lon).toBeGreaterThan(TINY.west - 0.001)
      expect(c.lon).toBeLessThan(TINY.east + 0.001)
      expect(c.h3).toEqual([c.code])
    }
    const s = (l.stats as LayoutStats).area
    expect(s.share_within_30pct).toBe(1)
  })
})

/** POSTs a layout; when it takes longer than a second, polls the job until it is done. */
async function postLayout(payload: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> & { id: number; cell_count: number; name: string } }> {
  const res = await app.inject({ method: 'POST', url: '/api/layouts', payload })
  if (res.statusCode !== 202) return { status: res.statusCode, body: res.json() }
  for (;;) {
    const job = (await app.inject({ method: 'GET', url: res.headers.location as string })).json()
    if (job.status === 'done') return { status: 201, body: job.result }
    if (job.status === 'failed') return { status: 422, body: job.error }
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('HTTP API', () => {
  test('create, list, show, cells, export, compare, delete', async () => {
    const res = await postLayout({ kind: 'square', scope: '330198', name: '测试方格' })
    expect(res.status).toBe(201)
    const a = res.body
    expect(a.name).toBe('测试方格')
    const b = (await postLayout({ kind: 'h3', scope: 330198, resolution: 9 })).body
    const list = (await app.inject({ method: 'GET', url: '/api/layouts' })).json()
    expect(list.items.map((l: { id: number }) => l.id)).toContain(a.id)
    expect((await app.inject({ method: 'GET', url: `/api/layouts/${a.id}` })).json().stats.area.count).toBe(a.cell_count)
    const fc = (await app.inject({ method: 'GET', url: `/api/layouts/${a.id}/cells` })).json()
    expect(fc.features).toHaveLength(a.cell_count)
    expect(Object.keys(fc.features[0].properties)).toEqual(['idx', 'code', 'community_id', 'community', 'area_m2', 'neighbours', 'h3'])
    const shp = await app.inject({ method: 'GET', url: `/api/layouts/${a.id}/export?format=shapefile` })
    expect(shp.headers['content-type']).toBe('application/zip')
    expect(Object.keys(unzipSync(new Uint8Array(shp.rawPayload))).sort()).toEqual([`layout-${a.id}.cpg`, `layout-${a.id}.dbf`, `layout-${a.id}.prj`, `layout-${a.id}.shp`, `layout-${a.id}.shx`])
    const csv = await app.inject({ method: 'GET', url: `/api/layouts/${a.id}/export?format=csv` })
    expect(csv.body.split('\n')[0]).toBe('\uFEFFwkt,编码,序号,社区,社区编码,面积_m2,邻接,h3')
    const cmp = (await app.inject({ method: 'GET', url: `/api/layouts/${a.id}/compare/${b.id}` })).json()
    expect(cmp.a.cell_count).toBe(a.cell_count)
    expect(cmp.b.cell_count).toBe(b.cell_count)
    expect(cmp.change.cell_count_ratio).toBeCloseTo(b.cell_count / a.cell_count)
    const bad = await app.inject({ method: 'POST', url: '/api/layouts', payload: { kind: 'h3', scope: '330198', resolution: 14 } })
    expect(bad.statusCode).toBe(400)
    expect((await app.inject({ method: 'DELETE', url: `/api/layouts/${b.id}` })).statusCode).toBe(204)
    expect((await app.inject({ method: 'GET', url: `/api/layouts/${b.id}` })).statusCode).toBe(404)
    await expect(getLayout(db, b.id)).rejects.toMatchObject({ code: 'WG_NOT_FOUND' })
  })
})
