/**
 * Density clustering figures: DBSCAN on a million seeded city points (target < 5 s); the same
 * generator's 100,000 points through a per-point kdbush radius search (the reason dbscan.ts uses
 * its own grid); the scikit-learn golden fixtures (speed ratio against the time recorded with
 * them); HDBSCAN on 100,000 points; space-time DBSCAN on a year of 200,000 cases.
 * Run: npx tsx test/bench/dbscan.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import KDBush from 'kdbush'
import { openDatabase } from '../../server/db/connect'
import { dbscan } from '../../server/hotspots/core/dbscan'
import { hdbscan } from '../../server/hotspots/core/hdbscan'
import { stDbscan } from '../../server/hotspots/core/space-time'
import { seededRandom } from '../../server/shared/random'
import { sharedFixture } from '../helpers/paths'
import { BENCH_SEED, cityPoints } from './points'
import { measure, report } from './report'
import { loadavg } from 'node:os'

const BENCH = 'dbscan'


/** Textbook DBSCAN with kdbush `withinInto` into one reusable buffer: a radius query per point. */
function dbscanKdbush(x: Float64Array, y: Float64Array, eps: number, minPts: number): Int32Array {
  const n = x.length
  const index = new KDBush(n)
  for (let i = 0; i < n; i++) index.add(x[i], y[i])
  index.finish()
  const found = new Uint32Array(n)
  const core = new Uint8Array(n)
  for (let i = 0; i < n; i++) core[i] = index.withinInto(x[i], y[i], eps, found) >= minPts ? 1 : 0
  const labels = new Int32Array(n).fill(-1)
  const stack = new Int32Array(n)
  let cluster = 0
  for (let i = 0; i < n; i++) {
    if (labels[i] >= 0 || !core[i]) continue
    let top = 0
    stack[top++] = i
    labels[i] = cluster
    while (top > 0) {
      const p = stack[--top]
      if (!core[p]) continue
      const m = index.withinInto(x[p], y[p], eps, found)
      for (let k = 0; k < m; k++) {
        const q = found[k]
        if (labels[q] < 0) {
          labels[q] = cluster
          stack[top++] = q
        }
      }
    }
    cluster++
  }
  return labels
}

/** Points per INSERT … unnest() batch (the embedded database takes no COPY). */
const INSERT_BATCH = 100_000

/**
 * ST_ClusterDBSCAN visits every pair of points within eps, so the dense hot spots of a million
 * city points keep it busy for many minutes; past this the figure is reported as a lower bound.
 */
const POSTGIS_TIMEOUT_MS = 15 * 60_000

/**
 * PostGIS ST_ClusterDBSCAN(geom, 50, 5) over the same points (planar, SRID 0, metres), timed on the
 * server; the points are loaded first and not counted.
 */
async function postgisReference(x: Float64Array, y: Float64Array, oursMs: number, oursClusters: number): Promise<void> {
  const url = process.env.DATABASE_URL
  const dir = url ? undefined : mkdtempSync(join(tmpdir(), 'wangge-bench-'))
  const db = await openDatabase({ databaseUrl: url, dataDir: dir ?? '' })
  try {
    const { knex } = db
    await knex.raw('DROP TABLE IF EXISTS bench_dbscan_points')
    await knex.raw('CREATE UNLOGGED TABLE bench_dbscan_points (id integer PRIMARY KEY, geom geometry(Point, 0) NOT NULL)')
    for (let s = 0; s < x.length; s += INSERT_BATCH) {
      const e = Math.min(x.length, s + INSERT_BATCH)
      await knex.raw(`INSERT INTO bench_dbscan_points
        SELECT s + i - 1, ST_MakePoint(px, py) FROM unnest(CAST(? AS float8[]), CAST(? AS float8[])) WITH ORDINALITY AS u(px, py, i), (SELECT CAST(? AS int) AS s) o`,
      [Array.from(x.subarray(s, e)), Array.from(y.subarray(s, e)), s])
    }
    await knex.raw('ANALYZE bench_dbscan_points')
    const t0 = performance.now()
    let clusters: number | null = null
    await knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL statement_timeout = ${POSTGIS_TIMEOUT_MS}`)
      try {
        const { rows } = await trx.raw('SELECT count(DISTINCT cid)::int AS clusters FROM (SELECT ST_ClusterDBSCAN(geom, 50, 5) OVER () AS cid FROM bench_dbscan_points) t')
        clusters = rows[0].clusters
      } catch (e) {
        if (!/statement timeout/.test(String(e))) throw e
      }
    }).catch((e: unknown) => { if (!/statement timeout/.test(String(e))) throw e })
    const ms = performance.now() - t0
    const n = x.length.toLocaleString('en')
    report({
      bench: BENCH,
      figure: `PostGIS ST_ClusterDBSCAN on the same ${n} points, eps 50 m, minPts 5 (${db.kind}, PostgreSQL ${db.versions.postgres}, PostGIS ${db.versions.postgis})`,
      value: Math.round(ms),
      unit: 'ms',
      reference: 'dbscan.ts on the same points in this run',
      referenceMs: Math.round(oursMs),
      ratio: +(ms / oursMs).toFixed(1),
      lower_bound: clusters === null,
      clusters,
      clusters_agree: clusters === null ? null : clusters === oursClusters,
      load: Math.round(loadavg()[0] * 10) / 10,
      note: clusters === null
        ? `stopped by statement_timeout after ${POSTGIS_TIMEOUT_MS / 60_000} min: value and ratio are lower bounds`
        : 'ratio = PostGIS time / ours; > 1 means Wangge is faster; loading the points is not timed',
    })
    await knex.raw('DROP TABLE bench_dbscan_points')
  } finally {
    await db.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const n = 1_000_000
  const { x, y } = cityPoints(n, BENCH_SEED)
  let clusters = 0
  const ours = measure(() => {
    clusters = dbscan(x, y, 50, 5).clusters
  }, 3)
  report({
    bench: BENCH,
    figure: 'dbscan 1M city points, eps 50 m, minPts 5',
    value: Math.round(ours.wall),
    unit: 'ms',
    target: '< 5000 ms',
    cpu_ms: Math.round(ours.cpu),
    load: ours.load,
    points: n,
    clusters,
    seed: BENCH_SEED,
  })

  await postgisReference(x, y, ours.wall, clusters)

  // a per-point radius search visits every neighbour of every point: at a million points the
  // dense hotspots make that take minutes, so the comparison runs on 100,000 points
  const small = cityPoints(100_000, BENCH_SEED)
  let clusters100k = 0
  const grid100k = measure(() => {
    clusters100k = dbscan(small.x, small.y, 50, 5).clusters
  }, 3)
  await postgisReference(small.x, small.y, grid100k.wall, clusters100k)
  const kd = measure(() => dbscanKdbush(small.x, small.y, 50, 5))
  report({
    bench: BENCH,
    figure: 'dbscan 100k city points, kdbush withinInto per point vs dbscan.ts grid',
    value: Math.round(kd.wall),
    unit: 'ms',
    cpu_ms: Math.round(kd.cpu),
    load: kd.load,
    reference: 'dbscan.ts grid on the same input',
    referenceMs: +grid100k.wall.toFixed(1),
    ratio: +(kd.wall / grid100k.wall).toFixed(2),
    note: 'ratio = kdbush time / grid time; > 1 means the grid is faster',
  })

  for (const name of ['synthetic-8k', 'boston-graffiti']) {
    const fx = sharedFixture<{ eps: number; minPts: number; points: [number, number][]; sklearn_seconds: number }>(`dbscan/${name}.json`)
    const fxX = Float64Array.from(fx.points, (p) => p[0])
    const fxY = Float64Array.from(fx.points, (p) => p[1])
    const t = measure(() => dbscan(fxX, fxY, fx.eps, fx.minPts), 30)
    report({
      bench: BENCH,
      figure: `dbscan on fixture ${name} (${fx.points.length} points, eps ${fx.eps}, minPts ${fx.minPts})`,
      value: +t.wall.toFixed(2),
      unit: 'ms',
      cpu_ms: +t.cpu.toFixed(2),
      load: t.load,
      reference: `scikit-learn 1.2.1 DBSCAN(algorithm='ball_tree'), sklearn_seconds from the fixture`,
      referenceMs: +(fx.sklearn_seconds * 1000).toFixed(2),
      ratio: +((fx.sklearn_seconds * 1000) / t.wall).toFixed(2),
      note: 'ratio = scikit-learn time / ours; > 1 means Wangge is faster',
    })
  }

  const h = cityPoints(100_000, BENCH_SEED)
  let hClusters = 0
  const th = measure(() => {
    hClusters = hdbscan(h.x, h.y, { minClusterSize: 20 }).clusters
  }, 2)
  report({
    bench: BENCH,
    figure: 'hdbscan 100k city points, minClusterSize 20',
    value: Math.round(th.wall),
    unit: 'ms',
    target: 'seconds',
    cpu_ms: Math.round(th.cpu),
    load: th.load,
    clusters: hClusters,
  })

  const s = cityPoints(200_000, BENCH_SEED)
  const rand = seededRandom(BENCH_SEED + 1)
  const year = Date.UTC(2024, 0, 1)
  const t = Float64Array.from({ length: s.x.length }, () => year + Math.floor(rand() * 365 * 86_400_000))
  let sClusters = 0
  const ts = measure(() => {
    sClusters = stDbscan(s.x, s.y, t, 50, 7 * 86_400_000, 5).clusters
  }, 2)
  report({
    bench: BENCH,
    figure: 'stDbscan 200k cases over a year, eps 50 m, window 7 days, minPts 5',
    value: Math.round(ts.wall),
    unit: 'ms',
    cpu_ms: Math.round(ts.cpu),
    load: ts.load,
    clusters: sClusters,
  })
}

main()
