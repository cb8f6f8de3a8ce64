import { isAscii } from 'node:buffer'

/** Bytes tested for ASCII at a time: a line holding another character is decoded with its neighbours in a block. */
const BLOCK_BYTES = 4096
/** A text without line breaks is decoded this far ahead at most instead of being held until one comes. */
const MAX_CARRIED_BYTES = 1 << 20
const LF = 0x0a
const CR = 0x0d

/**
 * Decodes UTF-8 text arriving in pieces into strings that end at line ends, with the stretches of
 * ASCII lines decoded as Latin-1. The result is the text Node's UTF-8 decoder gives (a byte-order
 * mark dropped, invalid bytes as U+FFFD), cut differently.
 *
 * Written here because Node's decoder (and TextDecoder) hands back a string of two bytes per
 * character for any piece that holds one character beyond Latin-1, and everything a parser slices
 * from it stays that wide. A city's export mostly in ASCII with an accented name every few hundred
 * lines (Boston 311) then has every field in two-byte strings: reading it took a sixth more CPU
 * than the same file in ASCII, in hashing, copying and garbage collection. Here only the blocks
 * around such lines are decoded as UTF-8, and every piece ends at a line end, so that a parser
 * carrying a line over to the next piece does not widen that piece either.
 */
export class Utf8LineDecoder {
  /** the bytes after the last line end so far, decoded with the next piece */
  private carried: Buffer = Buffer.alloc(0)
  private first = true

  /** The decoded text of `chunk`, in strings, up to its last line end. */
  write(chunk: Buffer): string[] {
    let bytes = this.carried.length ? Buffer.concat([this.carried, chunk]) : chunk
    if (this.first && bytes.length) {
      if (bytes.length < 3 && bytes[0] === 0xef) {
        // too short to tell whether it starts with a byte-order mark
        this.carried = bytes
        return []
      }
      this.first = false
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3)
    }
    // (a file with CR line breaks only is cut at its last CR)
    let end = bytes.lastIndexOf(LF) + 1 || bytes.lastIndexOf(CR) + 1
    if (end === 0 && bytes.length > MAX_CARRIED_BYTES) end = completeCharacters(bytes)
    this.carried = Buffer.from(bytes.subarray(end))
    return decodeLines(bytes.subarray(0, end))
  }

  /**
   * The rest of the text, at the end of the input. (A byte-order mark is never left here: write()
   * holds back at most two bytes before it has checked for one.)
   */
  end(): string[] {
    const rest = this.carried
    this.carried = Buffer.alloc(0)
    return decodeLines(rest)
  }
}

/** The length of `bytes` without a UTF-8 character cut at its end (backing off at most 3 bytes). */
export function completeCharacters(bytes: Buffer): number {
  const n = bytes.length
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k]
    if ((b & 0xc0) === 0x80) continue
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > k ? n - k : n
  }
  return n
}

/**
 * Decodes whole lines: runs of ASCII blocks as Latin-1, the lines around other bytes as UTF-8,
 * each run cut at a line end (or where `bytes` ends).
 */
export function decodeLines(bytes: Buffer): string[] {
  const out: string[] = []
  const n = bytes.length
  if (!n) return out
  if (isAscii(bytes)) {
    out.push(bytes.toString('latin1'))
    return out
  }
  let start = 0
  let ascii = true
  for (let b = 0; b < n; b += BLOCK_BYTES) {
    const blockAscii = isAscii(bytes.subarray(b, Math.min(n, b + BLOCK_BYTES)))
    if (blockAscii === ascii) continue
    // an ASCII run ends where the line holding the block's first byte starts; a UTF-8 run ends
    // where the line holding the previous block's last byte ends
    const cut = ascii ? lineStart(bytes, b) : lineEnd(bytes, b - 1)
    if (cut <= start) {
      ascii = blockAscii
      continue
    }
    out.push(bytes.toString(ascii ? 'latin1' : 'utf8', start, cut))
    start = cut
    ascii = blockAscii
    if (start >= n) break
  }
  if (start < n) out.push(bytes.toString(ascii ? 'latin1' : 'utf8', start, n))
  return out
}

/** The offset where the line holding `i` starts (a negative offset would count from the end). */
function lineStart(bytes: Buffer, i: number): number {
  return i === 0 ? 0 : bytes.lastIndexOf(LF, i - 1) + 1
}

/** The offset after the line end at or after `i`, or the end of `bytes`. */
function lineEnd(bytes: Buffer, i: number): number {
  const lf = bytes.indexOf(LF, i)
  return lf < 0 ? bytes.length : lf + 1
}
