import { extname } from 'node:path'
import { readFile } from 'node:fs/promises'
import { declaredToWgs84, describeArea, parseDeclaredCrs, plausiblePosition } from '../../imports/crs'
import { packErrors } from '../../imports/record'
import { ImportReport, type RowError } from '../../imports/report'
import { openTextFile, type TextEncoding } from '../../imports/text-file'
import { CoordinateCounts } from './coordinate-counts'
import { pushCopyLine } from './copy-text'
import type { CaseImportMapping } from './mapping'
import { parseCaseCsv, parseCaseGeoJson, type ParsedCases } from './parse'

/** Rejected rows an import returns in its response (all of them are in its CSV). */
export const ERRORS_IN_RESPONSE = 200

/** Rows handed on in one piece at most (a piece is also cut at the end of each parsed chunk). */
const PIECE_ROWS = 2048

/** One case file to read; plain data, so that it can be posted to the reading thread. */
export interface CaseReadJob {
  path: string
  filename: string
  mapping: CaseImportMapping
  /** external category names, taxonomy names and codes → taxonomy code (lower-cased names match too) */
  categoryNames: Map<string, string>
  stackedMin: number
  /** rows per piece at most (default PIECE_ROWS): a streaming load closes batches only between pieces */
  pieceRows?: number
}

/** Accepted rows as COPY text for `case_staging` (copy-text.ts), with how far the file is read. */
export interface CasePiece {
  text: Uint8Array
  rows: number
  /** rows read so far, rejected ones included */
  rowsRead: number
  /** share of the file's text read so far (0–1) */
  fraction: number
}

/** What reading found besides the accepted rows; plain data (see CaseReadJob). */
export interface CaseReadSummary {
  encoding: TextEncoding
  /** rows handed on in pieces */
  keptRows: number
  /** rows rejected while reading */
  rejectedRows: number
  errorsByCode: Record<string, number>
  /** the first ERRORS_IN_RESPONSE rejected rows in row order */
  firstErrors: RowError[]
  /** every rejected row, packed for `imports.errors_gz` (packErrors) */
  packedErrors: Uint8Array
  /** external category names without a mapping (and "source:" names, and closed cases without a time), with row counts */
  unmapped: [string, number][]
  /** the coordinates that hold at least stackedMin of the file's accepted cases */
  stacks: { lon: number[]; lat: number[]; cases: number[] }
}

/** The first `n` rejections in row order (a report lists them as found). */
export function firstByRow(errors: RowError[], n: number): RowError[] {
  return errors.slice().sort((a, b) => a.row - b.row).slice(0, n)
}

/**
 * Reads a CSV (any delimiter, UTF-8 or GBK, optionally gzipped) or GeoJSON case file: validates
 * every row, converts positions from the declared CRS to WGS84, and hands the accepted rows on
 * as COPY text, piece by piece as the file is read (a CSV is never held whole in memory). A
 * returned promise from `onPiece` pauses reading until it settles. Each row is staged flagged
 * when its coordinate already held stackedMin cases when it was read.
 *
 * It touches no database, so it runs in a thread of its own (read-thread.ts) while the main
 * thread writes the pieces.
 */
export async function readCaseFile(job: CaseReadJob, onPiece: (piece: CasePiece) => void | Promise<void>): Promise<CaseReadSummary> {
  const { mapping, filename, stackedMin } = job
  const pieceRows = Math.max(1, job.pieceRows ?? PIECE_ROWS)
  const crs = parseDeclaredCrs(mapping.crs)
  const names = job.categoryNames
  const report = new ImportReport()
  const unmapped = new Map<string, number>()
  const isJson = /\.(geo)?json$/i.test(extname(filename))
  const file = await openTextFile(job.path, {
    label: filename, encoding: mapping.encoding,
    expected: isJson ? 'a GeoJSON FeatureCollection of Point features' : 'a CSV (or gzipped CSV) of cases with a header line',
  })
  const counts = new CoordinateCounts()
  const implausible: { row: number; x: number; y: number }[] = []
  let keptRows = 0
  const encoder = new TextEncoder()
  let parts: string[] = []
  let partRows = 0
  const cut = (fraction: number) => {
    const piece = { text: encoder.encode(parts.join('')), rows: partRows, rowsRead: keptRows + report.rejectedRows, fraction }
    parts = []
    partRows = 0
    return onPiece(piece)
  }
  /** Converts the accepted rows of one chunk and hands them on in pieces. */
  const convert = async (p: ParsedCases, fraction: number) => {
    const n = p.rowNo.length
    if (!n) return
    const { lon, lat } = declaredToWgs84(crs, Float64Array.from(p.x), Float64Array.from(p.y))
    for (let i = 0; i < n; i++) {
      if (crs.kind === 'projected' && !plausiblePosition(crs, lon[i], lat[i])) {
        implausible.push({ row: p.rowNo[i], x: p.x[i], y: p.y[i] })
        continue
      }
      keptRows++
      pushCopyLine(parts, p, i, lon[i], lat[i], counts.add(lon[i], lat[i]) >= stackedMin)
      if (++partRows >= pieceRows) await cut(fraction)
    }
  }
  const ctx = {
    mapping, report, unmapped,
    resolveCategory: (name: string) => names.get(name) ?? names.get(name.toLowerCase()),
    onChunk: (p: ParsedCases, chars: number) => convert(p, file.fractionAt(chars)),
  }
  let coordinateColumns: string
  if (isJson || file.sample.trimStart().startsWith('{')) {
    const parsed = parseCaseGeoJson((await readFile(job.path)).toString('utf8'), ctx)
    await convert(parsed, 1)
    coordinateColumns = parsed.coordinateColumns
  } else coordinateColumns = (await parseCaseCsv(file, ctx)).coordinateColumns
  if (partRows) await cut(1)

  const where = crs.kind === 'projected' && crs.area ? ` (its area of use is ${describeArea(crs.area)})` : ''
  for (const { row, x, y } of implausible) {
    report.reject(row, coordinateColumns, `${x} ${y}`, 'WG_COORDINATES_OUT_OF_RANGE',
      `not a position in ${crs.label}${where}; check the declared CRS and the x/y columns`)
  }
  return {
    encoding: file.encoding, keptRows, rejectedRows: report.rejectedRows, errorsByCode: report.errorsByCode(),
    firstErrors: firstByRow(report.errors, ERRORS_IN_RESPONSE), packedErrors: await packErrors(report.errors),
    unmapped: [...unmapped], stacks: counts.atLeast(stackedMin),
  }
}
