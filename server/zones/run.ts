/**
 * Runs `balancedZones` in a worker thread and resolves with its result. The optimiser is CPU-bound
 * and synchronous for its whole time budget (up to minutes); on the main thread it would stall
 * every other request, including the job-progress polls of the run itself.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ZoningInput, ZoningOptions, ZoningProgress, ZoningResult } from './core/types'
import { ZoningInfeasibleError } from './core/validate'

type Message =
  | { type: 'progress'; progress: ZoningProgress }
  | { type: 'done'; result: ZoningResult }
  | { type: 'infeasible'; issues: ZoningInfeasibleError['issues'] }
  | { type: 'error'; message: string; stack?: string }

const require = createRequire(import.meta.url)
// Worker threads do not inherit tsx's module hooks, so the worker registers them before loading
// the TypeScript entry (tsx's ESM API; its package exports resolve to the CJS build under require).
const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
const entry = new URL('./worker.ts', import.meta.url).href
const BOOT = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`

/**
 * `balancedZones(input, options)` off the main thread.
 * @throws ZoningInfeasibleError (422) with the core's issues when the request cannot be met
 */
export function runZoning(input: ZoningInput, options: ZoningOptions): Promise<ZoningResult> {
  const { onProgress, ...rest } = options
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { input, options: rest } })
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      fn()
      void worker.terminate()
    }
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') onProgress?.(m.progress)
      else if (m.type === 'done') finish(() => resolve(m.result))
      else if (m.type === 'infeasible') finish(() => reject(new ZoningInfeasibleError(m.issues)))
      else finish(() => reject(Object.assign(new Error(m.message), { stack: m.stack })))
    })
    worker.on('error', (err) => finish(() => reject(err)))
    worker.on('exit', (code) => finish(() => reject(new Error(`the zoning worker stopped unexpectedly (exit code ${code})`))))
  })
}
