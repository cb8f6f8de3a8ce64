/**
 * The generator reproduces the committed sample byte for byte. Every file but the tracks is
 * regenerated in full; the tracks (the slow part) are regenerated for three workers, whose rows
 * must equal theirs in the committed file (each worker draws from an independent stream).
 */
import { afterAll, describe, expect, test } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { generateSampleCity, SAMPLE_FILES, DEFAULT_SEED } from '../../data/generator/generate'
import { buildStreets } from '../../data/generator/streets'
import { metricCrsProj4 } from '../../server/shared/coords'
import { EPSG_4549 } from '../../data/generator/frame'
import { sampleBytes, sampleJson, sampleGzText } from './read-sample'

const WORKERS = ['W01', 'W09', 'W17']
/** zlib of the Node build that wrote the committed .gz files. */
const SAMPLE_ZLIB = '1.3.1-e00f703'
const outDir = mkdtempSync(join(tmpdir(), 'wangge-sample-'))
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

describe('generateSampleCity', () => {
  const committedSeed = sampleJson<{ seed: number }>('truth.json').seed
  const result = generateSampleCity({ outDir, seed: committedSeed, trackWorkers: WORKERS })

  test('the committed sample was made with the default seed', () => {
    expect(committedSeed).toBe(DEFAULT_SEED)
  })

  test.each(SAMPLE_FILES.filter((f) => f !== 'tracks.csv.gz' && f !== 'truth.json'))('%s has byte-identical content', (name) => {
    const fresh = readFileSync(resolve(outDir, name))
    const unzip = (b: Buffer) => (name.endsWith('.gz') ? gunzipSync(b) : b)
    expect(unzip(fresh).equals(unzip(sampleBytes(name))), `${name} differs from data/sample; rerun npx tsx data/generator/generate.ts`).toBe(true)
    expect(result.sha256.get(name)).toMatch(/^[0-9a-f]{64}$/)
  })

  // deflate output can change with the zlib build (and its CPU-specific fast paths), so the
  // compressed bytes are compared only under the zlib the sample was written with
  test.skipIf(process.versions.zlib !== SAMPLE_ZLIB)('cases.csv.gz is byte-identical under zlib ' + SAMPLE_ZLIB, () => {
    expect(readFileSync(resolve(outDir, 'cases.csv.gz')).equals(sampleBytes('cases.csv.gz'))).toBe(true)
  })

  test('truth.json is identical apart from the track counts of the workers left out', () => {
    const fresh = JSON.parse(readFileSync(resolve(outDir, 'truth.json'), 'utf8'))
    const committed = sampleJson<Record<string, unknown> & { counts: Record<string, unknown> }>('truth.json')
    for (const t of [fresh, committed]) {
      delete t.tracks
      delete t.counts.fixes
    }
    expect(fresh).toEqual(committed)
  })

  test('tracks of three workers are row-identical to theirs in the committed file', () => {
    const fresh = gunzipSync(readFileSync(resolve(outDir, 'tracks.csv.gz'))).toString('utf8').split('\n')
    const committed = sampleGzText('tracks.csv.gz').split('\n')
    const mine = committed.filter((l) => WORKERS.includes(l.slice(0, 3)))
    expect(fresh[0]).toBe(committed[0])
    expect(mine.length).toBeGreaterThan(10_000)
    expect(fresh.slice(1).filter((l) => l.length > 0)).toEqual(mine)
  })
})

test('another seed gives another street network, still one connected piece with two bridges', () => {
  const a = buildStreets(DEFAULT_SEED)
  const b = buildStreets(7)
  expect(b.map((s) => s.lonlat.join(';')).join('|')).not.toBe(a.map((s) => s.lonlat.join(';')).join('|'))
  expect(b.filter((s) => s.cls === 'bridge')).toHaveLength(2)
  const parent = new Map<string, string>()
  const find = (x: string): string => { while (parent.get(x) !== x) x = parent.get(x)!; return x }
  for (const s of b) {
    const [p, q] = [String(s.lonlat[0]), String(s.lonlat[s.lonlat.length - 1])]
    if (!parent.has(p)) parent.set(p, p)
    if (!parent.has(q)) parent.set(q, q)
    parent.set(find(p), find(q))
  }
  expect(new Set([...parent.keys()].map(find)).size).toBe(1)
})

test('the EPSG:4549 definition matches the shared CRS table', () => {
  expect(EPSG_4549).toBe(metricCrsProj4(4549))
})
