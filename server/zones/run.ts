/**
 * Runs `balancedZones` in a worker thread and resolves with its result. The optimiser is CPU-bound
 * and synchronous for its whole time budget (up to minutes); on the main thread it would stall
 * every other request, including the job-progress polls of the run itself.
 */
import { startTsWorker } from '../shared/ts-worker'
import type { ZoningInput, ZoningOptions, ZoningProgress, ZoningResult } from './core/types'
import { ZoningInfeasibleError } from './core/validate'

type Message =
  | { type: 'progress'; progress: ZoningProgress }
  | { type: 'done'; result: ZoningResult }
  | { type: 'infeasible'; issues: ZoningInfeasibleError['issues'] }
  | { type: 'error'; message: string; stack?: string }

const entry = new URL('./worker.ts', import.meta.url)

/**
 * `balancedZones(input, options)` off the main thread.
 * @throws ZoningInfeasibleError (422) with the core's issues when the request cannot be met
 */
export function runZoning(input: ZoningInput, options: ZoningOptions): Promise<ZoningResult> {
  const { onProgress, ...rest } = options
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(entry, { workerData: { input, options: rest } })
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
