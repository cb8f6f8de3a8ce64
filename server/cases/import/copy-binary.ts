import type { ParsedCases } from './parse'

/**
 * The columns of `cases` a new dataset's rows are copied into, in the order CaseCopyWriter writes
 * them; the last two (the coordinate's community, the import's id) are known only once the
 * database has placed the coordinate, and are appended by completeCaseRows on the writing side.
 */
export const CASE_COPY_COLUMNS = 'dataset, external_id, category_code, source, reported_at, dispatched_at, due_at, closed_at, status, ' +
  'address, geom, declared_crs, stacked, attrs, community_id, import_id'
const CASE_COPY_FIELDS = CASE_COPY_COLUMNS.split(', ').length

/** PostgreSQL's timestamps count microseconds from 2000-01-01 UTC; ours are epoch milliseconds. */
const PG_EPOCH_MS = 946_684_800_000
const TWO_32 = 4_294_967_296

/** The binary COPY header: signature, flags, header extension length (PostgreSQL docs, "Binary Format"). */
const HEADER = Uint8Array.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
/** the file trailer: a field count of -1 */
const TRAILER = Uint8Array.from([0xff, 0xff])

/** Strings up to this length are tried as ASCII first (CaseCopyWriter.text). */
const SHORT_TEXT = 48

/** What a case row lacks until its coordinate is placed (see completeCaseRows). */
export interface CasePlacement {
  /** community id per point number, 0 for none */
  community: Int32Array
  /** 1 per point number outside the district */
  outside: Uint8Array
}

/**
 * Writes accepted cases as rows of PostgreSQL's binary COPY format for `cases` (CASE_COPY_COLUMNS
 * without the last two), for a dataset that holds no cases yet: they go straight into the table,
 * with no staging table, no join and no text to parse on the server (about a third of its work
 * for a new dataset, against staging them as text and inserting from there). The due time defaults
 * to the category's deadline here, as the staging path's SQL does. Written by hand: no npm
 * package writes binary COPY rows from columns without an object per row and per field.
 */
export class CaseCopyWriter {
  private buf = new Uint8Array(1 << 20)
  private view = new DataView(this.buf.buffer)
  private pos = 0
  private readonly encoder = new TextEncoder()
  private readonly dataset: Uint8Array
  private readonly declaredCrs: Uint8Array
  /** byte offset after each row written since the last take() */
  private ends: number[] = []

  constructor(dataset: string, declaredCrs: string, private readonly deadlineHours: Map<string, number | null>) {
    this.dataset = this.encoder.encode(dataset)
    this.declaredCrs = this.encoder.encode(declaredCrs)
  }

  get rows(): number { return this.ends.length }

  /** Appends row `i` of `rows` at the WGS84 position lon/lat. */
  push(rows: ParsedCases, i: number, lon: number, lat: number, stacked: boolean): void {
    const attrs = rows.attrs[i] ?? '{}'
    const address = rows.address[i]
    // every string's worst case of 3 UTF-8 bytes per UTF-16 unit, plus the fixed fields
    this.room(200 + 3 * (rows.externalId[i].length + rows.category[i].length + rows.source[i].length + rows.status[i].length +
      (address?.length ?? 0) + attrs.length) + this.dataset.length + this.declaredCrs.length)
    this.view.setInt16(this.pos, CASE_COPY_FIELDS)
    this.pos += 2
    this.bytes(this.dataset)
    this.text(rows.externalId[i])
    this.text(rows.category[i])
    this.text(rows.source[i])
    const reported = rows.reportedAt[i]
    this.time(reported)
    this.time(rows.dispatchedAt[i])
    const due = rows.dueAt[i]
    if (Number.isFinite(due)) this.time(due)
    else {
      const hours = this.deadlineHours.get(rows.category[i])
      // microseconds, rounded as make_interval rounds its seconds
      if (hours === undefined || hours === null) this.time(NaN)
      else this.micros(Math.round(reported * 1000) + Math.round(hours * 3_600_000_000) - PG_EPOCH_MS * 1000)
    }
    this.time(rows.closedAt[i])
    this.text(rows.status[i])
    if (address === null) this.nullField()
    else this.text(address)
    this.point(lon, lat)
    this.bytes(this.declaredCrs)
    this.view.setInt32(this.pos, 1)
    this.buf[this.pos + 4] = stacked ? 1 : 0
    this.pos += 5
    // jsonb's binary form: a version byte, then the text
    const start = this.pos
    this.pos += 4
    this.buf[this.pos++] = 1
    this.pos += this.encoder.encodeInto(attrs, this.buf.subarray(this.pos)).written
    this.view.setInt32(start, this.pos - start - 4)
    this.ends.push(this.pos)
  }

  /** The rows written since the last call, and the byte offset after each. */
  take(): { bytes: Uint8Array; ends: Uint32Array } {
    const out = { bytes: this.buf.slice(0, this.pos), ends: Uint32Array.from(this.ends) }
    this.pos = 0
    this.ends = []
    return out
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(2 * this.buf.length, this.pos + n))
    grown.set(this.buf.subarray(0, this.pos))
    this.buf = grown
    this.view = new DataView(grown.buffer)
  }

  private nullField(): void {
    this.view.setInt32(this.pos, -1)
    this.pos += 4
  }

  private bytes(b: Uint8Array): void {
    this.view.setInt32(this.pos, b.length)
    this.buf.set(b, this.pos + 4)
    this.pos += 4 + b.length
  }

  private text(s: string): void {
    const start = this.pos + 4
    // ids, codes and most addresses are short ASCII: copied here, they cost a fraction of a call
    // to encodeInto and the view it needs; anything else is encoded by it
    if (s.length <= SHORT_TEXT) {
      const { buf } = this
      let k = 0
      for (; k < s.length; k++) {
        const c = s.charCodeAt(k)
        if (c > 0x7f) break
        buf[start + k] = c
      }
      if (k === s.length) {
        this.view.setInt32(this.pos, k)
        this.pos = start + k
        return
      }
    }
    const written = this.encoder.encodeInto(s, this.buf.subarray(start)).written
    this.view.setInt32(this.pos, written)
    this.pos = start + written
  }

  /** a timestamptz from epoch ms; NULL when absent (NaN) */
  private time(ms: number): void {
    if (!Number.isFinite(ms)) this.nullField()
    else this.micros(Math.round(ms * 1000) - PG_EPOCH_MS * 1000)
  }

  /** an int64 of microseconds since 2000, split in two words (exact below 2^53 µs, ±142 years) */
  private micros(us: number): void {
    const hi = Math.floor(us / TWO_32)
    this.view.setInt32(this.pos, 8)
    this.view.setInt32(this.pos + 4, hi)
    this.view.setUint32(this.pos + 8, us - hi * TWO_32)
    this.pos += 12
  }

  /** a geometry(Point, 4326) as little-endian EWKB, which PostGIS's binary input reads as is */
  private point(lon: number, lat: number): void {
    const v = this.view
    v.setInt32(this.pos, 25)
    this.buf[this.pos + 4] = 1
    v.setUint32(this.pos + 5, 0x20000001, true) // Point, with an SRID
    v.setUint32(this.pos + 9, 4326, true)
    v.setFloat64(this.pos + 13, lon, true)
    v.setFloat64(this.pos + 21, lat, true)
    this.pos += 29
  }
}

/**
 * One COPY's worth of binary rows for `cases`: the rows of `pieces` (CaseCopyWriter) whose point
 * is inside the district, each completed with its point's community and the import's id, between
 * the format's header and trailer. `skip` gets each row left out (its index in the batch).
 */
export function completeCaseRows(pieces: { bytes: Uint8Array; ends: Uint32Array; pointNo: Int32Array }[], placement: CasePlacement,
  importId: number, skip: (piece: number, row: number) => void): Uint8Array {
  let size = HEADER.length + TRAILER.length
  for (const p of pieces) size += p.bytes.length + 16 * p.ends.length
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  out.set(HEADER)
  let pos = HEADER.length
  pieces.forEach((p, k) => {
    let start = 0
    for (let r = 0; r < p.ends.length; r++) {
      const end = p.ends[r]
      const point = p.pointNo[r]
      if (placement.outside[point]) skip(k, r)
      else {
        out.set(p.bytes.subarray(start, end), pos)
        pos += end - start
        const community = placement.community[point]
        if (community) {
          view.setInt32(pos, 4)
          view.setInt32(pos + 4, community)
          pos += 8
        } else {
          view.setInt32(pos, -1)
          pos += 4
        }
        view.setInt32(pos, 4)
        view.setInt32(pos + 4, importId)
        pos += 8
      }
      start = end
    }
  })
  out.set(TRAILER, pos)
  return out.subarray(0, pos + TRAILER.length)
}
