/**
 * The grid CLI end to end on a real boundary: 东城区 (GCJ-02 on file, converted on import) gets
 * an H3 res-10 layout from `npm run wangge -- grid create` in a child process, whose printed
 * layout is checked against what the database holds (cells, codes, tiling invariants), and the
 * cells are exported as a GeoPackage with `grid export`. Skipped without WANGGE_REAL_DATA.
 *
 * The child uses the run's database through DATABASE_URL, PostgreSQL or the embedded one's socket
 * (recognised as PGlite and used with one connection, while this file holds none).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import initSqlJs from 'sql.js'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { openDatabase, type Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import type { LayoutStats } from '../../server/layouts/schema'
import { openTestDatabase } from '../helpers/db'
import { projectRoot, realDataDir, REAL_DATA_SKIP } from '../helpers/paths'
import { layoutInvariants, tiles } from './invariants'

const run = promisify(execFile)
/** one command: tsx start, database boot and migration check, the work */
const COMMAND_TIMEOUT_MS = 120_000
/** 东城区's adcode */
const DONGCHENG = '110101'

describe.skipIf(!realDataDir)(`npm run wangge -- grid on the 东城区 boundary (${REAL_DATA_SKIP})`, () => {
  let env: NodeJS.ProcessEnv
  let outDir: string
  let layout: { id: number; kind: string; status: string; cell_count: number; metric_crs: string; params: Record<string, unknown>; stats: LayoutStats }

  const importDongcheng = (db: Database) => importDistricts(db, resolve(realDataDir!, 'beijing/dongcheng-boundary.geojson'), { crs: 'GCJ02' })
  /** the database the commands used, opened once they are done (the embedded one takes one connection) */
  const openUsed = () => openDatabase({ databaseUrl: inject('databaseUrl'), dataDir: '' })
  const grid = (args: string[]) => run('npm', ['run', '--silent', 'wangge', '--', 'grid', ...args], { cwd: projectRoot, env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 << 20 })

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'wangge-grid-cli-'))
    const db = await openTestDatabase()
    // the embedded server takes one connection at a time: the commands get it while this is closed
    try { await importDongcheng(db) } finally { await db.close() }
    env = { ...process.env, DATABASE_URL: inject('databaseUrl') }
    // no TTY: no progress bar, stdout is the JSON alone
    delete env.FORCE_COLOR
  }, 180_000)

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true })
  })

  test('grid create --kind h3 prints the ready layout the database holds, tiling the district', async () => {
    const { stdout } = await grid(['create', '--kind', 'h3', '--scope', DONGCHENG, '--resolution', '10', '--name', '东城区 H3 10'])
    layout = JSON.parse(stdout)
    expect(layout).toMatchObject({ kind: 'h3', status: 'ready', metric_crs: 'EPSG:4548', params: { resolution: 10, containment: 'overlap', clip: true } })
    expect(layout.cell_count).toBeGreaterThan(3500) // ~42 km² / 15,000 m² per res-10 cell, more with the clipped edge
    expect(layout.stats.coverage).toBeGreaterThan(0.9999)
    expect(layout.stats.warnings.join(' ')).toContain('no community boundaries')
    const db = await openUsed()
    try {
      const [{ n, distinct, h3 }] = (await db.knex.raw(
        "SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct, count(*) FILTER (WHERE code ~ '^8a[0-9a-f]{13}$')::int AS h3 FROM cells WHERE layout_id = ?",
        [layout.id])).rows
      expect({ n, distinct, h3 }).toEqual({ n: layout.cell_count, distinct: layout.cell_count, h3: layout.cell_count })
      const inv = await layoutInvariants(db, layout.id)
      // no communities here; H3 cells keep their hexagon across community lines in general
      expect(tiles({ ...inv, outsideCommunity: 0 }, { communities: false }), JSON.stringify(inv)).toBe(true)
    } finally { await db.close() }
  }, COMMAND_TIMEOUT_MS + 60_000)

  test('grid export --format gpkg writes every cell', async () => {
    const out = join(outDir, 'dongcheng.gpkg')
    const { stdout } = await grid(['export', String(layout.id), '--format', 'gpkg', '--out', out])
    expect(JSON.parse(stdout)).toEqual({ file: out, format: 'gpkg' })
    const SQL = await initSqlJs()
    const gpkg = new SQL.Database(readFileSync(out))
    try {
      const [{ values }] = gpkg.exec(`SELECT count(*), count(DISTINCT "编码") FROM layout_${layout.id}`)
      expect(values[0]).toEqual([layout.cell_count, layout.cell_count])
    } finally { gpkg.close() }
  }, COMMAND_TIMEOUT_MS)
})
