/**
 * Builds the map bundle once before the browser tests, so they test the current source rather
 * than a stale web/dist. Set WANGGE_E2E_SKIP_BUILD=1 to reuse an existing bundle.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { projectRoot } from '../helpers/paths'

export default function setup(): void {
  const dist = resolve(projectRoot, 'web/dist/index.html')
  if (process.env.WANGGE_E2E_SKIP_BUILD === '1' && existsSync(dist)) return
  const res = spawnSync(process.execPath, [resolve(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: 'inherit',
  })
  if (res.status !== 0) throw new Error(`vite build failed with status ${res.status}`)
}
