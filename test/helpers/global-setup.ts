import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    databaseKind: 'embedded' | 'postgres'
  }
}

let embedded: EmbeddedDatabase | undefined
let dir: string | undefined

/**
 * One database for the whole run: DATABASE_URL when set (CI points it at a fresh PostGIS
 * database), else an embedded PGlite in a temporary folder. Test files run one after another and
 * each starts from empty tables (test/helpers/db.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL)
    project.provide('databaseKind', 'postgres')
    return
  }
  dir = mkdtempSync(join(tmpdir(), 'wangge-test-'))
  embedded = await startEmbeddedDatabase(dir)
  project.provide('databaseUrl', embedded.url)
  project.provide('databaseKind', 'embedded')
}

export async function teardown(): Promise<void> {
  await embedded?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
}
