/**
 * Builds the map bundle before the browser tests when web/dist is missing or older than any
 * source file, so the tests never exercise a stale bundle (and CI's own build is reused).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { projectRoot } from '../helpers/paths'

/** Newest modification time under `dir`, ms. */
function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

export default function setup(): void {
  const dist = resolve(projectRoot, 'web/dist/index.html')
  const sources = Math.max(newest(resolve(projectRoot, 'web/src')), statSync(resolve(projectRoot, 'web/index.html')).mtimeMs, statSync(resolve(projectRoot, 'web/vite.config.ts')).mtimeMs)
  if (existsSync(dist) && statSync(dist).mtimeMs >= sources) return
  const res = spawnSync(process.execPath, [resolve(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: 'inherit',
  })
  if (res.status !== 0) throw new Error(`vite build failed with status ${res.status}`)
}
