import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { loadSampleCity } from '../../server/sample/load'
import { listLayouts } from '../../server/layouts/service'
import type { LayoutStats } from '../../server/layouts/schema'
import { openTestDatabase } from '../helpers/db'
import { layoutInvariants, tiles } from './invariants'

let db: Database
beforeAll(async () => {
  db = await openTestDatabase()
  await loadSampleCity(db)
}, 900_000) // the whole sample city (50k cases, patrol, layouts) on a shared 2-core machine
afterAll(async () => { await db?.close() })

describe('the sample city starts with layouts', () => {
  test('10,000 m² squares and H3 res 10 of 望格区, both tiling the district', async () => {
    const layouts = (await listLayouts(db)).reverse()
    expect(layouts.map((l) => [l.kind, l.status])).toEqual([['square', 'ready'], ['h3', 'ready']])
    const [square, h3] = layouts
    // 望格区 is ~25 km²: ~2,500 squares of 10,000 m²
    expect(square.cell_count).toBeGreaterThan(2000)
    expect(square.cell_count).toBeLessThan(3200)
    const s = (square.stats as LayoutStats).area
    expect(s.min_m2).toBeGreaterThanOrEqual(3000)
    expect(s.share_within_30pct).toBeGreaterThan(0.8)
    for (const l of layouts) {
      const inv = await layoutInvariants(db, l.id)
      // H3 cells keep their hexagon across community lines (their community is the one holding the centre)
      const checked = l.kind === 'h3' ? { ...inv, outsideCommunity: 0 } : inv
      expect(tiles(checked), `${l.kind}: ${JSON.stringify(inv)}`).toBe(true)
    }
    expect(h3.params).toMatchObject({ resolution: 10, containment: 'overlap', clip: true })
    // first-start cost of the layouts, reported with the test output
    console.log(JSON.stringify({ sample_layouts_ms: layouts.map((l) => ({ kind: l.kind, cells: l.cell_count, ms: l.duration_ms, phases: (l.stats as LayoutStats).timings_ms })) }))
  })

  test('cases fall in cells: every non-stacked case of the sample lies in exactly one square cell', async () => {
    const [square] = (await listLayouts(db)).reverse()
    const r = (await db.knex.raw(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE hits = 1)::int AS one FROM (
         SELECT k.id, count(c.idx) AS hits FROM cases k LEFT JOIN cells c ON c.layout_id = ? AND ST_Intersects(c.geom, k.geom)
         WHERE NOT k.stacked GROUP BY k.id) t`, [square.id])).rows[0]
    expect(r.n).toBeGreaterThan(10_000)
    expect(r.one / r.n).toBeGreaterThan(0.999)
  })
})
