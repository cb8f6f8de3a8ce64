/**
 * Unit-cell layouts at district scale on real PostGIS (DATABASE_URL, else a scratch database on
 * the local server at 127.0.0.1:5432; skipped with a message when there is none):
 *   - 100 km², 36 communities → ~10,000 square cells clipped, split, merged, coded, covered with
 *     H3 and stored (target < 3 s), with the ratio against a bare ST_SquareGrid + ST_Intersection
 *     of the same district and against @turf/turf squareGrid + intersect, in the same run;
 *   - 1,000 km², 400 communities → ~100,000 cells: time and memory (target: completes, < 2 GB);
 *   - H3 res 11 over the 100 km² district (~60,000 cells, target < 3 s), with the ratio against bare
 *     h3-js (polygonToCells + cellToBoundary as GeoJSON) and the CPU time of Node and of the
 *     PostgreSQL backends (what the request costs, whatever else loads the machine).
 * Districts are synthetic (seeded jittered lattices near Hangzhou) so runs compare.
 *
 *   npx tsx test/bench/layouts.bench.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir, loadavg } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import * as turf from '@turf/turf'
import { cellToBoundary, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importDistricts } from '../../server/districts/import'
import { createLayout } from '../../server/layouts/service'
import type { LayoutStats } from '../../server/layouts/schema'
import { projector } from '../../server/shared/coords'
import { seededRandom } from '../../server/shared/random'
import { report } from './report'

const BENCH = 'layouts'
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432'
const SCRATCH_DB = 'wangge_bench_layouts'
const GK = projector(4549) // CGCS2000 GK CM 120E
const ORIGIN = GK.forwardPoint(120.1, 30.2)
const load1 = () => Math.round(loadavg()[0] * 10) / 10

/**
 * A square district of `sideKm` split into n×n communities by a jittered lattice (straight
 * community edges at odd angles, as real boundaries cut squares), one street per lattice row.
 */
function syntheticDistrict(code: string, sideKm: number, n: number, seed: number): string {
  const rand = seededRandom(seed)
  const step = (sideKm * 1000) / n
  const pt: Array<Array<[number, number]>> = []
  for (let i = 0; i <= n; i++) {
    pt.push([])
    for (let j = 0; j <= n; j++) {
      const edge = (k: number) => k === 0 || k === n
      const x = i * step + (edge(i) ? 0 : (rand() - 0.5) * step * 0.4)
      const y = j * step + (edge(j) ? 0 : (rand() - 0.5) * step * 0.4)
      pt[i].push(GK.inversePoint(ORIGIN[0] + x, ORIGIN[1] + y))
    }
  }
  const feature = (properties: Record<string, unknown>, ring: Array<[number, number]>) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } })
  const features = []
  const outer: Array<[number, number]> = [...pt.map((c) => c[0]), ...pt[n].slice(1), ...pt.map((c) => c[n]).reverse().slice(1), ...pt[0].slice(1, n).reverse()]
  features.push(feature({ level: 'district', code, name_zh: `基准区${code}` }, outer))
  for (let j = 0; j < n; j++) {
    const street = String(j + 1).padStart(3, '0')
    const row: Array<[number, number]> = [...pt.map((c) => c[j]), ...pt.map((c) => c[j + 1]).reverse()]
    features.push(feature({ level: 'street', code: street, parent_code: code, name_zh: `街道${street}` }, row))
    for (let i = 0; i < n; i++) {
      features.push(feature({ level: 'community', code: String(i + 1).padStart(3, '0'), parent_code: street, name_zh: `社区${street}-${i + 1}` },
        [pt[i][j], pt[i + 1][j], pt[i + 1][j + 1], pt[i][j + 1]]))
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'wangge-bench-layouts-'))
  const path = join(dir, `${code}.geojson`)
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features }))
  return path
}

async function realServer(): Promise<{ url: string; drop?: () => Promise<void> } | undefined> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL }
  const admin = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres`, connectionTimeoutMillis: 2000 })
  try { await admin.connect() } catch { return undefined }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB}`)
    await admin.query(`CREATE DATABASE ${SCRATCH_DB}`)
  } finally { await admin.end() }
  return {
    url: `${LOCAL_SERVER}/${SCRATCH_DB}`,
    async drop() {
      const c = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres` })
      await c.connect()
      try { await c.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB}`) } finally { await c.end() }
    },
  }
}

/** Peak resident memory of this process while `fn` runs (MB), sampled every 50 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 50)
  try {
    const result = await fn()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peakMb: Math.round(peak / 1024 / 1024) }
  } finally { clearInterval(timer) }
}

async function backendRssMb(db: Database): Promise<number | null> {
  // the PostgreSQL backend's own memory is outside this process; report it when /proc shows it
  try {
    const [{ pid }] = (await db.knex.raw('SELECT pg_backend_pid() AS pid')).rows
    const { readFileSync } = await import('node:fs')
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : null
  } catch { return null }
}

/**
 * CPU time (ms) the PostgreSQL backends of this database have used, by pid, from /proc (the
 * server runs on this machine in the benchmark setup); empty when /proc does not show them.
 * On a loaded machine wall time says little: CPU time of both processes says what the work costs.
 */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  const { readFileSync } = await import('node:fs')
  const pids = (await db.knex.raw('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows as Array<{ pid: number }>
  for (const { pid } of pids) {
    try {
      // fields after the parenthesised command name: state is field 3, utime 14, stime 15 (clock ticks, 100 per second)
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10)
    } catch { /* not on this machine */ }
  }
  return out
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number | null {
  if (after.size === 0) return null
  let ms = 0
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0)
  return ms
}

const server = await realServer()
if (!server) {
  process.stderr.write(`layouts.bench: no DATABASE_URL and no server at ${LOCAL_SERVER}; skipped\n`)
  process.exit(0)
}
const db = await openDatabase({ databaseUrl: server.url, dataDir: '' })
try {
  await migrate(db.knex)
  await db.knex.raw('TRUNCATE cells, layouts, districts RESTART IDENTITY CASCADE')

  // 1. 100 km² squares, against bare PostGIS and turf in the same run
  await importDistricts(db, syntheticDistrict('339901', 10, 6, 1))
  const load = load1()
  const t0 = performance.now()
  const sq = await createLayout(db, { kind: 'square', scope: '339901' })
  const ours = performance.now() - t0
  const [{ srid }] = (await db.knex.raw('SELECT 4549 AS srid')).rows
  const t1 = performance.now()
  const bare = (await db.knex.raw(
    `WITH d AS (SELECT ST_Transform(geom, ${srid}) AS g FROM districts WHERE full_code = '339901')
     SELECT count(*)::int AS n FROM (SELECT ST_Intersection(d.g, s.geom) AS g FROM d, ST_SquareGrid(100, d.g) s WHERE ST_Intersects(d.g, s.geom)) t`)).rows[0].n
  const bareMs = performance.now() - t1
  const districtGeo = JSON.parse((await db.knex.raw("SELECT ST_AsGeoJSON(geom) AS g FROM districts WHERE full_code = '339901'")).rows[0].g) as MultiPolygon
  const t2 = performance.now()
  const grid = turf.squareGrid(turf.bbox(districtGeo), 0.1, { units: 'kilometers' })
  const districtFeature = turf.feature(districtGeo) as Feature<MultiPolygon>
  let turfCells = 0
  for (const cell of grid.features) {
    const piece = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([cell as Feature<Polygon>, districtFeature]))
    if (piece) turfCells++
  }
  const turfMs = performance.now() - t2
  const stats = sq.stats as LayoutStats
  report({
    bench: BENCH, figure: 'square_100km2', value: Math.round(ours), unit: 'ms', target: '< 3000 ms', cells: sq.cell_count,
    phases_ms: stats.timings_ms, load_before: load, load_after: load1(),
  })
  report({ bench: BENCH, figure: 'square_100km2 vs bare ST_SquareGrid + ST_Intersection', value: Math.round(bareMs), unit: 'ms', reference: 'PostGIS grid + clip only (no split, merge, codes, H3, neighbours, store)', ratio: Math.round((bareMs / ours) * 100) / 100, reference_cells: bare })
  report({ bench: BENCH, figure: 'square_100km2 vs @turf/turf squareGrid + intersect', value: Math.round(turfMs), unit: 'ms', reference: 'turf grid + clip only', ratio: Math.round((turfMs / ours) * 100) / 100, reference_cells: turfCells, load_after: load1() })

  // 2. H3 res 11 over the same 100 km², against bare h3-js (cover + outlines as GeoJSON, nothing stored)
  const loadH3 = load1()
  const pg3 = await backendCpu(db)
  const cpu3 = process.cpuUsage()
  const t3 = performance.now()
  const h3 = await createLayout(db, { kind: 'h3', scope: '339901', resolution: 11 })
  const h3Ms = performance.now() - t3
  const h3Cpu = process.cpuUsage(cpu3)
  const h3PgCpu = cpuSpent(pg3, await backendCpu(db))
  const t5 = performance.now()
  const bareH3 = districtGeo.coordinates.flatMap((p) => polygonToCellsExperimental(p, 11, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true))
  const bareGeoJson = bareH3.map((h) => JSON.stringify({ type: 'Polygon', coordinates: [cellToBoundary(h, true)] }))
  const bareH3Ms = performance.now() - t5
  report({
    bench: BENCH, figure: 'h3_res11_100km2', value: Math.round(h3Ms), unit: 'ms', target: '< 3000 ms', cells: h3.cell_count,
    node_cpu_ms: Math.round((h3Cpu.user + h3Cpu.system) / 1000), postgres_cpu_ms: h3PgCpu, phases_ms: (h3.stats as LayoutStats).timings_ms, load_before: loadH3, load_after: load1(),
  })
  report({ bench: BENCH, figure: 'h3_res11_100km2 vs bare h3-js polygonToCells + cellToBoundary', value: Math.round(bareH3Ms), unit: 'ms', reference: 'h3-js cover + GeoJSON outlines only (no clip, communities, codes, neighbours, store)', ratio: Math.round((bareH3Ms / h3Ms) * 100) / 100, reference_cells: bareGeoJson.length })

  // 3. 1,000 km² → ~100,000 squares: completes, memory reported
  if (process.env.LAYOUTS_BENCH_SKIP_LARGE !== '1') {
    await importDistricts(db, syntheticDistrict('339902', Math.sqrt(1000), 20, 2))
    const t4 = performance.now()
    const { result: big, peakMb } = await withPeakRss(() => createLayout(db, { kind: 'square', scope: '339902' }))
    report({
      bench: BENCH, figure: 'square_1000km2', value: Math.round(performance.now() - t4), unit: 'ms', target: 'completes; memory < 2 GB', cells: big.cell_count,
      node_peak_rss_mb: peakMb, postgres_backend_peak_mb: await backendRssMb(db), phases_ms: (big.stats as LayoutStats).timings_ms, load_after: load1(),
    })
  }
} finally {
  await db.close()
  await server.drop?.()
}
