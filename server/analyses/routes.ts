import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { runAsJob } from '../jobs/routes'
import { KINDS } from './registry'
import type { ResultFormat } from './render'
import { AnalysisRequest, getAnalysisView, listAnalysisViews, renderResult, rerunAnalysis, runAnalysis } from './service'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const AnalysisView = Type.Object({
  id: Type.Integer(), kind: Type.String(), name: Nullable(Type.String()),
  parameters: Type.Record(Type.String(), Type.Unknown()), filters: Type.Record(Type.String(), Type.Unknown()),
  layout_id: Nullable(Type.Integer()), as_of: Type.String(), status: Type.String(),
  created_at: Type.String(), finished_at: Nullable(Type.String()), duration_ms: Nullable(Type.Integer()),
  progress: Type.Record(Type.String(), Type.Unknown()), summary: Nullable(Type.Record(Type.String(), Type.Unknown())),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })), rerun_of: Nullable(Type.Integer()),
  result_url: Type.String(),
})
const Format = Type.Union([Type.Literal('json'), Type.Literal('geojson'), Type.Literal('csv'), Type.Literal('grid')])
const ResultQuery = Type.Object({
  format: Type.Optional(Format),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'json: rows per page' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  value: Type.Optional(Type.String({ description: 'grid: the column to rasterise (default: the last numeric one)' })),
})
const EXTENSIONS: Record<string, ResultFormat> = { json: 'json', geojson: 'geojson', csv: 'csv', grid: 'grid' }

export async function analysisRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/analyses/kinds', {
    schema: {
      tags: ['analyses'], summary: 'Analysis kinds with their parameters (JSON Schema, defaults included)',
      response: { 200: Type.Array(Type.Object({ kind: Type.String(), title: Type.Object({ zh: Type.String(), en: Type.String() }), description: Type.String(), layout: Type.String(), parameters: Type.Unknown() })) },
    },
  }, async () => KINDS.map((k) => ({ kind: k.kind, title: k.title, description: k.description, layout: k.layout, parameters: k.params })))

  app.post('/api/analyses', {
    schema: {
      tags: ['analyses'], summary: 'Run and store an analysis (cell-stats, gi-star, optimized-hotspots, local-moran, dbscan, hdbscan, density)',
      description: 'Answers 201 with the stored analysis when it finishes within a second, else 202 with a job (/api/jobs/:id shows progress; its result is the analysis). Absurd parameters and empty selections are refused with a problem naming the field.',
      body: AnalysisRequest,
      response: { 201: AnalysisView, 202: Type.Unknown(), 400: Problem, 404: Problem, 409: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, `analysis:${req.body.kind}`, (progress) => runAnalysis(ctx.db, req.body, progress), { status: 201 })
  })

  app.get('/api/analyses', {
    schema: {
      tags: ['analyses'], summary: 'Stored analyses, newest first (without their results)',
      querystring: Type.Object({
        kind: Type.Optional(Type.String()), layout_id: Type.Optional(Type.Integer()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(AnalysisView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
    },
  }, async (req) => listAnalysisViews(ctx.db, req.query))

  app.get('/api/analyses/:id', {
    schema: {
      tags: ['analyses'], summary: 'One analysis: kind, parameters, filters, layout, status, progress, duration and summary',
      params: Type.Object({ id: Type.Integer() }),
      response: { 200: AnalysisView, 404: Problem },
    },
  }, async (req) => getAnalysisView(ctx.db, req.params.id))

  app.post('/api/analyses/:id/rerun', {
    schema: {
      tags: ['analyses'], summary: 'Run a stored analysis again (same kind, parameters, filters, layout and as-of time unless as_of is given) and store it as a new one',
      params: Type.Object({ id: Type.Integer() }),
      body: Type.Optional(Type.Object({ as_of: Type.Optional(Type.String({ format: 'date-time' })) })),
      response: { 201: AnalysisView, 202: Type.Unknown(), 400: Problem, 404: Problem, 409: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, 'analysis:rerun', (progress) => rerunAnalysis(ctx.db, req.params.id, progress, req.body?.as_of), { status: 201 })
  })

  const result = async (id: number, format: ResultFormat, q: { limit?: number; offset?: number; value?: string }, reply: import('fastify').FastifyReply) => {
    const { type, body } = await renderResult(ctx.db, id, format, q)
    if (format === 'csv') reply.header('content-disposition', `attachment; filename="analysis-${id}.csv"`)
    return reply.type(type).send(body)
  }
  const resultResponses = { 200: Type.Unknown(), 400: Problem, 404: Problem, 409: Problem }

  app.get('/api/analyses/:id/result', {
    schema: {
      tags: ['analyses'], summary: 'The result: JSON rows (default), GeoJSON (WGS84), CSV, or for rasters a compact grid (?format=)',
      params: Type.Object({ id: Type.Integer() }), querystring: ResultQuery, response: resultResponses,
    },
  }, async (req, reply) => result(req.params.id, req.query.format ?? 'json', req.query, reply))

  app.get('/api/analyses/:id/result.:ext', {
    schema: {
      tags: ['analyses'], summary: 'The result by extension: result.json, result.geojson, result.csv, result.grid',
      params: Type.Object({ id: Type.Integer(), ext: Type.Union(Object.keys(EXTENSIONS).map((e) => Type.Literal(e))) }),
      querystring: ResultQuery, response: resultResponses,
    },
  }, async (req, reply) => result(req.params.id, EXTENSIONS[req.params.ext], req.query, reply))
}
