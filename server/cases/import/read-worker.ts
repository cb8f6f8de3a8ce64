/**
 * Worker-thread entry that reads case files (read.ts) for the main thread, which meanwhile
 * writes what was read. Protocol: see ./read-thread.ts.
 */
import { parentPort } from 'node:worker_threads'
import { AppError } from '../../shared/errors'
import { readCaseFile, type CaseReadJob } from './read'

/** Pieces posted but not yet written before reading waits for the main thread. */
const PIECES_AHEAD = 8

const port = parentPort
if (!port) throw new Error('server/cases/import/read-worker.ts runs as a worker thread only')

// loaded: an import may be given to this thread without waiting for its modules
port.postMessage({ type: 'ready' })

let unacknowledged = 0
let wake: (() => void) | undefined

port.on('message', (m: { type: 'read'; job: CaseReadJob } | { type: 'ack' }) => {
  if (m.type === 'ack') {
    unacknowledged--
    wake?.()
    return
  }
  unacknowledged = 0
  readCaseFile(m.job, async (piece) => {
    port.postMessage({ type: 'piece', piece }, [piece.text.buffer as ArrayBuffer])
    unacknowledged++
    while (unacknowledged >= PIECES_AHEAD) await new Promise<void>((resolve) => { wake = resolve })
  }).then(
    (summary) => port.postMessage({ type: 'done', summary }),
    (err: unknown) => {
      const e = err as Error
      port.postMessage({
        type: 'error',
        error: err instanceof AppError
          ? { app: true, code: err.code, message: err.message, status: err.status, details: err.details }
          : { app: false, message: e?.message ?? String(err), stack: e?.stack },
      })
    },
  )
})
