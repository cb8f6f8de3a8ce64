import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyServerOptions } from 'fastify'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { App, AppContext } from './http/context'
import { Problem, problemHandler } from './http/problem'
import { analysisRoutes } from './analyses/routes'
import { basemapRoutes } from './basemap/routes'
import { caseRoutes } from './cases/routes'
import { categoryRoutes } from './categories/routes'
import { districtRoutes } from './districts/routes'
import { importRoutes } from './imports/routes'
import { jobRoutes } from './jobs/routes'
import { layoutRoutes } from './layouts/routes'
import { patrolRoutes } from './patrol/routes'
import { zoneRoutes } from './zones/routes'
import { isSampleLoaded } from './sample/load'

export const webDist = resolve(dirname(fileURLToPath(import.meta.url)), '../web/dist')
export const VERSION = '0.1.0'
/** uploads larger than this are refused (bytes) */
const MAX_UPLOAD = 2 * 1024 ** 3

/**
 * The service as a Fastify instance with every route registered; no listen() here, so tests use
 * app.inject() and main.ts decides how to serve.
 */
export async function buildApp(ctx: AppContext, opts: FastifyServerOptions = {}): Promise<App> {
  const app = Fastify({
    ...opts,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App
  app.setErrorHandler(problemHandler)
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.status(404).type('application/problem+json').send({
        type: 'https://wangge.dev/problems/wg-not-found', title: 'Not found', status: 404, code: 'WG_NOT_FOUND',
        detail: `${req.method} ${req.url.split('?')[0]} is not an API route; see /docs for the list`,
      })
    }
    // a missing bundle file is a 404, not the page (else the browser reports a MIME-type error)
    if (req.url.startsWith('/assets/')) return reply.status(404).send('Not found')
    if (existsSync(resolve(webDist, 'index.html'))) return reply.sendFile('index.html')
    return reply.status(404).send('The map is not built yet: run npm run build:web')
  })
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD, files: 1 } })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Wangge 网格 API', version: VERSION, description: 'GIS analytics for urban grid management: unit cells, cases, hotspots, patrol and responsibility grids. Errors are application/problem+json with a stable `code`.' },
      tags: ['health', 'districts', 'layouts', 'categories', 'cases', 'imports', 'basemap', 'jobs', 'analyses', 'patrol', 'zones'].map((name) => ({ name })),
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/api/health', {
    schema: {
      tags: ['health'], summary: 'Service and database status',
      response: {
        200: Type.Object({
          status: Type.Literal('ok'), version: Type.String(),
          database: Type.Object({ kind: Type.String(), postgres: Type.String(), postgis: Type.String() }),
          sample: Type.Boolean(), basemap_url: Type.Union([Type.String(), Type.Null()]),
        }),
        503: Problem,
      },
    },
  }, async () => {
    await ctx.db.knex.raw('SELECT 1')
    return {
      status: 'ok' as const, version: VERSION,
      database: { kind: ctx.db.kind, ...ctx.db.versions },
      sample: await isSampleLoaded(ctx.db),
      basemap_url: ctx.config.basemapUrl ?? null,
    }
  })
  for (const routes of [districtRoutes, layoutRoutes, categoryRoutes, caseRoutes, basemapRoutes, importRoutes, jobRoutes, analysisRoutes, patrolRoutes, zoneRoutes]) {
    await routes(app, ctx)
  }
  if (existsSync(webDist)) {
    // wildcard: files are looked up per request, so a rebuilt bundle is served without a restart
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: true })
  }
  return app
}
