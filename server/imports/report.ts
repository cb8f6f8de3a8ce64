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
  private readonly rejected = new Set<number>()

  reject(row: number, column: string, value: unknown, code: string, reason: string): void {
    this.errors.push({ row, column, value: value === undefined || value === null ? '' : String(value), code, reason })
    this.rejected.add(row)
  }

  isRejected(row: number): boolean {
    return this.rejected.has(row)
  }

  get rejectedRows(): number {
    return this.rejected.size
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
