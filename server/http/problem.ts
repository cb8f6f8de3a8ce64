import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { AppError } from '../shared/errors'

/** RFC 9457 problem details, plus Wangge's stable error code. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  details: Type.Optional(Type.Unknown()),
})

function send(reply: FastifyReply, status: number, code: string, title: string, detail: string, details?: unknown) {
  return reply.status(status).type('application/problem+json').send({
    type: `https://wangge.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code, details,
  })
}

/**
 * The one error path: domain errors keep their message; request validation names the field;
 * anything else is a 500 whose details stay in the log.
 */
export function problemHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) return send(reply, err.status, err.code, err.name, err.message, err.details)
  const fe = err as FastifyError
  if (fe.validation) {
    const where = fe.validationContext ?? 'request'
    const detail = fe.validation.map((v) => `${where}${v.instancePath || ''} ${v.message}${v.params && 'allowedValues' in v.params ? ` (${(v.params.allowedValues as unknown[]).join(', ')})` : ''}`).join('; ')
    return send(reply, 400, 'WG_BAD_REQUEST', 'Invalid request', detail)
  }
  if (fe.statusCode && fe.statusCode < 500) {
    return send(reply, fe.statusCode, fe.code ?? 'WG_BAD_REQUEST', 'Bad request', fe.message)
  }
  req.log.error({ err }, 'request failed')
  return send(reply, 500, 'WG_INTERNAL', 'Internal error', 'Something went wrong on the server; the error is in the server log')
}
