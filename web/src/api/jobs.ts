/**
 * Long server work (layout builds, analyses): a POST answers 201 with the result when it finishes
 * within a second, else 202 with a job that `/api/jobs/:id` reports on. `runJob` hides the
 * difference and reports progress while polling.
 */
import { ApiError, getJson, sendJson } from './client'

/** Progress as the server reports it; `fraction` in [0, 1] when known. */
export interface JobProgress {
  phase: string
  done?: number
  total?: number
  fraction?: number
}

/** `GET /api/jobs/:id`. */
export interface JobView<T = unknown> {
  id: string
  kind: string
  status: 'running' | 'done' | 'failed'
  progress: JobProgress
  created_at: string
  finished_at?: string
  error?: { code: string; message: string }
  result?: T
}

/** Time between polls, ms: often enough for a moving bar, rare enough for one shared server. */
export const JOB_POLL_MS = 700

/** The fraction done of a progress report, or null when the server did not say. */
export function progressFraction(p: JobProgress | undefined): number | null {
  if (!p) return null
  if (typeof p.fraction === 'number' && Number.isFinite(p.fraction)) return Math.max(0, Math.min(1, p.fraction))
  if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0) return Math.max(0, Math.min(1, p.done / p.total))
  return null
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(t)
      reject(new DOMException('aborted', 'AbortError'))
    }, { once: true })
  })

/**
 * POSTs `body` to `path` and resolves with the finished result, polling the job when the server
 * answers 202. A failed job rejects with an `ApiError` carrying the job's code and message.
 */
export async function runJob<T>(path: string, body: unknown, opts: { signal?: AbortSignal; onProgress?: (p: JobProgress) => void; pollMs?: number } = {}): Promise<T> {
  const first = await sendJson<T | JobView<T>>(path, body, { signal: opts.signal })
  if (first.status !== 202) return first.body as T
  const job = first.body as JobView<T>
  opts.onProgress?.(job.progress)
  for (;;) {
    await sleep(opts.pollMs ?? JOB_POLL_MS, opts.signal)
    const v = await getJson<JobView<T>>(`/api/jobs/${encodeURIComponent(job.id)}`, {}, opts.signal)
    opts.onProgress?.(v.progress)
    if (v.status === 'done') return v.result as T
    if (v.status === 'failed') {
      throw new ApiError({ status: 422, title: v.error?.message ?? 'job failed', code: v.error?.code, path: `/api/jobs/${job.id}` })
    }
  }
}
