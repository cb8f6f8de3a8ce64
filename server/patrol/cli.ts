/**
 * Patrol commands (same services as the HTTP API):
 *   npm run wangge -- patrol workers data/sample/workers.json --grids data/sample/grids.geojson
 *   npm run wangge -- patrol import tracks.csv.gz [--crs GCJ02] [--timezone UTC] [--max-speed 15]
 *   npm run wangge -- patrol graph --network sample
 *   npm run wangge -- patrol coverage --layout 1 --from 2025-06-01 --to 2025-06-07
 *   npm run wangge -- patrol plan --layout 1 --day 2025-06-02 --out plans/
 *   npm run wangge -- patrol export 3 --format html --out plan.html
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { print, progressBar, withDb } from '../cli/support'
import type { Database } from '../db/connect'
import { errorsToCsv } from '../imports/report'
import { NotFound } from '../shared/errors'
import { patrolCoverage } from './coverage-service'
import { planGeoJson, planGpx, planHtml } from './plan-export'
import { createPlan, getPlan, type PlanView } from './plan-service'
import { buildNetworkGraph } from './street-graph'
import { importTracks } from './track-import'
import { importWorkerFiles, workers } from './workers'

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)

/** Writes a plan's JSON, GeoJSON, route sheet and one GPX per worker into `dir`. */
async function writePlanFiles(db: Database, plan: PlanView, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const base = join(dir, `patrol-plan-${plan.id}-${plan.day}`)
  const files = [`${base}.json`, `${base}.geojson`, `${base}.html`]
  writeFileSync(files[0], JSON.stringify(plan, null, 2))
  writeFileSync(files[1], JSON.stringify(await planGeoJson(db, plan)))
  writeFileSync(files[2], await planHtml(db, plan))
  for (const w of new Set(plan.routes.map((r) => r.worker))) {
    const f = `${base}-${w}.gpx`
    writeFileSync(f, planGpx(plan, w))
    files.push(f)
  }
  return files
}

export function patrolCommands(program: Command): void {
  const patrol = program.command('patrol').description('patrol: workers, GPS tracks, street graph, coverage and route plans')

  patrol.command('workers [file]')
    .description('import workers (workers.json format) and optionally their responsibility grids; without a file, list them')
    .option('--grids <geojson>', 'responsibility grids with code and worker_id')
    .action(async (file: string | undefined, o) => withDb(async (db) => print(file ? await importWorkerFiles(db, file, o.grids) : await workers(db))))

  patrol.command('import <file>')
    .description('GPS tracks: GPX, CSV (worker,time,lon,lat) or GeoJSON, optionally gzipped; cleaned and stored per worker and day')
    .option('--crs <crs>', 'WGS84 (default), GCJ02, BD09 or CGCS2000')
    .option('--timezone <tz>', 'IANA zone of times without offset (default Asia/Shanghai; GPS loggers: UTC)')
    .option('--time-format <f>', 'auto, iso, us, zh, epoch-s, epoch-ms')
    .option('--worker <code>', 'worker of a file without a worker column')
    .option('--columns <json>', 'CSV column names, e.g. {"worker":"uid","time":"datetime","lon":"lng"}')
    .option('--max-speed <kmh>', 'fastest plausible walk, km/h (default 15)', Number)
    .option('--gap <minutes>', 'a trip ends at a longer gap (default 10)', Number)
    .option('--jitter <m>', 'standing jitter, metres (default 3)', Number)
    .option('--district <id|all|none>', 'drop fixes outside this district (default all districts)')
    .option('--errors <csv>', 'write dropped fixes (row, reason) to this CSV file')
    .action(async (file: string, o) => withDb(async (db) => {
      const bar = progressBar()
      try {
        const district = o.district === undefined || o.district === 'all' || o.district === 'none' ? o.district : Number(o.district)
        const result = await importTracks(db, file, {
          crs: o.crs, timeZone: o.timezone, timeFormat: o.timeFormat, worker: o.worker, columns: o.columns ? JSON.parse(o.columns) : undefined,
          maxSpeedKmh: o.maxSpeed, gapMinutes: o.gap, jitterMeters: o.jitter, district, onProgress: bar.onProgress,
        })
        bar.stop()
        if (o.errors) writeFileSync(o.errors, errorsToCsv(result.errors))
        print({ ...result, errors: result.errors.slice(0, 20), by_worker_day: result.by_worker_day.slice(0, 10) })
      } finally { bar.stop() }
    }))

  patrol.command('graph').description('build and store the walkable street graph; reports disconnected pieces')
    .option('--network <name>', 'street network', 'default')
    .action(async (o) => withDb(async (db) => {
      const { summary } = await buildNetworkGraph(db, o.network)
      print({ ...summary, disconnected: { ...summary.disconnected, pieces: summary.disconnected.pieces.slice(0, 20) } })
    }))

  patrol.command('coverage').description('coverage of a layout\'s cells and the streets by the stored tracks, with roll-ups')
    .requiredOption('--layout <id>', 'unit-cell layout', Number)
    .requiredOption('--from <day>', 'first day YYYY-MM-DD').requiredOption('--to <day>', 'last day YYYY-MM-DD')
    .option('--workers <codes>', 'comma-separated worker codes', list)
    .option('--network <name>', 'street network (default the largest)')
    .option('--not-visited-days <n>', 'report cells unvisited this many days (default 3)', Number)
    .option('--out <json>', 'write the full result here; print the summary only')
    .action(async (o) => withDb(async (db) => {
      const bar = progressBar()
      try {
        const r = await patrolCoverage(db, { layout: o.layout, from: o.from, to: o.to, workers: o.workers, network: o.network, notVisitedDays: o.notVisitedDays, cells: Boolean(o.out) }, bar.onProgress)
        bar.stop()
        if (o.out) writeFileSync(o.out, JSON.stringify(r, null, 2))
        print({ ...r, by_grid: undefined, by_community: undefined, by_worker: undefined, cells: undefined, not_visited: { ...r.not_visited, cells: r.not_visited.cells.length }, hotspots: { ...r.hotspots, cells: r.hotspots.cells.length, under_visited: r.hotspots.under_visited.length } })
      } finally { bar.stop() }
    }))

  patrol.command('plan').description('plan a day of patrol routes and write JSON, GeoJSON, the route sheet (HTML) and GPX per worker')
    .requiredOption('--layout <id>', 'unit-cell layout', Number)
    .option('--day <day>', 'YYYY-MM-DD (default today)')
    .option('--network <name>', 'street network (default the largest)')
    .option('--workers <codes>', 'comma-separated worker codes on duty', list)
    .option('--shift <HH:MM-HH:MM>', 'one shift for everyone')
    .option('--budget <ms>', 'planner time budget (default 5000)', Number)
    .option('--seed <n>', 'seed', Number)
    .option('--cross-help', 'workers may visit other grids')
    .option('--out <dir>', 'folder for the exports', '.')
    .action(async (o) => withDb(async (db) => {
      const bar = progressBar()
      try {
        const plan = await createPlan(db, {
          layout: o.layout, day: o.day, network: o.network, workers: o.workers, shift: o.shift, time_budget_ms: o.budget, seed: o.seed,
          allow_cross_help: Boolean(o.crossHelp),
        }, bar.onProgress)
        bar.stop()
        const files = await writePlanFiles(db, plan, o.out)
        print({ id: plan.id, day: plan.day, objective: plan.objective, baseline: plan.baseline, dwell_ratio: plan.dwell_ratio, uncovered: plan.uncovered.length, routes: plan.routes.length, files })
      } finally { bar.stop() }
    }))

  patrol.command('export <planId>').description('export a stored plan')
    .option('--format <f>', 'gpx, geojson, html or json', 'html')
    .option('--worker <code>', 'one worker only')
    .requiredOption('--out <file>', 'output file')
    .action(async (id: string, o) => withDb(async (db) => {
      const plan = await getPlan(db, Number(id))
      if (!plan) throw NotFound('plan', id)
      const text = o.format === 'gpx' ? planGpx(plan, o.worker)
        : o.format === 'geojson' ? JSON.stringify(await planGeoJson(db, plan, o.worker))
          : o.format === 'json' ? JSON.stringify(plan, null, 2) : await planHtml(db, plan, o.worker)
      writeFileSync(o.out, text)
      print({ written: o.out })
    }))
}
