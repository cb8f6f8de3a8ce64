/**
 * Balanced responsibility grids on real boundaries (WANGGE_REAL_DATA): layouts drawn by the
 * layouts service, zoned by the zoning service, exported.
 *
 * - Boston: the 26 neighbourhoods (communities of one made-up district), 200 m squares, the 2015
 *   311 cases of January–March as workload (the City Hall geocoder-fallback point left out as stacked). The whole
 *   city falls into separate pieces of land (East Boston, the Harbor Islands), so its balance is
 *   judged on the mainland and nesting is refused; the inner neighbourhoods, one piece of land,
 *   are zoned with and without community nesting.
 * - 东城区: the GCJ-02 boundary (no communities, so no nesting), 250 m squares, street length
 *   (OpenStreetMap car network) plus area as workload.
 *
 * Balance bounds are judged against what the cells allow: a zone's workload moves in steps of
 * whole cells, so `granularity` (heaviest cell ÷ mean zone workload) is the floor below which
 * max/min cannot be pushed; see `balanceBound`.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse as parseCsv } from 'csv-parse/sync'
import type { MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { CaseImportMapping } from '../../server/cases/import/mapping'
import { importCases } from '../../server/cases/import/service'
import { importBasemap } from '../../server/basemap/import'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { renderExport } from '../../server/exports'
import { createLayout } from '../../server/layouts/service'
import type { WorkloadDefinition } from '../../server/zones/schema'
import * as repo from '../../server/zones/repository'
import { computeWorkload, createZoning, loadCellGraph, zoningExportTable, type ZoningView } from '../../server/zones/service'
import { apportion } from '../../server/zones/core/apportion'
import { pieces } from '../../server/zones/core/graph'
import { BOSTON_DISTRICT_CODE, bostonDir, importBoston } from '../helpers/boston'
import { openTestDatabase } from '../helpers/db'
import { tempFile } from '../helpers/tiny-city'
import { projectRoot, realDataDir, REAL_DATA_SKIP } from '../helpers/paths'

/** Boston's neighbourhoods have no codes: they become communities 001… of this made-up district */
const BOSTON = BOSTON_DISTRICT_CODE
/** a second made-up district: the inner neighbourhoods alone */
const BOSTON_INNER = '990002'
/** Boston neighbourhoods each in one piece of land and together one piece */
const INNER = ['Roxbury', 'Jamaica Plain', 'Mission Hill', 'Longwood Medical Area', 'Fenway', 'Back Bay', 'South End', 'Bay Village']
/** 东城区's adcode */
const DONGCHENG = '110101'
/** Bounded by iterations, so the plans are the same on any machine; the budget only guards a stuck run. */
const RUN = { seed: 1, max_iterations: 150_000, time_budget_s: 60 } as const

interface Figures { cv: number; max_over_min: number; contiguous: boolean; mean_compactness: number; iterations: number; warnings: { code: string }[] }

/**
 * The max/min a plan is held to: 1.10 (the target on the sample city) plus twice the
 * granularity — a zone can be a whole heaviest cell above or below the mean when that cell cannot
 * be split — times, with nesting, the floor the communities' own workloads force (a community of
 * 1.5 zones' workload holds one or two zones, so its zones sit at 1.5 or 0.75 of the mean).
 */
function balanceBound(granularity: number, floor = 1): number {
  return floor * (1.1 + 2 * granularity)
}

/** What the cells allow: granularity, and the best max/min and CV when zones nest in communities. */
interface Limits { granularity: number; nestedMaxMin: number; nestedCv: number }

async function limitsOf(db: Database, layout: number, workload: WorkloadDefinition, K: number): Promise<Limits> {
  const g = await loadCellGraph(db, layout)
  const wl = await computeWorkload(db, g, workload)
  let total = 0
  let heaviest = 0
  const groups = new Map<number, { w: number; cells: number }>()
  for (let i = 0; i < g.n; i++) {
    const w = wl.workload[i]
    total += w
    heaviest = Math.max(heaviest, w)
    const e = groups.get(g.community[i]) ?? { w: 0, cells: 0 }
    e.w += w
    e.cells++
    groups.set(g.community[i], e)
  }
  // zones per community as the optimiser hands them out, each community split evenly inside
  const list = [...groups.values()]
  const seats = apportion(Float64Array.from(list, (e) => e.w), K, new Int32Array(list.length).fill(1), Int32Array.from(list, (e) => e.cells))
  const loads = seats ? list.flatMap((e, r) => Array<number>(seats[r]).fill(e.w / seats[r])) : []
  const mean = total / K
  const cv = loads.length ? Math.sqrt(loads.reduce((a, v) => a + (v - mean) ** 2, 0) / loads.length) / mean : NaN
  return { granularity: heaviest / mean, nestedMaxMin: Math.max(...loads) / Math.min(...loads), nestedCv: cv }
}

/**
 * The cases of January–March 2015 (26,788 of 121,145): a few hundred cases per zone is workload
 * enough, and the import takes a quarter of the time of the whole year.
 */
function firstQuarter(gz: string): string {
  const text = gunzipSync(readFileSync(gz)).toString('utf8')
  const header = text.slice(0, text.indexOf('\n'))
  const records = parseCsv(text, { columns: true, raw: true, relax_column_count: true }) as Array<{ record: { OPEN_DT: string }; raw: string }>
  const kept = records.filter((r) => /^0[1-3]\//.test(r.record.OPEN_DT)).map((r) => r.raw.replace(/\r?\n$/, ''))
  return [header, ...kept].join('\n') + '\n'
}

async function checkExports(db: Database, z: ZoningView): Promise<void> {
  const table = await zoningExportTable(db, z.id)
  const geo = JSON.parse((await renderExport(table, 'geojson')).body as string) as { features: Array<{ geometry: Polygon | MultiPolygon | null; properties: { code: string } }> }
  expect(geo.features).toHaveLength(z.k)
  expect(new Set(geo.features.map((f) => f.properties.code)).size).toBe(z.k)
  // a contiguous zone dissolves into one polygon
  const pieces = geo.features.map((f) => (f.geometry?.type === 'Polygon' ? 1 : f.geometry?.coordinates.length ?? 0))
  expect(pieces.filter((n) => n !== 1), 'zones exported as other than one polygon').toEqual([])
  const shp = (await renderExport(table, 'shapefile')).body as Uint8Array
  expect(shp.byteLength).toBeGreaterThan(1000)
}

function report(name: string, z: ZoningView, granularity: number, layoutCells: number, main?: PieceFigures): string {
  const m = z.metrics as unknown as Figures
  const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1e3) / 1e3)
  return JSON.stringify({
    zoning: name, cells: layoutCells, k: z.k, cv: r3(m.cv), max_over_min: r3(m.max_over_min),
    granularity: r3(granularity), contiguous: m.contiguous, mean_compactness: m.mean_compactness, iterations: m.iterations,
    warnings: m.warnings.map((w) => w.code), ...(main && { largest_piece: { ...main, cv: r3(main.cv), max_over_min: r3(main.max_over_min) } }),
  })
}

interface PieceFigures { cells: number; zones: number; cv: number; max_over_min: number }

/** CV and max/min of the zones inside the largest connected piece of the layout's cell graph. */
async function largestPieceFigures(db: Database, z: ZoningView): Promise<PieceFigures> {
  const g = await loadCellGraph(db, z.layout_id)
  const p = pieces(g.adjacency, null)
  let main = 0
  for (let k = 1; k < p.count; k++) if (p.size[k] > p.size[main]) main = k
  const { zone } = await repo.zoneCells(db, z.id, g.n)
  const inMain = new Set<number>()
  for (let i = 0; i < g.n; i++) if (p.label[i] === main) inMain.add(zone[i])
  const w = z.zones.filter((r) => inMain.has(r.zone)).map((r) => r.workload)
  const mean = w.reduce((a, b) => a + b, 0) / w.length
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length)
  return { cells: p.size[main], zones: w.length, cv: sd / mean, max_over_min: Math.max(...w) / Math.min(...w) }
}

/** Every zone's cells lie in one community. */
async function expectNested(db: Database, layout: number, zoning: number): Promise<void> {
  const g = await loadCellGraph(db, layout)
  const cells = await repo.zoneCells(db, zoning, g.n)
  const communityOf = new Map<number, number>()
  for (let i = 0; i < g.n; i++) {
    const seen = communityOf.get(cells.zone[i])
    if (seen === undefined) communityOf.set(cells.zone[i], g.community[i])
    else expect(g.community[i]).toBe(seen)
  }
}

describe.skipIf(!realDataDir)(`responsibility grids on Boston neighbourhoods and the Dongcheng boundary (${REAL_DATA_SKIP})`, () => {
  let db: Database
  beforeAll(async () => {
    db = await openTestDatabase()
  }, 300_000)
  afterAll(async () => db?.close())

  describe('Boston, 200 m squares, 311 cases as workload', () => {
    const K = 30
    const workload: WorkloadDefinition = {}
    let city: { id: number; cell_count: number }
    let core: { id: number; cell_count: number }
    beforeAll(async () => {
      const dir = bostonDir()
      const file = join(dir, 'neighborhoods.geojson')
      await importBoston(db, { cases: false })
      const mapping = JSON.parse(readFileSync(resolve(projectRoot, 'data/mappings/boston-311.json'), 'utf8')) as CaseImportMapping
      await importCases(db, tempFile('boston-2015-q1.csv', firstQuarter(join(dir, 'cases.csv.gz'))), { mapping })
      city = await createLayout(db, { kind: 'square', scope: BOSTON, target_area_m2: 40_000 })
      // the inner neighbourhoods, each in one piece and together one piece of land
      const fc = JSON.parse(readFileSync(file, 'utf8')) as { features: Array<{ properties: { Name: string } }> }
      const inner = { ...fc, features: fc.features.filter((f) => INNER.includes(f.properties.Name)) }
      expect(inner.features).toHaveLength(INNER.length)
      await importDistricts(db, tempFile('inner-boston.geojson', JSON.stringify(inner)), {
        level: 'community', nameField: 'Name', autoCode: true, createDistrict: { code: BOSTON_INNER, name_zh: '波士顿内城', name_en: 'Inner Boston' },
      })
      core = await createLayout(db, { kind: 'square', scope: BOSTON_INNER, target_area_m2: 40_000 })
    }, 600_000)

    test(`whole city, K = ${K}, nesting none: every zone contiguous, each piece of land its own zones, the mainland balanced, exported`, async () => {
      const z = await createZoning(db, { layout_id: city.id, k: K, workload, ...RUN })
      const m = z.metrics as unknown as Figures
      expect(z.zones).toHaveLength(K)
      expect(m.contiguous).toBe(true)
      expect(z.zones.every((r) => r.contiguous)).toBe(true)
      // East Boston across the harbour, the Harbor Islands and cells cut off by water are pieces
      // of their own: each gets its own zones, so the city-wide max/min says nothing (an island
      // with a handful of cases is a zone); the balance is judged on the mainland
      expect(m.warnings.map((w) => w.code)).toContain('GRAPH_PIECES')
      const main = await largestPieceFigures(db, z)
      const { granularity: g } = await limitsOf(db, city.id, workload, main.zones)
      console.info(report('Boston nesting none', z, g, city.cell_count, main))
      expect(main.cells / city.cell_count).toBeGreaterThan(0.8)
      expect(main.max_over_min).toBeLessThanOrEqual(balanceBound(g))
      expect(main.cv).toBeLessThanOrEqual(0.04 + g / 2)
      await checkExports(db, z)
    }, 300_000)

    test('whole city, nesting by community: refused, naming the neighbourhoods split into pieces', async () => {
      const err = await createZoning(db, { layout_id: city.id, k: K, nesting: 'community', workload, ...RUN }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'WG_ZONING_INFEASIBLE', status: 422 })
      expect((err as Error).message).toMatch(/Harbor Islands/)
    })

    for (const nesting of ['none', 'community'] as const) {
      test(`inner neighbourhoods, K = 20, nesting ${nesting}: every zone contiguous, balanced within what the cells allow, exported`, async () => {
        const k = 20
        const z = await createZoning(db, { layout_id: core.id, k, nesting, workload, ...RUN })
        const m = z.metrics as unknown as Figures
        const lim = await limitsOf(db, core.id, workload, k)
        const g = lim.granularity
        console.info(report(`inner Boston nesting ${nesting}`, z, g, core.cell_count), JSON.stringify(lim))
        expect(z.zones).toHaveLength(k)
        expect(m.contiguous).toBe(true)
        expect(z.zones.every((r) => r.contiguous)).toBe(true)
        if (nesting === 'none') {
          expect(m.max_over_min).toBeLessThanOrEqual(balanceBound(g))
          expect(m.cv).toBeLessThanOrEqual(0.04 + g / 2)
        } else {
          // the communities' own workloads set the floor: Bay Village is a fraction of one zone's
          expect(m.max_over_min).toBeLessThanOrEqual(balanceBound(g, lim.nestedMaxMin))
          expect(m.cv).toBeLessThanOrEqual(lim.nestedCv + 0.04 + g / 2)
        }
        if (nesting === 'community') await expectNested(db, core.id, z.id)
        await checkExports(db, z)
      }, 300_000)
    }
  })

  describe('东城区, 250 m squares, street km and hectares as workload', () => {
    const K = 24
    // one km of street ~ one hectare of ground: both count, neither swamps the other
    const workload: WorkloadDefinition = { case_weight: 0, street_weight: 10, area_weight: 1 }
    let layout: { id: number; cell_count: number }
    let granularity: number
    beforeAll(async () => {
      await importDistricts(db, resolve(realDataDir!, 'beijing/dongcheng-boundary.geojson'), { crs: 'GCJ02' })
      await importBasemap(db, 'streets', resolve(realDataDir!, 'beijing/dongcheng-area-streets.geojson'))
      layout = await createLayout(db, { kind: 'square', scope: DONGCHENG, target_area_m2: 62_500 })
      granularity = (await limitsOf(db, layout.id, workload, K)).granularity
    }, 600_000)

    test(`K = ${K}, nesting none: every zone contiguous, balanced, exported`, async () => {
      const z = await createZoning(db, { layout_id: layout.id, k: K, workload, ...RUN })
      const m = z.metrics as unknown as Figures
      console.info(report('东城区 nesting none', z, granularity, layout.cell_count))
      expect(z.zones).toHaveLength(K)
      expect(m.contiguous).toBe(true)
      expect(m.max_over_min).toBeLessThanOrEqual(balanceBound(granularity))
      expect(m.cv).toBeLessThanOrEqual(0.04 + granularity / 2)
      await checkExports(db, z)
    }, 300_000)

    test('nesting by community is refused with the cells that lie in none', async () => {
      await expect(createZoning(db, { layout_id: layout.id, k: K, nesting: 'community', workload, ...RUN })).rejects.toMatchObject({ code: 'WG_ZONING_INFEASIBLE' })
    })
  })
})
