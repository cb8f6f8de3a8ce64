/**
 * Real data: Boston 311 of 2015 (WANGGE_REAL_DATA). Graffiti (0106), catch basin (0601, drains)
 * and litter basket (0110) hot spots by optimized hot spot analysis on a fishnet (no layout), the
 * top recurring spots by DBSCAN, and the City Hall geocoder-fallback point (~17,000 cases, flagged
 * stacked on import) kept from becoming a hot spot.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { rowsOf } from '../../server/analyses/render'
import { getResult } from '../../server/analyses/repository'
import type { ResultTable } from '../../server/analyses/kind'
import { renderResult, runAnalysis } from '../../server/analyses/service'
import { openTestDatabase } from '../helpers/db'
import { BOSTON_UTC_OFFSET, importBoston } from '../helpers/boston'
import { realDataDir, REAL_DATA_SKIP } from '../helpers/paths'
import { metres } from './fixtures'

const CITY_HALL: [number, number] = [-71.0587, 42.3594]
const TOPICS = [
  { name: 'graffiti', category: '0106', clustering: 'dbscan', parameters: { eps_m: 50, min_pts: 5 }, minClusters: 20, minWeeks: 10 },
  // 381 catch basin reports over the city: too sparse for one radius, so HDBSCAN
  { name: 'catch basin', category: '0601', clustering: 'hdbscan', parameters: { min_cluster_size: 5 }, minClusters: 5, minWeeks: 3 },
  { name: 'litter basket', category: '0110', clustering: 'dbscan', parameters: { eps_m: 50, min_pts: 5 }, minClusters: 20, minWeeks: 10 },
] as const

type Row = Record<string, any>

describe.skipIf(!realDataDir)(`Boston 311 hot spots and recurring spots (${REAL_DATA_SKIP})`, () => {
  let db: Database
  beforeAll(async () => {
    db = await openTestDatabase()
    await importBoston(db)
  }, 900_000)
  afterAll(async () => db?.close())

  async function rows(id: number): Promise<Row[]> {
    return rowsOf((await getResult<ResultTable>(db, id))!, true)
  }

  for (const topic of TOPICS) {
    test(`${topic.name}: 99 % hot spots, none made by the City Hall fallback point`, async () => {
      const a = await runAnalysis(db, { kind: 'optimized-hotspots', filters: { category: topic.category } })
      const s = a.summary as Row
      const all = await rows(a.id)
      const hot = all.filter((r) => r.bin === 3)
      expect(hot.length, 'cells at 99 %').toBeGreaterThan(0)
      expect(s.choices.find((c: Row) => c.step === 'scale').reason.length).toBeGreaterThan(20)

      // stacked points included, the fallback point's fishnet cell holds hundreds of cases more
      const withStacked = await runAnalysis(db, { kind: 'optimized-hotspots', filters: { category: topic.category, include_stacked: true } })
      const cellOf = async (id: number) => {
        const geo = (await renderResult(db, id, 'geojson')).body as { features: Array<{ geometry: { coordinates: number[][][] }; properties: Row }> }
        return geo.features.find((f) => inside(f.geometry.coordinates[0], CITY_HALL))?.properties
      }
      const excluded = await cellOf(a.id)
      const included = await cellOf(withStacked.id)
      const stacked = Number((await db.knex('cases').where({ stacked: true, category_code: topic.category })
        .whereRaw('ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, 20)', CITY_HALL).count('* as n').first())!.n)
      expect(stacked, 'stacked cases at City Hall').toBeGreaterThan(10)
      expect(included!.cases - (excluded?.cases ?? 0)).toBeGreaterThanOrEqual(stacked)
      expect(included!.bin).toBe(3)
      const maxZ = (rs: Row[]) => Math.max(...rs.map((r) => r.z as number))
      process.stdout.write(`Boston ${topic.name}: ${s.cases} cases, ${s.cells} cells, band ${s.distance_m} m (${s.rule}), ${hot.length} cells at 99 %; ` +
        `City Hall cell without stacked ${JSON.stringify(excluded)}, with ${JSON.stringify(included)}; stacked there ${stacked}; max z ${maxZ(all)} / ${maxZ(await rows(withStacked.id))}\n`)
      // with the fallback point its cell is among the city's busiest and a 99 % hot spot; without
      // it the cell keeps only the few cases really reported there (the optimized scale may still
      // find downtown hot as a whole, which it is)
      const busiest = (rs: Row[]) => rs.map((r) => r.cases as number).sort((x, y) => y - x)[19]
      expect(included!.cases).toBeGreaterThanOrEqual(busiest(await rows(withStacked.id)))
      expect(included!.bin).toBe(3)
      expect((excluded?.cases ?? 0) * 10).toBeLessThan(included!.cases)
      expect(excluded?.cases ?? 0).toBeLessThan(busiest(all))
    })

    test(`${topic.name}: top recurring spots, persistent ones first, none on the fallback point`, async () => {
      const a = await runAnalysis(db, { kind: topic.clustering, filters: { category: topic.category }, parameters: { ...topic.parameters, utc_offset_minutes: BOSTON_UTC_OFFSET } })
      const top = (a.summary as Row).top as Row[]
      process.stdout.write(`Boston ${topic.name}: ${(a.summary as Row).clusters} clusters of ${(a.summary as Row).points} cases\n`)
      expect(top).toHaveLength(Math.min(20, (a.summary as Row).clusters))
      expect(top.length).toBeGreaterThanOrEqual(topic.minClusters)
      process.stdout.write(`Boston ${topic.name}: top recurring spots\n` + top.slice(0, 10).map((c) =>
        `  #${c.rank} ${c.lat.toFixed(5)},${c.lon.toFixed(5)} cases ${c.cases} weeks ${c.distinct_weeks} median gap ${c.median_days_between} d score ${c.recurrence_score}`).join('\n') + '\n')
      // ranked by recurrence: the first spots span many weeks, not one busy day
      expect(top[0].distinct_weeks).toBeGreaterThanOrEqual(topic.minWeeks)
      for (let i = 1; i < top.length; i++) expect(top[i].recurrence_score).toBeLessThanOrEqual(top[i - 1].recurrence_score)
      expect(top.every((c) => metres([c.lon, c.lat], CITY_HALL) > 5)).toBe(true)
    })
  }
})

/** Point in a simple polygon ring (even-odd); the ring is one fishnet square. */
function inside(ring: number[][], [x, y]: readonly [number, number]): boolean {
  let c = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c
  }
  return c
}
