import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (the folder holding package.json). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Golden outputs of reference implementations live beside the project, never inside it. */
export const sharedFixturesDir = resolve(projectRoot, '../shared/fixtures')

/** Reads and parses a golden fixture, e.g. `sharedFixture('hotspots/lattice-40x50.json')`. */
export function sharedFixture<T = unknown>(relPath: string): T {
  const path = resolve(sharedFixturesDir, relPath)
  if (!existsSync(path)) throw new Error(`golden fixture ${path} is missing: the project expects ../shared/fixtures beside it`)
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

/**
 * The real-data folder named by WANGGE_REAL_DATA, or undefined when unset.
 * Tests that need it use `describe.skipIf(!realDataDir)` and say why in their name.
 */
export const realDataDir: string | undefined = process.env.WANGGE_REAL_DATA
  ? resolve(projectRoot, process.env.WANGGE_REAL_DATA)
  : undefined

/** What a real-data suite's name says of its data: where it came from, or why the suite is skipped. */
export const REAL_DATA_SKIP = realDataDir ? `real data from ${realDataDir}` : 'needs WANGGE_REAL_DATA (e.g. ../shared/data); skipped'
