/**
 * The counting cube (cell and local report day per case, as two arrays) against the cube from one
 * row per case with its exact report time: same counts, axis and reasons for every step, offset and
 * partial-step choice, with cases exactly at and a microsecond before local midnights, on corners
 * shared by four cells (counted once, in the lowest idx), outside every cell and outside the axis.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { findLayout, type LayoutInfo } from '../../server/analyses/repository'
import { validated } from '../../server/analyses/service'
import { cellCountCube, cellCube, type TimeAxisSpec } from '../../server/analyses/time-axis'
import type { RunContext } from '../../server/analyses/kind'
import { CaseFilterQuery } from '../../server/cases/filters'
import { seededRandom } from '../../server/shared/random'
import { openTestDatabase } from '../helpers/db'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'
import { insertCases, insertSquareLayout, type TestCase } from '../analyses/fixtures'

const H = 3600e3
const DAY = 24 * H
const MIDNIGHT_CST = Date.parse('2025-01-06T00:00:00+08:00') // a Monday

let db: Database
let layout: LayoutInfo

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
  const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
  layout = await findLayout(db, await insertSquareLayout(db, id, 250))
  const rand = seededRandom(5)
  const cases: TestCase[] = []
  // local midnights of several offsets, exactly and 1 ms before, over ten weeks
  const edges = [480, 0, -300, 345].flatMap((off) => Array.from({ length: 70 }, (_, d) => MIDNIGHT_CST + 8 * H - off * 60e3 + d * DAY))
  for (let k = 0; k < 1500; k++) {
    const lon = TINY.west + rand() * (TINY.east - TINY.west)
    const lat = TINY.south + rand() * (TINY.north - TINY.south)
    const edge = edges[Math.floor(rand() * edges.length)]
    const t = k % 3 === 0 ? edge : k % 3 === 1 ? edge - 1 : MIDNIGHT_CST - 3 * DAY + rand() * 80 * DAY
    cases.push({ lon, lat, category: '0401', reported: new Date(t) })
  }
  // corners shared by four cells, and points outside every cell
  const corners = await db.knex.raw(`SELECT lon, lat FROM (
      SELECT DISTINCT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat FROM cells c, ST_DumpPoints(c.geom) p WHERE c.layout_id = ?
    ) v ORDER BY abs(lon - ?) + abs(lat - ?), lon, lat LIMIT 40`, [layout.id, TINY.mid, (TINY.south + TINY.north) / 2])
  corners.rows.forEach((p: { lon: number; lat: number }, i: number) => cases.push({ lon: p.lon, lat: p.lat, category: '0401', reported: new Date(MIDNIGHT_CST + i * 37 * H) }))
  for (let i = 0; i < 10; i++) cases.push({ lon: TINY.east + 0.05, lat: TINY.north + 0.05, category: '0401', reported: new Date(MIDNIGHT_CST + i * DAY) })
  await insertCases(db, cases)
  // microseconds: a microsecond before midnight stays on the day before
  await db.knex.raw(`UPDATE cases SET reported_at = reported_at + interval '999 microseconds' WHERE id % 3 = 2`)
}, 120_000)
afterAll(async () => db?.close())

function ctx(filters: Record<string, unknown> = {}): RunContext {
  return { db, filters: validated(CaseFilterQuery, filters, 'filters'), layout, asOf: new Date() }
}

const specs: Array<Partial<TimeAxisSpec>> = [
  { step: 'day' },
  { step: 'day', utc_offset_minutes: 0, partial_last_step: 'keep', start: '2025-01-08', end: '2025-02-20' },
  { step: 'week' },
  { step: 'week', utc_offset_minutes: -300, start: '2025-01-06' },
  { step: 'week', utc_offset_minutes: 345, partial_last_step: 'keep' },
  { step: 'month', start: '2025-01-03', partial_last_step: 'keep' },
  { step: 'month', utc_offset_minutes: -300 },
]

describe('counting cube', () => {
  for (const s of specs) {
    test(`equals the per-case cube: ${JSON.stringify(s)}`, async () => {
      const spec: TimeAxisSpec = { utc_offset_minutes: 480, partial_last_step: 'drop', ...s } as TimeAxisSpec
      const exact = await cellCube(ctx(), spec, 1, 'this test')
      const counted = await cellCountCube(ctx(), spec, 1, 'this test')
      expect(counted.cases.n).toBe(exact.cases.n)
      expect(counted.axisReason).toBe(exact.axisReason)
      expect([counted.start, counted.end]).toEqual([exact.start, exact.end])
      expect(counted.cube.outside).toBe(exact.cube.outside)
      expect(Array.from(counted.cube.stepStarts)).toEqual(Array.from(exact.cube.stepStarts))
      expect(Array.from(counted.cube.counts)).toEqual(Array.from(exact.cube.counts))
    })
  }

  test('a case on a corner of four cells is counted once', async () => {
    const spec = { step: 'day', utc_offset_minutes: 480, partial_last_step: 'keep' } as TimeAxisSpec
    const counted = await cellCountCube(ctx(), spec, 1, 'this test')
    const [{ n }] = await db.knex('cases').where('stacked', false).whereRaw('EXISTS (SELECT 1 FROM cells c WHERE c.layout_id = ? AND ST_Intersects(c.geom, cases.geom))', [layout.id]).count<{ n: number }[]>({ n: '*' })
    expect(counted.cases.n).toBe(Number(n))
    expect(counted.cube.counts.reduce((a, b) => a + b, 0) + counted.cube.outside).toBe(Number(n))
  })

  test('filters apply as to the per-case cube', async () => {
    const spec = { step: 'day', utc_offset_minutes: 480, partial_last_step: 'drop' } as TimeAxisSpec
    const filters = { from: '2025-01-10T00:00:00+08:00', to: '2025-02-01T00:00:00+08:00' }
    const exact = await cellCube(ctx(filters), spec, 1, 'this test')
    const counted = await cellCountCube(ctx(filters), spec, 1, 'this test')
    expect(counted.cases.n).toBe(exact.cases.n)
    expect(Array.from(counted.cube.counts)).toEqual(Array.from(exact.cube.counts))
  })
})
