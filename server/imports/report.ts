import { stringify } from 'csv-stringify/sync'

/** One rejected input row: 1-based data row number (header excluded), column, value and reason. */
export interface RowError {
  row: number
  column: string
  value: string
  code: string
  reason: string
}

/** Collects what an import did, row by row, for the response and the downloadable CSV. */
export class ImportReport {
  readonly errors: RowError[] = []
  readonly warnings: string[] = []
  /**
   * The rejected rows, one byte per row number: a case file rejects tens of thousands of rows,
   * and a Set of them cost more than the rest of the report. Other row numbers (none of the
   * importers uses them) go into `otherRows`.
   */
  private rejected = new Uint8Array(1024)
  private readonly otherRows = new Set<number>()
  private rejectedCount = 0

  reject(row: number, column: string, value: unknown, code: string, reason: string): void {
    this.errors.push({ row, column, value: value === undefined || value === null ? '' : String(value), code, reason })
    if (Number.isInteger(row) && row >= 0 && row < 2 ** 31) {
      if (row >= this.rejected.length) {
        const grown = new Uint8Array(Math.max(row + 1, 2 * this.rejected.length))
        grown.set(this.rejected)
        this.rejected = grown
      }
      if (this.rejected[row]) return
      this.rejected[row] = 1
    } else if (this.otherRows.has(row)) return
    else this.otherRows.add(row)
    this.rejectedCount++
  }

  isRejected(row: number): boolean {
    // a row number the bytes do not index reads as undefined there
    return this.rejected[row] === 1 || this.otherRows.has(row)
  }

  get rejectedRows(): number {
    return this.rejectedCount
  }

  warn(message: string): void {
    this.warnings.push(message)
  }

  /** Rejections counted by error code, added to counts made elsewhere, most frequent first. */
  errorsByCode(countedBefore: Record<string, number> = {}): Record<string, number> {
    const counts: Record<string, number> = { ...countedBefore }
    for (const e of this.errors) counts[e.code] = (counts[e.code] ?? 0) + 1
    return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]))
  }
}

/** The bad rows as CSV (UTF-8 with BOM so spreadsheet programs show Chinese correctly). */
export function errorsToCsv(errors: RowError[]): string {
  const rows = errors.map((e) => [e.row, e.column, e.value, e.code, e.reason])
  return '\uFEFF' + stringify([['row', 'column', 'value', 'code', 'reason'], ...rows])
}
