import type { ParsedCases } from './parse'

/** The columns of `case_staging` (import-staging.sql) in the order pushCopyLine writes them. */
export const STAGING_COLUMNS = 'row_no, external_id, category_code, source, status, reported_ms, dispatched_ms, due_ms, closed_ms, address, lon, lat, attrs, stacked'
export const STAGING_COLUMN_COUNT = STAGING_COLUMNS.split(', ').length

// COPY text format: backslash, tab and line breaks must be escaped; \N is NULL. Most values have
// none of them, and one test is far cheaper than four replacements.
const COPY_SPECIAL = /[\\\t\n\r]/
const copyText = (v: string | null) =>
  v === null ? '\\N' : !COPY_SPECIAL.test(v) ? v
    : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')

/** One field of COPY text as its value (copyText undone): \\N is NULL, backslash escapes are undone. */
export const copyFieldValue = (f: string): string | null => f === '\\N' ? null : !f.includes('\\') ? f
  : f.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c))

/** A time as COPY text: epoch ms, or \\N when absent (NaN). */
const msText = (t: number) => (Number.isFinite(t) ? String(t) : '\\N')

/**
 * Appends row `i` of `rows`, staged at the WGS84 position lon/lat, in COPY text format
 * (tab-separated, \\N for NULL, newline-terminated) to `out` as its fields and separators, which
 * one join() turns into a piece of text. A string per row built by concatenation made a node
 * per piece besides the row itself: three times the allocation, and with it the garbage
 * collection, of reading the file.
 */
export function pushCopyLine(out: string[], rows: ParsedCases, i: number, lon: number, lat: number, stacked: boolean): void {
  out.push(String(rows.rowNo[i]), '\t', copyText(rows.externalId[i]), '\t', rows.category[i], '\t', rows.source[i], '\t',
    rows.status[i], '\t', msText(rows.reportedAt[i]), '\t', msText(rows.dispatchedAt[i]), '\t', msText(rows.dueAt[i]), '\t',
    msText(rows.closedAt[i]), '\t', copyText(rows.address[i]), '\t', String(lon), '\t', String(lat), '\t',
    copyText(rows.attrs[i]), stacked ? '\tt\n' : '\tf\n')
}
