import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import type { App } from '../../server/http/context'
import { loadCellGraph } from '../../server/zones/service'
import { openTestDatabase } from '../helpers/db'
import { multipart, settled, testApp } from '../helpers/http'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { buildSquareLayout } from './square-layout'

let db: Database
let app: App
let layout: number

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
  layout = (await buildSquareLayout(db, { side: 200 })).id
  await db.knex.raw(`INSERT INTO cases (external_id, category_code, source, reported_at, status, geom)
    SELECT 'A' || g, '0401', 'patrol', timestamptz '2026-02-01', 'closed',
           ST_SetSRID(ST_MakePoint(${TINY.west} + (g % 97) / 97.0 * 0.02, ${TINY.south} + (g % 89) / 89.0 * 0.01), 4326)
    FROM generate_series(1, 800) g`)
  // every zoning answers 202 and is polled, so the job path is tested however fast the machine
  app = await testApp(db, { syncWaitMs: 0 })
})
afterAll(async () => {
  await app?.close()
  await db?.close()
})

describe('responsibility grids over HTTP', () => {
  let proposal: number
  let current: number

  test('POST /api/zones runs as a job with progress while the server keeps answering', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/zones', payload: { layout_id: layout, k: 4, time_budget_s: 3, name: '四网格' } })
    expect(res.statusCode).toBe(202)
    const r = await settled(app, res)
    expect(r.statusCode).toBe(201)
    expect(r.phases).toContain('search')
    proposal = r.body.id
    expect(r.body.zones).toHaveLength(4)
    expect(r.body.metrics.contiguous).toBe(true)
  })

  test('current grids import over multipart; list, one zoning, comparison', async () => {
    const g = await loadCellGraph(db, layout)
    const csv = ['cell_code,code,worker_id', ...g.codes.map((c, i) => `${c},${g.lon[i] < TINY.mid ? 'W' : 'E'},${g.lon[i] < TINY.mid ? 'W01' : 'W02'}`)].join('\n')
    const res = await settled(app, await app.inject({ method: 'POST', url: '/api/zones/current/import', ...multipart({ name: 'grids.csv', content: csv }, { options: JSON.stringify({ layout_id: layout }) }) }))
    expect(res.statusCode).toBe(201)
    current = res.body.zoning.id
    expect(res.body.grids).toBe(2)

    const list = (await app.inject({ url: `/api/zones?layout=${layout}` })).json()
    expect(list.items.map((z: { id: number }) => z.id)).toEqual([proposal, current])
    expect((await app.inject({ url: '/api/zones?kind=current' })).json().items).toHaveLength(1)

    const one = await app.inject({ url: `/api/zones/${proposal}` })
    expect(one.statusCode).toBe(200)
    expect(one.json().links.geojson).toBe(`/api/zones/${proposal}.geojson`)

    const cmp = await app.inject({ url: `/api/zones/${current}/compare/${proposal}` })
    expect(cmp.statusCode).toBe(200)
    expect(cmp.json().a.k).toBe(2)
    expect(cmp.json().b.k).toBe(4)
  })

  test('exports: dissolved GeoJSON with workload, zipped Shapefile with .prj and .cpg, CSV, printable summary', async () => {
    const gj = await app.inject({ url: `/api/zones/${proposal}.geojson` })
    expect(gj.statusCode).toBe(200)
    expect(gj.headers['content-type']).toContain('geo+json')
    const fc = gj.json()
    expect(fc.features).toHaveLength(4)
    let total = 0
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('MultiPolygon')
      expect(f.properties.code).toMatch(/^330198001\d{5}$/)
      total += f.properties.cases
    }
    // cases inside the layout's cells (a few fall in corner slivers the layout dropped)
    const counted = (await app.inject({ url: `/api/zones/${proposal}` })).json().workload.window.cases
    expect(total).toBe(counted)
    expect(counted).toBeGreaterThan(780)

    const shp = await app.inject({ url: `/api/zones/${proposal}.shp.zip` })
    expect(shp.statusCode).toBe(200)
    const files = Object.keys(unzipSync(new Uint8Array(shp.rawPayload))).sort()
    expect(files).toEqual([`zones_${proposal}.cpg`, `zones_${proposal}.dbf`, `zones_${proposal}.prj`, `zones_${proposal}.shp`, `zones_${proposal}.shx`])

    expect((await app.inject({ url: `/api/zones/${proposal}.csv` })).body).toContain('MULTIPOLYGON')

    const html = await app.inject({ url: `/api/zones/${proposal}.html` })
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.body).toContain('责任网格方案：四网格')
    expect(html.body).toContain('@media print')
    expect(html.body).toContain('现状与方案对比')
    expect(html.body).toContain('<svg class="map"')
  })

  test('errors are problems that say what failed and where', async () => {
    const tooMany = await settled(app, await app.inject({ method: 'POST', url: '/api/zones', payload: { layout_id: layout, k: 10_000 } }))
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.body.code).toBe('WG_ZONING_INFEASIBLE')
    expect(tooMany.body.detail ?? tooMany.body.message).toMatch(/only \d+ cells/)
    const bad = await app.inject({ method: 'POST', url: '/api/zones', payload: { layout_id: layout, k: 0 } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().detail).toContain('/k')
    expect((await app.inject({ url: '/api/zones/999' })).statusCode).toBe(404)
    expect((await app.inject({ url: '/api/zones/999.geojson' })).statusCode).toBe(404)
    const noOptions = await app.inject({ method: 'POST', url: '/api/zones/current/import', ...multipart({ name: 'g.csv', content: 'a,b\n' }, {}) })
    expect(noOptions.statusCode).toBe(400)
  })
})
