/**
 * Real data: Boston 311 of 2015 (WANGGE_REAL_DATA). Forecast evaluation with monthly rolling
 * windows (train on three months, forecast the next) on 250 m squares over the city, for graffiti
 * (0106) and litter baskets (0110): every method's map of 5 % of the city holds several times the
 * next month's cases a random 5 % would, and the side-by-side table and chart data are complete.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import type { ResultTable } from '../../server/analyses/kind'
import { rowsOf } from '../../server/analyses/render'
import { getResult } from '../../server/analyses/repository'
import { runAnalysis } from '../../server/analyses/service'
import { openTestDatabase } from '../helpers/db'
import { BOSTON_EPSG, BOSTON_UTC_OFFSET, importBoston } from '../helpers/boston'
import { realDataDir, REAL_DATA_SKIP } from '../helpers/paths'
import { insertSquareLayout } from '../analyses/fixtures'

describe.skipIf(!realDataDir)(`Boston 311 forecast evaluation (${REAL_DATA_SKIP})`, () => {
  let db: Database
  let layout: number
  beforeAll(async () => {
    db = await openTestDatabase()
    await importBoston(db)
    const { id } = await db.knex('districts').where({ level: 'district' }).first('id')
    layout = await insertSquareLayout(db, id, 250, BOSTON_EPSG)
  }, 900_000)
  afterAll(async () => db?.close())

  for (const [name, category] of [['graffiti', '0106'], ['litter basket', '0110']] as const) {
    test(`${name}: rolling monthly forecasts, four methods side by side`, async () => {
      const a = await runAnalysis(db, {
        kind: 'forecast-evaluation', layout_id: layout, filters: { category },
        parameters: { utc_offset_minutes: BOSTON_UTC_OFFSET, start: '2015-01-01', end: '2016-01-01' },
      })
      const s = a.summary as any
      expect(s.time.steps).toBe(12)
      expect(s.time.windows).toBe(9)
      const table = rowsOf((await getResult<ResultTable>(db, a.id))!)
      expect(table).toHaveLength(9 * 4 * 5)
      process.stdout.write(`Boston ${name}: ${s.cases} cases, ${s.cells} cells; at 5 % of the area ` +
        s.comparison.map((c: any) => `${c.method} hit ${c.mean_hit_rate} PAI ${c.mean_pai} PEI ${c.mean_pei}`).join('; ') + `; ${s.best.en}\n`)
      for (const c of s.comparison) {
        expect(c.mean_pai, `${c.method}: mean PAI at 5 %`).toBeGreaterThan(2)
        expect(c.mean_pei, `${c.method}: mean PEI`).toBeGreaterThan(0.2)
        expect(c.mean_pei).toBeLessThanOrEqual(1)
      }
      // a wider map catches more of next month's cases, for every method
      for (const series of s.chart.by_share.series) {
        for (let k = 1; k < series.hit_rate.length; k++) expect(series.hit_rate[k]).toBeGreaterThanOrEqual(series.hit_rate[k - 1])
      }
    }, 600_000)
  }
})
