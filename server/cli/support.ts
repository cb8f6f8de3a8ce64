import cliProgress from 'cli-progress'
import { loadConfig } from '../config'
import { openDatabase, type Database } from '../db/connect'
import { migrate } from '../db/migrate'
import type { ProgressFn } from '../jobs/jobs'
import { seedTaxonomy } from '../sample/load'

/**
 * What every command shares: a migrated database for the duration of the command, a progress
 * bar fed by a service's progress callback, and JSON output. Capabilities register their
 * commands from their own folder (e.g. server/layouts/cli.ts) through server/cli.ts.
 */
export async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrate(db.knex)
    await seedTaxonomy(db)
    return await fn(db)
  } finally {
    await db.close()
  }
}

/** A progress bar fed by a service's progress callback (rows when a total is known, else a phase line). */
export function progressBar(): { onProgress: ProgressFn; stop(): void } {
  const bar = new cliProgress.SingleBar({
    format: '{phase} |{bar}| {value}/{total} rows', hideCursor: true, noTTYOutput: false, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic)
  let started = false
  return {
    onProgress: (p) => {
      if (!process.stderr.isTTY) return
      if (!started) { bar.start(p.total ?? p.done ?? 0, p.done ?? 0, { phase: p.phase }); started = true }
      if (p.total !== undefined) bar.setTotal(p.total)
      else if ((p.done ?? 0) > bar.getTotal()) bar.setTotal(p.done ?? 0)
      bar.update(p.done ?? 0, { phase: p.phase.padEnd(8) })
    },
    stop: () => { if (started) bar.stop() },
  }
}

export function print(result: unknown): void {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}

