import knexFactory, { type Knex } from 'knex'
import knexPostgis, { type KnexPostgis } from 'knex-postgis'
import pg from 'pg'
import { redactUrl } from '../config'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded'
import { ensurePostgis } from './postgis'

// Dates come back as JS Dates (timestamptz) and bigint counts as numbers: counts here never reach 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v))

export type DatabaseKind = 'embedded' | 'postgres'

/** The database Wangge runs on, whichever kind it is. */
export interface Database {
  kind: DatabaseKind
  knex: Knex
  /** knex-postgis helpers bound to `knex` */
  st: KnexPostgis
  /** connection URL (password redacted) */
  url: string
  /** PostgreSQL and PostGIS versions, for /api/health */
  versions: { postgres: string; postgis: string }
  /** embedded database booted by this process only: bulk COPY from text (see EmbeddedDatabase) */
  copyFromText?: (copySql: string, text: Uint8Array[]) => Promise<void>
  close(): Promise<void>
}

/**
 * Connects to DATABASE_URL, or boots the embedded PGlite under `dataDir` when none is given, and
 * makes sure PostGIS is there. The embedded socket serves a single connection, hence pool max 1:
 * code must never hold a transaction open while waiting on another query.
 */
export async function openDatabase(opts: {
  databaseUrl?: string
  dataDir: string
}): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined
  let url = opts.databaseUrl
  if (!url) {
    embedded = await startEmbeddedDatabase(opts.dataDir)
    url = embedded.url
  }
  const connect = (single: boolean) => knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'wangge' },
    pool: single ? { min: 0, max: 1 } : { min: 0, max: 10 },
    acquireConnectionTimeout: 120_000,
  })
  let single = !!embedded
  let knex = connect(single)
  try {
    // A DATABASE_URL may point at another process's embedded database (pglite-socket): it serves
    // one connection at a time and takes no COPY FROM STDIN, so it is used as the embedded one.
    if (!single && await isPglite(knex)) {
      await knex.destroy()
      single = true
      knex = connect(single)
    }
    const versions = await ensurePostgis(knex)
    return {
      kind: single ? 'embedded' : 'postgres',
      knex,
      st: knexPostgis(knex),
      url: redactUrl(url),
      versions,
      copyFromText: embedded?.copyFromText,
      async close() {
        await knex.destroy()
        if (embedded) await embedded.close()
      },
    }
  } catch (err) {
    await knex.destroy()
    if (embedded) await embedded.close()
    throw err
  }
}

/** Whether the server is PGlite (its version() says so: "PostgreSQL 18.3 (PGlite 0.5.8) on wasm32…"). */
async function isPglite(knex: Knex): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: { v: string }[] }>('SELECT version() AS v')
  return /\bPGlite\b/.test(rows[0].v)
}
