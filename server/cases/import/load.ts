import type { Writable } from 'node:stream'
import type { PoolClient, QueryResult } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { readSql } from '../../db/sql-files'
import { prepareBulkWrite } from './bulk'
import type { CoordinateStacks } from './coordinate-counts'
import { CASE_COPY_COLUMNS, completeCaseRows, type CasePlacement } from './copy-binary'
import { STAGING_COLUMNS, STAGING_COLUMN_COUNT, copyFieldValue } from './copy-text'
import type { CasePiece, CaseRowsPiece } from './read'

const STAGING_DDL = readSql(import.meta.url, '../queries/import-staging.sql')
const SETTINGS = readSql(import.meta.url, '../queries/import-settings.sql')
const DATASET_LOCK = readSql(import.meta.url, '../queries/import-dataset-lock.sql')
const STACKS = readSql(import.meta.url, '../queries/import-stacks.sql')
const STACKS_FRESH = readSql(import.meta.url, '../queries/import-stacks-fresh.sql')
const FLAG_STACKED = readSql(import.meta.url, '../queries/import-flag-stacked.sql')
const FLAG_STACKED_BULK = readSql(import.meta.url, '../queries/import-flag-stacked-bulk.sql')
const FLAG_STACKED_IDS = readSql(import.meta.url, '../queries/import-flag-stacked-ids.sql')
const PLACE_POINTS = readSql(import.meta.url, '../queries/import-place-points.sql')
// the staged rows as a CTE, completed by the per-row-safe upsert or the bulk path's plain insert
const ROWS = readSql(import.meta.url, '../queries/import-rows.sql')
/**
 * One batch, as one multi-statement query: place the new coordinates, list the cases outside the
 * district, write the batch into `cases`, empty the batch tables. One round trip instead of five
 * matters when the batches are sent while the file is read: the client sends each statement only
 * when its event loop comes round between pieces of rows, and the server would wait for it.
 */
const batchSql = (upsert: string) => [
  readSql(import.meta.url, '../queries/import-batch-new-points.sql'),
  PLACE_POINTS,
  readSql(import.meta.url, '../queries/import-batch-outside.sql'),
  `WITH ${ROWS},\n${readSql(import.meta.url, `../queries/${upsert}`)}`,
  'TRUNCATE case_staging, case_new_points',
].join(';\n')
const BATCH = batchSql('import-upsert.sql')
const BATCH_BULK = batchSql('import-upsert-bulk.sql')
/** a new dataset's batch of new coordinates, as arrays of lon and lat, into case_new_points in their order */
const NEW_POINTS = readSql(import.meta.url, '../queries/import-new-points.sql')
/** ...placed (one multi-statement query), returned in that order */
const PLACE_NEW_POINTS = [PLACE_POINTS, 'SELECT p.outside, p.community_id FROM case_new_points n JOIN case_points p USING (lon, lat) ORDER BY n.ord',
  'TRUNCATE case_new_points'].join(';\n')

/**
 * Rows per batch when streaming. The server writes one batch while the file's next rows are
 * read, so only the last batch's writing adds to the import's time; smaller batches cost more
 * statements and scans (each batch query prepares every boundary it tests anew). Boston's 67k
 * cases make about ten (smaller at the start and at the end, see flush).
 */
const STREAM_BATCH_ROWS = 16384
/**
 * Batches sent but not yet written before reading waits for the server: bounds memory (a few MB
 * of rows each); three rather than two let either side run on through the other's hiccups.
 */
const BATCHES_IN_FLIGHT = 3

/** rows per unnest() statement on an embedded database served by another process (no COPY there) */
const UNNEST_BATCH = 5000

/**
 * Stages COPY text through unnest() of text arrays (cast by the statement), for an embedded
 * database reached over the wire, whose socket server takes no COPY FROM STDIN.
 */
async function unnestRows(conn: PoolClient, text: Uint8Array[], onBatch?: (done: number) => void): Promise<void> {
  const lines = Buffer.concat(text).toString('utf8').split('\n')
  lines.pop() // after the last row's newline
  for (let a = 0; a < lines.length; a += UNNEST_BATCH) {
    const b = Math.min(lines.length, a + UNNEST_BATCH)
    const columns = Array.from({ length: STAGING_COLUMN_COUNT }, () => [] as (string | null)[])
    for (let i = a; i < b; i++) {
      const fields = lines[i].split('\t')
      for (let k = 0; k < columns.length; k++) columns[k].push(copyFieldValue(fields[k]))
    }
    await conn.query(
      `INSERT INTO case_staging (${STAGING_COLUMNS})
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                            $8::float8[], $9::float8[], $10::text[], $11::float8[], $12::float8[], $13::jsonb[], $14::bool[])`,
      columns,
    )
    onBatch?.(b)
  }
}

export interface LoadOutcome {
  inserted: number
  updated: number
  unchanged: number
  outside: { row: number; lon: number; lat: number }[]
  stacked: { lon: number; lat: number; cases: number }[]
  districtChecked: boolean
}

export interface LoadOptions {
  dataset: string; declaredCrs: string; districtId: number | null; stackedMin: number
  /** records the import (in its own transaction, so a failure can be recorded) and returns its id */
  importId: () => Promise<number>
  /** loads of at least this many rows may take the bulk path (bulk.ts; default BULK_MIN_ROWS) */
  bulkMinRows?: number
  /** rows per batch when streaming (STREAM_BATCH_ROWS) */
  batchRows?: number
  /** the embedded database's direct COPY (Database.copyFromText), when this process runs it */
  copyFromText?: (copySql: string, text: Uint8Array[]) => Promise<void>
  onProgress?: (phase: string, done: number) => void
}

/** Where the batches go: the import's id, and the keys to restore after the bulk path (or null). */
interface Target { importId: number; restoreKeys: (() => Promise<void>) | null }

/** What the batches wrote so far. */
interface Written { rows: number; inserted: number; updated: number; outside: LoadOutcome['outside'] }

/** How an import's transaction began: whether a district boundary is loaded, whether the dataset held no cases. */
interface Begun { districtChecked: boolean; fresh: boolean }

/**
 * Opens the import's transaction on `conn` with its working tables. Imports into one dataset take
 * turns (a lock held until commit), so whether the dataset holds cases yet, read here, stays true
 * until this import commits.
 */
async function beginLoad(conn: PoolClient, opts: LoadOptions): Promise<Begun> {
  await conn.query('BEGIN')
  try {
    // PostGIS prices ST_Covers so high that the planner JIT-compiles every spatial statement here,
    // which costs more (~0.3 s each) than running them; and the joins over a whole import's rows
    // should hash and sort in memory rather than spill to disk at the 4 MB default.
    await conn.query("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
    await conn.query(STAGING_DDL)
    await conn.query(DATASET_LOCK, [opts.dataset])
    const settings = await conn.query<{ district_loaded: boolean; fresh: boolean }>(SETTINGS, [opts.dataset, opts.declaredCrs, opts.districtId])
    // temp tables have no statistics: without them the planner takes the one-row settings table
    // for hundreds of rows and each batch's row count for millions
    await conn.query('ANALYZE case_import')
    return { districtChecked: settings.rows[0].district_loaded, fresh: settings.rows[0].fresh }
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
}

/** Abandons the import's transaction: nothing of it stays. */
async function rollbackLoad(conn: PoolClient): Promise<void> {
  await conn.query('ROLLBACK').catch(() => undefined)
}

/**
 * Before the first batch: records the import (its id goes into every case) and, for a load
 * expected to hold more rows than the table, drops the table's keys for the bulk path. In that
 * order: dropping a foreign key locks the table it points at, `imports` among them, which the
 * import's own record must not wait for. `expectedRows` counts every row to stage, those outside
 * the district too, and may be an estimate: it is shaded down a fifth, so that re-importing the
 * same file keeps the per-row path.
 */
async function firstBatch(conn: PoolClient, opts: LoadOptions, expectedRows: number): Promise<Target> {
  const importId = await opts.importId()
  await conn.query('UPDATE case_import SET import_id = $1', [importId])
  const restoreKeys = await prepareBulkWrite(conn, Math.ceil(0.8 * expectedRows), opts.bulkMinRows)
  return { importId, restoreKeys }
}

/** Sends the batch query for the rows in staging; resolves with what it wrote. */
async function writeBatch(conn: PoolClient, bulk: boolean, rows: number, written: Written): Promise<void> {
  const results = (await conn.query(bulk ? BATCH_BULK : BATCH)) as unknown as QueryResult[]
  const outside = results.find((r) => r.command === 'SELECT' && r.fields.some((f) => f.name === 'row'))!
  const counts = results.find((r) => r.fields.some((f) => f.name === 'inserted'))!.rows[0] as { inserted: number; updated: number }
  written.rows += rows
  written.inserted += counts.inserted
  written.updated += counts.updated
  for (const o of outside.rows as LoadOutcome['outside']) written.outside.push(o)
}

/**
 * Ends the transaction once every batch is written: find the stacked coordinates (counted over
 * the whole dataset, or for a new dataset from the counts kept while reading), flag the cases
 * there, rebuild the keys dropped for the bulk path, and commit. Any failure rolls everything back.
 */
async function finishLoad(conn: PoolClient, opts: LoadOptions, begun: Begun, written: Written, target: Target,
  stacks: CoordinateStacks): Promise<LoadOutcome> {
  const { restoreKeys } = target
  opts.onProgress?.('stacking', written.rows)
  if (begun.fresh) {
    await conn.query(STACKS_FRESH, [stacks.lon, stacks.lat, stacks.cases])
  } else await conn.query(STACKS, [opts.dataset, opts.stackedMin])
  opts.onProgress?.('flagging', written.rows)
  type Stack = { lon: number; lat: number; cases: number }
  const stacked = (stacks.unflagged
    ? await conn.query<Stack>(FLAG_STACKED_IDS, [opts.dataset, stacks.unflagged])
    : await conn.query<Stack>(restoreKeys ? FLAG_STACKED_BULK : FLAG_STACKED, [opts.dataset])).rows
  if (restoreKeys) {
    opts.onProgress?.('reindexing', written.rows)
    await restoreKeys()
  }
  opts.onProgress?.('committing', written.rows)
  await conn.query('COMMIT')
  const { inserted, updated, outside } = written
  return {
    inserted, updated, unchanged: written.rows - outside.length - inserted - updated,
    outside: outside.sort((a, b) => a.row - b.row), stacked, districtChecked: begun.districtChecked,
  }
}

/** Rows streamed into `cases` in batches, in one transaction, while the file is still being read. */
export interface StreamingLoad {
  /**
   * Whether the rows go straight into `cases` (a dataset with no cases yet): the pieces must then
   * carry binary rows for it (CaseReadJob.cases), otherwise COPY text for `case_staging`.
   */
  readonly direct: boolean
  /** queues a piece of rows */
  add(piece: CasePiece): void
  /**
   * After each piece of rows, given the share of the file read so far (0–1): passes the rows
   * on and sends a full batch. Resolves at once, or, when the server has fallen behind, once it
   * has caught up, so reading waits for it.
   */
  flush(fractionRead: number): Promise<void>
  /** sends the last rows, finishes and commits, given the file's stacked coordinates as read */
  finish(stacks: CoordinateStacks): Promise<LoadOutcome>
  /** rolls everything back */
  abort(): Promise<void>
}

/** A COPY into staging that is open for writing. */
interface OpenCopy {
  stream: Writable
  /** settles when the server has stored every row (or the COPY failed) */
  done: Promise<void>
}

function openCopy(conn: PoolClient, sql = `COPY case_staging (${STAGING_COLUMNS}) FROM STDIN`): OpenCopy {
  const stream = conn.query(copyFrom(sql))
  const done = new Promise<void>((resolve, reject) => {
    stream.once('error', reject)
    stream.once('finish', () => resolve())
  })
  done.catch(() => undefined) // observed by whoever ends it; an abort must not be unhandled
  return { stream, done }
}

/** COPY of a whole text by `sql` (into staging by default); resolves when the server has stored every row. */
function copyIn(conn: PoolClient, text: Uint8Array, sql?: string): Promise<void> {
  const { stream, done } = openCopy(conn, sql)
  stream.end(text)
  return done
}

/** Resolves when `stream` has room again (or has failed: the COPY's end reports the error). */
function drained(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => { stream.off('drain', done); stream.off('error', done); stream.off('close', done); resolve() }
    stream.once('drain', done)
    stream.once('error', done)
    stream.once('close', done)
  })
}

/**
 * Whether the rows read so far make a batch. The first batches double from an eighth of the
 * size: the server starts writing after a few thousand rows instead of waiting idle for a full
 * batch. Batches shrink to a quarter over the file's last fifth: the last one is written after
 * reading ends, so the smaller it is, the less the import waits for it.
 */
function batchIsFull(rows: number, batchRows: number, closed: number, fractionRead: number): boolean {
  const ramp = Math.min(1, 2 ** (closed - 3))
  return rows >= batchRows * Math.min(ramp, Math.max(0.25, 5 * (1 - fractionRead)))
}

/**
 * The batches of a streaming load: each closed batch becomes one step run on the connection after
 * the one before (pg runs one query at a time); reading waits when BATCHES_IN_FLIGHT are queued.
 * A failure fails every later step; the first error is what the import reports.
 */
class BatchQueue {
  private inFlight: Promise<void>[] = []
  private tail: Promise<void> = Promise.resolve()
  failed: unknown
  /** batches closed so far */
  closed = 0
  /** batches closed whose step has not started yet */
  waiting = 0

  /** queues `step` after every earlier one */
  push(step: () => Promise<void>): void {
    this.closed++
    this.waiting++
    const run = this.tail.then(async () => {
      this.waiting--
      if (!this.failed) await step()
    }).catch((err) => { this.failed ??= err })
    this.tail = run
    this.inFlight.push(run)
  }

  /** waits while too many batches are queued; throws the first failure */
  async room(): Promise<void> {
    if (this.failed) throw this.failed
    while (this.inFlight.length >= BATCHES_IN_FLIGHT) await this.inFlight.shift()
    if (this.failed) throw this.failed
  }

  /** waits for every queued batch; throws the first failure */
  async drain(): Promise<void> {
    while (this.inFlight.length) await this.inFlight.shift()
    if (this.failed) throw this.failed
  }

  settled(): Promise<unknown> {
    return Promise.allSettled(this.inFlight)
  }
}

/**
 * Ends a streaming load once its last batch is queued: waits for every batch to be written, then
 * finishes and commits (finishLoad); any failure rolls everything back. `target` is read once the
 * batches are written (a load with no rows has none yet).
 */
async function finishStreaming(conn: PoolClient, opts: LoadOptions, begun: Begun, queue: BatchQueue, written: Written,
  target: () => Target | undefined, stacks: CoordinateStacks): Promise<LoadOutcome> {
  try {
    await queue.drain()
    return await finishLoad(conn, opts, begun, written, target() ?? await firstBatch(conn, opts, 0), stacks)
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
}

/**
 * Starts an import's transaction on a real server and returns how its batches are written while
 * the file is read: straight into `cases` for a dataset that holds no cases yet (directLoad),
 * otherwise through staging (stagedLoad).
 */
export async function streamingLoad(conn: PoolClient, opts: LoadOptions): Promise<StreamingLoad> {
  const begun = await beginLoad(conn, opts)
  return begun.fresh ? directLoad(conn, opts, begun) : stagedLoad(conn, opts, begun)
}

/**
 * The streaming path through staging. The rows of each batch stream into staging with COPY
 * (~10× multi-row INSERT) piece by piece as they are read (read-thread.ts), so the server parses
 * them while the file is read on; a full batch is then written into `cases` by one batch query,
 * again while the next rows are read. Reading and writing thus overlap, and only the last
 * batch's writing adds to the time of reading the file.
 *
 * Rows read while a batch query runs wait in `pending` for the next COPY; reading waits when
 * BATCHES_IN_FLIGHT are queued or when the open COPY's stream is full. Any failure rolls the
 * transaction back.
 */
function stagedLoad(conn: PoolClient, opts: LoadOptions, begun: Begun): StreamingLoad {
  const batchRows = opts.batchRows ?? STREAM_BATCH_ROWS
  const written: Written = { rows: 0, inserted: 0, updated: 0, outside: [] }
  const queue = new BatchQueue()
  /** the COPY of the batch being read, once the connection was free to open it */
  let copy: OpenCopy | undefined
  /** COPY text read but not yet handed to a COPY */
  let pending: Uint8Array[] = []
  /** the pending rows as one text, emptied */
  const takePending = () => {
    const text = pending.length === 1 ? pending[0] : Buffer.concat(pending)
    pending = []
    return text
  }
  /** rows of the batch being read */
  let rows = 0
  let finishing = false
  let target: Target | undefined

  const open = () => {
    copy = openCopy(conn)
    if (pending.length) copy.stream.write(takePending())
  }
  /** Ends the batch being read: its COPY, then its batch query, after every earlier step. */
  const close = (expectedRows: number) => {
    const n = rows
    rows = 0
    let copied: Promise<void> | undefined
    let text: Uint8Array | undefined
    if (copy) {
      copy.stream.end(takePending())
      copied = copy.done
      copy = undefined
    } else text = takePending()
    queue.push(async () => {
      await (copied ?? copyIn(conn, text!))
      // the first batch decides the write path, from its rows scaled to the whole file
      target ??= await firstBatch(conn, opts, expectedRows)
      await writeBatch(conn, target.restoreKeys !== null, n, written)
      if (finishing) opts.onProgress?.('writing', written.rows)
      // the next COPY opens only when no closed batch waits for the connection
      if (!queue.waiting && !finishing) open()
    })
  }
  // the first batch streams from the first rows read
  open()

  return {
    direct: false,
    add(piece) {
      pending.push(piece.text)
      rows += piece.rows
    },
    async flush(fractionRead) {
      if (queue.failed) throw queue.failed
      if (copy && pending.length) {
        const room = copy.stream.write(takePending())
        if (!room) await drained(copy.stream)
      }
      // the rows read so far, scaled to the whole file: the bulk path's estimate at the first batch
      if (batchIsFull(rows, batchRows, queue.closed, fractionRead)) close(Math.ceil((written.rows + rows) / Math.max(fractionRead, 1e-3)))
      await queue.room()
    },
    finish(stacks) {
      finishing = true
      opts.onProgress?.('writing', written.rows)
      if (rows || copy) close(written.rows + rows)
      return finishStreaming(conn, opts, begun, queue, written, () => target, stacks)
    },
    async abort() {
      finishing = true
      if (copy) {
        const { stream } = copy
        copy = undefined
        await new Promise<void>((resolve) => {
          stream.once('close', () => resolve())
          stream.destroy(new Error('the import was abandoned'))
        })
      }
      await queue.settled()
      await rollbackLoad(conn)
    },
  }
}

/** Every coordinate of a new dataset's import placed so far, by point number (CaseRowsPiece.pointNo). */
class PlacedPoints implements CasePlacement {
  community = new Int32Array(1024)
  outside = new Uint8Array(1024)
  lonLat = new Float64Array(2048)

  /** adds the points numbered from `first` (lon, lat pairs) with where the server placed them */
  add(first: number, lonLat: Float64Array, placed: { outside: boolean; community_id: number | null }[]): void {
    const n = first + placed.length
    if (n > this.community.length) {
      const size = Math.max(n, 2 * this.community.length)
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, k: number): T => {
        const b = new (a.constructor as new (n: number) => T)(k * size)
        b.set(a)
        return b
      }
      this.community = grow(this.community, 1)
      this.outside = grow(this.outside, 1)
      this.lonLat = grow(this.lonLat, 2)
    }
    this.lonLat.set(lonLat, 2 * first)
    placed.forEach((p, k) => {
      this.community[first + k] = p.community_id ?? 0
      this.outside[first + k] = p.outside ? 1 : 0
    })
  }
}

/**
 * The streaming path for a dataset that holds no cases yet (the lock taken by beginLoad keeps it
 * so). Nothing stored can match a row, so the rows need no staging: the reading thread writes
 * them as binary COPY rows for `cases` (copy-binary.ts) and numbers their coordinates. For each
 * batch the server first places the coordinates first read in it (import-place-points.sql, as on
 * the staging path), then the rows are completed with their community and copied into `cases`,
 * those outside the district left out for the report. Batches are closed and queued as on the
 * staging path; only the COPY of a batch waits for its placing.
 */
function directLoad(conn: PoolClient, opts: LoadOptions, begun: Begun): StreamingLoad {
  const batchRows = opts.batchRows ?? STREAM_BATCH_ROWS
  const written: Written = { rows: 0, inserted: 0, updated: 0, outside: [] }
  const queue = new BatchQueue()
  const placed = new PlacedPoints()
  let pieces: CaseRowsPiece[] = []
  let rows = 0
  let finishing = false
  let target: Target | undefined

  const close = (expectedRows: number) => {
    const batch = pieces
    const n = rows
    pieces = []
    rows = 0
    queue.push(async () => {
      target ??= await firstBatch(conn, opts, expectedRows)
      const outsideBefore = written.outside.length
      await placePoints(conn, batch, placed)
      const copy = completeCaseRows(batch, placed, target.importId, (k, r) => {
        const point = batch[k].pointNo[r]
        written.outside.push({ row: batch[k].rowNo[r], lon: placed.lonLat[2 * point], lat: placed.lonLat[2 * point + 1] })
      })
      await copyIn(conn, copy, `COPY cases (${CASE_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`)
      written.rows += n
      written.inserted += n - (written.outside.length - outsideBefore)
      if (finishing) opts.onProgress?.('writing', written.rows)
    })
  }

  return {
    direct: true,
    add(piece) {
      if (!piece.cases) throw new Error('a new dataset\'s rows must be read as rows for cases (CaseReadJob.cases)')
      pieces.push(piece.cases)
      rows += piece.rows
    },
    async flush(fractionRead) {
      if (batchIsFull(rows, batchRows, queue.closed, fractionRead)) close(Math.ceil((written.rows + rows) / Math.max(fractionRead, 1e-3)))
      await queue.room()
    },
    finish(stacks) {
      finishing = true
      opts.onProgress?.('writing', written.rows)
      if (rows) close(written.rows + rows)
      return finishStreaming(conn, opts, begun, queue, written, () => target, stacks)
    },
    async abort() {
      finishing = true
      await queue.settled()
      await rollbackLoad(conn)
    },
  }
}

/** Places the coordinates first read in `batch` (import-place-points.sql) and adds them to `placed`. */
async function placePoints(conn: PoolClient, batch: CaseRowsPiece[], placed: PlacedPoints): Promise<void> {
  const fresh = batch.filter((p) => p.newPoints.length)
  if (!fresh.length) return
  const lonLat = new Float64Array(fresh.reduce((n, p) => n + p.newPoints.length, 0))
  let at = 0
  for (const p of fresh) {
    lonLat.set(p.newPoints, at)
    at += p.newPoints.length
  }
  const lon: number[] = []
  const lat: number[] = []
  for (let k = 0; k < lonLat.length; k += 2) {
    lon.push(lonLat[k])
    lat.push(lonLat[k + 1])
  }
  await conn.query(NEW_POINTS, [lon, lat])
  const results = (await conn.query(PLACE_NEW_POINTS)) as unknown as QueryResult<{ outside: boolean; community_id: number | null }>[]
  placed.add(fresh[0].firstPoint, lonLat, results.find((r) => r.command === 'SELECT')!.rows)
}

/**
 * The embedded database's path: writes a whole file's accepted rows, read before (COPY text for
 * `case_staging`, copy-text.ts), in ONE transaction on one connection, as a single batch. The
 * database runs in this process (or another one's socket serves it), so there is no reading to
 * overlap with.
 */
export async function loadCases(
  conn: PoolClient, text: Uint8Array[], rows: number, stacks: CoordinateStacks, opts: LoadOptions,
): Promise<LoadOutcome> {
  opts.onProgress?.('staging', 0)
  const begun = await beginLoad(conn, opts)
  try {
    if (opts.copyFromText) await opts.copyFromText(`COPY case_staging (${STAGING_COLUMNS}) FROM '/dev/blob'`, text)
    else await unnestRows(conn, text, (d) => opts.onProgress?.('staging', d))
    const target = await firstBatch(conn, opts, rows)
    opts.onProgress?.('writing', 0)
    const written: Written = { rows: 0, inserted: 0, updated: 0, outside: [] }
    await writeBatch(conn, target.restoreKeys !== null, rows, written)
    return await finishLoad(conn, opts, begun, written, target, stacks)
  } catch (err) {
    await rollbackLoad(conn)
    throw err
  }
}
