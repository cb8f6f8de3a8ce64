import { extname } from 'node:path'
import { readFile } from 'node:fs/promises'
import { declaredToWgs84, describeArea, parseDeclaredCrs, plausiblePosition } from '../../imports/crs'
import { packErrors } from '../../imports/record'
import { ImportReport, type RowError } from '../../imports/report'
import { openTextFile, type TextEncoding } from '../../imports/text-file'
import { CaseCopyWriter } from './copy-binary'
import { CoordinateCounts, type CoordinateStacks } from './coordinate-counts'
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
  /**
   * Set when the rows go straight into `cases` (a dataset that holds no cases yet, on a real
   * server, load.ts): pieces then carry binary COPY rows for it (copy-binary.ts) instead of COPY
   * text for `case_staging`. The deadlines give the due time of cases without one (code → hours).
   */
  cases?: { dataset: string; declaredCrs: string; deadlineHours: Map<string, number | null> }
}

/** A piece's rows as binary COPY rows for `cases`, still without community and import (copy-binary.ts). */
export interface CaseRowsPiece {
  bytes: Uint8Array
  /** byte offset after each row */
  ends: Uint32Array
  /** each row's number in the file */
  rowNo: Int32Array
  /** each row's coordinate, numbered 0, 1, 2 … in the order first read */
  pointNo: Int32Array
  /** the coordinates first read in this piece as lon, lat pairs, numbered on from firstPoint */
  newPoints: Float64Array
  firstPoint: number
}

/** Accepted rows as COPY text for `case_staging` (copy-text.ts), or for `cases`, with how far the file is read. */
export interface CasePiece {
  /** COPY text for `case_staging`; empty when the job writes into `cases` (then see `cases`) */
  text: Uint8Array
  cases?: CaseRowsPiece
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
  /** external category names without a mapping (and "source:" names, and closed cases without a time), with row counts */
  unmapped: [string, number][]
  /**
   * the coordinates that hold at least stackedMin of the file's accepted cases; when read for a
   * new dataset (job.cases), with the ids of the cases there written unflagged because they were
   * read before their coordinate reached the minimum
   */
  stacks: CoordinateStacks
}

/**
 * What reading a case file ends with: the summary, then every rejected row packed for
 * `imports.errors_gz` (packErrors). Packing a city's tens of thousands of rejected rows takes a
 * fifth of a second, which the import need not wait for: it is recorded only after the writing.
 */
export interface CaseRead {
  summary: CaseReadSummary
  packedErrors: Promise<Uint8Array>
}

/** The first `n` rejections in row order (a report lists them as found, mostly in row order already). */
export function firstByRow(errors: RowError[], n: number): RowError[] {
  const sorted = errors.every((e, i) => i === 0 || errors[i - 1].row <= e.row)
  return (sorted ? errors : errors.slice().sort((a, b) => a.row - b.row)).slice(0, n)
}

/**
 * Reads a CSV (any delimiter, UTF-8 or GBK, optionally gzipped) or GeoJSON case file: validates
 * every row, converts positions from the declared CRS to WGS84, and hands the accepted rows on
 * as COPY text for staging, or as binary rows for `cases` (job.cases), piece by piece as the file
 * is read (a CSV is never held whole in memory). A returned promise from `onPiece` pauses reading
 * until it settles. Each row is written flagged when its coordinate already held stackedMin
 * cases when it was read.
 *
 * It touches no database, so it runs in a thread of its own (read-thread.ts) while the main
 * thread writes the pieces.
 */
export async function readCaseFile(job: CaseReadJob, onPiece: (piece: CasePiece) => void | Promise<void>): Promise<CaseRead> {
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
  const writer = job.cases && new CaseCopyWriter(job.cases.dataset, job.cases.declaredCrs, job.cases.deadlineHours)
  // with a writer: each row's file row and point number, and the points first read in the piece
  let rowNo: number[] = []
  let pointNo: number[] = []
  let newPoints: number[] = []
  let firstPoint = 0
  // with a writer: the ids read at each point while it held fewer than stackedMin cases, and those
  // of the points that then reached it
  const early: (string[] | null)[] = []
  const unflagged: string[] = []
  const cut = (fraction: number) => {
    const rowsRead = keptRows + report.rejectedRows
    let piece: CasePiece
    if (writer) {
      const { bytes, ends } = writer.take()
      piece = {
        text: new Uint8Array(0), rows: partRows, rowsRead, fraction,
        cases: { bytes, ends, rowNo: Int32Array.from(rowNo), pointNo: Int32Array.from(pointNo), newPoints: Float64Array.from(newPoints), firstPoint },
      }
      rowNo = []
      pointNo = []
      newPoints = []
      firstPoint = counts.points
    } else piece = { text: encoder.encode(parts.join('')), rows: partRows, rowsRead, fraction }
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
      const count = counts.add(lon[i], lat[i])
      if (writer) {
        const point = counts.lastPoint
        writer.push(p, i, lon[i], lat[i], count >= stackedMin)
        rowNo.push(p.rowNo[i])
        pointNo.push(point)
        if (count === 1) newPoints.push(lon[i], lat[i])
        if (count < stackedMin) (early[point] ??= []).push(p.externalId[i])
        else if (count === stackedMin) {
          for (const id of early[point] ?? []) unflagged.push(id)
          early[point] = null
        }
      } else pushCopyLine(parts, p, i, lon[i], lat[i], count >= stackedMin)
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
  const summary: CaseReadSummary = {
    encoding: file.encoding, keptRows, rejectedRows: report.rejectedRows, errorsByCode: report.errorsByCode(),
    firstErrors: firstByRow(report.errors, ERRORS_IN_RESPONSE),
    unmapped: [...unmapped], stacks: writer ? { ...counts.atLeast(stackedMin), unflagged } : counts.atLeast(stackedMin),
  }
  // packed once the summary is handed on (see CaseRead)
  const packedErrors = new Promise<Uint8Array>((resolve, reject) => setImmediate(() => packErrors(report.errors).then(resolve, reject)))
  return { summary, packedErrors }
}
