import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import type { App } from '../../server/http/context'
import { openTestDatabase } from '../helpers/db'
import { multipart, settled, testApp } from '../helpers/http'
import { tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'

let db: Database
let app: App

beforeAll(async () => {
  db = await openTestDatabase()
  app = await testApp(db)
})
afterAll(async () => {
  await app.close()
  await db.close()
})

describe('HTTP API', () => {
  test('health names the database and versions', async () => {
    const res = await app.inject({ url: '/api/health' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('ok')
    expect(['embedded', 'postgres']).toContain(body.database.kind)
    expect(body.database.postgis).toMatch(/^3\./)
  })

  test('districts and cases import over multipart; listings, GeoJSON, summary and time series', async () => {
    const d = await settled(app, await app.inject({ method: 'POST', url: '/api/districts/import', ...multipart({ name: 'tiny.geojson', content: tinyDistrictGeoJson() }) }))
    expect(d.statusCode).toBe(201)
    expect(d.body.counts).toMatchObject({ district: 1, street: 1, community: 2 })

    const csv = ['id,time,category,source,closed_at,lon,lat',
      '1,2025-05-01 18:00,0401,12345,2025-05-01 20:00,120.155,30.265',
      '2,2025-05-08 18:00,0401,12345,,120.165,30.265',
      '3,2025-05-09 18:00,0201,巡查,,120.165,30.266',
      '4,2025-05-09 18:00,bogus,巡查,,120.165,30.266'].join('\n')
    const c = await settled(app, await app.inject({ method: 'POST', url: '/api/cases/import', ...multipart({ name: 'c.csv', content: csv }, { mapping: JSON.stringify({ dataset: 'api' }) }) }))
    expect(c.statusCode).toBe(201)
    const report = c.body
    expect(report.counts).toMatchObject({ rows: 4, inserted: 3, rejected: 1 })
    expect(report.errors[0]).toMatchObject({ row: 4, column: 'category', code: 'WG_UNKNOWN_CATEGORY' })

    const errCsv = await app.inject({ url: report.errors_csv })
    expect(errCsv.headers['content-type']).toMatch(/text\/csv/)
    expect(errCsv.body).toMatch(/4,category,bogus,WG_UNKNOWN_CATEGORY/)

    const communities = (await app.inject({ url: '/api/districts?level=community&format=geojson' })).json()
    expect(communities.features.map((f: { properties: { name_zh: string } }) => f.properties.name_zh).sort()).toEqual(['东社区', '西社区'])
    const east = communities.features.find((f: { properties: { name_zh: string } }) => f.properties.name_zh === '东社区')

    const geo = (await app.inject({ url: `/api/cases?format=geojson&community=${east.id}` })).json()
    expect(geo.type).toBe('FeatureCollection')
    expect(geo.features).toHaveLength(2)
    expect(geo.features[0].geometry.type).toBe('Point')

    const list = (await app.inject({ url: '/api/cases?category=04&limit=1' })).json()
    expect(list).toMatchObject({ total: 2, limit: 1 })
    expect(list.items).toHaveLength(1)

    const summary = (await app.inject({ url: '/api/cases/summary?category=0401' })).json()
    expect(summary).toMatchObject({ total: 2, closed: 1, closed_on_time: 1 })

    const series = (await app.inject({ url: '/api/cases/timeseries?step=week' })).json()
    expect(series.items.reduce((s: number, i: { n: number }) => s + i.n, 0)).toBe(3)
    expect(series.items.length).toBe(2)
  })

  test('bad requests get problem+json that names the field', async () => {
    const bbox = await app.inject({ url: '/api/cases?bbox=1,2,3' })
    expect(bbox.statusCode).toBe(400)
    expect(bbox.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(bbox.json()).toMatchObject({ code: 'WG_BAD_PARAMETER', status: 400 })
    const limit = await app.inject({ url: '/api/cases?limit=0' })
    expect(limit.statusCode).toBe(400)
    expect(limit.json().detail).toMatch(/limit/)
    const cat = await app.inject({ url: '/api/cases?category=abc' })
    expect(cat.statusCode).toBe(400)
    const missing = await app.inject({ url: '/api/nothing-here' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('WG_NOT_FOUND')
    const bin = await app.inject({ method: 'POST', url: '/api/cases/import', ...multipart({ name: 'x.csv', content: readFileSync(process.execPath).subarray(0, 4096) }) })
    const binResult = await settled(app, bin)
    expect(binResult.body.code).toBe('WG_NOT_TEXT')
    if (bin.statusCode !== 202) expect(bin.statusCode).toBe(415)
    const noFile = await app.inject({ method: 'POST', url: '/api/cases/import', payload: { a: 1 } })
    expect(noFile.statusCode).toBe(415)
    // the server is still up and its data intact
    expect((await app.inject({ url: '/api/cases?limit=1' })).json().total).toBe(3)
  })

  test('OpenAPI document lists the routes', async () => {
    const res = await app.inject({ url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    const paths = Object.keys(res.json().paths)
    for (const p of ['/api/health', '/api/cases', '/api/cases/import', '/api/districts', '/api/categories', '/api/jobs/{id}']) expect(paths).toContain(p)
  })

  test('a temp fixture file helper is not left open', () => {
    expect(tempFile('a.txt', 'x')).toMatch(/a\.txt$/)
  })
})
