import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { runAsJob } from '../jobs/routes'
import { renderExport, EXPORT_FORMATS, type ExportFormat } from '../exports'
import { LayoutRequest } from './schema'
import { compareLayouts, createLayout, deleteLayout, getLayout, layoutCellsGeoJson, layoutExportTable, listLayouts } from './service'

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) })

export async function layoutRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post('/api/layouts', {
    schema: {
      tags: ['layouts'],
      summary: 'Draw a unit-cell layout (单元网格) of a district, street or community: square, h3 or street cells; answered with the layout and its statistics (202 + job when it takes longer than a second)',
      body: LayoutRequest,
      response: { 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 404: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    await runAsJob(reply, ctx.jobs, 'layout', (progress) => createLayout(ctx.db, req.body, progress), { status: 201 })
  })

  app.get('/api/layouts', {
    schema: {
      tags: ['layouts'], summary: 'Layouts, newest first',
      querystring: Type.Object({ scope: Type.Optional(Type.Integer({ minimum: 1, description: 'only layouts of this district/street/community id' })) }),
      response: { 200: Type.Unknown() },
    },
  }, async (req) => ({ items: await listLayouts(ctx.db, { scope: req.query.scope }) }))

  app.get('/api/layouts/:id', {
    schema: { tags: ['layouts'], summary: 'One layout with parameters and area statistics', params: Id, response: { 200: Type.Unknown(), 404: Problem } },
  }, async (req) => getLayout(ctx.db, req.params.id))

  app.delete('/api/layouts/:id', {
    schema: { tags: ['layouts'], summary: 'Delete a layout and its cells', params: Id, response: { 204: Type.Null(), 404: Problem } },
  }, async (req, reply) => {
    await deleteLayout(ctx.db, req.params.id)
    return reply.status(204).send(null)
  })

  app.get('/api/layouts/:id/cells', {
    schema: {
      tags: ['layouts'], summary: 'Cells as GeoJSON (WGS84) with idx, code, community, area_m2, neighbours (idx) and H3 cover',
      params: Id, response: { 200: Type.Unknown(), 404: Problem },
    },
  }, async (req, reply) => reply.type('application/geo+json').send(await layoutCellsGeoJson(ctx.db, req.params.id)))

  app.get('/api/layouts/:id/export', {
    schema: {
      tags: ['layouts'], summary: 'Download the cells: GeoJSON, CSV (WKT), zipped Shapefile (.prj, UTF-8 .cpg) or GeoPackage (format=gpkg)',
      params: Id,
      querystring: Type.Object({ format: Type.Union(EXPORT_FORMATS.map((f) => Type.Literal(f)), { default: 'geojson' }) }),
      response: { 200: Type.Unknown(), 404: Problem },
    },
  }, async (req, reply) => {
    const out = await renderExport(await layoutExportTable(ctx.db, req.params.id), req.query.format as ExportFormat)
    return reply.type(out.contentType).header('content-disposition', `attachment; filename="${out.filename}"`)
      .send(typeof out.body === 'string' ? out.body : Buffer.from(out.body))
  })

  app.get('/api/layouts/:a/compare/:b', {
    schema: {
      tags: ['layouts'], summary: 'Compare two layouts: cell counts, area distributions, cases per cell',
      params: Type.Object({ a: Type.Integer({ minimum: 1 }), b: Type.Integer({ minimum: 1 }) }),
      response: { 200: Type.Unknown(), 404: Problem },
    },
  }, async (req) => compareLayouts(ctx.db, req.params.a, req.params.b))
}
