/**
 * Worker-thread entry of the zoning optimiser: the search runs synchronously for up to its time
 * budget, so it runs here and the server keeps answering (progress polls, other requests).
 * Protocol: see ./run.ts.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { balancedZones } from './core/partition'
import type { ZoningInput, ZoningOptions } from './core/types'
import { ZoningInfeasibleError } from './core/validate'

const { input, options } = workerData as { input: ZoningInput; options: Omit<ZoningOptions, 'onProgress'> }
const port = parentPort
if (!port) throw new Error('server/zones/worker.ts runs as a worker thread only')
try {
  const result = balancedZones(input, { ...options, onProgress: (p) => port.postMessage({ type: 'progress', progress: p }) })
  port.postMessage({ type: 'done', result })
} catch (err) {
  if (err instanceof ZoningInfeasibleError) port.postMessage({ type: 'infeasible', issues: err.issues })
  else port.postMessage({ type: 'error', message: (err as Error).message, stack: (err as Error).stack })
}
