/**
 * JSON stored gzip-compressed (an import's rejected rows, large analysis results): level 1,
 * because these texts are the same few words and numbers repeated thousands of times, which the
 * fastest level already shrinks many times over, at a quarter of the default level's time.
 * Compressed off the event loop (zlib's thread pool), so a server keeps answering meanwhile.
 */
import { promisify } from 'node:util'
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib'

const gzip = promisify(gzipCb)
const gunzip = promisify(gunzipCb)

/** JSON text as gzip-compressed UTF-8 (made by the caller, which may measure or extend it first). */
export function gzipJsonText(json: string): Promise<Buffer> {
  return gzip(json, { level: 1 })
}

/** The value of {@link gzipJsonText}'s bytes. */
export async function gunzipJson<T>(bytes: Uint8Array): Promise<T> {
  return JSON.parse(await gunzipText(bytes)) as T
}

/** The UTF-8 text of gzip bytes; several gzip members concatenated read as one text. */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  return (await gunzip(bytes)).toString('utf8')
}
