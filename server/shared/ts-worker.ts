import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

const require = createRequire(import.meta.url)
// Worker threads do not inherit tsx's module hooks, so the worker registers them before loading
// the TypeScript entry (tsx's ESM API; its package exports resolve to the CJS build under require).
const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href

/** Starts a worker thread running the TypeScript module at `entry` (a file URL). */
export function startTsWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(boot, { ...options, eval: true })
}
