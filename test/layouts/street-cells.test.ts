/**
 * Street-following cells through the layout service: the sample city's streets, water and
 * communities, and an odd district (U shape, an enclave hole, streets crossing its edge,
 * dangling and gapped streets, a river across it). Invariants checked in PostGIS on the stored
 * cells: the union is the scope, no two cells overlap, every cell is valid and lies in exactly
 * one community.
 */
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importBasemap } from '../../server/basemap/import'
import { importDistricts } from '../../server/districts/import'
import { createLayout } from '../../server/layouts/service'
import type { LayoutStats } from '../../server/layouts/schema'
import { sampleDir } from '../../server/sample/load'
import { openTestDatabase } from '../helpers/db'
import { tempFile } from '../helpers/tiny-city'

let db: Database

beforeAll(async () => {
  db = await openTestDatabase()
  await importDistricts(db, resolve(sampleDir, 'districts.geojson'), { filename: 'data/sample/districts.geojson' })
  for (const layer of ['streets', 'water'] as const) {
    await importBasemap(db, layer, resolve(sampleDir, `${layer}.geojson`), { filename: `data/sample/${layer}.geojson`, network: 'sample' })
  }
})
afterAll(async () => { await db?.close() })

interface Invariants {
  n: number
  bad: number
  symdiff_share: number
  overlapping: number
  community_count_not_one: number
  wrong_community: number
}

/** The requirement's invariants, measured in PostGIS on the stored cells of `layout`. */
async function invariants(layout: number, scopeCode: string): Promise<Invariants> {
  const { rows } = await db.knex.raw(`
    WITH c AS (SELECT idx, geom, area_m2, community_id FROM cells WHERE layout_id = :layout),
    s AS (SELECT geom FROM districts WHERE full_code = :scope)
    SELECT
      (SELECT count(*)::int FROM c) AS n,
      (SELECT count(*)::int FROM c WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR NOT area_m2 > 0) AS bad,
      (SELECT ST_Area(ST_SymDifference((SELECT ST_Union(geom) FROM c), s.geom)::geography) / ST_Area(s.geom::geography) FROM s) AS symdiff_share,
      (SELECT count(*)::int FROM c a JOIN c b ON a.idx < b.idx AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')) AS overlapping,
      (SELECT count(*)::int FROM c WHERE (
         SELECT count(*) FROM districts k
         WHERE k.level = 'community' AND k.geom && c.geom AND ST_Area(ST_Intersection(k.geom, c.geom)::geography) > 1e-4 * c.area_m2) <> 1
      ) AS community_count_not_one,
      (SELECT count(*)::int FROM c LEFT JOIN districts k ON k.id = c.community_id
       WHERE k.id IS NULL OR ST_Area(ST_Intersection(k.geom, c.geom)::geography) < 0.9999 * ST_Area(c.geom::geography)) AS wrong_community`,
  { layout, scope: scopeCode })
  return rows[0] as Invariants
}

function expectInvariants(inv: Invariants) {
  expect(inv.n).toBeGreaterThan(0)
  expect(inv.bad).toBe(0)
  expect(inv.symdiff_share).toBeLessThan(1e-4)
  expect(inv.overlapping).toBe(0)
  expect(inv.community_count_not_one).toBe(0)
  expect(inv.wrong_community).toBe(0)
}

describe('street cells on the sample city', () => {
  test('tile the district along streets, near the target area', async () => {
    const layout = await createLayout(db, { kind: 'street', scope: '330199', network: 'sample' })
    const stats = layout.stats as LayoutStats
    expect(layout.status).toBe('ready')
    expect(stats.area.target_m2).toBe(10_000)
    expect(stats.area.share_within_30pct).toBeGreaterThan(0.9)
    expect(Math.abs(stats.coverage - 1)).toBeLessThan(1e-4)
    expect(stats.area.min_m2).toBeGreaterThan(0.3 * 10_000)
    const inv = await invariants(layout.id, '330199')
    expectInvariants(inv)
    // most cell boundaries are streets where blocks allow: merged and whole blocks exist
    const { rows } = await db.knex.raw(`SELECT attrs->>'origin' AS origin, count(*)::int AS n FROM cells WHERE layout_id = ? GROUP BY 1`, [layout.id])
    const byOrigin = Object.fromEntries((rows as Array<{ origin: string; n: number }>).map((r) => [r.origin, r.n]))
    expect(byOrigin.cut).toBeGreaterThan(0)
    expect((byOrigin.block ?? 0) + (byOrigin.merged ?? 0)).toBeGreaterThan(0)
    // the river is cells of its own
    const [{ n: water }] = (await db.knex.raw(`SELECT count(*)::int AS n FROM cells WHERE layout_id = ? AND attrs->>'water' = 'true'`, [layout.id])).rows
    expect(water).toBeGreaterThan(0)
  })

  test('a larger target gives fewer, larger cells and still tiles one street (街道) scope', async () => {
    const layout = await createLayout(db, { kind: 'street', scope: '330199001', network: 'sample', target_area_m2: 40_000 })
    const stats = layout.stats as LayoutStats
    expect(stats.area.median_m2).toBeGreaterThan(0.7 * 40_000)
    expect(stats.area.median_m2).toBeLessThan(1.3 * 40_000)
    expectInvariants(await invariants(layout.id, '330199001'))
  })

  test('a network without streets in the scope is refused, naming the networks there', async () => {
    await expect(createLayout(db, { kind: 'street', scope: '330199', network: 'osm' }))
      .rejects.toMatchObject({ code: 'WG_STREET_NETWORK_EMPTY', message: expect.stringContaining('sample (') })
    const [{ n }] = (await db.knex.raw(`SELECT count(*)::int AS n FROM layouts WHERE status <> 'ready'`)).rows
    expect(n).toBe(0)
  })

  test('unknown or inconsistent options are refused', async () => {
    await expect(createLayout(db, { kind: 'street', scope: '330199', network: 'sample', options: { improve_upto: 1.2 } }))
      .rejects.toMatchObject({ code: 'WG_BAD_PARAMETER', message: expect.stringContaining('options.improve_upto') })
    await expect(createLayout(db, { kind: 'street', scope: '330199', network: 'sample', options: { improve_below: 0.9, improve_up_to: 0.5 } }))
      .rejects.toMatchObject({ code: 'WG_BAD_PARAMETER' })
  })
})

// ── an odd district ─────────────────────────────────────────────────────────────────────────
// metres east/north of (120.30 E, 30.10 N) → lon/lat (local equirectangular: fine at 1 km)
const LON0 = 120.3
const LAT0 = 30.1
const M_PER_DEG_LAT = 110_850
const M_PER_DEG_LON = 96_420
const ll = ([x, y]: number[]) => [LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT]
const ring = (pts: number[][]) => [...pts, pts[0]].map(ll)
const box = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

/**
 * U-shaped district 1000 × 800 m with a 400 × 500 m notch from the top and an enclave hole,
 * split into a west and an east community at x = 500 (which only runs through the U's base).
 */
async function importOddDistrict() {
  const uShape = [[0, 0], [1000, 0], [1000, 800], [700, 800], [700, 300], [300, 300], [300, 800], [0, 800]]
  const hole = box(100, 200, 180, 260).reverse()
  const west = [[0, 0], [500, 0], [500, 300], [300, 300], [300, 800], [0, 800]]
  const east = [[500, 0], [1000, 0], [1000, 800], [700, 800], [700, 300], [500, 300]]
  const mp = (...rings: number[][][]) => ({ type: 'MultiPolygon', coordinates: [rings.map(ring)] })
  const f = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry })
  await importDistricts(db, tempFile('odd.geojson', JSON.stringify({
    type: 'FeatureCollection',
    features: [
      f({ level: 'district', code: '330197', name_zh: '奇形区' }, mp(uShape, hole)),
      f({ level: 'street', code: '001', parent_code: '330197', name_zh: '奇形街道' }, mp(uShape, hole)),
      f({ level: 'community', code: '001', parent_code: '001', name_zh: '西社区' }, mp(west, hole)),
      f({ level: 'community', code: '002', parent_code: '001', name_zh: '东社区' }, mp(east)),
    ],
  })))
  const line = (pts: number[][], cls = 'local') => f({ class: cls }, { type: 'LineString', coordinates: pts.map(ll) })
  await importBasemap(db, 'streets', tempFile('odd-streets.geojson', JSON.stringify({
    type: 'FeatureCollection',
    features: [
      line([[-50, 150], [1050, 150]], 'arterial'), // crosses the district's edge at both ends and the enclave
      line([[250, -30], [250, 820]]), // through the west arm, beyond both edges
      line([[850, 0], [850, 800]]), // ends on the edge
      line([[600, 150], [600, 260]]), // dead end
      line([[80, 600], [200, 600]]), // floating segment touching nothing
      line([[0, 450], [240, 450]]), // stops 10 m short of the x = 250 street: a gap
      line([[400, 150], [430, 220], [380, 280], [420, 150]]), // self-crossing scribble
    ],
  })), { network: 'odd' })
  // a network that closes no block at all: two dead ends and a floating line
  await importBasemap(db, 'streets', tempFile('odd-dangles.geojson', JSON.stringify({
    type: 'FeatureCollection',
    features: [line([[850, 0], [850, 500]]), line([[0, 450], [240, 450]]), line([[80, 600], [200, 600]])],
  })), { network: 'dangles' })
  await importBasemap(db, 'water', tempFile('odd-water.geojson', JSON.stringify({
    type: 'FeatureCollection',
    features: [
      f({ kind: 'river' }, { type: 'Polygon', coordinates: [ring(box(-100, 60, 1100, 90))] }),
      f({ kind: 'river_centerline' }, { type: 'LineString', coordinates: [[-100, 75], [1100, 75]].map(ll) }),
    ],
  })))
}

describe('street cells on odd shapes', () => {
  // after the sample city's tests: a water import replaces the whole water layer
  beforeAll(importOddDistrict)

  test('U shape with a hole, edge-crossing, dangling and gapped streets and a river', async () => {
    const layout = await createLayout(db, { kind: 'street', scope: '330197', network: 'odd' })
    const stats = layout.stats as LayoutStats
    expectInvariants(await invariants(layout.id, '330197'))
    expect(stats.area.share_within_30pct).toBeGreaterThan(0.7)
    // no cell in the enclave
    const [{ n }] = (await db.knex.raw(`
      SELECT count(*)::int AS n FROM cells c, districts d
      WHERE c.layout_id = ? AND d.full_code = '330197' AND NOT ST_CoveredBy(ST_PointOnSurface(c.geom), d.geom)`, [layout.id])).rows
    expect(n).toBe(0)
  })

  test('a network closing no block falls back to community boundaries and straight cuts, with a warning', async () => {
    const layout = await createLayout(db, { kind: 'street', scope: '330197', network: 'dangles', target_area_m2: 5_000 })
    const stats = layout.stats as LayoutStats
    expectInvariants(await invariants(layout.id, '330197'))
    expect(stats.warnings.join(' ')).toMatch(/closes few blocks/)
    expect(stats.area.share_within_30pct).toBeGreaterThan(0.8)
  })

  test('small targets on the same district keep the invariants (many cuts, many merges)', async () => {
    for (const target of [1_500, 60_000]) {
      const layout = await createLayout(db, { kind: 'street', scope: '330197', network: 'odd', target_area_m2: target })
      expectInvariants(await invariants(layout.id, '330197'))
    }
  })
})
