import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'

/** Numbered schema migrations, applied in order, each once, each in its own transaction. */
export const migrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../sql/migrations')

/** Applies every migration not yet recorded in schema_migrations; returns the names applied. */
export async function migrate(knex: Knex, dir = migrationsDir): Promise<string[]> {
  await knex.raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const done = new Set(
    (await knex('schema_migrations').select('name')).map((r: { name: string }) => r.name),
  )
  const files = readdirSync(dir).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort()
  const applied: string[] = []
  for (const file of files) {
    if (done.has(file)) continue
    const sql = readFileSync(join(dir, file), 'utf8')
    await knex.transaction(async (trx) => {
      // knex reads ? as a binding placeholder; migrations have none, so every ? is literal
      await trx.raw(sql.replace(/\?/g, '\\?'))
      await trx('schema_migrations').insert({ name: file })
    })
    applied.push(file)
  }
  return applied
}
