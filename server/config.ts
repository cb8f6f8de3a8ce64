import { resolve } from 'node:path'

/**
 * Every setting Wangge reads from the environment, validated once at boot.
 * The README's configuration table lists the same names; keep them in step.
 */
export interface Config {
  /** HTTP port (PORT, default 3000; 0 picks a free port) */
  port: number
  /** interface to bind (HOST, default 127.0.0.1; use 0.0.0.0 to serve a network) */
  host: string
  /** external PostgreSQL/PostGIS (DATABASE_URL); unset → embedded PGlite under dataDir */
  databaseUrl?: string
  /** where the embedded database and caches live (WANGGE_DATA_DIR, default ./.wangge) */
  dataDir: string
  /** load the bundled sample city on first start (WANGGE_SAMPLE, default on; set 0 to start empty) */
  loadSample: boolean
  /** open the map in a browser after start (WANGGE_OPEN, default: on when run in a terminal outside CI) */
  openBrowser: boolean
  /** optional raster tile template for the base map, e.g. https://tiles.example/{z}/{x}/{y}.png (WANGGE_BASEMAP_URL) */
  basemapUrl?: string
  /** pino log level (LOG_LEVEL, default info) */
  logLevel: string
}

export class ConfigError extends Error {}

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback
  if (/^(1|true|yes|on)$/i.test(value)) return true
  if (/^(0|false|no|off)$/i.test(value)) return false
  throw new ConfigError(`${name}=${value} is not a boolean; use 1 or 0`)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT=${env.PORT} is not a port number (0–65535)`)
  }
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must look like postgres://user:password@host:5432/database')
  }
  const interactive = Boolean(process.stdout.isTTY) && !env.CI
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.WANGGE_DATA_DIR || '.wangge'),
    loadSample: flag(env.WANGGE_SAMPLE, true, 'WANGGE_SAMPLE'),
    openBrowser: flag(env.WANGGE_OPEN, interactive, 'WANGGE_OPEN'),
    basemapUrl: env.WANGGE_BASEMAP_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
  }
}

/** DATABASE_URL with its password replaced, for logs and /api/health. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
}
