import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Reads a .sql file that lives beside the module using it: `readSql(import.meta.url, './queries/x.sql')`. */
export function readSql(moduleUrl: string, relPath: string): string {
  return readFileSync(fileURLToPath(new URL(relPath, moduleUrl)), 'utf8')
}
