/**
 * How a result table is kept in analysis_results.result (jsonb). Small tables are stored as they
 * are, readable in psql. Large ones are stored gzip-compressed as base64 inside a small envelope,
 * because per-cell series make them megabytes of JSON (emerging hot spots over 10,000 cells × 52
 * weeks: ~10 MB, most of it numbers and sentences that repeat): parsing that into jsonb and moving
 * it through the embedded database's socket took about a second, the compressed text (~1 MB,
 * ~25 ms to compress) a few tens of milliseconds. Nothing queries inside a result in SQL; every
 * reader goes through {@link unpackResult}.
 */
import { gunzipJson, gzipJsonText } from '../shared/gzip-json'

/** JSON larger than this many characters is stored compressed. */
export const COMPRESS_FROM_CHARS = 64 * 1024
const ENCODING = 'gzip-base64'

/** The envelope of a compressed result. */
interface PackedResult {
  encoding: typeof ENCODING
  /** gzip of the result's JSON (UTF-8), base64 */
  data: string
}

/** The text to store for a result: its JSON, or the JSON of the compressed envelope when large. */
export async function packResult(result: unknown): Promise<string> {
  const json = JSON.stringify(result)
  if (json.length <= COMPRESS_FROM_CHARS) return json
  const packed: PackedResult = { encoding: ENCODING, data: (await gzipJsonText(json)).toString('base64') }
  return JSON.stringify(packed)
}

function isPacked(stored: unknown): stored is PackedResult {
  if (stored === null || typeof stored !== 'object') return false
  const o = stored as Record<string, unknown>
  return o.encoding === ENCODING && typeof o.data === 'string' && Object.keys(o).length === 2
}

/** The result as it was given to {@link packResult}, from the stored jsonb (as the driver parsed it). */
export async function unpackResult<T>(stored: unknown): Promise<T> {
  if (!isPacked(stored)) return stored as T
  return gunzipJson<T>(Buffer.from(stored.data, 'base64'))
}
