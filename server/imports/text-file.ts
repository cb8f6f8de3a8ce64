import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Transform, type Readable } from 'node:stream'
import { createGunzip, gunzipSync } from 'node:zlib'
import iconv from 'iconv-lite'
import { createError } from '../shared/errors'
import { completeCharacters, Utf8LineDecoder } from './utf8-text'

export const NotText = createError('WG_NOT_TEXT', '%s does not look like a text file (%s); expected %s', 415)

const SAMPLE_BYTES = 64 * 1024
/**
 * Read and gunzip in 64 KB pieces (Node's default for files): a parser then hands control back
 * to the event loop every few milliseconds, so what it passes on (a case import's rows streaming
 * to the database) goes out while it reads, instead of waiting behind a megabyte of parsing.
 */
const CHUNK_BYTES = 1 << 16

export type TextEncoding = 'utf8' | 'gbk'

/** A text file opened for streaming: decompressed, decoded to UTF-8, BOM removed. */
export interface TextFile {
  encoding: TextEncoding
  gzip: boolean
  /** the first ~64 KB of decoded text, for sniffing headers and delimiters */
  sample: string
  /** a fresh stream of the whole decoded text */
  stream(): Readable
  /**
   * The share of the whole text (0–1) that its first `chars` characters make, for a parser that
   * knows how far it has read in the latest stream. The whole is the file's size, or for gzip the
   * size in its trailer (exact for one member under 4 GB), in bytes: converted to characters at
   * the rate the stream has decoded so far.
   */
  fractionAt(chars: number): number
}

/**
 * Reads the first bytes of a file, gunzipping them when the file is gzip, and the size of its
 * text: the file's size, or for gzip the uncompressed size in the trailer's last 4 bytes (ISIZE,
 * modulo 4 GB; the last member's only when there are several).
 */
async function headBytes(path: string): Promise<{ bytes: Buffer; gzip: boolean; zip: boolean; textBytes: number }> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const buf = Buffer.alloc(SAMPLE_BYTES)
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0)
    const raw = buf.subarray(0, bytesRead)
    const gzip = raw[0] === 0x1f && raw[1] === 0x8b
    const zip = raw[0] === 0x50 && raw[1] === 0x4b && raw[2] === 0x03 && raw[3] === 0x04
    if (!gzip) return { bytes: raw, gzip, zip, textBytes: size }
    const trailer = Buffer.alloc(4)
    if (size >= 18) await fh.read(trailer, 0, 4, size - 4)
    // Decompress only the start: a truncated gzip member throws, so use the partial output.
    let bytes: Buffer
    try {
      bytes = gunzipSync(raw, { finishFlush: 2 /* Z_SYNC_FLUSH */ })
    } catch {
      bytes = Buffer.alloc(0)
    }
    return { bytes: bytes.subarray(0, SAMPLE_BYTES), gzip, zip, textBytes: Math.max(trailer.readUInt32LE(0), size) }
  }
  finally {
    await fh.close()
  }
}

/** Decodes a UTF-8 byte stream into strings that end at line ends (utf8-text.ts). */
function utf8Lines(): Transform {
  const decoder = new Utf8LineDecoder()
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      for (const text of decoder.write(chunk)) this.push(text)
      done()
    },
    flush(done) {
      for (const text of decoder.end()) this.push(text)
      done()
    },
  })
}

/** True when `bytes` decode as UTF-8, allowing a multi-byte character cut at the end. */
function isUtf8(bytes: Buffer): boolean {
  const end = completeCharacters(bytes)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end))
    return true
  } catch {
    return false
  }
}

/**
 * Opens `path` as text: gzip is undone, the encoding is UTF-8 when the start decodes as UTF-8 and
 * GBK otherwise (the two encodings Chinese system exports use), unless `encoding` is given.
 * Binary files (NUL bytes, zip archives) are refused up front, naming what was expected.
 */
export async function openTextFile(path: string, opts: { label: string; expected: string; encoding?: TextEncoding }): Promise<TextFile> {
  const { bytes, gzip, zip, textBytes } = await headBytes(path)
  if (zip) throw NotText(opts.label, 'it is a zip archive', opts.expected)
  if (bytes.includes(0)) throw NotText(opts.label, 'it contains binary data', opts.expected)
  const encoding: TextEncoding = opts.encoding ?? (isUtf8(bytes) ? 'utf8' : 'gbk')
  const sample = iconv.decode(bytes, encoding).replace(/^\uFEFF/, '')
  let bytesIn = 0
  let charsOut = 0
  return {
    encoding,
    gzip,
    sample,
    fractionAt: (chars) => (bytesIn && textBytes ? Math.min(1, chars / ((textBytes * charsOut) / bytesIn)) : 0),
    stream() {
      let s: Readable = createReadStream(path, { highWaterMark: CHUNK_BYTES })
      if (gzip) s = s.pipe(createGunzip({ chunkSize: CHUNK_BYTES }))
      bytesIn = 0
      charsOut = 0
      s = s.pipe(new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytesIn += chunk.length
          done(null, chunk)
        },
      }))
      // strings passed on one by one, never joined (a join would widen ASCII text next to UTF-8)
      const countChars = new Transform({
        objectMode: true,
        transform(chunk: string, _enc, done) {
          charsOut += chunk.length
          done(null, chunk)
        },
      })
      // UTF-8 decoded here (utf8-text.ts): a few times faster than iconv-lite's stream, which is
      // kept for GBK, and ASCII lines come out in one-byte strings
      if (encoding === 'utf8') return s.pipe(utf8Lines()).pipe(countChars)
      return (s.pipe(iconv.decodeStream(encoding, { stripBOM: true })) as unknown as Readable).pipe(countChars)
    },
  }
}
