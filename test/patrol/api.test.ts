import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import type { App } from '../../server/http/context'
import { decodeTripWkb, encodeTripWkb } from '../../server/patrol/trip-wkb'
import { openTestDatabase } from '../helpers/db'
import { multipart, settled, testApp } from '../helpers/http'
import { tempFile, TINY, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { importDistricts } from '../../server/districts/import'
import { importBasemap } from '../../server/basemap/import'
import { insertSquareLayout } from './square-cells'

// The tiny district (2 km × 1 km, two communities) with a street grid every 0.0025° (a lane
// island in the middle of one block is not connected), two workers owning the west and east
// halves, 250 m square cells, and a walk along the middle street with a duplicate, a GPS spike
// and a fix outside the district.

let db: Database
let app: App
let layout: number

const STEP = 0.0025
const MID_LAT = 30.265

function streetGrid(): string {
  const features: object[] = []
  const line = (coords: number[][]) => features.push({ type: 'Feature', properties: { class: 'local' }, geometry: { type: 'LineString', coordinates: coords } })
  const r = (v: number) => Math.round(v * 1e7) / 1e7
  for (let lat = TINY.south; lat <= TINY.north + 1e-9; lat += STEP) {
    for (let lon = TINY.west; lon < TINY.east - 1e-9; lon += STEP) line([[r(lon), r(lat)], [r(lon + STEP), r(lat)]])
  }
  for (let lon = TINY.west; lon <= TINY.east + 1e-9; lon += STEP) {
    for (let lat = TINY.south; lat < TINY.north - 1e-9; lat += STEP) line([[r(lon), r(lat)], [r(lon), r(lat + STEP)]])
  }
  line([[120.1535, 30.2612], [120.1545, 30.2612]]) // a lane inside a block, joined to nothing
  return JSON.stringify({ type: 'FeatureCollection', features })
}

/** CSV of a walk along the middle street at ~1.25 m/s, one fix every 10 s, plus planted faults. */
function walkCsv(): { csv: string; fixes: number } {
  const rows = ['worker_id,time,lon,lat']
  const t0 = Date.parse('2025-06-02T09:00:00+08:00')
  const iso = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00'
  let k = 0
  for (let lon = 120.1505; lon <= 120.1695; lon += 0.00013, k++) {
    rows.push(`W1,${iso(t0 + k * 10_000)},${lon.toFixed(7)},${MID_LAT}`)
    if (k === 20) rows.push(`W1,${iso(t0 + k * 10_000)},${lon.toFixed(7)},${MID_LAT}`) // exact duplicate
    if (k === 40) { k++; rows.push(`W1,${iso(t0 + k * 10_000)},${lon.toFixed(7)},${MID_LAT + 0.0045}`) } // 500 m spike
  }
  rows.push(`W1,${iso(t0 + k * 10_000)},120.1695,30.2800`) // outside the district
  return { csv: rows.join('\n') + '\n', fixes: rows.length - 1 }
}

beforeAll(async () => {
  db = await openTestDatabase()
  app = await testApp(db)
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  await importBasemap(db, 'streets', tempFile('streets.geojson', streetGrid()))
  layout = await insertSquareLayout(db, 250)
})
afterAll(async () => {
  await app.close()
  await db.close()
})

describe('trip WKB', () => {
  test('round trip of fixes as LineStringM, one-fix trips written twice and read once', () => {
    const lon = Float64Array.of(120.1, 120.2, 120.3)
    const lat = Float64Array.of(30.1, 30.2, 30.3)
    const t = Float64Array.of(1748826000123, 1748826010456, 1748826020789)
    const out = { lon: new Float64Array(3), lat: new Float64Array(3), t: new Float64Array(3) }
    expect(decodeTripWkb(encodeTripWkb(lon, lat, t, 0, 3), out, 0)).toBe(3)
    expect(Array.from(out.t)).toEqual(Array.from(t))
    expect(Array.from(out.lon)).toEqual(Array.from(lon))
    const one = encodeTripWkb(lon, lat, t, 1, 2)
    expect(one.readUInt32LE(5)).toBe(2)
    expect(decodeTripWkb(one, out, 0, 1)).toBe(1)
    expect(out.lat[0]).toBe(30.2)
    expect(() => decodeTripWkb(Buffer.from('0101000000000000000000f03f0000000000000040', 'hex'), out, 0)).toThrow(/LineString with M/)
  })
})

describe('patrol API', () => {
  test('workers and their grids', async () => {
    const half = (w: number, e: number) => ({ type: 'MultiPolygon', coordinates: [[[[w, TINY.south], [e, TINY.south], [e, TINY.north], [w, TINY.north], [w, TINY.south]]]] })
    const res = await app.inject({
      method: 'POST', url: '/api/patrol/workers', payload: {
        workers: [
          { id: 'W1', name_zh: '张三', office: [120.155, 30.2625], shift_hours: ['09:00-11:00'], community_codes: ['001'] },
          { id: 'W2', name_zh: '李四', office: [120.165, 30.2625], shift_hours: ['09:00-11:00'], community_codes: ['002'] },
        ],
        grids: { type: 'FeatureCollection', features: [
          { type: 'Feature', properties: { code: '00101', worker_id: 'W1' }, geometry: half(TINY.west, TINY.mid) },
          { type: 'Feature', properties: { code: '00201', worker_id: 'W2' }, geometry: half(TINY.mid, TINY.east) },
        ] },
      },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ workers: 2, grids: 2 })
    const list = (await app.inject({ url: '/api/patrol/workers' })).json().items
    expect(list.map((w: any) => [w.code, w.grid_codes, w.shifts])).toEqual([
      ['W1', ['00101'], [{ start: 540, minutes: 120 }]], ['W2', ['00201'], [{ start: 540, minutes: 120 }]],
    ])
    const bad = await app.inject({ method: 'POST', url: '/api/patrol/workers', payload: { workers: [{ id: 'W3', shift_hours: ['9 to 5'] }] } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().detail).toMatch(/W3.*9 to 5/)
  })

  test('track import cleans, reports what was dropped and why, and stores trips; a second import changes nothing', async () => {
    const { csv, fixes } = walkCsv()
    const first = await settled(app, await app.inject({ method: 'POST', url: '/api/patrol/tracks/import', ...multipart({ name: 'walk.csv', content: csv }) }))
    expect(first.statusCode).toBe(201)
    expect(first.body.counts).toMatchObject({ fixes, trips: 1, workers: 1, worker_days: 1, trips_replaced: 0 })
    expect(first.body.counts.dropped).toMatchObject({ exactDuplicate: 1, speed: 1, outsideDistrict: 1 })
    expect(first.body.errors.map((e: any) => e.code).sort()).toEqual(['WG_TRACK_EXACT_DUPLICATE', 'WG_TRACK_OUTSIDE_DISTRICT', 'WG_TRACK_SPEED'])
    expect(first.body.by_worker_day).toHaveLength(1)
    expect(first.body.by_worker_day[0].distanceKm).toBeGreaterThan(1.7)
    const stored = await db.knex('patrol_trips').select('fixes', 'day', db.knex.raw('ST_NPoints(geom) AS n'), 'length_m')
    expect(stored).toHaveLength(1)
    expect(stored[0].fixes).toBe(first.body.counts.kept)
    expect(stored[0].n).toBe(first.body.counts.kept)
    const again = await settled(app, await app.inject({ method: 'POST', url: '/api/patrol/tracks/import', ...multipart({ name: 'walk.csv', content: csv }) }))
    expect(again.body.counts).toMatchObject({ trips: 1, trips_replaced: 1 })
    expect(await db.knex('patrol_trips').count({ n: '*' })).toEqual([{ n: 1 }])
    const record = await db.knex('imports').where({ id: again.body.import_id }).first()
    expect(record.status).toBe('done')
    expect(record.counts.by_worker_day).toHaveLength(1)
  })

  test('a bad value fails the import naming its row, and nothing is stored', async () => {
    const res = await settled(app, await app.inject({
      method: 'POST', url: '/api/patrol/tracks/import',
      ...multipart({ name: 'bad.csv', content: 'worker,time,lon,lat\nW2,2025-06-03T09:00:00+08:00,120.16,30.265\nW2,2025-06-03T09:00:10+08:00,120.16,north\n' }),
    }))
    expect(res.statusCode).toBe(422)
    expect(res.body.code).toBe('WG_TRACK_INPUT')
    expect(res.body.detail ?? res.body.message).toMatch(/Row 3: lat "north" is not a number/)
    expect(await db.knex('patrol_trips').count({ n: '*' })).toEqual([{ n: 1 }])
    expect((await db.knex('imports').orderBy('id', 'desc').first()).status).toBe('failed')
  })

  test('tracks as GeoJSON with a time per vertex', async () => {
    const res = await app.inject({ url: '/api/patrol/tracks?day=2025-06-02&worker=W1' })
    expect(res.statusCode).toBe(200)
    const fc = res.json()
    expect(fc.features).toHaveLength(1)
    const f = fc.features[0]
    expect(f.properties.times).toHaveLength(f.geometry.coordinates.length)
    expect(f.properties.times[0]).toBe('2025-06-02T01:00:00Z')
    expect((await app.inject({ url: '/api/patrol/tracks?day=2025-06-03' })).json().features).toEqual([])
  })

  test('days with tracks, for the map\'s date picker', async () => {
    const res = await app.inject({ url: '/api/patrol/tracks/days' })
    expect(res.statusCode).toBe(200)
    const days = res.json().items as Array<{ day: string; trips: number; workers: number; fixes: number }>
    expect(days.map((d) => d.day)).toContain('2025-06-02')
    expect(days.map((d) => d.day)).not.toContain('2025-06-03')
    const d = days.find((x) => x.day === '2025-06-02')!
    expect(d.workers).toBeGreaterThanOrEqual(1)
    expect(d.fixes).toBeGreaterThanOrEqual(d.trips)
  })

  test('street graph: one main network and the lane reported as a disconnected piece', async () => {
    const res = await settled(app, await app.inject({ method: 'POST', url: '/api/patrol/graph' }))
    expect(res.statusCode).toBe(200)
    const lines = await db.knex('streets').count({ n: '*' })
    expect(res.body).toMatchObject({ network: 'default', streets: Number(lines[0].n), components: 2 })
    expect(res.body.disconnected.count).toBe(1)
    expect(res.body.disconnected.length_m).toBeGreaterThan(90)
    expect(res.body.disconnected.length_m).toBeLessThan(100)
    const edges = await db.knex('patrol_graph_edges').count({ n: '*' })
    expect(Number(edges[0].n)).toBe(res.body.edges)
    // edges keep their street and their length agrees with PostGIS on the spheroid (projection scale < 0.1%)
    const [{ worst }] = (await db.knex.raw('SELECT max(abs(e.length_m / ST_Length(e.geom::geography) - 1)) AS worst FROM patrol_graph_edges e')).rows
    expect(worst).toBeLessThan(1e-3)
    const summary = (await app.inject({ url: '/api/patrol/graph' })).json()
    expect(summary.stale).toBe(false)
  })

  test('coverage: the walked cells are visited, as PostGIS finds them within 10 m of the trip', async () => {
    const res = await settled(app, await app.inject({ url: `/api/patrol/coverage?layout=${layout}&from=2025-06-01&to=2025-06-02&cells=true` }))
    expect([200, 201]).toContain(res.statusCode) // 201: answered through the job after a 202
    const body = res.body
    const { rows } = await db.knex.raw(
      `SELECT c.idx FROM cells c JOIN patrol_trips t ON ST_DWithin(c.geom::geography, ST_Force2D(t.geom)::geography, 10)
       WHERE c.layout_id = ? AND t.day = '2025-06-02' ORDER BY c.idx`, [layout])
    const visited = body.cells.filter((c: any) => c.visited_days > 0).map((c: any) => c.idx)
    expect(visited).toEqual(rows.map((r: any) => r.idx))
    expect(body.by_day.map((d: any) => d.visited)).toEqual([0, visited.length])
    expect(body.by_day[1].rate).toBeCloseTo(visited.length / body.summary.cells, 4)
    // the walk runs along the middle street: most of its ~1.9 km of street is covered that day
    expect(body.by_day[1].street_covered_km).toBeGreaterThan(1.6)
    expect(body.by_grid.map((g: any) => g.grid).sort()).toEqual(['00101', '00201'])
    expect(body.by_worker).toHaveLength(1)
    expect(body.by_worker[0].days[1].cells_visited).toBe(visited.length)
    expect(body.by_worker[0].days[1].own_visited).toBeLessThan(visited.length) // W1 walked into W2's half too
    expect(body.not_visited.cells.length).toBe(body.summary.cells - visited.length)
    const bad = await app.inject({ url: `/api/patrol/coverage?layout=${layout}&from=2025-06-05&to=2025-06-01` })
    expect(bad.statusCode).toBe(400)
    expect((await app.inject({ url: '/api/patrol/coverage?layout=999&from=2025-06-01&to=2025-06-01' })).statusCode).toBe(404)
  })

  test('plan: every cell covered by its grid\'s worker, priority cells dwelt at; GPX, GeoJSON and the route sheet', async () => {
    const cells = await db.knex('cells').where({ layout_id: layout }).orderBy('idx').select('code')
    const priorities = Object.fromEntries(cells.map((c: any, i: number) => [c.code, i % 5 === 0 ? 3 + i : 0]))
    const res = await settled(app, await app.inject({
      method: 'POST', url: '/api/patrol/plans',
      payload: { layout, day: '2025-06-02', priorities, hot_share: 0.2, max_iterations: 200, time_budget_ms: 60_000 },
    }))
    expect(res.statusCode).toBe(201)
    const plan = res.body
    expect(plan.uncovered).toEqual([])
    expect(plan.routes.map((r: any) => [r.worker, r.shift])).toEqual([['W1', '09:00-11:00'], ['W2', '09:00-11:00']])
    const covered = plan.routes.flatMap((r: any) => r.stops.map((s: any) => s.cell)).sort()
    expect(covered).toEqual(cells.map((c: any) => c.code).sort())
    expect(plan.objective.dwellValue).toBeGreaterThan(0)
    expect(plan.dwell_ratio).toBeGreaterThanOrEqual(1)
    for (const r of plan.routes) {
      expect(r.duration_min).toBeLessThanOrEqual(120 + 1e-6)
      expect(r.stops[0].arrive_at >= '09:00').toBe(true)
      expect(r.geometry.coordinates.length).toBeGreaterThan(2)
    }
    const stored = (await app.inject({ url: `/api/patrol/plans/${plan.id}` })).json()
    expect(stored.objective).toEqual(plan.objective)

    const gpx = await app.inject({ url: `/api/patrol/plans/${plan.id}.gpx?worker=W1` })
    expect(gpx.statusCode).toBe(200)
    expect(gpx.headers['content-type']).toMatch(/gpx/)
    expect(gpx.body).toMatch(/<trk><name>W1 张三 09:00-11:00<\/name>/)
    expect(gpx.body.match(/<wpt /g)).toHaveLength(plan.routes[0].stops.length)
    const gj = (await app.inject({ url: `/api/patrol/plans/${plan.id}.geojson` })).json()
    expect(gj.features.filter((f: any) => f.properties.kind === 'route')).toHaveLength(2)
    expect(gj.features.filter((f: any) => f.properties.kind === 'stop')).toHaveLength(cells.length)
    const html = await app.inject({ url: `/api/patrol/plans/${plan.id}.html` })
    expect(html.headers['content-type']).toMatch(/text\/html/)
    expect(html.body).toContain('巡查路线单 · 2025-06-02')
    expect(html.body).toContain('<svg')
    expect(html.body).toContain('@media print')
    expect((html.body.match(/<section class="sheet">/g) ?? []).length).toBe(2)
    expect((await app.inject({ url: `/api/patrol/plans/${plan.id}.gpx?worker=W9` })).statusCode).toBe(404)
    expect((await app.inject({ url: '/api/patrol/plans/12345' })).statusCode).toBe(404)
  })
})
