/**
 * Golden fixtures of odd shapes: each input under fixtures/in is a district file (import format)
 * whose top-level `properties.requests` lists the layouts to draw; the output under fixtures/out
 * holds, per request, the CRS, warnings, area statistics and every cell's code, area (m², 0.1)
 * and neighbour count, next to the tiling invariants.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { createLayout } from '../../server/layouts/service'
import type { LayoutRequest, LayoutStats } from '../../server/layouts/schema'
import { toWgs84 } from '../../server/shared/coords'
import { openTestDatabase } from '../helpers/db'
import { tempFile } from '../helpers/tiny-city'
import { layoutInvariants, tiles } from './invariants'

const dir = new URL('./fixtures/', import.meta.url)
let db: Database
beforeAll(async () => { db = await openTestDatabase() })
afterAll(async () => { await db?.close() })

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d

describe('golden fixtures', () => {
  for (const name of readdirSync(new URL('in/', dir)).filter((f) => f.endsWith('.geojson'))) {
    test(name, async () => {
      const text = readFileSync(new URL(`in/${name}`, dir), 'utf8')
      const input = JSON.parse(text) as { properties: { requests: Array<Partial<LayoutRequest>> }; features: Array<{ properties: { level: string; code: string } }> }
      await importDistricts(db, tempFile(name, text))
      const district = input.features.find((f) => f.properties.level === 'district')!.properties.code
      const results = []
      for (const req of input.properties.requests) {
        const l = await createLayout(db, { ...req, scope: district } as LayoutRequest)
        const stats = l.stats as LayoutStats
        const inv = await layoutInvariants(db, l.id)
        const hasCommunities = input.features.some((f) => f.properties.level === 'community')
        // H3 cells keep their hexagon across community lines (their community is the one holding the centre)
        const checked = req.kind === 'h3' ? { ...inv, outsideCommunity: 0 } : inv
        expect(tiles(checked, { communities: hasCommunities }), JSON.stringify(inv)).toBe(true)
        if (req.kind === 'square') expect(stats.area.min_m2).toBeGreaterThanOrEqual((l.params.sliver_ratio as number) * (l.params.target_area_m2 as number))
        const cells = await db.knex('cells').where({ layout_id: l.id }).orderBy('idx').select('code', 'area_m2', 'neighbours')
        results.push({
          request: req, metric_crs: l.metric_crs, cell_count: l.cell_count,
          warnings: stats.warnings,
          area: { min_m2: round(stats.area.min_m2, 0), median_m2: round(stats.area.median_m2, 0), max_m2: round(stats.area.max_m2, 0), share_within_30pct: round(stats.area.share_within_30pct ?? 0, 3) },
          cells: cells.map((c: { code: string; area_m2: number; neighbours: number[] }) => `${c.code} ${round(c.area_m2, 1).toFixed(1)} m² ${c.neighbours.length} nb`),
        })
      }
      await expect(JSON.stringify(results, null, 1) + '\n').toMatchFileSnapshot(`./fixtures/out/${name.replace('.geojson', '.json')}`)
    })
  }
})

describe('a GCJ-02 boundary declared as WGS84', () => {
  test('is detected against the cases and warned about, with what to do', async () => {
    // true (WGS84) district near Beijing: 1 km × 1 km; the file carries it in GCJ-02, declared WGS84
    const w = 116.40, s = 39.95, e = 116.4117, n = 39.959
    const [gw, gs] = [w - (toWgs84(w, s, 'GCJ02')[0] - w), s - (toWgs84(w, s, 'GCJ02')[1] - s)]
    const dx = gw - w, dy = gs - s
    const ring = [[w, s], [e, s], [e, n], [w, n], [w, s]].map(([x, y]) => [x + dx, y + dy])
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { level: 'district', code: '110199', name_zh: '偏移区' }, geometry: { type: 'Polygon', coordinates: [ring] } }] }
    await importDistricts(db, tempFile('gcj.geojson', JSON.stringify(fc)))
    // cases spread evenly over the true district (where the streets and the problems are)
    const [{ code }] = await db.knex('categories').where({ level: 'minor' }).orderBy('code').limit(1).select('code')
    const rows = []
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) {
      const lon = w + (e - w) * (i + 0.5) / 30, lat = s + (n - s) * (j + 0.5) / 30
      rows.push({ dataset: 'gcj-test', external_id: `${i}-${j}`, category_code: code, source: 'patrol', reported_at: new Date('2024-01-01'), status: 'reported', geom: db.knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat]) })
    }
    await db.knex('cases').insert(rows)
    const l = await createLayout(db, { kind: 'square', scope: '110199' })
    const warning = (l.stats as LayoutStats).warnings.find((m) => m.includes('GCJ-02'))
    expect(warning).toMatch(/looks like GCJ-02 .* declared as WGS84/)
    expect(warning).toContain('--crs GCJ02')
    // the same district declared right raises no warning
    const right = { ...fc, features: [{ ...fc.features[0], properties: { level: 'district', code: '110198', name_zh: '正确区' }, geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } }] }
    await importDistricts(db, tempFile('wgs.geojson', JSON.stringify(right)))
    const ok = await createLayout(db, { kind: 'square', scope: '110198' })
    expect((ok.stats as LayoutStats).warnings.some((m) => m.includes('GCJ-02'))).toBe(false)
  })
})
