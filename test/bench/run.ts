/**
 * Runs every test/bench/*.bench.ts (or those whose name contains argv[2]) one after another in its
 * own process, so figures do not disturb each other. Each bench prints JSON lines (see report.ts).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ?? ''
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort()
let failed = 0
for (const file of files) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, file)], { stdio: 'inherit' })
  if (res.status !== 0) {
    failed++
    process.stderr.write(`bench ${file} failed with exit code ${res.status}\n`)
  }
}
process.exit(failed ? 1 : 0)
