/**
 * Reads case files (read.ts) in a worker thread while the calling thread writes the rows. Parsing,
 * validating and formatting a city's export costs more CPU than anything else Node does in an
 * import; in its own thread it runs on the second core beside the database's work and the
 * writing, instead of taking turns with them on one.
 *
 * One worker is kept idle between imports (started by warmCaseReader when the server starts), so
 * an import does not wait for a thread to load its modules, nor runs on code not compiled yet. Protocol: the main thread posts
 * `read` with the job; the worker posts a `piece` per piece of rows (its text transferred, not
 * copied) and waits once PIECES_AHEAD are unacknowledged; the main thread posts `ack` once a
 * piece is written, and the worker ends with `done` (the summary) then `packed` (the rejected rows,
 * read.ts CaseRead), or with `error`. A read abandoned half-way (the database failed) ends its worker.
 */
import type { Worker } from 'node:worker_threads'
import { AppError } from '../../shared/errors'
import { startTsWorker } from '../../shared/ts-worker'
import type { CasePiece, CaseRead, CaseReadJob, CaseReadSummary } from './read'

type Message =
  | { type: 'ready' }
  | { type: 'piece'; piece: CasePiece }
  | { type: 'done'; summary: CaseReadSummary }
  | { type: 'packed'; packed: Uint8Array }
  | { type: 'error'; error: { app: true; code: string; message: string; status: number; details?: unknown } | { app: false; message: string; stack?: string } }

const entry = new URL('./read-worker.ts', import.meta.url)
let idle: Worker | undefined
let idleReady: Promise<void> = Promise.resolve()

/**
 * Starts the idle reading thread now, so that the first import does not wait for it; resolves
 * once the thread has loaded its modules and, with `warmUp` (a server starting), has read the
 * sample city's cases once to have its code compiled (read-worker.ts).
 */
export function warmCaseReader(opts: { warmUp?: boolean } = {}): Promise<void> {
  if (idle) return idleReady
  const worker = startTsWorker(entry, { workerData: { warmUp: opts.warmUp ?? false } })
  worker.unref()
  const forget = () => { if (idle === worker) idle = undefined }
  worker.once('error', forget)
  worker.once('exit', forget)
  idle = worker
  idleReady = new Promise<void>((resolve) => {
    const ready = (m: { type: string }) => {
      if (m.type !== 'ready') return
      worker.off('message', ready)
      resolve()
    }
    worker.on('message', ready)
    worker.once('exit', () => resolve())
  })
  return idleReady
}

/** Ends the idle reading thread (a server shutting down). */
export async function closeCaseReader(): Promise<void> {
  const w = idle
  idle = undefined
  await w?.terminate()
}

/**
 * `readCaseFile(job, onPiece)` in a worker thread: `onPiece` runs on this thread, one piece at a
 * time in file order, and the worker reads on meanwhile (up to PIECES_AHEAD pieces ahead). When
 * `onPiece` fails, reading stops and the promise rejects with that error. The thread is kept for
 * the next import once it has packed the rejected rows too.
 */
export function readCaseFileInThread(job: CaseReadJob, onPiece: (piece: CasePiece) => void | Promise<void>): Promise<CaseRead> {
  warmCaseReader()
  const worker = idle!
  idle = undefined
  worker.ref()
  let resolvePacked!: (packed: Uint8Array) => void
  let rejectPacked!: (err: unknown) => void
  const packedErrors = new Promise<Uint8Array>((resolve, reject) => { resolvePacked = resolve; rejectPacked = reject })
  packedErrors.catch(() => undefined) // awaited by whoever records the import; a failed read rejects it unobserved
  return new Promise((resolve, reject) => {
    /** whether the summary was handed on (or the read failed) */
    let settled = false
    let written: Promise<void> = Promise.resolve()
    const detach = () => {
      worker.off('message', onMessage)
      worker.off('error', fail)
      worker.off('exit', onExit)
    }
    const fail = (err: unknown) => {
      detach()
      void worker.terminate()
      rejectPacked(err)
      if (settled) return
      settled = true
      reject(err)
    }
    const onExit = (code: number) => fail(new Error(`the case reading thread stopped unexpectedly (exit code ${code})`))
    const onMessage = (m: Message) => {
      if (m.type === 'piece') {
        written = written.then(() => (settled ? undefined : onPiece(m.piece))).then(() => worker.postMessage({ type: 'ack' }), fail)
      } else if (m.type === 'ready') {
        // a thread started for this import has loaded; the job waits in its queue meanwhile
      } else if (m.type === 'done') {
        void written.then(() => {
          if (settled) return
          settled = true
          resolve({ summary: m.summary, packedErrors })
        })
      } else if (m.type === 'packed') {
        void written.then(() => {
          detach()
          resolvePacked(m.packed)
          // kept for the next import unless one is idle already
          if (idle) void worker.terminate()
          else {
            worker.unref()
            idle = worker
          }
        })
      } else {
        const e = m.error
        void written.then(() => fail(e.app ? new AppError(e.code, e.message, e.status, e.details)
          : Object.assign(new Error(e.message), { stack: e.stack })))
      }
    }
    worker.on('message', onMessage)
    worker.once('error', fail)
    worker.once('exit', onExit)
    worker.postMessage({ type: 'read', job })
  })
}
