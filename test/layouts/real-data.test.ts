/**
 * Layouts on real boundaries, through the districts import and the HTTP API: the 26 Boston
 * neighbourhoods (WGS84, imported as communities of one district) and the 东城区 boundary, which
 * comes in GCJ-02 and is converted on import. Square and H3 layouts must tile each district.
 */
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/http/context'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import type { LayoutStats } from '../../server/layouts/schema'
import { openTestDatabase } from '../helpers/db'
import { testApp } from '../helpers/http'
import { realDataDir, REAL_DATA_SKIP } from '../helpers/paths'
import { layoutInvariants, tiles } from './invariants'

/** Boston's neighbourhoods have no codes: they become communities 001… of this made-up district */
const BOSTON = '990001'
/** 东城区's adcode */
const DONGCHENG = '110101'

describe.skipIf(!realDataDir)(`layouts on Boston neighbourhoods and the Dongcheng boundary (${REAL_DATA_SKIP})`, () => {
  let db: Database
  let app: App
  beforeAll(async () => {
    db = await openTestDatabase()
    await importDistricts(db, join(realDataDir!, 'boston-311-2015/neighborhoods.geojson'), {
      level: 'community', nameField: 'Name', autoCode: true, createDistrict: { code: BOSTON, name_zh: '波士顿', name_en: 'Boston' },
    })
    await importDistricts(db, resolve(realDataDir!, 'beijing/dongcheng-boundary.geojson'), { crs: 'GCJ02' })
    app = await testApp(db)
  }, 300_000)
  afterAll(async () => {
    await app?.close()
    await db?.close()
  })

  /** POSTs a layout and, when it runs as a job, polls it to the end. */
  async function post(payload: Record<string, unknown>): Promise<{ id: number; cell_count: number; metric_crs: string; stats: LayoutStats }> {
    const res = await app.inject({ method: 'POST', url: '/api/layouts', payload })
    if (res.statusCode === 201) return res.json()
    expect(res.statusCode, res.body).toBe(202)
    for (;;) {
      const job = (await app.inject({ method: 'GET', url: res.headers.location as string })).json()
      if (job.status === 'done') return job.result
      if (job.status === 'failed') throw new Error(JSON.stringify(job.error))
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  const cases = [
    // Boston's largest neighbourhoods are ~13 km²: 200 m squares keep each under 999 cells
    { name: 'Boston, 200 m squares', scope: BOSTON, req: { kind: 'square', target_area_m2: 40_000 }, crs: 'EPSG:32619', communities: true },
    { name: 'Boston, H3 res 9', scope: BOSTON, req: { kind: 'h3', resolution: 9 }, crs: 'EPSG:32619', communities: true },
    // 东城区 (~42 km²) has no community boundaries here: all cells are numbered in community 000
    { name: '东城区, 250 m squares', scope: DONGCHENG, req: { kind: 'square', target_area_m2: 62_500 }, crs: 'EPSG:4548', communities: false },
    { name: '东城区, H3 res 10', scope: DONGCHENG, req: { kind: 'h3', resolution: 10 }, crs: 'EPSG:4548', communities: false },
  ] as const

  for (const c of cases) {
    test(`${c.name}: tiles the district (union within 0.01%, no overlap, valid, one community each)`, async () => {
      const l = await post({ ...c.req, scope: c.scope })
      expect(l.metric_crs).toBe(c.crs)
      expect(l.cell_count).toBeGreaterThan(100)
      const inv = await layoutInvariants(db, l.id)
      // H3 cells keep their hexagon across community lines (their community is the one holding the centre)
      const checked = c.req.kind === 'h3' ? { ...inv, outsideCommunity: 0 } : inv
      expect(tiles(checked, { communities: c.communities }), JSON.stringify(inv)).toBe(true)
      expect(l.stats.coverage).toBeGreaterThan(0.9999)
      const [{ n, distinct }] = (await db.knex.raw(
        'SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct FROM cells WHERE layout_id = ?', [l.id])).rows
      expect(distinct).toBe(n)
      console.log(JSON.stringify({ layout: c.name, cells: l.cell_count, median_m2: Math.round(l.stats.area.median_m2), phases_ms: l.stats.timings_ms }))
    })
  }
})
