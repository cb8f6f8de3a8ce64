import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { jsonField, receiveUpload } from '../http/upload'
import { runAsJob } from '../jobs/routes'
import { importDistricts, type DistrictImportOptions } from './import'

const Level = Type.Union([Type.Literal('district'), Type.Literal('street'), Type.Literal('community')])

export async function districtRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/districts', {
    schema: {
      tags: ['districts'], summary: 'Administrative units (区/街道/社区); format=geojson adds boundaries (WGS84)',
      querystring: Type.Object({
        level: Type.Optional(Level),
        parent: Type.Optional(Type.Integer({ description: 'only children of this unit id' })),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson')], { default: 'json' })),
        simplify: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'simplification tolerance in metres (geojson)' })),
      }),
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem },
    },
  }, async (req, reply) => {
    const { level, parent, format, simplify } = req.query
    const { knex } = ctx.db
    const q = knex('districts as d').select('d.id', 'd.level', 'd.code', 'd.full_code', 'd.parent_id', 'd.name_zh', 'd.name_en',
      knex.raw('round((d.area_m2 / 1e6)::numeric, 4)::float8 AS area_km2'), 'd.source_crs').orderBy('d.full_code')
    if (level) q.where('d.level', level)
    if (parent !== undefined) q.where('d.parent_id', parent)
    if (format !== 'geojson') return { items: await q }
    // ~1e-5° per metre is close enough for display simplification at these latitudes
    q.select(knex.raw('ST_AsGeoJSON(CASE WHEN ?::float8 > 0 THEN ST_SimplifyPreserveTopology(d.geom, ? * 1e-5) ELSE d.geom END, 7)::json AS geometry', [simplify ?? 0, simplify ?? 0]))
    const rows = await q
    return reply.type('application/geo+json').send({
      type: 'FeatureCollection',
      features: rows.map(({ geometry, ...props }: Record<string, unknown>) => ({ type: 'Feature', id: props.id, geometry, properties: props })),
    })
  })

  app.post('/api/districts/import', {
    schema: {
      tags: ['districts', 'imports'],
      summary: 'Import district/street/community boundaries (GeoJSON or zipped Shapefile) as multipart "file"; form field "options" (JSON): level, codeField, nameField, crs, parent, autoCode, createDistrict',
      consumes: ['multipart/form-data'],
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    const options = jsonField<DistrictImportOptions>(upload.fields, 'options') ?? {}
    await runAsJob(reply, ctx.jobs, 'import-districts', () =>
      importDistricts(ctx.db, upload.path, { ...options, filename: upload.filename }).finally(() => upload.cleanup()), { status: 201 })
  })
}
