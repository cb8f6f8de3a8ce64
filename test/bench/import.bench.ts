/**
 * Case import speed on the real Boston 311 file (121k rows), on the embedded database and on real
 * PostGIS (COPY) when DATABASE_URL is set or a local server answers on 127.0.0.1:5432 (a scratch
 * database is created there and dropped afterwards). Targets: ≥ 10,000 rows/s embedded, ≥ 50,000
 * rows/s on real PostGIS. Each run is timed phase by phase (from the import's progress events) so
 * the slowest step is visible. Needs WANGGE_REAL_DATA.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importCases, type CaseImportResult } from '../../server/cases/import/service'
import { warmCaseReader } from '../../server/cases/import/read-thread'
import { importDistricts } from '../../server/districts/import'
import { seedTaxonomy } from '../../server/sample/load'
import type { CaseImportMapping } from '../../server/cases/import/mapping'
import type { Progress } from '../../server/jobs/jobs'
import { projectRoot, realDataDir } from '../helpers/paths'
import { phaseTimer, report } from './report'

if (!realDataDir) {
  process.stderr.write('import.bench: WANGGE_REAL_DATA is not set; skipped\n')
  process.exit(0)
}
const boston = resolve(realDataDir, 'boston-311-2015')
const mapping = JSON.parse(readFileSync(resolve(projectRoot, 'data/mappings/boston-311.json'), 'utf8')) as CaseImportMapping
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432'
const SCRATCH_DB = 'wangge_bench_import'

const load1 = () => Math.round(loadavg()[0] * 100) / 100

/**
 * CPU time the whole machine has spent busy so far, in seconds (Linux /proc/stat: every core's
 * user, nice, system, irq and softirq time): on real PostGIS it adds the server's work to this
 * process's, which shows whether an import is bound by the cores or waits on something.
 */
function machineBusySeconds(): number | null {
  try {
    const [, user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number)
    return (user + nice + system + irq + softirq) / 100
  } catch {
    return null
  }
}

/**
 * Runs one import, timed phase by phase from its progress events (report.ts phaseTimer), with
 * the machine's CPU beside this process's.
 */
async function timedImport(db: Database): Promise<{ result: CaseImportResult; seconds: number; cpuSeconds: number; machineCpuSeconds: number | null; phases: Record<string, number>; phasesCpu: Record<string, number> }> {
  const m0 = machineBusySeconds()
  const timer = phaseTimer('setup')
  const result = await importCases(db, join(boston, 'cases.csv.gz'), { mapping, onProgress: (p: Progress) => timer.onProgress(p) })
  const t = timer.end()
  const m1 = machineBusySeconds()
  const machineCpuSeconds = m0 === null || m1 === null ? null : Math.round((m1 - m0) * 100) / 100
  return { result, seconds: t.wallMs / 1000, cpuSeconds: t.cpuMs / 1000, machineCpuSeconds, phases: t.phasesMs, phasesCpu: t.phasesCpuMs }
}

async function run(db: Database, label: string, target: number): Promise<void> {
  await migrate(db.knex)
  await db.knex.raw('TRUNCATE cases, imports, districts RESTART IDENTITY CASCADE')
  await seedTaxonomy(db)
  await importDistricts(db, join(boston, 'neighborhoods.geojson'), {
    level: 'community', nameField: 'Name', autoCode: true, createDistrict: { code: '990001', name_zh: '波士顿', name_en: 'Boston' },
  })
  // as the server does when it starts (main.ts): the import's reading thread is up, warmed up and idle
  await warmCaseReader({ warmUp: true })
  for (const pass of ['first import', 're-import'] as const) {
    const load = load1()
    const { result: r, seconds, cpuSeconds, machineCpuSeconds, phases, phasesCpu } = await timedImport(db)
    const value = Math.round(r.counts.rows / seconds)
    report({
      bench: 'import', figure: `boston-311 ${pass} rows/s (${label})`, value, unit: 'rows/s',
      target: `>= ${target}`, ratio: Math.round((value / target) * 100) / 100,
      rows: r.counts.rows, inserted: r.counts.inserted, updated: r.counts.updated, unchanged: r.counts.unchanged,
      rejected: r.counts.rejected, seconds: Math.round(seconds * 1000) / 1000, cpu_seconds: Math.round(cpuSeconds * 1000) / 1000,
      rows_per_cpu_second: Math.round(r.counts.rows / cpuSeconds), machine_cpu_seconds: machineCpuSeconds, phases_ms: phases, phases_cpu_ms: phasesCpu,
      load_before: load, load_after: load1(),
    })
  }
}

/** DATABASE_URL, else a scratch database on the local server when one answers; undefined otherwise. */
async function realServer(): Promise<{ url: string; drop?: () => Promise<void> } | undefined> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL }
  const admin = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres`, connectionTimeoutMillis: 2000 })
  try {
    await admin.connect()
  } catch {
    return undefined
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB}`)
    await admin.query(`CREATE DATABASE ${SCRATCH_DB}`)
  } finally {
    await admin.end()
  }
  return {
    url: `${LOCAL_SERVER}/${SCRATCH_DB}`,
    async drop() {
      const c = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres` })
      await c.connect()
      try { await c.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB}`) } finally { await c.end() }
    },
  }
}

const only = process.env.IMPORT_BENCH_ONLY // 'embedded' or 'postgis' to run one side
const dir = mkdtempSync(join(tmpdir(), 'wangge-bench-'))
try {
  if (only !== 'postgis') {
    const embedded = await openDatabase({ dataDir: dir })
    try { await run(embedded, 'embedded', 10_000) } finally { await embedded.close() }
  }
  if (only !== 'embedded') {
    const server = await realServer()
    if (!server) {
      process.stderr.write(`import.bench: no DATABASE_URL and no server at ${LOCAL_SERVER}; the real-PostGIS figure is skipped\n`)
    } else {
      const db = await openDatabase({ databaseUrl: server.url, dataDir: dir })
      try { await run(db, 'postgis', 50_000) } finally {
        await db.close()
        await server.drop?.()
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
