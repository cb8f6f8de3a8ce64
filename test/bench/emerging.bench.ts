/**
 * Emerging hot spot analysis at district scale: 10,000 unit cells (100 × 100 lattice of 100 m cells,
 * queen contiguity) × 52 weekly steps. Target: space-time Gi* + Mann-Kendall + categories < 3 s.
 *
 * Two parts: the cores alone (500,000 cases), then the whole `emerging-hotspots` analysis kind
 * through the analyses service on the embedded database (and on DATABASE_URL when set): cells and
 * cases from PostGIS, cube, weights, Gi*, trends, the per-cell table with series and reasons, and
 * storing the result — with the wall and CPU time of each phase and the load average. The kind
 * runs on KIND_CASES cases (default 100,000, twice the sample city's year), because the embedded
 * database assigns cases to cells at a few tens of thousands per second; the phase figures show
 * which part is the database's. KIND_ONLY=1 skips the cores; KIND_REPEAT (default 3) runs of the
 * kind, the best counts; EMERGING_REFERENCE compares with an earlier checkout (see wholeKind).
 *
 * Cases come from the shared seeded city (test/bench/points.ts); their report times drift with
 * position (early in the year in the west, late in the east) so the cube holds real diminishing and
 * intensifying patterns rather than noise only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAnalysis } from '../../server/analyses/service'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import type { Progress } from '../../server/jobs/jobs'
import { seedTaxonomy } from '../../server/sample/load'
import { seededRandom } from '../../server/shared/random'
import { csrFromLists } from '../../server/shared/csr'
import { buildCube } from '../../server/trends/core/cube'
import { category, emergingHotSpots } from '../../server/trends/core/emerging'
import { spaceTimeGiStar } from '../../server/trends/core/space-time-gi'
import { BENCH_SEED, cityPoints } from './points'
import { phaseTimer, report, timeMs } from './report'

const SIDE = 100 // cells per row and column
const CELL = 100 // cell size, metres
const EXTENT = SIDE * CELL
const WEEKS = 52
const CASES = 500_000 // about 1,400 a day: a busy district's year
const TARGET_MS = 3000
const WEEK_MS = 7 * 86_400_000
const START = Date.UTC(2024, 0, 1) - 8 * 3_600_000 // Monday 2024-01-01 00:00 Asia/Shanghai

function queen(side: number) {
  const lists: number[][] = []
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const nb: number[] = []
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr
          const cc = c + dc
          if ((dr || dc) && rr >= 0 && rr < side && cc >= 0 && cc < side) nb.push(rr * side + cc)
        }
      }
      lists.push(nb)
    }
  }
  return csrFromLists(lists)
}

async function main() {
  const { x, y } = cityPoints(CASES, BENCH_SEED, { extent: EXTENT })
  const rand = seededRandom(BENCH_SEED + 1)
  const cellOf = new Int32Array(CASES)
  const t = new Float64Array(CASES)
  for (let k = 0; k < CASES; k++) {
    const col = Math.floor(x[k] / CELL)
    const row = Math.floor(y[k] / CELL)
    cellOf[k] = col >= 0 && col < SIDE && row >= 0 && row < SIDE ? row * SIDE + col : -1
    // share of the year elapsed: u^γ with γ < 1 (west) crowds cases early, γ > 1 (east) late
    const gamma = Math.exp(1.2 * (x[k] / EXTENT - 0.5))
    t[k] = START + WEEKS * WEEK_MS * Math.pow(rand(), gamma)
  }
  const w = queen(SIDE)
  const nCells = SIDE * SIDE
  const end = START + WEEKS * WEEK_MS

  let cube = buildCube({ cellOf, t, nCells, step: 'week', start: START, end })
  const cubeMs = await timeMs(() => {
    cube = buildCube({ cellOf, t, nCells, step: 'week', start: START, end })
  }, 3)
  report({ bench: 'emerging', figure: 'build cube (500k cases → 10,000 cells × 52 weeks)', value: cubeMs, unit: 'ms', cases: CASES, outside: cube.outside })

  let gi = spaceTimeGiStar(cube, w)
  const giMs = await timeMs(() => {
    gi = spaceTimeGiStar(cube, w)
  }, 3)
  report({ bench: 'emerging', figure: 'space-time Gi* (k = 1)', value: giMs, unit: 'ms', bins: gi.z.length })

  let result = emergingHotSpots(gi)
  const emMs = await timeMs(() => {
    result = emergingHotSpots(gi)
  }, 3)
  report({ bench: 'emerging', figure: 'Mann-Kendall + 17 categories', value: emMs, unit: 'ms', cells: nCells })

  const totalMs = await timeMs(() => emergingHotSpots(spaceTimeGiStar(cube, w)), 3)
  const counts: Record<string, number> = {}
  for (let i = 0; i < nCells; i++) {
    const key = category(result.code[i]).key
    counts[key] = (counts[key] ?? 0) + 1
  }
  report({
    bench: 'emerging',
    figure: 'Gi* + Mann-Kendall + categories, 10,000 cells × 52 weeks',
    value: totalMs,
    unit: 'ms',
    target: `< ${TARGET_MS} ms`,
    pass: totalMs < TARGET_MS,
    categories: counts,
  })

  const fdrMs = await timeMs(() => emergingHotSpots(spaceTimeGiStar(cube, w, { fdr: true })), 3)
  report({ bench: 'emerging', figure: 'same with FDR-corrected bins', value: fdrMs, unit: 'ms', target: `< ${TARGET_MS} ms`, pass: fdrMs < TARGET_MS })
}

const KIND_CASES = Number(process.env.KIND_CASES ?? 100_000)
const EPSG = 4549 // CGCS2000 3-degree Gauss-Kruger CM 120E, the sample city's metric CRS
const ORIGIN = [500_000, 3_340_000] // metres, near Hangzhou

/** A 100 × 100 lattice of 100 m squares as a ready layout, and KIND_CASES seeded cases over a year. */
async function seed(db: Database): Promise<number> {
  const { knex } = db
  await migrate(knex)
  await knex.raw('TRUNCATE analysis_results, analyses, cells, layouts, cases, districts RESTART IDENTITY CASCADE')
  await seedTaxonomy(db)
  const [{ id: district }] = await knex('districts').insert({
    level: 'district', code: '990002', full_code: '990002', name_zh: '基准区', area_m2: EXTENT * EXTENT,
    geom: knex.raw(`ST_Multi(ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, ${EPSG}), 4326))`, [ORIGIN[0], ORIGIN[1], ORIGIN[0] + EXTENT, ORIGIN[1] + EXTENT]),
  }).returning('id')
  const [{ id: layout }] = await knex('layouts').insert({ name: 'bench 100 m', kind: 'square', scope_id: district, metric_crs: `EPSG:${EPSG}`, status: 'building' }).returning('id')
  // the lattice's constants are numbers of this file, written into the SQL as literals (typed)
  const [x0, y0] = ORIGIN
  await knex.raw(`
    INSERT INTO cells (layout_id, idx, code, geom, area_m2, centroid)
    SELECT :layout, r * ${SIDE} + c, 'B' || lpad((r * ${SIDE} + c)::text, 5, '0'),
      ST_Multi(ST_Transform(ST_MakeEnvelope(${x0} + c * ${CELL}, ${y0} + r * ${CELL}, ${x0} + (c + 1) * ${CELL}, ${y0} + (r + 1) * ${CELL}, ${EPSG}), 4326)),
      ${CELL * CELL}, ST_Transform(ST_SetSRID(ST_MakePoint(${x0} + (c + 0.5) * ${CELL}, ${y0} + (r + 0.5) * ${CELL}), ${EPSG}), 4326)
    FROM generate_series(0, ${SIDE - 1}) r, generate_series(0, ${SIDE - 1}) c`, { layout })
  await knex('layouts').where({ id: layout }).update({ status: 'ready', cell_count: SIDE * SIDE })
  const { x, y } = cityPoints(KIND_CASES, BENCH_SEED, { extent: EXTENT })
  const rand = seededRandom(BENCH_SEED + 2)
  const t: number[] = []
  for (let k = 0; k < KIND_CASES; k++) t.push((START + WEEKS * WEEK_MS * Math.pow(rand(), Math.exp(1.2 * (x[k] / EXTENT - 0.5)))) / 1000)
  for (let k0 = 0; k0 < KIND_CASES; k0 += 20_000) {
    const k1 = Math.min(KIND_CASES, k0 + 20_000)
    await knex.raw(`
      INSERT INTO cases (dataset, external_id, category_code, source, reported_at, due_at, status, geom)
      SELECT 'bench', 'B' || k, '0401', 'patrol', to_timestamp(t), to_timestamp(t) + interval '1 day', 'dispatched',
        ST_Transform(ST_SetSRID(ST_MakePoint(${x0} + px, ${y0} + py), ${EPSG}), 4326)
      FROM unnest(CAST(:k AS int[]), CAST(:px AS float8[]), CAST(:py AS float8[]), CAST(:t AS float8[])) AS u(k, px, py, t)`, {
      k: Array.from({ length: k1 - k0 }, (_, i) => k0 + i), px: Array.from(x.subarray(k0, k1)), py: Array.from(y.subarray(k0, k1)), t: t.slice(k0, k1),
    })
  }
  await knex.raw('ANALYZE cases')
  return layout
}

type RunAnalysis = typeof runAnalysis

interface TimedRun {
  wall: number
  cpu: number
  /** wall and CPU ms per progress phase; `start` is validation and the row insert, the last phase runs to the end */
  phasesMs: Record<string, number>
  phasesCpuMs: Record<string, number>
  steps: number
}

async function timedRun(run: RunAnalysis, db: Database, request: Parameters<RunAnalysis>[1]): Promise<TimedRun> {
  const timer = phaseTimer('start')
  const view = await run(db, request, (p: Progress) => timer.onProgress(p))
  const t = timer.end()
  return {
    wall: t.wallMs, cpu: t.cpuMs, phasesMs: t.phasesMs, phasesCpuMs: t.phasesCpuMs,
    steps: (view.summary as { time: { steps: number } }).time.steps,
  }
}

/** Repetitions of each implementation, alternated so both see the same load; the best run counts. */
const KIND_REPEAT = Number(process.env.KIND_REPEAT ?? 3)

/**
 * The whole kind through runAnalysis, best of KIND_REPEAT runs after a warm-up. With
 * EMERGING_REFERENCE naming a checkout of an earlier Wangge (e.g. `git worktree add /tmp/ref <commit>`
 * with node_modules linked), that implementation runs alternately on the same database and the
 * ratio of its time to ours is reported (> 1: ours is faster).
 */
async function wholeKind(db: Database, label: string): Promise<void> {
  const layout = await seed(db)
  const end = new Date(START + WEEKS * WEEK_MS + 8 * 3_600_000).toISOString().slice(0, 10)
  const request = { kind: 'emerging-hotspots', layout_id: layout, parameters: { step: 'week', start: '2024-01-01', end, weights: 'knn', k: 8 } }
  const runners: Array<[string, RunAnalysis]> = [['current', runAnalysis]]
  const ref = process.env.EMERGING_REFERENCE
  if (ref) runners.push(['reference', (await import(join(ref, 'server/analyses/service.ts'))).runAnalysis as RunAnalysis])
  const best = new Map<string, TimedRun>()
  const bestCpu = new Map<string, number>()
  for (const [, run] of runners) await timedRun(run, db, request) // warm-up: caches, JIT, the cells' index pages
  for (let r = 0; r < KIND_REPEAT; r++) {
    for (const [name, run] of runners) {
      const t = await timedRun(run, db, request)
      if (!best.has(name) || t.wall < best.get(name)!.wall) best.set(name, t)
      bestCpu.set(name, Math.min(bestCpu.get(name) ?? Infinity, t.cpu))
    }
  }
  const load = Math.round(loadavg()[0] * 10) / 10
  const ours = best.get('current')!
  const theirs = best.get('reference')
  report({
    bench: 'emerging', figure: `emerging-hotspots kind, 10,000 cells × ${WEEKS} weeks, ${KIND_CASES} cases (${label})`, value: Math.round(ours.wall), unit: 'ms',
    target: `< ${TARGET_MS} ms`, pass: ours.wall < TARGET_MS, cpu_ms: Math.round(bestCpu.get('current')!),
    cpu_note: label === 'PostgreSQL' ? 'this process only; the server\'s CPU is not counted' : 'this process, the embedded database included',
    phases_ms: ours.phasesMs, phases_cpu_ms: ours.phasesCpuMs, steps: ours.steps, runs: KIND_REPEAT, load,
    ...(theirs && {
      reference: ref, ratio: Math.round((theirs.wall / ours.wall) * 100) / 100,
      cpu_ratio: Math.round((bestCpu.get('reference')! / bestCpu.get('current')!) * 100) / 100,
      reference_ms: Math.round(theirs.wall), reference_cpu_ms: Math.round(bestCpu.get('reference')!),
      reference_phases_ms: theirs.phasesMs, reference_phases_cpu_ms: theirs.phasesCpuMs,
    }),
  })
}

const KIND_ONLY = process.env.KIND_ONLY === '1'

if (!KIND_ONLY) await main()
const dir = mkdtempSync(join(tmpdir(), 'wangge-bench-emerging-'))
try {
  const embedded = await openDatabase({ dataDir: dir })
  try { await wholeKind(embedded, 'embedded database') } finally { await embedded.close() }
  if (process.env.DATABASE_URL) {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: dir })
    try { await wholeKind(db, 'PostgreSQL') } finally { await db.close() }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
