import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import type { App } from '../../server/http/context'
import { openTestDatabase } from '../helpers/db'
import { testApp } from '../helpers/http'
import { tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { insertCases, insertSquareLayout } from './fixtures'
import { tinyCases } from './tiny-data'

let db: Database
let app: App
let layout: number

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
  layout = await insertSquareLayout(db, id, 100)
  await insertCases(db, tinyCases())
  app = await testApp(db)
})
afterAll(async () => {
  await app?.close()
  await db?.close()
})

describe('/api/analyses', () => {
  test('kinds list every kind with its parameter schema', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/analyses/kinds' })
    expect(res.statusCode).toBe(200)
    const kinds = res.json() as Array<{ kind: string; parameters: { properties: Record<string, unknown> } }>
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['cell-stats', 'gi-star', 'optimized-hotspots', 'local-moran', 'dbscan', 'hdbscan', 'density']))
    expect(Object.keys(kinds.find((k) => k.kind === 'dbscan')!.parameters.properties)).toContain('eps_m')
  })

  test('run, list, show, and the result as JSON, GeoJSON and CSV (by query or extension)', async () => {
    const post = await app.inject({ method: 'POST', url: '/api/analyses', payload: { kind: 'gi-star', name: 'stalls', layout_id: layout, filters: { category: '04' } } })
    expect(post.statusCode).toBe(201)
    const a = post.json()
    expect(a).toMatchObject({ kind: 'gi-star', name: 'stalls', status: 'done', layout_id: layout, result_url: `/api/analyses/${a.id}/result` })
    expect(a.summary.bins['3']).toBeGreaterThan(0)

    const list = (await app.inject({ method: 'GET', url: '/api/analyses?kind=gi-star' })).json()
    expect(list.items.map((x: { id: number }) => x.id)).toContain(a.id)
    expect((await app.inject({ method: 'GET', url: `/api/analyses/${a.id}` })).json().parameters).toMatchObject({ k: 8, weights: 'knn' })

    const json = await app.inject({ method: 'GET', url: `/api/analyses/${a.id}/result?limit=5` })
    expect(json.json().rows).toHaveLength(5)
    expect(Object.keys(json.json().rows[0])).toEqual(['cell', 'code', 'cases', 'value', 'z', 'p', 'bin'])

    const geo = await app.inject({ method: 'GET', url: `/api/analyses/${a.id}/result.geojson` })
    expect(geo.headers['content-type']).toMatch(/application\/geo\+json/)
    const fc = geo.json()
    expect(fc.features.length).toBe(json.json().total)
    expect(fc.features[0].geometry.type).toBe('MultiPolygon')

    const csv = await app.inject({ method: 'GET', url: `/api/analyses/${a.id}/result?format=csv` })
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.body.split('\n')[0]).toBe('cell,code,cases,value,z,p,bin')
  })

  test('absurd parameters and empty selections are problems naming the field', async () => {
    const eps = await app.inject({ method: 'POST', url: '/api/analyses', payload: { kind: 'dbscan', parameters: { eps_m: 0 } } })
    expect(eps.statusCode).toBe(400)
    expect(eps.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(eps.json()).toMatchObject({ code: 'WG_BAD_PARAMETER' })
    expect(eps.json().detail).toMatch(/parameters\/eps_m/)
    const k = await app.inject({ method: 'POST', url: '/api/analyses', payload: { kind: 'gi-star', layout_id: layout, parameters: { k: 100000 } } })
    expect(k.statusCode).toBe(400)
    expect(k.json().detail).toMatch(/Parameter k/)
    const empty = await app.inject({ method: 'POST', url: '/api/analyses', payload: { kind: 'density', filters: { from: '2030-01-01T00:00:00Z' } } })
    expect(empty.statusCode).toBe(422)
    expect(empty.json()).toMatchObject({ code: 'WG_EMPTY_SELECTION' })
    expect((await app.inject({ method: 'GET', url: '/api/analyses/999999' })).statusCode).toBe(404)
    const grid = await app.inject({ method: 'GET', url: `/api/analyses/${(await app.inject({ method: 'GET', url: '/api/analyses' })).json().items[0].id}/result.grid` })
    expect(grid.statusCode).toBe(400)
  })
})
