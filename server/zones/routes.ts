import { Type } from 'typebox'
import { renderExport } from '../exports'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { jsonField, receiveUpload } from '../http/upload'
import { runAsJob } from '../jobs/routes'
import { AppError } from '../shared/errors'
import { CurrentImportOptions, ZoningRequest } from './schema'
import { compareZonings, createZoning, getZoning, importCurrentZoning, listZonings, zoningExportTable, zoningSummary } from './service'

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export async function zoneRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post('/api/zones', {
    schema: {
      tags: ['zones'],
      summary: 'Draw K balanced, contiguous responsibility grids (责任网格) on a layout and store them as a proposal',
      description: 'Workload per cell is a weighted sum of cases (per category), street length, area and POIs over a time window. ' +
        'Hard constraints: contiguity, nesting in communities or streets, fixed cells, maximum diameter or walking time, barrier streets. ' +
        'Soft: balance, compactness, similarity to the current zoning, keeping recurring-problem clusters whole. Deterministic for a seed ' +
        'with max_iterations. Answers 202 with a job (progress at /api/jobs/:id) when it runs longer than a second; 422 explains which constraint failed where.',
      body: ZoningRequest,
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, 'zoning', (progress) => createZoning(ctx.db, req.body, progress), { status: 201 })
  })

  app.get('/api/zones', {
    schema: {
      tags: ['zones'], summary: 'Zonings (current grids and proposals) with their headline figures',
      querystring: Type.Object({
        layout: Type.Optional(Type.Integer({ description: 'only zonings of this layout' })),
        kind: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('proposal')])),
      }),
      response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), 400: Problem },
    },
  }, async (req) => listZonings(ctx.db, req.query))

  app.post('/api/zones/current/import', {
    schema: {
      tags: ['zones', 'imports'],
      summary: 'Import the current responsibility grids of a layout, uploaded as multipart "file": grid polygons (GeoJSON or zipped Shapefile) or a CSV table of cell code → grid code',
      description: 'Form field "options" (JSON): layout_id (required), name, code_field, name_field, worker_field, cell_field, crs, workload. ' +
        'Each cell goes to the polygon covering most of it. Bad rows or codes are named and nothing is written.',
      consumes: ['multipart/form-data'],
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 413: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    const options = jsonField<CurrentImportOptions>(upload.fields, 'options') ?? (upload.fields.layout_id ? { layout_id: Number(upload.fields.layout_id) } : undefined)
    if (!options || !Number.isInteger(options.layout_id)) {
      await upload.cleanup()
      throw new AppError('WG_BAD_PARAMETER', 'form field "options" must be JSON with layout_id (the layout whose cells the grids cover)', 400)
    }
    await runAsJob(reply, ctx.jobs, 'import-current-zones', (progress) =>
      importCurrentZoning(ctx.db, upload.path, { ...options, filename: upload.filename }, progress).finally(() => upload.cleanup()), { status: 201 })
  })

  app.get('/api/zones/:id', {
    schema: {
      tags: ['zones'], summary: 'One zoning: parameters, workload definition and window, figures (CV, max/min, compactness, cells moved, clusters split, CV over time) and per-zone rows',
      params: Id,
      response: { 200: Type.Unknown(), 400: Problem, 404: Problem },
    },
  }, async (req) => getZoning(ctx.db, req.params.id))

  for (const [suffix, format] of [['geojson', 'geojson'], ['shp.zip', 'shapefile'], ['csv', 'csv'], ['gpkg', 'gpkg']] as const) {
    app.get(`/api/zones/:id.${suffix}`, {
      schema: {
        tags: ['zones'], summary: `The zones dissolved into one polygon each with code, community, worker, cells, cases and workload (${format === 'shapefile' ? 'zipped Shapefile with .prj and .cpg' : format === 'csv' ? 'CSV with WKT' : format === 'gpkg' ? 'GeoPackage' : 'GeoJSON'}, WGS84)`,
        params: Id,
        response: { 200: Type.Unknown(), 400: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const out = await renderExport(await zoningExportTable(ctx.db, req.params.id), format)
      reply.type(out.contentType)
      if (format !== 'geojson') reply.header('content-disposition', `attachment; filename="${out.filename}"`)
      return reply.send(typeof out.body === 'string' ? out.body : Buffer.from(out.body))
    })
  }

  app.get('/api/zones/:id.html', {
    schema: {
      tags: ['zones'], summary: 'Printable summary for the planning meeting (HTML, Chinese, print CSS): figures, comparison with the current grids, map, workload chart, zone table',
      params: Id,
      response: { 200: Type.String(), 400: Problem, 404: Problem },
    },
  }, async (req, reply) => reply.type('text/html; charset=utf-8').send(await zoningSummary(ctx.db, req.params.id)))

  app.get('/api/zones/:a/compare/:b', {
    schema: {
      tags: ['zones'], summary: 'Compare two zonings of one layout (current vs proposed): per-zone workload table and chart data, CV, max/min, compactness, cells moved, clusters split',
      params: Type.Object({ a: Type.Integer({ minimum: 1 }), b: Type.Integer({ minimum: 1 }) }),
      response: { 200: Type.Unknown(), 400: Problem, 404: Problem, 422: Problem },
    },
  }, async (req) => compareZonings(ctx.db, req.params.a, req.params.b))
}
