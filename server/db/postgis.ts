import type { Knex } from 'knex'

export class DatabaseSetupError extends Error {}

const MIN_POSTGRES = 15
const MIN_POSTGIS = [3, 3]

/**
 * Creates the postgis extension when it is available and checks versions; otherwise fails with
 * a message that names what to install (Debian packages), since nothing else can work without it.
 */
export async function ensurePostgis(knex: Knex): Promise<{ postgres: string; postgis: string }> {
  const pgVersion = (await knex.raw<{ rows: { v: string; n: number }[] }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n",
  )).rows[0]
  if (pgVersion.n < MIN_POSTGRES * 10000) {
    throw new DatabaseSetupError(`PostgreSQL ${pgVersion.v} is too old: Wangge needs PostgreSQL ≥ ${MIN_POSTGRES}`)
  }
  const available = (await knex.raw<{ rows: unknown[] }>(
    "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'",
  )).rows.length > 0
  if (!available) {
    const major = Math.floor(pgVersion.n / 10000)
    throw new DatabaseSetupError(
      `The database server has no PostGIS extension. Install it on the server ` +
        `(Debian/Ubuntu: apt-get install postgresql-${major}-postgis-3; optional routing: postgresql-${major}-pgrouting), ` +
        `or unset DATABASE_URL to use the embedded database.`,
    )
  }
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  } catch (err) {
    throw new DatabaseSetupError(
      `PostGIS is installed but the extension could not be created (${(err as Error).message}). ` +
        `Run "CREATE EXTENSION postgis" as a superuser in this database, or grant the Wangge user that right.`,
    )
  }
  const postgis = (await knex.raw<{ rows: { v: string }[] }>('SELECT postgis_lib_version() AS v')).rows[0].v
  const [maj, min] = postgis.split('.').map(Number)
  if (maj < MIN_POSTGIS[0] || (maj === MIN_POSTGIS[0] && min < MIN_POSTGIS[1])) {
    throw new DatabaseSetupError(`PostGIS ${postgis} is too old: Wangge needs PostGIS ≥ ${MIN_POSTGIS.join('.')}`)
  }
  return { postgres: pgVersion.v, postgis }
}
