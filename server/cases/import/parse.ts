import Papa from 'papaparse'
import type { TextFile } from '../../imports/text-file'
import type { ImportReport } from '../../imports/report'
import { timeParser, type TimeParser } from '../../imports/time'
import { AppError } from '../../shared/errors'
import {
  CHANNEL_ALIASES, CHANNELS, STATUS_ALIASES, STATUSES, resolveColumns,
  type CaseField, type CaseImportMapping,
} from './mapping'

/** Accepted rows, column by column (times in epoch ms, NaN when absent; x/y in the declared CRS). */
export interface ParsedCases {
  rowNo: number[]
  externalId: string[]
  category: string[]
  source: string[]
  status: string[]
  reportedAt: number[]
  dispatchedAt: number[]
  dueAt: number[]
  closedAt: number[]
  address: (string | null)[]
  x: number[]
  y: number[]
  /** the kept extra columns as JSON object text (built once here, sent as is), null for none */
  attrs: (string | null)[]
  /** the file's own name for the coordinate columns, for error reports ("X/Y", "geometry") */
  coordinateColumns: string
}

/** Looks up a category by its external name; undefined when unmapped. */
export type CategoryResolver = (name: string) => string | undefined

export interface ParseContext {
  mapping: CaseImportMapping
  resolveCategory: CategoryResolver
  report: ImportReport
  /** external category names that had no mapping, with their row counts */
  unmapped: Map<string, number>
  /**
   * Streams a CSV: called after each chunk with the rows accepted since the last call (dropped
   * once it returns, so a large file is never held in memory) and how many characters of the
   * text have been read. A returned promise pauses reading until it settles (back-pressure).
   * Without it, every accepted row is returned at the end.
   */
  onChunk?: (accepted: ParsedCases, charsRead: number) => void | Promise<void>
}

const DELIMITERS = [',', ';', '\t', '|']

/** Picks the delimiter that splits the header and the next lines into the most, equal, fields. */
export function sniffDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).filter((l) => l.trim()).slice(0, 6)
  let best = ','
  let bestScore = -1
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => l.split(d).length - 1)
    if (!counts.length || counts[0] === 0) continue
    const consistent = counts.every((c) => c === counts[0])
    const score = counts[0] * (consistent ? 2 : 1)
    if (score > bestScore) { best = d; bestScore = score }
  }
  return best
}

function emptyParsed(): ParsedCases {
  return {
    rowNo: [], externalId: [], category: [], source: [], status: [], reportedAt: [], dispatchedAt: [],
    dueAt: [], closedAt: [], address: [], x: [], y: [], attrs: [], coordinateColumns: 'x/y',
  }
}

/** A mapping value lookup tolerant of case and surrounding spaces. */
function lookup(table: Record<string, string> | undefined, builtin: Record<string, string>, value: string): string | undefined {
  if (table) {
    if (value in table) return table[value]
    const lower = value.toLowerCase()
    for (const k of Object.keys(table)) if (k.toLowerCase() === lower) return table[k]
  }
  return builtin[value] ?? builtin[value.toLowerCase()]
}

/** `fn` remembered per argument: exports repeat a few dozen category, source and status values. */
function memo(fn: (v: string) => string | undefined): (v: string) => string | undefined {
  // null for a value without a result: one lookup per call instead of has() then get()
  const known = new Map<string, string | null>()
  return (v) => {
    let r = known.get(v)
    if (r === undefined) {
      r = fn(v) ?? null
      known.set(v, r)
    }
    return r ?? undefined
  }
}

/** Row-level validation shared by CSV and GeoJSON case imports. */
export class CaseRowReader {
  out = emptyParsed()
  private readonly seen = new Map<string, number>()
  private readonly unmappedReasons = new Map<string, string>()
  private readonly category: (name: string) => string | undefined
  private readonly source: (name: string) => string | undefined
  private readonly status: (name: string) => string | undefined
  private readonly parseTime: TimeParser
  private readonly projected: boolean

  constructor(private readonly ctx: ParseContext) {
    this.parseTime = timeParser(ctx.mapping.timeFormat ?? 'auto', ctx.mapping.timezone ?? 'Asia/Shanghai')
    this.projected = /^EPSG:/i.test(ctx.mapping.crs ?? '') && !/^EPSG:(4326|4490)$/i.test(ctx.mapping.crs ?? '')
    this.category = memo(ctx.resolveCategory)
    this.source = memo((v) => lookup(ctx.mapping.sources, CHANNEL_ALIASES, v))
    this.status = memo((v) => lookup(ctx.mapping.statuses, STATUS_ALIASES, v))
  }

  /** Hands over the rows accepted so far and starts a new batch. */
  take(): ParsedCases {
    const taken = this.out
    this.out = emptyParsed()
    this.out.coordinateColumns = taken.coordinateColumns
    return taken
  }

  private time(row: number, column: string, text: string | undefined, required: boolean): number | undefined {
    const t = (text ?? '').trim()
    if (!t) {
      if (required) this.ctx.report.reject(row, column, t, 'WG_MISSING_TIME', `${column} is empty; every case needs a report time`)
      return NaN
    }
    const v = this.parseTime(t)
    if (v === null) {
      this.ctx.report.reject(row, column, t, 'WG_BAD_TIME',
        `"${t}" is not a time in format ${this.ctx.mapping.timeFormat ?? 'auto'}; use ISO 8601 (2025-03-01 08:30:00) or set timeFormat`)
      return undefined
    }
    return v
  }

  /**
   * Validates one row given as field → text; rejected rows go to the report, good ones to `out`.
   * `attrs` may be a function, called only for accepted rows (rejected ones need no extra columns).
   */
  add(row: number, f: Partial<Record<string, string>>, attrs: string | null | (() => string | null),
    names: Record<string, string>): void {
    const { report, mapping } = this.ctx
    const before = report.rejectedRows
    const id = (f.id ?? '').trim()
    if (!id) report.reject(row, names.id, '', 'WG_MISSING_ID', 'the case id is empty')
    else if (this.seen.has(id)) {
      report.reject(row, names.id, id, 'WG_DUPLICATE_ID', `id ${id} already appeared at row ${this.seen.get(id)} of this file`)
    } else this.seen.set(id, row)

    const reported = this.time(row, names.reported_at, f.reported_at, true)
    const dispatched = this.time(row, names.dispatched_at ?? 'dispatched_at', f.dispatched_at, false)
    const due = this.time(row, names.due_at ?? 'due_at', f.due_at, false)
    const closed = this.time(row, names.closed_at ?? 'closed_at', f.closed_at, false)

    const xText = (f.lon ?? '').trim()
    const yText = (f.lat ?? '').trim()
    const x = xText === '' ? NaN : Number(xText)
    const y = yText === '' ? NaN : Number(yText)
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      report.reject(row, `${names.lon}/${names.lat}`, `${xText} ${yText}`, 'WG_BAD_COORDINATES',
        xText === '' || yText === '' ? 'coordinates are missing' : 'coordinates are not numbers')
    } else if (!this.projected) {
      if (x === 0 && y === 0) {
        report.reject(row, `${names.lon}/${names.lat}`, '0 0', 'WG_BAD_COORDINATES', 'coordinates are 0,0 (a missing location, not a place)')
      } else if (Math.abs(x) > 180 || Math.abs(y) > 90) {
        const swapped = Math.abs(y) <= 180 && Math.abs(x) <= 90
        report.reject(row, `${names.lon}/${names.lat}`, `${x} ${y}`, 'WG_COORDINATES_OUT_OF_RANGE',
          swapped ? 'latitude is out of range: lon and lat look swapped' :
            `(${x}, ${y}) is not a lon/lat position; if these are projected x/y, declare the CRS as EPSG:nnnn`)
      }
    }

    const catName = (f.category ?? '').trim()
    const category = catName ? this.category(catName) : undefined
    if (!catName) report.reject(row, names.category, '', 'WG_MISSING_CATEGORY', 'the category is empty')
    else if (!category) {
      this.ctx.unmapped.set(catName, (this.ctx.unmapped.get(catName) ?? 0) + 1)
      // one reason text per unmapped name: exports repeat a few names over thousands of rows
      let reason = this.unmappedReasons.get(catName)
      if (!reason) {
        reason = `category "${catName}" is not in the taxonomy nor in the category mapping; map it (mapping file "categories" or POST /api/categories/mappings) and import again`
        this.unmappedReasons.set(catName, reason)
      }
      report.reject(row, names.category, catName, 'WG_UNKNOWN_CATEGORY', reason)
    }

    const sourceText = (f.source ?? '').trim()
    let source = sourceText ? this.source(sourceText) : mapping.defaultSource ?? 'other'
    if (!source) {
      source = 'other'
      this.ctx.unmapped.set(`source:${sourceText}`, (this.ctx.unmapped.get(`source:${sourceText}`) ?? 0) + 1)
    } else if (!(CHANNELS as readonly string[]).includes(source)) {
      throw new AppError('WG_BAD_MAPPING', `the mapping sends source "${sourceText}" to "${source}", which is not one of ${CHANNELS.join(', ')}`, 422)
    }

    const statusText = (f.status ?? '').trim()
    let status: string | undefined
    if (statusText) {
      status = this.status(statusText)
      if (!status || !(STATUSES as readonly string[]).includes(status)) {
        report.reject(row, names.status, statusText, 'WG_UNKNOWN_STATUS',
          `status "${statusText}" is not one of ${STATUSES.join(', ')}; map it in the mapping file ("statuses")`)
      }
    }
    if (report.rejectedRows !== before) return
    if (!status) status = Number.isFinite(closed) ? 'closed' : Number.isFinite(dispatched) ? 'dispatched' : 'reported'
    if (status === 'closed' && !Number.isFinite(closed)) {
      // a closed case without a close time cannot count towards 按期结案率; keep it, say so
      this.ctx.unmapped.set('closed-without-time', (this.ctx.unmapped.get('closed-without-time') ?? 0) + 1)
    }
    const o = this.out
    o.rowNo.push(row)
    o.externalId.push(id)
    o.category.push(category!)
    o.source.push(source)
    o.status.push(status)
    o.reportedAt.push(reported!)
    o.dispatchedAt.push(dispatched!)
    o.dueAt.push(due!)
    o.closedAt.push(closed!)
    o.address.push((f.address ?? '').trim() || null)
    o.x.push(x)
    o.y.push(y)
    o.attrs.push(typeof attrs === 'function' ? attrs() : attrs)
  }
}

/** The line break of a text sample: CRLF, CR or LF (the parser must be told; it cannot guess from one chunk). */
export function sniffNewline(sample: string): '\r\n' | '\r' | '\n' {
  const i = sample.search(/[\r\n]/)
  if (i < 0 || sample[i] === '\n') return '\n'
  return sample[i + 1] === '\n' ? '\r\n' : '\r'
}

/**
 * Streams a CSV case file through the row reader. Column names in errors are the file's own.
 * Papa Parse reads the records: about 4× less CPU than csv-parse on a 40 MB export, and like it
 * keeps rows with missing or extra fields (a fixed-width parser would silently merge them).
 */
export async function parseCaseCsv(file: TextFile, ctx: ParseContext): Promise<ParsedCases> {
  const delimiter = ctx.mapping.delimiter ?? sniffDelimiter(file.sample)
  let header: string[] | undefined
  let fields: [CaseField, number][] = []
  let names: Record<string, string> = {}
  let keep: number[] = []
  const reader = new CaseRowReader(ctx)
  let row = 0
  let keyPrefixes: string[] = []
  let record: string[] = []
  const f: Partial<Record<string, string>> = {}
  // The kept columns as JSON text, written directly: the keys are the same on every row, so they
  // are quoted once; an object per row only to stringify it cost more than the rest of the row.
  const attrsOf = () => {
    let json = ''
    for (let k = 0; k < keep.length; k++) {
      const v = record[keep[k]]
      if (v === undefined || v === '') continue
      json += (json ? ',' : '{') + keyPrefixes[k] + JSON.stringify(v)
    }
    return json ? json + '}' : '{}'
  }
  const onRecord = (rec: string[]) => {
    record = rec
    if (!header) {
      header = record.map((h) => h.trim())
      const cols = resolveColumns(header, ctx.mapping)
      fields = Object.entries(cols) as [CaseField, number][]
      names = Object.fromEntries(fields.map(([k, i]) => [k, header![i]]))
      reader.out.coordinateColumns = `${names.lon}/${names.lat}`
      const used = new Set(Object.values(cols))
      const keepSpec = ctx.mapping.keepColumns ?? true
      keep = header.map((_, i) => i).filter((i) => !used.has(i) &&
        (keepSpec === true || (Array.isArray(keepSpec) && keepSpec.includes(header![i]))))
      keyPrefixes = keep.map((i) => `${JSON.stringify(header![i])}:`)
      return
    }
    row++
    // one object for every row: add() copies what it keeps
    for (let k = 0; k < fields.length; k++) f[fields[k][0]] = record[fields[k][1]]
    reader.add(row, f, keep.length ? attrsOf : null, names)
  }
  const input = file.stream()
  await new Promise<void>((resolve, reject) => {
    let failed: unknown
    Papa.parse<string[]>(input, {
      delimiter, newline: sniffNewline(file.sample), skipEmptyLines: true,
      chunk(results, parser) {
        const fail = (err: unknown) => {
          failed = err
          parser.abort()
          input.destroy()
          reject(err)
        }
        try {
          for (const record of results.data) onRecord(record)
          const pending = ctx.onChunk?.(reader.take(), results.meta.cursor)
          if (pending) {
            parser.pause()
            pending.then(() => parser.resume(), fail)
          }
        } catch (err) {
          fail(err)
        }
      },
      complete: () => (failed ? reject(failed) : resolve()),
      error: (err: Error) => reject(failed ?? err),
    })
  })
  if (!header) throw new AppError('WG_EMPTY_FILE', 'The file is empty: expected a header line and case rows', 422)
  return reader.out
}

/** Reads a GeoJSON FeatureCollection of Point features whose properties carry the case fields. */
export function parseCaseGeoJson(text: string, ctx: ParseContext): ParsedCases {
  let fc: { type?: string; features?: { geometry?: { type?: string; coordinates?: number[] }; properties?: Record<string, unknown> }[] }
  try {
    fc = JSON.parse(text)
  } catch (err) {
    throw new AppError('WG_BAD_GEOJSON', `The file is not valid JSON (${(err as Error).message}); expected a GeoJSON FeatureCollection of Points`, 422)
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError('WG_BAD_GEOJSON', 'Expected a GeoJSON FeatureCollection of Point features with case properties', 422)
  }
  const header = Array.from(new Set(fc.features.slice(0, 1000).flatMap((f) => Object.keys(f.properties ?? {}))))
  const cols = resolveColumns([...header, '__lon', '__lat'], {
    ...ctx.mapping, columns: { ...ctx.mapping.columns, lon: '__lon', lat: '__lat' },
  })
  const fullHeader = [...header, '__lon', '__lat']
  const names: Record<string, string> = Object.fromEntries(Object.entries(cols).map(([k, i]) => [k, fullHeader[i!]]))
  names.lon = 'geometry'
  names.lat = 'geometry'
  const reader = new CaseRowReader(ctx)
  reader.out.coordinateColumns = 'geometry'
  fc.features.forEach((feat, k) => {
    const row = k + 1
    const props = feat.properties ?? {}
    const f: Partial<Record<string, string>> = {}
    for (const [field, i] of Object.entries(cols)) {
      const v = props[fullHeader[i!]]
      f[field] = v === undefined || v === null ? '' : String(v)
    }
    const g = feat.geometry
    if (g?.type !== 'Point' || !Array.isArray(g.coordinates)) {
      ctx.report.reject(row, 'geometry', g?.type ?? 'null', 'WG_BAD_GEOMETRY', 'a case must be a Point feature')
      return
    }
    f.lon = String(g.coordinates[0])
    f.lat = String(g.coordinates[1])
    const used = new Set(Object.values(cols).map((i) => fullHeader[i!]))
    const attrs: Record<string, string> = {}
    for (const [key, v] of Object.entries(props)) if (!used.has(key) && v !== null && v !== undefined) attrs[key] = String(v)
    reader.add(row, f, Object.keys(attrs).length ? JSON.stringify(attrs) : null, names)
  })
  return reader.out
}
