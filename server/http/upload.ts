import '@fastify/multipart'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../shared/errors'

export interface Upload {
  path: string
  filename: string
  /** the other multipart fields, as text */
  fields: Record<string, string>
  cleanup(): Promise<void>
}

/**
 * Streams a multipart upload's `file` part to a temporary file (never buffered whole in memory)
 * and collects the other fields (e.g. `mapping` as JSON text).
 */
export async function receiveUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('WG_NOT_MULTIPART', 'Send the file as multipart/form-data with a part named "file"', 415)
  const dir = await mkdtemp(join(tmpdir(), 'wangge-upload-'))
  const fields: Record<string, string> = {}
  let path: string | undefined
  let filename = 'upload'
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (path) { part.file.resume(); continue }
        filename = basename(part.filename || 'upload')
        path = join(dir, filename)
        await pipeline(part.file, createWriteStream(path))
        if (part.file.truncated) throw new AppError('WG_TOO_LARGE', `${filename} is larger than the upload limit`, 413)
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
    if (!path) throw new AppError('WG_NO_FILE', 'The request has no file part; send it as a form field named "file"', 400)
    return { path, filename, fields, cleanup: () => rm(dir, { recursive: true, force: true }) }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

/** Parses a JSON form field, naming it when it is not JSON. */
export function jsonField<T>(fields: Record<string, string>, name: string): T | undefined {
  if (!fields[name]) return undefined
  try {
    return JSON.parse(fields[name]) as T
  } catch (err) {
    throw new AppError('WG_BAD_PARAMETER', `form field "${name}" is not valid JSON: ${(err as Error).message}`, 400)
  }
}
