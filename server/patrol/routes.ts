import { Type } from 'typebox'
import type { FeatureCollection } from 'geojson'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { jsonField, receiveUpload } from '../http/upload'
import { runAsJob } from '../jobs/routes'
import { AppError, BadParameter, NotFound } from '../shared/errors'
import { patrolCoverage } from './coverage-service'
import { planGeoJson, planGpx, planHtml } from './plan-export'
import { createPlan, getPlan, listPlans, type PlanRequest } from './plan-service'
import { trackDays, tripsGeoJson } from './repository'
import { buildNetworkGraph, graphSummary } from './street-graph'
import { importTracks, type TrackImportOptions } from './track-import'
import { importWorkers, workers, type WorkerInput } from './workers'

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date YYYY-MM-DD (Asia/Shanghai)' })
const Hhmm = Type.String({ pattern: '^\\d{1,2}:\\d{2}$' })

const PlanBody = Type.Object({
  layout: Type.Integer({ description: 'unit-cell layout id' }),
  day: Type.Optional(Day),
  network: Type.Optional(Type.String({ description: 'street network; default the largest' })),
  workers: Type.Optional(Type.Array(Type.String(), { description: 'worker codes on duty; default all with grids not resting that day' })),
  include_resting: Type.Optional(Type.Boolean()),
  shift: Type.Optional(Type.String({ pattern: '^\\d{1,2}:\\d{2}\\s*-\\s*\\d{1,2}:\\d{2}$', description: "one shift for everyone, 'HH:MM-HH:MM'" })),
  speed_kmh: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 30, description: 'walking speed, default 4.5 km/h' })),
  cells: Type.Optional(Type.Array(Type.String(), { description: 'cell codes to cover; default all' })),
  priorities: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'priority per cell code; default case counts over 90 days' })),
  hot_share: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of cells with a dwell visit, default 0.25' })),
  dwell_minutes: Type.Optional(Type.Tuple([Type.Number({ minimum: 0 }), Type.Number({ minimum: 0 })], { description: 'dwell at priority cells, default [10, 15]' })),
  time_windows: Type.Optional(Type.Array(Type.Object({ cells: Type.Array(Type.String()), from: Hhmm, to: Hhmm }))),
  allow_cross_help: Type.Optional(Type.Boolean()),
  time_budget_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, description: 'planner budget, default 5000 ms' })),
  seed: Type.Optional(Type.Integer()),
  max_iterations: Type.Optional(Type.Integer({ minimum: 1 })),
})

const numberField = (fields: Record<string, string>, name: string): number | undefined => {
  if (fields[name] === undefined || fields[name] === '') return undefined
  const v = Number(fields[name])
  if (!Number.isFinite(v)) throw BadParameter(name, `"${fields[name]}" is not a number`)
  return v
}

export async function patrolRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/patrol/workers', {
    schema: {
      tags: ['patrol'], summary: 'Patrol workers with their office (WGS84), shifts (start minute of day, minutes), rest days and grids',
      response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }) },
    },
  }, async () => ({ items: await workers(ctx.db) }))

  app.post('/api/patrol/workers', {
    schema: {
      tags: ['patrol'], summary: 'Add or update workers (workers.json format) and optionally replace the responsibility grids (GeoJSON with code, worker_id)',
      body: Type.Object({ workers: Type.Array(Type.Unknown()), grids: Type.Optional(Type.Unknown()) }),
      response: { 200: Type.Object({ workers: Type.Integer(), grids: Type.Integer() }), 400: Problem, 422: Problem },
    },
  }, async (req) => importWorkers(ctx.db, req.body.workers as WorkerInput[], req.body.grids as FeatureCollection | undefined))

  app.post('/api/patrol/tracks/import', {
    schema: {
      tags: ['patrol', 'imports'],
      summary: 'Import GPS tracks (GPX, CSV worker,time,lon,lat or GeoJSON; gzip allowed) uploaded as multipart "file"',
      description: 'Optional form fields: crs (WGS84, GCJ02, BD09), timezone, time_format, worker, columns (JSON {worker,time,lon,lat}), ' +
        'max_speed_kmh (15), gap_minutes (10), jitter_m (3), max_accuracy_m (50), district (id, "all" or "none"). Fixes are cleaned ' +
        '(duplicates, speed, jitter, outside the district), cut into trips per worker and day and stored; re-importing replaces those workers\' days. ' +
        'Answers 202 with a job when it runs longer than a second.',
      consumes: ['multipart/form-data'],
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 413: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    const f = upload.fields
    const district: TrackImportOptions['district'] = f.district === undefined || f.district === '' ? undefined
      : f.district === 'all' || f.district === 'none' ? f.district : numberField(f, 'district')
    const opts = {
      filename: upload.filename, crs: f.crs, timeZone: f.timezone, timeFormat: f.time_format as never, worker: f.worker,
      format: f.format as never, columns: jsonField<Record<string, string>>(f, 'columns'),
      maxSpeedKmh: numberField(f, 'max_speed_kmh'), gapMinutes: numberField(f, 'gap_minutes'), jitterMeters: numberField(f, 'jitter_m'),
      maxAccuracyMeters: numberField(f, 'max_accuracy_m'), district,
    }
    await runAsJob(reply, ctx.jobs, 'import-tracks', (progress) =>
      importTracks(ctx.db, upload.path, { ...opts, onProgress: progress }).finally(() => upload.cleanup()), { status: 201 })
  })

  app.get('/api/patrol/tracks', {
    schema: {
      tags: ['patrol'], summary: 'Cleaned trips as GeoJSON LineStrings (WGS84) with per-vertex times, for the map',
      querystring: Type.Object({ day: Type.Optional(Day), from: Type.Optional(Day), to: Type.Optional(Day), worker: Type.Optional(Type.String()) }),
      response: { 200: Type.Unknown(), 400: Problem },
    },
  }, async (req, reply) => {
    const { day, worker } = req.query
    const from = req.query.from ?? day
    const to = req.query.to ?? day ?? from
    if (!from || !to) throw BadParameter('day', 'give day=YYYY-MM-DD or from and to')
    return reply.type('application/geo+json').send(await tripsGeoJson(ctx.db.knex, from, to, worker ?? null))
  })

  app.get('/api/patrol/tracks/days', {
    schema: {
      tags: ['patrol'], summary: 'Local days (YYYY-MM-DD) with stored trips, oldest first, with trip, worker and fix counts (the map opens on the latest)',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ day: Type.String(), trips: Type.Integer(), workers: Type.Integer(), fixes: Type.Integer() })) }) },
    },
  }, async () => ({ items: await trackDays(ctx.db.knex) }))

  app.post('/api/patrol/graph', {
    schema: {
      tags: ['patrol'], summary: 'Build (or rebuild) the walkable street graph of a network and store it; reports disconnected pieces',
      querystring: Type.Object({ network: Type.Optional(Type.String({ default: 'default' })) }),
      response: { 200: Type.Unknown(), 202: Type.Unknown(), 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, 'patrol-graph', async () => (await buildNetworkGraph(ctx.db, req.query.network ?? 'default')).summary)
  })

  app.get('/api/patrol/graph', {
    schema: {
      tags: ['patrol'], summary: 'The stored street graph report of a network (nodes, edges, components, disconnected pieces; stale when streets changed)',
      querystring: Type.Object({ network: Type.Optional(Type.String({ default: 'default' })) }),
      response: { 200: Type.Unknown(), 404: Problem },
    },
  }, async (req) => {
    const network = req.query.network ?? 'default'
    const summary = await graphSummary(ctx.db, network)
    if (!summary) throw NotFound('street graph of network', network)
    return summary
  })

  app.get('/api/patrol/coverage', {
    schema: {
      tags: ['patrol'],
      summary: 'Patrol coverage per cell and day, with roll-ups per day, grid, community and worker (见巡率), street share, unvisited cells and under-visited hotspots',
      querystring: Type.Object({
        layout: Type.Integer(), from: Day, to: Day,
        worker: Type.Optional(Type.Array(Type.String(), { description: 'worker codes; repeat the parameter' })),
        network: Type.Optional(Type.String()),
        tolerance_m: Type.Optional(Type.Number({ minimum: 0, maximum: 100, default: 10 })),
        buffer_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 15 })),
        not_visited_days: Type.Optional(Type.Integer({ minimum: 1, default: 3 })),
        hot_share: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.1 })),
        hot_passes: Type.Optional(Type.Integer({ minimum: 1, default: 2 })),
        cells: Type.Optional(Type.Boolean({ default: false, description: 'include one entry per cell' })),
      }),
      response: { 200: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const q = req.query
    await runAsJob(reply, ctx.jobs, 'patrol-coverage', (progress) => patrolCoverage(ctx.db, {
      layout: q.layout, from: q.from, to: q.to, workers: q.worker, network: q.network, toleranceM: q.tolerance_m, bufferM: q.buffer_m,
      notVisitedDays: q.not_visited_days, hotShare: q.hot_share, hotPasses: q.hot_passes, cells: q.cells,
    }, progress), { waitMs: 10_000 })
  })

  app.post('/api/patrol/plans', {
    schema: {
      tags: ['patrol'],
      summary: 'Plan a day of patrol routes along the streets: every cell of every grid, then dwell at priority cells; a job with progress',
      body: PlanBody,
      response: { 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, 'patrol-plan', (progress) => createPlan(ctx.db, req.body as PlanRequest, progress), { status: 201 })
  })

  app.get('/api/patrol/plans', {
    schema: { tags: ['patrol'], summary: 'Recent plans, newest first', response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }) } },
  }, async () => ({ items: await listPlans(ctx.db) }))

  app.get('/api/patrol/plans/:id', {
    schema: {
      tags: ['patrol'],
      summary: 'A stored plan (JSON); /:id.gpx, /:id.geojson and /:id.html (printable route sheet in Chinese) export it, ?worker= for one worker',
      params: Type.Object({ id: Type.String({ pattern: '^\\d+(\\.(gpx|geojson|html|json))?$' }) }),
      querystring: Type.Object({ worker: Type.Optional(Type.String()) }),
      response: { 200: Type.Unknown(), 400: Problem, 404: Problem },
    },
  }, async (req, reply) => {
    const [idText, ext = 'json'] = req.params.id.split('.')
    const plan = await getPlan(ctx.db, Number(idText))
    if (!plan) throw NotFound('plan', idText)
    const worker = req.query.worker
    const name = `patrol-plan-${plan.id}-${plan.day}${worker ? `-${worker}` : ''}`
    switch (ext) {
      case 'gpx':
        return reply.type('application/gpx+xml; charset=utf-8').header('content-disposition', `attachment; filename="${name}.gpx"`).send(planGpx(plan, worker))
      case 'geojson':
        return reply.type('application/geo+json').send(await planGeoJson(ctx.db, plan, worker))
      case 'html':
        return reply.type('text/html; charset=utf-8').send(await planHtml(ctx.db, plan, worker))
      case 'json':
        if (worker) return { ...plan, routes: plan.routes.filter((r) => r.worker === worker) }
        return plan
      default:
        throw new AppError('WG_BAD_PARAMETER', `Parameter id: unknown export .${ext}; use .gpx, .geojson or .html`, 400)
    }
  })
}
