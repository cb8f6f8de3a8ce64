import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pino } from 'pino'
import { buildApp, webDist } from './app'
import { ConfigError, loadConfig } from './config'
import { warmCaseReader } from './cases/import/read-thread'
import { openDatabase } from './db/connect'
import { migrate } from './db/migrate'
import { DatabaseSetupError } from './db/postgis'
import { JobRegistry } from './jobs/jobs'
import { loadSampleCity, seedTaxonomy } from './sample/load'

const SHUTDOWN_GRACE_MS = 30_000

/** Builds the map bundle when it is missing, so `npm start` on a fresh clone serves the page. */
function ensureWebBundle(log: pino.Logger): void {
  if (existsSync(resolve(webDist, 'index.html'))) return
  log.info('building the map (first start only)…')
  const res = spawnSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (res.status !== 0) log.warn('the map could not be built; the API still runs (try npm run build:web)')
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open'
  spawn(cmd, [url], { stdio: 'ignore', detached: true, shell: process.platform === 'win32' }).on('error', () => undefined).unref()
}

async function main(): Promise<void> {
  const config = loadConfig()
  // case imports read files in a thread of their own: start it (and warm it up) while the database boots
  void warmCaseReader({ warmUp: true })
  const log = pino({ level: config.logLevel, transport: process.stdout.isTTY ? { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } : undefined })
  log.info(config.databaseUrl ? 'connecting to PostgreSQL…' : `starting the embedded database in ${config.dataDir}…`)
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  const applied = await migrate(db.knex)
  if (applied.length) log.info({ applied }, 'database migrated')
  await seedTaxonomy(db)
  let sampleNote = ''
  if (config.loadSample) {
    const t0 = Date.now()
    if (await loadSampleCity(db, (p) => log.debug(p, 'loading sample city'))) {
      log.info(`sample city loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    sampleNote = ', sample city loaded'
  }
  ensureWebBundle(log)
  const jobs = new JobRegistry()
  const app = await buildApp({ db, jobs, config }, { loggerInstance: log, requestTimeout: 600_000 })
  await app.listen({ port: config.port, host: config.host })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`
  process.stdout.write(`Wangge on ${url} (${db.kind === 'embedded' ? 'embedded PostGIS' : `PostgreSQL ${db.versions.postgres} / PostGIS ${db.versions.postgis}`}${sampleNote})\n`)
  if (config.openBrowser) openBrowser(url)

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    log.info(`${signal}: shutting down (waiting for running jobs)…`)
    const timer = setTimeout(() => { log.error('shutdown timed out'); process.exit(1) }, SHUTDOWN_GRACE_MS)
    await app.close()
    await Promise.all(jobs.running())
    await db.close()
    clearTimeout(timer)
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseSetupError) {
    process.stderr.write(`Wangge cannot start: ${err.message}\n`)
  } else {
    process.stderr.write(`Wangge cannot start: ${(err as Error).stack ?? String(err)}\n`)
  }
  process.exit(1)
})
