import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { receiveUpload } from '../http/upload'
import { runAsJob } from '../jobs/routes'
import { importCategories, importCategoryMappings } from './import'

const Category = Type.Object({
  code: Type.String(), major_code: Type.String(), name_zh: Type.String(), name_en: Type.Union([Type.String(), Type.Null()]),
  major_zh: Type.String(), major_en: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.String(), Type.Null()]), deadline_hours: Type.Union([Type.Number(), Type.Null()]),
})

export async function categoryRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/categories', {
    schema: {
      tags: ['categories'], summary: 'The case taxonomy: minor categories with their major class',
      response: { 200: Type.Object({ items: Type.Array(Category) }) },
    },
  }, async () => {
    const items = await ctx.db.knex('categories as c').join('categories as m', 'm.code', 'c.major_code')
      .where('c.level', 'minor')
      .select('c.code', 'c.major_code', 'c.name_zh', 'c.name_en', 'm.name_zh as major_zh', 'm.name_en as major_en', 'c.kind', 'c.deadline_hours')
      .orderBy('c.code')
    return { items }
  })

  app.get('/api/categories/mappings', {
    schema: {
      tags: ['categories'], summary: 'External category names mapped onto the taxonomy',
      querystring: Type.Object({ mapping_set: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ mapping_set: Type.String(), external_name: Type.String(), category_code: Type.String() })) }) },
    },
  }, async (req) => {
    const q = ctx.db.knex('category_mappings').select('mapping_set', 'external_name', 'category_code').orderBy(['mapping_set', 'external_name'])
    if (req.query.mapping_set) q.where('mapping_set', req.query.mapping_set)
    return { items: await q }
  })

  app.put('/api/categories/mappings/:mapping_set', {
    schema: {
      tags: ['categories'], summary: 'Add or change mappings of one set: {"external name": "4-digit code", …}',
      params: Type.Object({ mapping_set: Type.String({ minLength: 1 }) }),
      body: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^\\d{4}$' })),
      response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 422: Problem },
    },
  }, async (req) => {
    const codes = new Set((await ctx.db.knex('categories').where('level', 'minor').select('code')).map((r: { code: string }) => r.code))
    const bad = Object.entries(req.body).filter(([, c]) => !codes.has(c))
    if (bad.length) {
      const { AppError } = await import('../shared/errors')
      throw new AppError('WG_UNKNOWN_CATEGORY', `Not taxonomy codes: ${bad.map(([n, c]) => `"${n}" → ${c}`).join(', ')}`, 422)
    }
    const rows = Object.entries(req.body).map(([external_name, category_code]) => ({ mapping_set: req.params.mapping_set, external_name, category_code }))
    if (rows.length) await ctx.db.knex('category_mappings').insert(rows).onConflict(['mapping_set', 'external_name']).merge()
    return { mapped: rows.length }
  })

  app.post('/api/categories/import', {
    schema: {
      tags: ['categories', 'imports'], summary: 'Import or update the taxonomy from CSV (major_code,major_zh,major_en,minor_code,minor_zh,minor_en,kind,deadline_hours)',
      consumes: ['multipart/form-data'], response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    await runAsJob(reply, ctx.jobs, 'import-categories', () => importCategories(ctx.db, upload.path, upload.filename).finally(() => upload.cleanup()), { status: 201 })
  })

  app.post('/api/categories/mappings/import', {
    schema: {
      tags: ['categories', 'imports'], summary: 'Import category mappings (CSV external_name,category_code[,mapping_set] or JSON); form field "mapping_set"',
      consumes: ['multipart/form-data'], response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 400: Problem, 415: Problem, 422: Problem },
    },
  }, async (req, reply) => {
    const upload = await receiveUpload(req)
    await runAsJob(reply, ctx.jobs, 'import-category-mappings', () =>
      importCategoryMappings(ctx.db, upload.path, { mappingSet: upload.fields.mapping_set || 'default', filename: upload.filename }).finally(() => upload.cleanup()), { status: 201 })
  })
}
