/**
 * The zones CLI end to end, as a planner runs it: `npm run wangge -- zones …` in a child process
 * against a test database — the current grids imported from polygons, a proposal planned, the
 * zonings listed and compared, the proposal exported as GeoJSON, Shapefile and the printable
 * summary, and an unknown layout refused with its code on stderr.
 *
 * The child uses the run's database through DATABASE_URL, PostgreSQL or the embedded one's socket
 * (recognised as PGlite and used with one connection, while this file holds none).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { createLayout } from '../../server/layouts/service'
import { openTestDatabase } from '../helpers/db'
import { projectRoot } from '../helpers/paths'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'

const run = promisify(execFile)
/** one command: tsx start, database boot and migration check, the work */
const COMMAND_TIMEOUT_MS = 180_000

let env: NodeJS.ProcessEnv
let outDir: string
let layout: number
let cells: number

/** Runs `npm run wangge -- zones <args>`; stdout parsed as JSON when `json`. */
async function wangge(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('npm', ['run', '--silent', 'wangge', '--', 'zones', ...args], { cwd: projectRoot, env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 << 20 })
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the commands print free-form JSON
async function json(args: string[]): Promise<any> {
  const { stdout } = await wangge(args)
  return JSON.parse(stdout)
}

/** The tiny district with a square layout and cases, in the database the commands will use. */
async function seed(db: Database): Promise<void> {
  await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
  const l = await createLayout(db, { kind: 'square', scope: '330198', target_area_m2: 40_000 })
  layout = l.id
  cells = l.cell_count
  // cases crowded towards the north-east, so the two current grids (west and east halves) are unequal
  await db.knex.raw(`INSERT INTO cases (external_id, category_code, source, reported_at, status, geom)
    SELECT 'C' || g, '0401', 'patrol', timestamptz '2026-02-01' + g * interval '1 hour', 'closed',
           ST_SetSRID(ST_MakePoint(${TINY.west} + sqrt((g % 97) / 97.0) * 0.02, ${TINY.south} + sqrt((g % 89) / 89.0) * 0.01), 4326)
    FROM generate_series(1, 900) g`)
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'wangge-zones-cli-'))
  const db = await openTestDatabase()
  try {
    await seed(db)
  } finally {
    // the embedded server takes one connection at a time: the commands get it while this is closed
    await db.close()
  }
  env = { ...process.env, DATABASE_URL: inject('databaseUrl') }
  // no TTY: no progress bar, stdout is the JSON alone
  delete env.FORCE_COLOR
}, 300_000)

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true })
})

describe('npm run wangge -- zones', () => {
  let current: number
  let proposal: number

  test('import-current: the two halves of the district become the current grids', async () => {
    const { west, east, south, north, mid } = TINY
    const grid = (code: string, w: number, e: number) => ({
      type: 'Feature', properties: { code, name_zh: `${code} 网格`, worker_id: `W${code}` },
      geometry: { type: 'Polygon', coordinates: [[[w, south], [e, south], [e, north], [w, north], [w, south]]] },
    })
    const file = tempFile('grids.geojson', JSON.stringify({ type: 'FeatureCollection', features: [grid('G1', west, mid), grid('G2', mid, east)] }))
    const r = await json(['import-current', file, '--layout', String(layout), '--name', '现状两网格'])
    expect(r.grids).toBe(2)
    expect(r.cells_assigned).toBe(cells)
    expect(r.cells_unassigned).toBe(0)
    expect(r.zoning.kind).toBe('current')
    expect(r.zoning.zones.map((z: string) => z.split(' ')[0]).sort()).toEqual(['G1', 'G2'])
    current = r.zoning.id
  }, COMMAND_TIMEOUT_MS)

  test('plan: K = 4 contiguous zones with their figures, reproducible by iterations', async () => {
    const r = await json(['plan', '--layout', String(layout), '--k', '4', '--iterations', '20000', '--budget', '60', '--seed', '3', '--name', '四网格'])
    expect(r.kind).toBe('proposal')
    expect(r.name).toBe('四网格')
    expect(r.k).toBe(4)
    expect(r.zones).toHaveLength(4)
    expect(r.metrics.contiguous).toBe(true)
    expect(r.metrics.iterations).toBe(20000)
    // the current grids are drawn from the layout's latest current zoning
    expect(r.params.current_id).toBe(current)
    expect(r.zones.join('\n')).toMatch(/^\d{14} \d+ cells, workload [\d.]+ \(\d+ %\)$/m)
    proposal = r.id
    console.info(`CLI plan: cv ${r.metrics.cv}, max/min ${r.metrics.max_over_min}, cells moved ${r.metrics.cells_moved}`)
  }, COMMAND_TIMEOUT_MS)

  test('list and show: both zonings with their headline figures', async () => {
    const list = await json(['list', '--layout', String(layout)])
    expect(list.items.map((z: { id: number; kind: string }) => [z.id, z.kind])).toEqual(expect.arrayContaining([[current, 'current'], [proposal, 'proposal']]))
    const shown = await json(['show', String(proposal)])
    expect(shown.id).toBe(proposal)
    expect(shown.metrics.history_points).toBeGreaterThan(0)
  }, COMMAND_TIMEOUT_MS)

  test('compare: current grids against the proposal on one workload', async () => {
    const c = await json(['compare', String(current), String(proposal)])
    expect(c.layout_id).toBe(layout)
    expect(c.a).toMatchObject({ id: current, kind: 'current', k: 2 })
    expect(c.b).toMatchObject({ id: proposal, kind: 'proposal', k: 4, contiguous_zones: 4 })
    expect(c.cells_compared).toBe(cells)
    expect(c.chart.b).toHaveLength(4)
    // both sides measured with one per-cell workload: the totals agree
    const total = (a: number[]) => a.reduce((s, v) => s + v, 0)
    expect(total(c.chart.b)).toBeCloseTo(total(c.chart.a), 6)
    expect(c.b.cv).toBeLessThan(c.a.cv)
  }, COMMAND_TIMEOUT_MS)

  test('export: GeoJSON, zipped Shapefile and the printable summary', async () => {
    const geojson = join(outDir, 'zones.geojson')
    expect(await json(['export', String(proposal), '--format', 'geojson', '--out', geojson])).toEqual({ written: geojson })
    const fc = JSON.parse(readFileSync(geojson, 'utf8')) as { features: Array<{ geometry: { type: string }; properties: Record<string, unknown> }> }
    expect(fc.features).toHaveLength(4)
    expect(fc.features.every((f) => /Polygon$/.test(f.geometry.type))).toBe(true)
    expect(fc.features.reduce((s, f) => s + Number(f.properties.cells), 0)).toBe(cells)

    const shp = join(outDir, 'zones.zip')
    await wangge(['export', String(proposal), '--format', 'shapefile', '--out', shp])
    const files = Object.keys(unzipSync(readFileSync(shp)))
    for (const ext of ['.shp', '.shx', '.dbf', '.prj']) expect(files.some((f) => f.endsWith(ext)), `${ext} in ${files.join(', ')}`).toBe(true)

    const html = join(outDir, 'zones.html')
    await wangge(['export', String(proposal), '--format', 'html', '--out', html])
    const page = readFileSync(html, 'utf8')
    expect(page).toContain('<html')
    expect(page).toContain('四网格')
  }, COMMAND_TIMEOUT_MS)

  test('an unknown layout exits non-zero with the error code on stderr', async () => {
    const err = await wangge(['plan', '--layout', '99999', '--k', '3']).catch((e: { code: number; stderr: string; stdout: string }) => e)
    expect(err).toMatchObject({ code: 1 })
    expect((err as { stderr: string }).stderr).toMatch(/^error WG_\w+: .*99999/m)
  }, COMMAND_TIMEOUT_MS)
})
