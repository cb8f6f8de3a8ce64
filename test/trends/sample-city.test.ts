/**
 * The sample city's planted trends (data/sample/truth.json: an intensifying, a new and a
 * diminishing hotspot) are recovered by the emerging-hotspots analysis on 100 m unit cells with
 * weekly steps, each in cells overlapping the planted spot; forecast evaluation and patrol effect
 * run on the same city end to end.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { runAnalysis } from '../../server/analyses/service'
import { sampleDir } from '../../server/sample/load'
import { metres, resultRows, sampleCityOnSquares } from '../analyses/fixtures'

interface Planted { id: string; category_codes: string[]; center: [number, number]; radius_m: number; expected_pattern?: string }
const truth = JSON.parse(readFileSync(resolve(sampleDir, 'truth.json'), 'utf8')) as { hotspots: Planted[] }
const trends = truth.hotspots.filter((h) => h.id.startsWith('trend-'))
/** half the diagonal of a 100 m cell: a cell whose centroid is this much farther than the radius still overlaps the disc */
const HALF_DIAGONAL = 71

let db: Database
let layout: number
let centroids: Map<number, [number, number]>

beforeAll(async () => {
  ({ db, layout, centroids } = await sampleCityOnSquares())
}, 600_000)
afterAll(async () => db?.close())

const rows = (id: number) => resultRows(db, id)

describe('sample city: planted trends are recovered by emerging-hotspots', () => {
  test('the truth file plants an intensifying, a new and a diminishing hotspot', () => {
    expect(trends.map((h) => h.expected_pattern).sort()).toEqual(['diminishing', 'intensifying', 'new'])
  })

  /**
   * Each trend asked the way a leader would ask it. The generator plants monthly stories: the
   * intensifying spot climbs every month (weekly steps over the year show it); the diminishing one
   * fades from 210 cases in January to a handful (monthly steps: still a hot spot in each month,
   * significantly less so — with weekly steps its last quiet weeks are no longer significant, so
   * the published rules call it historical instead); the new one opens on 5 November, so it is
   * new at the end of November and, by the published definitions, a consecutive hot spot (two
   * hot months with nothing before) once December is in the cube as well.
   */
  const asked: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
    ['trend-intensifying', {}, { step: 'week' }, 'intensifying-hot-spot'],
    ['trend-diminishing', {}, { step: 'month' }, 'diminishing-hot-spot'],
    ['trend-new', { to: '2025-12-01T00:00:00+08:00' }, { step: 'month' }, 'new-hot-spot'],
    ['trend-new', {}, { step: 'month', end: '2026-01-01' }, 'consecutive-hot-spot'],
  ]
  for (const [id, filters, parameters, key] of asked) {
    const h = trends.find((x) => x.id === id)!
    test(`${id}: ${key} in cells overlapping it (${JSON.stringify({ ...filters, ...parameters })})`, async () => {
      const a = await runAnalysis(db, { kind: 'emerging-hotspots', layout_id: layout, filters: { category: h.category_codes.join(','), ...filters }, parameters })
      const s = a.summary as { time: { steps: number } }
      expect(s.time.steps).toBeGreaterThanOrEqual(10)
      const overlapping = (await rows(a.id)).filter((r) => metres(centroids.get(r.cell as number)!, h.center) <= h.radius_m + HALF_DIAGONAL)
      const found = overlapping.filter((r) => r.category_key === key)
      expect(found.length, `${id}: cells of ${key} among ${overlapping.length} overlapping (${JSON.stringify(overlapping.map((r) => r.category_key))})`).toBeGreaterThan(0)
      // and the opposite story shows up nowhere on the spot
      const opposite = { 'intensifying-hot-spot': 'diminishing-hot-spot', 'diminishing-hot-spot': 'intensifying-hot-spot' }[key] ?? 'historical-hot-spot'
      expect(overlapping.filter((r) => r.category_key === opposite)).toHaveLength(0)
      // the reason names the significant steps and the trend statistic
      expect(found[0].reason_en).toMatch(/hot spot in \d+ of \d+ steps.*Mann-Kendall z = /)
      expect((found[0].hot_steps as number[]).length).toBe(found[0].n_hot)
    }, 120_000)
  }
})

describe('sample city: forecast evaluation and patrol effect', () => {
  test('monthly rolling windows: all four methods scored, street-length scores present, a best method named', async () => {
    const a = await runAnalysis(db, { kind: 'forecast-evaluation', layout_id: layout, filters: { category: '0401,0402' } })
    const s = a.summary as any
    // 2025 in months: train on 3, test on the next → 9 windows
    expect(s.time.windows).toBe(9)
    expect(s.comparison).toHaveLength(4)
    const table = await rows(a.id)
    expect(table).toHaveLength(9 * 4 * 5)
    expect(table.every((r) => typeof r.pai_street === 'number')).toBe(true)
    // stall spots recur at the same markets all year: every map of 5 % of the area forecasts far better than chance
    for (const c of s.comparison) expect(c.mean_pai, c.method).toBeGreaterThan(3)
    expect(['gi-star', 'kde', 'dbscan', 'last-period']).toContain(s.best.method)
  }, 300_000)

  test('patrol effect over the month of tracks gives an estimate with its interval and a plain verdict', async () => {
    const a = await runAnalysis(db, { kind: 'patrol-effect', layout_id: layout, parameters: { change_date: '2025-06-16', window_days: 14, direction: 'any', min_change: 0.2, max_stable: 0.05 } })
    const s = a.summary as any
    expect(s.trips.before).toBeGreaterThan(0)
    expect(s.trips.after).toBeGreaterThan(0)
    expect(s.groups.treated + s.groups.control + s.groups.neither).toBe(s.cells)
    expect(['increase', 'decrease', 'too-few-cells', 'pre-trend', 'ci-spans-zero']).toContain(s.verdict)
    expect(s.conclusive).toBe(s.verdict === 'increase' || s.verdict === 'decrease')
    if (!s.conclusive) expect(s.verdict_en).toMatch(/^No conclusion/)
    if (s.groups.treated >= 10 && s.groups.control >= 10) expect(s.did.ci[0]).toBeLessThanOrEqual(s.did.ci[1])
  }, 300_000)
})
