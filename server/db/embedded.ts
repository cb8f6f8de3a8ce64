import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/** A running embedded PostgreSQL (PGlite + PostGIS) reachable over the wire protocol. */
export interface EmbeddedDatabase {
  /** postgres:// URL of the loopback socket server */
  url: string
  /**
   * Runs `COPY … FROM '/dev/blob'` with the pieces of `text` as the data, straight into PGlite: its socket
   * server has no COPY FROM STDIN. PGlite has a single session, so the COPY joins whatever
   * transaction the socket connection has open (the caller must hold that connection).
   */
  copyFromText(copySql: string, text: Uint8Array[]): Promise<void>
  close(): Promise<void>
}

/**
 * Boots PGlite with PostGIS from `dataDir/pgdata` (created on first use) and serves it on a
 * loopback port, so knex and pg talk to it exactly as to a real server. The socket server serves
 * one connection at a time: callers must use a pool of size 1.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = join(dataDir, 'pgdata')
  mkdirSync(dir, { recursive: true })
  const lock = lockDataDir(dataDir)
  const db = await PGlite.create({ dataDir: dir, extensions: { postgis } })
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis')
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' })
  await server.start()
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address()
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
    async copyFromText(copySql, text) {
      await db.query(copySql, [], { blob: new Blob(text as Uint8Array<ArrayBuffer>[]) })
    },
    async close() {
      await server.stop()
      await db.close()
      lock.release()
    },
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite's files must be opened by one process only: a second writer would corrupt them. A pid
 * file guards the folder; a stale one (its process gone) is taken over.
 */
function lockDataDir(dataDir: string): { release(): void } {
  const path = join(dataDir, 'embedded.pid')
  try {
    const pid = Number(readFileSync(path, 'utf8'))
    if (pid && pid !== process.pid && alive(pid)) {
      throw new EmbeddedInUseError(
        `the embedded database in ${dataDir} is in use by process ${pid} (a running npm start?). ` +
          'Stop it, use its HTTP API, or point WANGGE_DATA_DIR elsewhere.')
    }
  } catch (err) {
    if (err instanceof EmbeddedInUseError) throw err
  }
  writeFileSync(path, String(process.pid))
  return { release: () => rmSync(path, { force: true }) }
}

export class EmbeddedInUseError extends Error {}
