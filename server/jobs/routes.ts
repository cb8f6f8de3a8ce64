import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { App, AppContext } from '../http/context'
import { Problem } from '../http/problem'
import { NotFound } from '../shared/errors'
import type { JobRegistry, ProgressFn } from './jobs'

const JobView = Type.Object({
  id: Type.String(), kind: Type.String(), status: Type.String(),
  progress: Type.Object({ phase: Type.String(), done: Type.Optional(Type.Number()), total: Type.Optional(Type.Number()), fraction: Type.Optional(Type.Number()) }),
  created_at: Type.String(), finished_at: Type.Optional(Type.String()), result_url: Type.Optional(Type.String()),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) })),
  result: Type.Optional(Type.Unknown()),
})

/**
 * Runs `work` as a job: answers with its result when it finishes within the registry's wait (a
 * second unless configured) or `waitMs`, otherwise 202 Accepted pointing at /api/jobs/:id where
 * progress can be polled.
 */
export async function runAsJob<T>(
  reply: FastifyReply, jobs: JobRegistry, kind: string, work: (progress: ProgressFn) => Promise<T>,
  opts: { waitMs?: number; status?: number } = {},
): Promise<void> {
  const job = jobs.start(kind, work)
  const finished = await jobs.settle(job, opts.waitMs ?? jobs.syncWaitMs)
  if (finished) {
    const result = await job.promise // rethrows a failure, which the error handler turns into a problem
    await reply.status(opts.status ?? 200).send(result)
    return
  }
  await reply.status(202).header('location', `/api/jobs/${job.id}`).send(jobs.view(job))
}

export async function jobRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/jobs/:id', {
    schema: {
      tags: ['jobs'], summary: 'Status and progress of a long job (import, analysis, plan); its result once done',
      params: Type.Object({ id: Type.String() }),
      response: { 200: JobView, 404: Problem },
    },
  }, async (req) => {
    const job = ctx.jobs.get(req.params.id)
    if (!job) throw NotFound('job', req.params.id)
    return { ...ctx.jobs.view(job), result: job.status === 'done' ? job.result : undefined }
  })
}
