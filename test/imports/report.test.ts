import { describe, expect, test } from 'vitest'
import { ImportReport } from '../../server/imports/report'

describe('ImportReport', () => {
  test('counts each rejected row once, in any order, whatever its number', () => {
    const report = new ImportReport()
    const rows = [5, 5, 3, 70_000, 1, 70_000, 0, 2 ** 40, -1, 3]
    for (const row of rows) report.reject(row, 'id', '', 'WG_MISSING_ID', 'the case id is empty')
    expect(report.rejectedRows).toBe(new Set(rows).size)
    expect(report.errors).toHaveLength(rows.length)
    for (const row of rows) expect(report.isRejected(row)).toBe(true)
    for (const row of [2, 4, 6, 69_999, 2 ** 40 + 1, -2, 1e9]) expect(report.isRejected(row)).toBe(false)
    expect(report.errorsByCode()).toEqual({ WG_MISSING_ID: rows.length })
  })
})
