import { describe, expect, test } from 'vitest'
import { decodeLines, Utf8LineDecoder } from '../../server/imports/utf8-text'

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Decodes `bytes` handed over in pieces cut at the given offsets. */
function decodeInPieces(bytes: Buffer, cuts: number[]): string[] {
  const decoder = new Utf8LineDecoder()
  const out: string[] = []
  let from = 0
  for (const cut of [...cuts, bytes.length]) {
    out.push(...decoder.write(bytes.subarray(from, cut)))
    from = cut
  }
  out.push(...decoder.end())
  return out
}

const WORDS = ['Washington St', '42.3512', '-71.0627', 'Closed', '东城区', '占道经营', 'Café', 'naïve', '😀', '"a ""b"""', '', ' ']
const BREAKS = ['\n', '\r\n', '\r']

/** A text of CSV-like lines, most of them ASCII, with `bad` raw bytes that are not UTF-8. */
function randomText(rnd: () => number, lines: number, wideShare: number, bad: number): Buffer {
  const parts: Buffer[] = []
  for (let l = 0; l < lines; l++) {
    const fields: string[] = []
    const wide = rnd() < wideShare
    for (let f = 0; f < 1 + Math.floor(rnd() * 12); f++) {
      const word = WORDS[Math.floor(rnd() * WORDS.length)]
      fields.push(!wide && /[^ -~]/.test(word) ? 'ascii' : word)
    }
    parts.push(Buffer.from(fields.join(',') + BREAKS[Math.floor(rnd() * BREAKS.length)]))
  }
  const bytes = Buffer.concat(parts)
  for (let k = 0; k < bad; k++) bytes[Math.floor(rnd() * bytes.length)] = 0x80 + Math.floor(rnd() * 0x80)
  return bytes
}

describe('Utf8LineDecoder', () => {
  test('gives the text Node decodes, however the bytes are cut, with pieces ending at line ends', () => {
    const rnd = random(7)
    for (let round = 0; round < 60; round++) {
      const bytes = randomText(rnd, 50 + Math.floor(rnd() * 3000), [0, 0.003, 0.3, 1][round % 4], round % 5 === 0 ? 3 : 0)
      const cuts = Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * bytes.length)).sort((a, b) => a - b)
      const pieces = decodeInPieces(bytes, cuts)
      expect(pieces.join('')).toBe(bytes.toString('utf8'))
      // every piece but the last ends at a line end (LF, or CR where a piece holds no LF), so a
      // parser never carries a line over
      for (const p of pieces.slice(0, -1)) expect(p).toMatch(/[\r\n]$/)
    }
  })

  test('drops a byte-order mark, even one cut in two, and only at the start', () => {
    const text = Buffer.from('\uFEFFid,名称\n1,\uFEFFx\n')
    expect(decodeInPieces(text, [1]).join('')).toBe('id,名称\n1,\uFEFFx\n')
    expect(decodeInPieces(text, [2, 3]).join('')).toBe('id,名称\n1,\uFEFFx\n')
    expect(decodeInPieces(Buffer.from('\uFEFF'), []).join('')).toBe('')
    expect(decodeInPieces(Buffer.from([0xef, 0xbb]), []).join('')).toBe(Buffer.from([0xef, 0xbb]).toString('utf8'))
  })

  test('decodes a text without line breaks in bounded pieces, never cutting a character', () => {
    const bytes = Buffer.from('东'.repeat(800_000)) // 2.4 MB, one line
    const cuts = Array.from({ length: 40 }, (_, k) => k * 65_536 + 1)
    const pieces = decodeInPieces(bytes, cuts)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe(bytes.toString('utf8'))
  })
})

describe('decodeLines', () => {
  test('keeps the ASCII lines around a line with another character apart from it', () => {
    const ascii = 'CASE_ENQUIRY_ID,OPEN_DT,TYPE\n101001245404,01/11/2015 12:19:31 AM,Pothole\n'.repeat(400)
    const pieces = decodeLines(Buffer.from(`${ascii}101001544748,08/31/2015,Café\n${ascii}`))
    expect(pieces.join('')).toBe(`${ascii}101001544748,08/31/2015,Café\n${ascii}`)
    expect(pieces.length).toBe(3)
    expect(pieces[1]).toContain('Café')
    expect(pieces[1].length).toBeLessThan(2 * 4096 + 100)
    for (const p of [pieces[0], pieces[2]]) expect(p).toMatch(/^[\n -~]*$/)
  })
})
