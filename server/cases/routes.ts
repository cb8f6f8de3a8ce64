import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { jsonField, receiveUpload } from '../http/upload'
import { runAsJob } from '../jobs/routes'
import { importCases } from './import/service'
import type { CaseImportMapping } from './import/mapping'
import { CaseFilterQuery } from './filters'
import { caseSummary, caseTimeseries, listCases, listCasesGeoJson } from './service'

const CaseItem = Type.Object({
  id: Type.Number(), external_id: Type.String(), dataset: Type.String(), category_code: Type.String(), source: Type.String(),
  status: Type.String(), reported_at: Type.String(), dispatched_at: Type.Union([Type.String(), Type.Null()]),
  due_at: Type.Union([Type.String(), Type.Null()]), closed_at: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]), lon: Type.Number(), lat: Type.Number(),
  community_id: Type.Union([Type.Integer(), Type.Null()]), stacked: Type.Boolean(),
})

export async function caseRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/cases', {
    schema: {
      tags: ['cases'], summary: 'Cases, filtered and paged; format=geojson for a FeatureCollection of points',
      querystring: Type.Intersect([CaseFilterQuery, Type.Object({
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson')], { default: 'json' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1000 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      })]),
      response: {
        200: Type.Union([
          Type.Object({ items: Type.Array(CaseItem), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
          Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()), total: Type.Integer() }),
        ]),
        400: Problem,
      },
    },
  }, async (req, reply) => {
    const { format, limit = 1000, offset = 0, ...filter } = req.query
    if (format === 'geojson') return reply.type('application/geo+json').send(await listCasesGeoJson(ctx.db, filter, limit, offset))
    return listCases(ctx.db, filter, limit, offset)
  })

  app.get('/api/cases/timeseries', {
    schema: {
      tags: ['cases'], summary: 'Case counts per day, week or month (Asia/Shanghai) for the filtered cases',
      querystring: Type.Intersect([CaseFilterQuery, Type.Object({
        step: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'week' })),
      })]),
      response: { 200: Type.Object({ step: Type.String(), items: Type.Array(Type.Object({ t: Type.String(), n: Type.Integer() })) }), 400: Problem },
    },
  }, async (req) => {
    const { step = 'week', ...filter } = req.query
    return { step, items: await caseTimeseries(ctx.db, filter, step) }
  })

  app.get('/api/cases/summary', {
    schema: {
      tags: ['cases'], summary: 'Totals and handling rates (结案率 closed ÷ due, 按期结案率 closed on time ÷ due) for the filtered cases',
      querystring: CaseFilterQuery,
      response: {
        200: Type.Object({
          total: Type.Integer(), due: Type.Integer(), closed: Type.Integer(), closed_on_time: Type.Integer(), open_overdue: Type.Integer(),
          rate_closed: Type.Union([Type.Number(), Type.Null()]), rate_on_time: Type.Union([Type.Number(), Type.Null()]),
          median_hours_to_close: Type.Union([Type.Number(), Type.Null()]), stacked_excluded: Type.Integer(),
          by_category: Type.Array(Type.Object({ code: Type.String(), n: Type.Integer() })),
          by_source: Type.Array(Type.Object({ source: Type.String(), n: Type.Integer() })),
        }),
        400: Problem,
      },
    },
  }, async (req) => caseSummary(ctx.db, req.query))

  app.post('/api/cases/import', {
    schema: {
      tags: ['cases', 'imports'],
      summary: 'Import cases from CSV (any delimiter, UTF-8/GBK, gzip) or GeoJSON, uploaded as multipart "file"; optional form field "mapping" (JSON) and "district_id"',
      description: 'Bad rows are reported with row, column and reason; good rows are committed in one transaction; re-importing the same file changes nothing. Answers 202 with a job when it runs longer than a second.',
      consumes: ['multipart/form-data'],
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 413: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    const mapping = jsonField<CaseImportMapping>(upload.fields, 'mapping') ?? {}
    const districtId = upload.fields.district_id ? Number(upload.fields.district_id) : null
    await runAsJob(reply, ctx.jobs, 'import-cases', (progress) =>
      importCases(ctx.db, upload.path, { filename: upload.filename, mapping, districtId, onProgress: progress }).finally(() => upload.cleanup()),
    { status: 201 })
  })
}
