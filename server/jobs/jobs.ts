import { randomUUID } from 'node:crypto'
import { AppError } from '../shared/errors'

/** Progress of a long job: a phase name and, when known, how far it is. */
export interface Progress {
  phase: string
  done?: number
  total?: number
}
export type ProgressFn = (p: Progress) => void

export interface JobView {
  id: string
  kind: string
  status: 'running' | 'done' | 'failed'
  progress: Progress & { fraction?: number }
  created_at: string
  finished_at?: string
  result_url?: string
  error?: { code: string; message: string; details?: unknown }
}

interface Job<T> extends JobView {
  promise: Promise<T>
  result?: T
}

const KEEP_FINISHED_MS = 60 * 60 * 1000

/**
 * In-process registry of long jobs (imports, analyses, plans). HTTP handlers start a job, wait
 * briefly for it, and answer 202 with a status URL when it runs longer; clients poll /api/jobs/:id.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, Job<unknown>>()

  /**
   * @param syncWaitMs  how long a request waits for its job before answering 202 (default one
   *   second; tests of the 202 path set 0 so a fast machine cannot finish the job in time)
   */
  constructor(readonly syncWaitMs = 1000) {}

  start<T>(kind: string, run: (progress: ProgressFn) => Promise<T>, resultUrl?: (result: T) => string): Job<T> {
    this.prune()
    const job = {
      id: randomUUID(), kind, status: 'running', progress: { phase: 'queued' }, created_at: new Date().toISOString(),
    } as Job<T>
    const progress: ProgressFn = (p) => {
      job.progress = { ...p, fraction: p.total ? Math.min(1, (p.done ?? 0) / p.total) : undefined }
    }
    job.promise = run(progress).then(
      (result) => {
        job.status = 'done'
        job.result = result
        job.finished_at = new Date().toISOString()
        if (resultUrl) job.result_url = resultUrl(result)
        return result
      },
      (err: unknown) => {
        job.status = 'failed'
        job.finished_at = new Date().toISOString()
        job.error = err instanceof AppError
          ? { code: err.code, message: err.message, details: err.details }
          : { code: 'WG_INTERNAL', message: 'The job failed unexpectedly; see the server log' }
        throw err
      },
    )
    job.promise.catch(() => undefined) // failures are reported through the job, not as unhandled rejections
    this.jobs.set(job.id, job as Job<unknown>)
    return job
  }

  get(id: string): Job<unknown> | undefined {
    return this.jobs.get(id)
  }

  view(job: Job<unknown>): JobView {
    const { id, kind, status, progress, created_at, finished_at, result_url, error } = job
    return { id, kind, status, progress, created_at, finished_at, result_url, error }
  }

  /** Waits up to `ms` for the job; true when it finished (either way) in that time. */
  async settle(job: Job<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms) })
    const done = job.promise.then(() => true, () => true)
    const finished = await Promise.race([done, timeout])
    clearTimeout(timer)
    return finished
  }

  /** Promises of jobs still running (awaited on shutdown so nothing is cut mid-transaction). */
  running(): Promise<unknown>[] {
    return [...this.jobs.values()].filter((j) => j.status === 'running').map((j) => j.promise.catch(() => undefined))
  }

  private prune(): void {
    const now = Date.now()
    for (const [id, j] of this.jobs) {
      if (j.finished_at && now - Date.parse(j.finished_at) > KEEP_FINISHED_MS) this.jobs.delete(id)
    }
  }
}
