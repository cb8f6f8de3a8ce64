/** Request helpers for the tests that drive the HTTP API through `app.inject`. */
import { buildApp } from '../../server/app'
import type { Database } from '../../server/db/connect'
import type { App } from '../../server/http/context'
import { JobRegistry } from '../../server/jobs/jobs'

/** A multipart/form-data body with one file part (named "file") and text fields. */
export function multipart(file: { name: string; content: string | Buffer }, fields: Record<string, string> = {}) {
  const boundary = '----wangge-test-boundary'
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`))
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/**
 * The result of a job-backed request: immediate, or polled from /api/jobs/:id after a 202 (201
 * when the job is done, 422 when it failed), with the progress phases seen on the way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are free-form JSON here
export async function settled(app: App, res: { statusCode: number; json(): any }, pollMs = 100): Promise<{ statusCode: number; body: any; phases: string[] }> {
  const phases: string[] = []
  if (res.statusCode !== 202) return { statusCode: res.statusCode, body: res.json(), phases }
  const id = res.json().id
  for (;;) {
    const job = (await app.inject({ url: `/api/jobs/${id}` })).json()
    phases.push(job.progress?.phase)
    if (job.status === 'done') return { statusCode: 201, body: job.result, phases }
    if (job.status === 'failed') return { statusCode: 422, body: job.error, phases }
    await new Promise((r) => setTimeout(r, pollMs))
  }
}

/**
 * The HTTP app over `db` as the service builds it, with its own job registry and no raster base
 * map. `syncWaitMs: 0` makes every job-backed request answer 202, whatever the machine's speed.
 */
export function testApp(db: Database, o: { syncWaitMs?: number } = {}): Promise<App> {
  return buildApp({ db, jobs: new JobRegistry(o.syncWaitMs), config: { basemapUrl: undefined } })
}
