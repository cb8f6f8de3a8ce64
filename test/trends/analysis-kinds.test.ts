/**
 * The trend analysis kinds through the analyses service on the tiny district (100 m squares):
 * emerging hot spots recover planted intensifying, new and diminishing spots; forecast evaluation
 * scores each method on the window after its training window; patrol effect finds a planted drop
 * in cells whose patrol began at the change date, and refuses to conclude without tracks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import type { ResultTable } from '../../server/analyses/kind'
import { rowsOf } from '../../server/analyses/render'
import { getResult } from '../../server/analyses/repository'
import { renderResult, runAnalysis } from '../../server/analyses/service'
import { AppError } from '../../server/shared/errors'
import { seededRandom } from '../../server/shared/random'
import { openTestDatabase } from '../helpers/db'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { insertCases, insertSquareLayout, type TestCase } from '../analyses/fixtures'

const H = 3600e3
const DAY = 24 * H
const WEEK = 7 * DAY
const MONDAY = Date.parse('2025-01-06T00:00:00+08:00')
const WEEKS = 20
const INTENSIFYING: [number, number] = [120.154, 30.2635]
const NEW: [number, number] = [120.165, 30.2665]
const DIMINISHING: [number, number] = [120.1545, 30.268]
const DEG_PER_M_LAT = 1 / 111_195
const DEG_PER_M_LON = 1 / (111_195 * Math.cos((30.265 * Math.PI) / 180))

let db: Database
let layout: number

function around(rand: () => number, c: [number, number], r: number): [number, number] {
  const a = rand() * 2 * Math.PI
  const d = Math.sqrt(rand()) * r
  return [c[0] + Math.cos(a) * d * DEG_PER_M_LON, c[1] + Math.sin(a) * d * DEG_PER_M_LAT]
}

/** Weekly cases: background everywhere, and three spots with planted histories (category 0401). */
function trendCases(): TestCase[] {
  const rand = seededRandom(11)
  const out: TestCase[] = []
  const at = (week: number) => new Date(MONDAY + week * WEEK + Math.floor(rand() * 7 * 24) * H)
  for (let w = 0; w < WEEKS; w++) {
    for (let k = 0; k < 250; k++) {
      const lon = TINY.west + 0.0005 + rand() * (TINY.east - TINY.west - 0.001)
      const lat = TINY.south + 0.0005 + rand() * (TINY.north - TINY.south - 0.001)
      out.push({ lon, lat, category: '0401', reported: at(w) })
    }
    const plant = (c: [number, number], k: number) => {
      for (let j = 0; j < k; j++) {
        const [lon, lat] = around(rand, c, 60)
        out.push({ lon, lat, category: '0401', reported: at(w) })
      }
    }
    plant(INTENSIFYING, 12 + 2 * w)
    plant(DIMINISHING, 52 - 2 * w)
    if (w === WEEKS - 1) plant(NEW, 40)
  }
  return out
}

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
  layout = await insertSquareLayout(db, id, 100)
  await insertCases(db, trendCases())
}, 120_000)
afterAll(async () => db?.close())

async function rows(id: number): Promise<Array<Record<string, any>>> {
  return rowsOf((await getResult<ResultTable>(db, id))!, true)
}

async function cellIdx(lon: number, lat: number): Promise<number> {
  const { idx } = await db.knex('cells').where({ layout_id: layout })
    .whereRaw('ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [lon, lat]).orderBy('idx').first('idx')
  return idx
}

describe('emerging-hotspots', () => {
  const params = { start: '2025-01-06', end: '2025-05-26', step: 'week', weights: 'contiguity' }

  test('planted intensifying, new and diminishing spots get their categories, with reason and series', async () => {
    const a = await runAnalysis(db, { kind: 'emerging-hotspots', layout_id: layout, parameters: params })
    expect(a.status).toBe('done')
    const s = a.summary as any
    expect(s.time.steps).toBe(WEEKS)
    expect(s.time.step_starts[0]).toBe('2025-01-06')
    expect(s.legend).toHaveLength(17)
    expect(s.legend.find((l: any) => l.key === 'new-hot-spot')).toMatchObject({ code: 1, zh: '新热点' })
    const table = await rows(a.id)
    expect(Object.values(s.categories).reduce((x: number, y: any) => x + y, 0)).toBe(table.length)
    for (const [at, key] of [[INTENSIFYING, 'intensifying-hot-spot'], [NEW, 'new-hot-spot'], [DIMINISHING, 'diminishing-hot-spot']] as const) {
      const idx = await cellIdx(at[0], at[1])
      const r = table.find((x) => x.cell === idx)!
      expect(r.category_key, `${key} at ${at}`).toBe(key)
      expect(r.color).toMatch(/^#[0-9a-f]{6}$/)
      expect(r.series_cases).toHaveLength(WEEKS)
      expect(r.series_z).toHaveLength(WEEKS)
      expect(r.series_cases.reduce((x: number, y: number) => x + y, 0)).toBe(r.cases)
      expect(r.reason_en.startsWith(r.category_en)).toBe(true)
      expect(r.reason_zh.startsWith(r.category_zh)).toBe(true)
    }
    const idx = await cellIdx(NEW[0], NEW[1])
    const fresh = table.find((x) => x.cell === idx)!
    expect(fresh.hot_steps).toEqual([WEEKS - 1])
    expect(fresh.final_bin).toBeGreaterThan(0)
    const upIdx = await cellIdx(INTENSIFYING[0], INTENSIFYING[1])
    const inten = table.find((x) => x.cell === upIdx)!
    expect(inten.trend).toBe(1)
    expect(inten.trend_p).toBeLessThan(0.1)
    expect(inten.count_trend).toBe(1)
  })

  test('renders as GeoJSON polygons and CSV with the series as JSON text', async () => {
    const a = await runAnalysis(db, { kind: 'emerging-hotspots', layout_id: layout, parameters: { ...params, fdr: true, time_step_interval: 2 } })
    expect((a.summary as any).space_time).toMatchObject({ fdr: true, time_step_interval: 2 })
    const geo = (await renderResult(db, a.id, 'geojson')).body as any
    expect(geo.features[0].geometry.type).toMatch(/Polygon/)
    expect(geo.features[0].properties.series_z).toHaveLength(WEEKS)
    const csv = (await renderResult(db, a.id, 'csv')).body as string
    expect(csv.split('\n')[0]).toContain('category_key')
  })

  test('too few steps and a bad start are refused with a 400 naming the field', async () => {
    const short = await runAnalysis(db, { kind: 'emerging-hotspots', layout_id: layout, parameters: { ...params, step: 'month' } }).catch((e) => e)
    expect(short).toBeInstanceOf(AppError)
    expect(short.status).toBe(400)
    expect(short.message).toMatch(/step.*at least 10/)
    const bad = await runAnalysis(db, { kind: 'emerging-hotspots', layout_id: layout, parameters: { ...params, start: '2025-13-01' } }).catch((e) => e)
    expect(bad.status).toBe(400)
    expect(bad.message).toMatch(/start/)
  })
})

describe('forecast-evaluation', () => {
  test('one row per window, method and share; scores agree with their definitions', async () => {
    const a = await runAnalysis(db, {
      kind: 'forecast-evaluation', layout_id: layout,
      parameters: { start: '2025-01-06', end: '2025-05-26', step: 'week', train_steps: 4, test_steps: 2, stride: 2, area_shares: [0.02, 0.05] },
    })
    const s = a.summary as any
    // 20 weeks: training windows of 4 starting every 2 weeks while 2 test weeks fit → 8 windows
    expect(s.time.windows).toBe(8)
    const table = await rows(a.id)
    expect(table).toHaveLength(8 * 4 * 2)
    for (const r of table) {
      expect(r.hit_rate).toBeCloseTo(r.hits / r.test_cases, 3)
      expect(Math.abs(r.pai - r.hit_rate / r.flagged_area_share) / r.pai).toBeLessThan(0.005) // all three rounded to 4 decimals
      expect(r.pei).toBeLessThanOrEqual(1)
      expect(r.pai_street).toBeNull() // no streets imported
    }
    // the spots hold a large share of each week's cases, so every method beats a random map
    for (const c of s.comparison) expect(c.mean_pai).toBeGreaterThan(2)
    expect(s.chart.by_window.x).toHaveLength(8)
    expect(s.chart.by_share.series.map((x: any) => x.method)).toEqual(['gi-star', 'kde', 'dbscan', 'last-period'])
    expect(s.best.en).toMatch(/forecast the next 2 week/)
    const geo = (await renderResult(db, a.id, 'geojson')).body as any
    expect(geo.features[0].geometry).toBeNull()
  })

  test('the headline share must be one of the shares', async () => {
    const e = await runAnalysis(db, { kind: 'forecast-evaluation', layout_id: layout, parameters: { area_shares: [0.1], headline_share: 0.05 } }).catch((x) => x)
    expect(e.status).toBe(400)
    expect(e.message).toMatch(/headline_share/)
  })
})

describe('patrol-effect', () => {
  const CONTROL_LAT = 30.2615
  const TREATED_LAT = 30.2685
  const CHANGE = Date.parse('2025-06-15T00:00:00+08:00')

  beforeAll(async () => {
    const { knex } = db
    const [{ id: worker }] = await knex('patrol_workers').insert({ code: 'W1', name_zh: '巡查员一' }).returning('id')
    const trip = async (day: number, lat: number, hour: number) => {
      const t0 = CHANGE + day * DAY + hour * H
      const pts: string[] = []
      for (let k = 0; k <= 100; k++) pts.push(`${TINY.west + 0.0002 + k * 0.000196} ${lat} ${(t0 + k * 15_000) / 1000}`)
      await knex.raw(`INSERT INTO patrol_trips (worker_id, day, started_at, ended_at, fixes, length_m, geom)
        VALUES (?, ?::date, to_timestamp(?), to_timestamp(?), 101, 1900, ST_GeomFromText(?, 4326))`,
      [worker, new Date(t0 + 8 * H).toISOString().slice(0, 10), t0 / 1000, (t0 + 100 * 15_000) / 1000, `LINESTRING M (${pts.join(', ')})`])
    }
    for (let d = -14; d < 14; d++) {
      await trip(d, CONTROL_LAT, 9)
      if (d >= 0) await trip(d, TREATED_LAT, 14)
    }
    // cases along both lanes: same rates before, fewer along the newly patrolled lane after
    const rand = seededRandom(5)
    const cases: TestCase[] = []
    for (let k = 0; k < 19; k++) {
      const lon = TINY.west + 0.0005 + k * 0.001
      for (const [lat, perWindow] of [[CONTROL_LAT, [4, 4, 4]], [TREATED_LAT, [4, 4, 1]]] as const) {
        perWindow.forEach((base, win) => {
          const count = base + Math.floor(rand() * 3)
          for (let j = 0; j < count; j++) cases.push({ lon, lat, category: '0201', reported: new Date(CHANGE + (win - 2) * 14 * DAY + Math.floor(rand() * 14 * 24) * H) })
        })
      }
    }
    await insertCases(db, cases, 'patrol-test')
  }, 60_000)

  test('cells patrolled from the change date show a drop against steadily patrolled cells', async () => {
    const a = await runAnalysis(db, {
      kind: 'patrol-effect', layout_id: layout, filters: { category: '0201' },
      parameters: { change_date: '2025-06-15', window_days: 14, tolerance_m: 0 },
    })
    const s = a.summary as any
    expect(s.trips).toEqual({ before: 14, after: 28 })
    expect(s.groups.treated).toBeGreaterThanOrEqual(15)
    expect(s.groups.control).toBeGreaterThanOrEqual(15)
    expect(s.verdict).toBe('decrease')
    expect(s.conclusive).toBe(true)
    expect(s.did.estimate).toBeLessThan(-1.5)
    expect(s.did.ci[1]).toBeLessThan(0)
    expect(s.pre_trend.ci[0]).toBeLessThan(0)
    expect(s.pre_trend.ci[1]).toBeGreaterThan(0)
    expect(s.verdict_zh).toMatch(/下降/)
    const table = await rows(a.id)
    const treated = table.filter((r) => r.group === 'treated')
    expect(treated.every((r) => r.coverage_before === 0 && r.coverage_after === 1)).toBe(true)
  })

  test('without tracks in the windows it says it cannot conclude', async () => {
    const a = await runAnalysis(db, {
      kind: 'patrol-effect', layout_id: layout, filters: { category: '0201' },
      parameters: { change_date: '2025-09-01', window_days: 14 },
    }).catch((e) => e)
    // no case of 0201 in those windows either: the selection still has cases, the windows do not
    const s = a.summary as any
    expect(s.conclusive).toBe(false)
    expect(s.verdict).toBe('too-few-cells')
    expect(s.verdict_en).toMatch(/^No conclusion/)
    expect(s.notes[0].en).toMatch(/No patrol trips are stored/)
  })
})
