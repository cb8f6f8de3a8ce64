import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config'
import type { Database } from '../db/connect'
import type { JobRegistry } from '../jobs/jobs'

/** What every route module gets: the database, the job registry and the configuration. */
export interface AppContext {
  db: Database
  jobs: JobRegistry
  config: Pick<Config, 'basemapUrl'> & Partial<Config>
}

export type App = FastifyInstance<
  import('node:http').Server, import('node:http').IncomingMessage, import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger, TypeBoxTypeProvider
>
