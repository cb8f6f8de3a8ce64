/**
 * Worker-thread entry that reads case files (read.ts) for the main thread, which meanwhile
 * writes what was read. Protocol: see ./read-thread.ts.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../shared/errors'
import { readCaseFile, type CaseReadJob } from './read'

/** Pieces posted but not yet written before reading waits for the main thread. */
const PIECES_AHEAD = 8

const port = parentPort
if (!port) throw new Error('server/cases/import/read-worker.ts runs as a worker thread only')

/** The bundled sample city's cases (data/sample), read once by a thread started to be kept warm. */
const SAMPLE_CASES = fileURLToPath(new URL('../../../data/sample/cases.csv.gz', import.meta.url))

/** Takes every category name for its own code: warming up writes nothing, so every row may pass. */
class AnyCategory extends Map<string, string> {
  override get(name: string): string { return name }
}

/**
 * Reads the sample city's 50k cases and drops them, once as rows for a new dataset and once as
 * rows to stage (read.ts). V8 compiles a function to fast machine code only after it has run many
 * times, and reading a city's export runs the same few functions a million times: the first
 * import in a fresh thread took about a third longer than the next ones. A thread kept for a
 * server's imports pays that once, when the server starts, not in the first import.
 */
async function warmUp(): Promise<void> {
  if (!existsSync(SAMPLE_CASES)) return
  const job = { path: SAMPLE_CASES, filename: 'cases.csv.gz', mapping: {}, categoryNames: new AnyCategory(), stackedMin: 50 }
  await readCaseFile({ ...job, cases: { dataset: 'warm-up', declaredCrs: 'WGS84', deadlineHours: new Map() } }, () => undefined)
    .catch(() => undefined)
  await readCaseFile(job, () => undefined).catch(() => undefined)
}
const warm = (workerData as { warmUp?: boolean } | undefined)?.warmUp ? warmUp() : Promise.resolve()
// an import may now be given to this thread without waiting for its modules or its warming up
void warm.then(() => port.postMessage({ type: 'ready' }))

let unacknowledged = 0
let wake: (() => void) | undefined

port.on('message', (m: { type: 'read'; job: CaseReadJob } | { type: 'ack' }) => {
  if (m.type === 'ack') {
    unacknowledged--
    wake?.()
    return
  }
  unacknowledged = 0
  const fail = (err: unknown) => {
    const e = err as Error
    port.postMessage({
      type: 'error',
      error: err instanceof AppError
        ? { app: true, code: err.code, message: err.message, status: err.status, details: err.details }
        : { app: false, message: e?.message ?? String(err), stack: e?.stack },
    })
  }
  warm.then(() => readCaseFile(m.job, async (piece) => {
    const c = piece.cases
    const buffers = c ? [c.bytes, c.ends, c.rowNo, c.pointNo, c.newPoints] : [piece.text]
    port.postMessage({ type: 'piece', piece }, buffers.map((b) => b.buffer as ArrayBuffer))
    unacknowledged++
    while (unacknowledged >= PIECES_AHEAD) await new Promise<void>((resolve) => { wake = resolve })
  })).then(({ summary, packedErrors }) => {
    port.postMessage({ type: 'done', summary })
    // the rejected rows follow the summary (read.ts CaseRead); copied, not transferred: a small
    // Buffer may share its memory with others
    return packedErrors.then((packed) => port.postMessage({ type: 'packed', packed }))
  }).catch(fail)
})
