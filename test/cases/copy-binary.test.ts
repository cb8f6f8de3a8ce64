import { describe, expect, test } from 'vitest'
import { CASE_COPY_COLUMNS, CaseCopyWriter, completeCaseRows } from '../../server/cases/import/copy-binary'
import type { ParsedCases } from '../../server/cases/import/parse'

/** Decodes binary COPY (PostgreSQL docs, "Binary Format") into rows of raw fields (null for NULL). */
function decodeCopy(bytes: Uint8Array): (Uint8Array | null)[][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  expect(Buffer.from(bytes.subarray(0, 11)).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0')
  let pos = 19
  const rows: (Uint8Array | null)[][] = []
  for (;;) {
    const n = view.getInt16(pos)
    pos += 2
    if (n === -1) break
    const row: (Uint8Array | null)[] = []
    for (let f = 0; f < n; f++) {
      const len = view.getInt32(pos)
      pos += 4
      if (len < 0) row.push(null)
      else {
        row.push(bytes.subarray(pos, pos + len))
        pos += len
      }
    }
    rows.push(row)
  }
  expect(pos).toBe(bytes.length)
  return rows
}

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'))
/** a timestamptz field as epoch ms */
const time = (b: Uint8Array | null) => (b === null ? null : Number(Buffer.from(b).readBigInt64BE() / 1000n) + Date.UTC(2000, 0, 1))
const int = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).readInt32BE())

const parsed = (): ParsedCases => ({
  rowNo: [2, 3, 5], externalId: ['A1', 'X案件-2', 'A3'], category: ['0401', '0201', '0999'], source: ['patrol', '12345', 'app'],
  status: ['closed', 'reported', 'reported'],
  reportedAt: [Date.UTC(2025, 4, 1, 10), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 6, 1)],
  dispatchedAt: [Date.UTC(2025, 4, 1, 11), NaN, NaN], dueAt: [Date.UTC(2025, 4, 2), NaN, NaN], closedAt: [Date.UTC(2025, 4, 1, 12), NaN, NaN],
  address: ['东城路 1 号', null, 'x'], x: [], y: [], attrs: ['{"note":"tab\\there"}', null, null], coordinateColumns: 'x/y',
})

describe('binary COPY rows for cases', () => {
  test('every column is written as PostgreSQL reads it; community and import complete each row; rows outside are left out', () => {
    const deadlines = new Map<string, number | null>([['0401', 24], ['0201', 1.5], ['0999', null]])
    const writer = new CaseCopyWriter('城市', 'GCJ-02', deadlines)
    const p = parsed()
    writer.push(p, 0, 120.155, 30.265, false)
    writer.push(p, 1, -71.0627, 42.3512, true)
    writer.push(p, 2, 1, 2, false)
    expect(writer.rows).toBe(3)
    const { bytes, ends } = writer.take()
    expect(ends[2]).toBe(bytes.length)
    expect(writer.take().bytes.length).toBe(0)

    // points 0 and 1 are inside (0 in community 7, 1 in none), point 2 outside
    const placement = { community: Int32Array.from([7, 0, 0]), outside: Uint8Array.from([0, 0, 1]) }
    const skipped: [number, number][] = []
    const copy = completeCaseRows([{ bytes, ends, pointNo: Int32Array.from([0, 1, 2]) }], placement, 42, (k, r) => skipped.push([k, r]))
    expect(skipped).toEqual([[0, 2]])
    const rows = decodeCopy(copy)
    expect(rows).toHaveLength(2)
    const columns = CASE_COPY_COLUMNS.split(', ')
    const named = rows.map((r) => Object.fromEntries(r.map((f, i) => [columns[i], f])))
    expect(rows.every((r) => r.length === columns.length)).toBe(true)

    const [a, b] = named
    expect([text(a.dataset), text(a.external_id), text(a.category_code), text(a.source), text(a.status), text(a.address), text(a.declared_crs)])
      .toEqual(['城市', 'A1', '0401', 'patrol', 'closed', '东城路 1 号', 'GCJ-02'])
    expect([time(a.reported_at), time(a.dispatched_at), time(a.due_at), time(a.closed_at)])
      .toEqual([p.reportedAt[0], p.dispatchedAt[0], p.dueAt[0], p.closedAt[0]])
    // jsonb: a version byte, then the text
    expect(a.attrs![0]).toBe(1)
    expect(JSON.parse(text(a.attrs!.subarray(1))!)).toEqual({ note: 'tab\there' })
    expect([...a.stacked!]).toEqual([0])
    expect([int(a.community_id), int(a.import_id)]).toEqual([7, 42])
    // EWKB: little-endian Point with SRID 4326
    const g = Buffer.from(a.geom!)
    expect([g.length, g[0], g.readUInt32LE(1), g.readUInt32LE(5), g.readDoubleLE(9), g.readDoubleLE(17)]).toEqual([25, 1, 0x20000001, 4326, 120.155, 30.265])

    // before 2000 (negative microseconds), the due time from the category's deadline of 1.5 h,
    // NULL address, dispatch and close, no community, default attrs, stacked
    expect([text(b.external_id), time(b.reported_at), time(b.due_at)]).toEqual(['X案件-2', p.reportedAt[1], p.reportedAt[1] + 5_400_000])
    expect([b.dispatched_at, b.closed_at, b.address, b.community_id]).toEqual([null, null, null, null])
    expect(text(b.attrs!.subarray(1))).toBe('{}')
    expect([...b.stacked!]).toEqual([1])
    expect(Buffer.from(b.geom!).readDoubleLE(9)).toBe(-71.0627)
  })

  test('a category without a deadline leaves the due time empty; the buffer grows for long rows', () => {
    const writer = new CaseCopyWriter('d', 'WGS84', new Map([['0999', null]]))
    const p = parsed()
    const long = 'x'.repeat(400_000)
    p.attrs[2] = JSON.stringify({ long })
    for (let k = 0; k < 5; k++) writer.push(p, 2, 1, 2, false)
    const { bytes, ends } = writer.take()
    const rows = decodeCopy(completeCaseRows([{ bytes, ends, pointNo: new Int32Array(5) }],
      { community: new Int32Array(1), outside: new Uint8Array(1) }, 1, () => undefined))
    expect(rows).toHaveLength(5)
    for (const r of rows) {
      expect(r[6]).toBeNull() // due_at
      expect(JSON.parse(text(r[13]!.subarray(1))!).long).toBe(long)
    }
  })
})
