import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { NotFound } from '../shared/errors'
import { readImport, readImportErrors } from './record'
import { errorsToCsv } from './report'

export async function importRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/imports', {
    schema: {
      tags: ['imports'], summary: 'Recent imports with their counts',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
    },
  }, async (req) => ({
    items: await ctx.db.knex('imports').select('id', 'kind', 'filename', 'dataset', 'status', 'started_at', 'finished_at', 'counts', 'message')
      .orderBy('id', 'desc').limit(req.query.limit ?? 50),
  }))

  app.get('/api/imports/:id', {
    schema: { tags: ['imports'], summary: 'One import: counts, warnings and every rejected row', params: Type.Object({ id: Type.Integer() }), response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 404: Problem } },
  }, async (req) => {
    const row = await readImport(ctx.db, req.params.id)
    if (!row) throw NotFound('import', req.params.id)
    return row
  })

  app.get('/api/imports/:id/errors.csv', {
    schema: { tags: ['imports'], summary: 'Rejected rows of an import as CSV (row, column, value, code, reason)', params: Type.Object({ id: Type.Integer() }), response: { 200: Type.Unknown(), 201: Type.Unknown(), 202: Type.Unknown(), 404: Problem } },
  }, async (req, reply) => {
    const errors = await readImportErrors(ctx.db, req.params.id)
    if (!errors) throw NotFound('import', req.params.id)
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`)
      .send(errorsToCsv(errors))
  })
}
