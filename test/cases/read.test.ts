import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { readCaseFile, type CasePiece, type CaseReadJob } from '../../server/cases/import/read'
import { closeCaseReader, readCaseFileInThread, warmCaseReader } from '../../server/cases/import/read-thread'
import { AppError } from '../../server/shared/errors'
import { tempFile } from '../helpers/tiny-city'

afterAll(async () => { await closeCaseReader() })

const HEADER = 'case_id,reported_at,category,source,lon,lat,address,note'
const rows = [
  'A1,2025-05-01 18:00:00,0401,巡查,120.155,30.265,测试路1号,"tab\there"',
  'A2,2025-05-01 18:05:00,0401,巡查,120.155,30.265,"back\\slash",',
  'A3,not a time,0401,巡查,120.156,30.266,x,', // bad time
  'A4,2025-05-01 18:10:00,不存在,巡查,120.156,30.266,x,', // unknown category
  'A5,2025-05-01 18:15:00,0401,巡查,120.155,30.265,"line\nbreak",',
  'A6,2025-05-01 18:20:00,0401,巡查,120.157,30.267,,',
  'A1,2025-05-01 18:25:00,0401,巡查,120.157,30.267,,', // duplicate id
]
const csv = [HEADER, ...rows].join('\n')

const job = (path: string, extra: Partial<CaseReadJob> = {}): CaseReadJob => ({
  path, filename: 'cases.csv', mapping: {}, categoryNames: new Map([['0401', '0401']]), stackedMin: 3, pieceRows: 2, ...extra,
})

/** The COPY lines of the pieces, split into fields. */
const fieldsOf = (pieces: CasePiece[]) => Buffer.concat(pieces.map((p) => p.text)).toString('utf8')
  .split('\n').filter((l) => l).map((l) => l.split('\t'))

describe('reading a case file', () => {
  test('accepted rows come as COPY text in pieces of at most pieceRows; rejected ones are summarised and packed', async () => {
    const pieces: CasePiece[] = []
    const { summary, packedErrors } = await readCaseFile(job(tempFile('cases.csv', csv)), (p) => { pieces.push(p) })
    expect(pieces.map((p) => p.rows)).toEqual([2, 2])
    expect(pieces.every((p, i) => p.fraction >= (pieces[i - 1]?.fraction ?? 0) && p.fraction <= 1)).toBe(true)
    const lines = fieldsOf(pieces)
    expect(lines.map((f) => f[0])).toEqual(['1', '2', '5', '6'])
    expect(lines.every((f) => f.length === 14)).toBe(true)
    // escaped as COPY text, so that a tab, a backslash or a line break stays inside its field
    // (the tab is escaped in the JSON, whose backslash is escaped for COPY)
    expect(lines[0][12]).toBe('{"note":"tab\\\\there"}')
    expect(lines[1][9]).toBe('back\\\\slash')
    expect(lines[2][9]).toBe('line\\nbreak')
    // the third case at 120.155,30.265 reaches stackedMin (3) as it is read, so it is staged flagged
    expect(lines.map((f) => f[13])).toEqual(['f', 'f', 't', 'f'])
    expect(summary).toMatchObject({
      encoding: 'utf8', keptRows: 4, rejectedRows: 3,
      errorsByCode: { WG_BAD_TIME: 1, WG_UNKNOWN_CATEGORY: 1, WG_DUPLICATE_ID: 1 },
      unmapped: [['不存在', 1]],
      stacks: { lon: [120.155], lat: [30.265], cases: [3] },
    })
    expect(summary.firstErrors.map((e) => e.row)).toEqual([3, 4, 7])
    const packed = gunzipSync(await packedErrors).toString('utf8').split('\n').filter((l) => l).flatMap((l) => JSON.parse(l))
    expect(packed).toEqual(summary.firstErrors)
  })

  test('in its thread (warmed up on the sample city first) it reads exactly what it reads here, and the thread is reused', async () => {
    const path = tempFile('cases.csv', csv)
    const here: CasePiece[] = []
    const expected = await readCaseFile(job(path), (p) => { here.push(p) })
    const expectedPacked = [...await expected.packedErrors]
    await warmCaseReader({ warmUp: true })
    for (let run = 0; run < 2; run++) {
      const there: CasePiece[] = []
      const { summary, packedErrors } = await readCaseFileInThread(job(path), async (p) => {
        await new Promise((resolve) => setTimeout(resolve, 5)) // a slow writer: pieces still come in order
        there.push(p)
      })
      expect(fieldsOf(there)).toEqual(fieldsOf(here))
      expect(there.map((p) => [p.rows, p.rowsRead, p.fraction])).toEqual(here.map((p) => [p.rows, p.rowsRead, p.fraction]))
      expect(summary).toEqual(expected.summary)
      expect([...await packedErrors]).toEqual(expectedPacked)
    }
  })

  test('a file refused up front rejects with its own error; a failing writer stops the reading with its error', async () => {
    const binary = tempFile('cases.csv', Buffer.from([0x41, 0x00, 0x42, 0x0a]))
    const refused = await readCaseFileInThread(job(binary), () => undefined).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect(refused).toMatchObject({ code: 'WG_NOT_TEXT', status: 415 })

    const many = [HEADER, ...Array.from({ length: 500 }, (_, i) => `B${i},2025-05-01 18:00:00,0401,巡查,120.155,30.265,x,`)].join('\n')
    let seen = 0
    const failed = await readCaseFileInThread(job(tempFile('many.csv', many)), () => {
      if (++seen === 3) throw new Error('the database went away')
    }).catch((e: unknown) => e)
    expect((failed as Error).message).toBe('the database went away')
    expect(seen).toBe(3)
    // the next read gets a thread of its own
    const pieces: CasePiece[] = []
    await readCaseFileInThread(job(tempFile('cases.csv', csv)), (p) => { pieces.push(p) })
    expect(pieces.reduce((n, p) => n + p.rows, 0)).toBe(4)
  })
  test('for a new dataset, pieces carry binary rows for cases with each row\'s file row and point, and the points first read in them', async () => {
    const cases = { dataset: 'd', declaredCrs: 'WGS84', deadlineHours: new Map([['0401', 24]]) }
    const path = tempFile('cases.csv', csv)
    const here: CasePiece[] = []
    const { summary, packedErrors } = await readCaseFile(job(path, { cases }), (p) => { here.push(p) })
    expect(here.map((p) => p.rows)).toEqual([2, 2])
    expect(here.every((p) => p.text.length === 0 && p.cases!.ends.length === p.rows && p.cases!.ends.at(-1) === p.cases!.bytes.length)).toBe(true)
    expect(here.flatMap((p) => [...p.cases!.rowNo])).toEqual([1, 2, 5, 6])
    // rows 1, 2 and 5 share a coordinate (point 0), row 6 has its own (point 1)
    expect(here.flatMap((p) => [...p.cases!.pointNo])).toEqual([0, 0, 0, 1])
    expect(here.map((p) => [p.cases!.firstPoint, [...p.cases!.newPoints]])).toEqual([[0, [120.155, 30.265]], [1, [120.157, 30.267]]])
    // the same summary as when staging, with the ids written unflagged before their coordinate
    // reached stackedMin (the third case at point 0 is written flagged)
    const staged = await readCaseFile(job(path), () => undefined)
    expect(summary.stacks.unflagged).toEqual(['A1', 'A2'])
    expect({ ...summary, stacks: { ...summary.stacks, unflagged: undefined } }).toEqual({ ...staged.summary, stacks: { ...staged.summary.stacks, unflagged: undefined } })
    expect([...await packedErrors]).toEqual([...await staged.packedErrors])
    // and the same through the thread, whose pieces transfer every array
    await warmCaseReader({ warmUp: true })
    const there: CasePiece[] = []
    await readCaseFileInThread(job(path, { cases }), (p) => { there.push(p) })
    const plain = (ps: CasePiece[]) => ps.map((p) => ({ ...p, text: [...p.text], cases: Object.fromEntries(Object.entries(p.cases!)
      .map(([k, v]) => [k, typeof v === 'number' ? v : [...(v as Uint8Array)]])) }))
    expect(plain(there)).toEqual(plain(here))
  })
})
