/**
 * The only patrol file that talks SQL: workers and their grids, trips (LineStringM, see
 * sql/migrations/0005_patrol.sql), the stored street graph, cells of a layout and plans.
 * Geometries cross the wire as WKB (trips) or GeoJSON text (cells, grids), always EPSG:4326.
 */
import type { Knex } from 'knex'
import { readSql } from '../db/sql-files'
import { decodeTripWkb } from './trip-wkb'

const CELL_OWNERS = readSql(import.meta.url, './queries/cell-owners.sql')
const CELL_CASES = readSql(import.meta.url, './queries/cell-case-counts.sql')
const TRIPS_IN_RANGE = readSql(import.meta.url, './queries/trips-in-range.sql')
const TRIPS_GEOJSON = readSql(import.meta.url, './queries/trips-geojson.sql')
const TRACK_DAYS = readSql(import.meta.url, './queries/track-days.sql')
const INSERT_TRIPS = readSql(import.meta.url, './queries/insert-trips.sql')

type Conn = Knex | Knex.Transaction

/** A worker as given in workers.json (data/sample/workers.json) or an upload. */
export interface WorkerInput {
  id: string
  name_zh?: string
  name_en?: string
  /** [lon, lat] WGS84 */
  office?: [number, number]
  /** shifts as 'HH:MM-HH:MM' */
  shift_hours?: string[]
  rest_weekdays?: number[]
  community_codes?: string[]
  speed_kmh?: number
}

/** A shift: start minute of the day and length in minutes. */
export interface Shift {
  start: number
  minutes: number
}

/** A worker as stored. */
export interface WorkerRow {
  id: number
  code: string
  name_zh: string | null
  name_en: string | null
  office: [number, number] | null
  shifts: Shift[]
  speed_kmh: number
  rest_weekdays: number[]
  community_codes: string[]
  grid_codes: string[]
}

/** A responsibility grid with its worker code (GeoJSON geometry, WGS84). */
export interface GridInput {
  code: string
  name_zh?: string
  worker: string | null
  geometry: object
}

/** Inserts or updates workers by code; returns code → id. */
export async function upsertWorkers(conn: Conn, workers: Array<WorkerInput & { shifts: Shift[] }>): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const w of workers) {
    const office = w.office ? JSON.stringify({ type: 'Point', coordinates: w.office }) : null
    const { rows } = await conn.raw<{ rows: { id: number }[] }>(
      `INSERT INTO patrol_workers (code, name_zh, name_en, office, shifts, speed_kmh, rest_weekdays, community_codes)
       VALUES (:code, :name_zh, :name_en, ST_SetSRID(ST_GeomFromGeoJSON(CAST(:office AS text)), 4326), CAST(:shifts AS jsonb),
               :speed, CAST(:rest AS integer[]), CAST(:communities AS text[]))
       ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, office = EXCLUDED.office,
         shifts = EXCLUDED.shifts, speed_kmh = EXCLUDED.speed_kmh, rest_weekdays = EXCLUDED.rest_weekdays,
         community_codes = EXCLUDED.community_codes
       RETURNING id`,
      {
        code: w.id, name_zh: w.name_zh ?? null, name_en: w.name_en ?? null, office, shifts: JSON.stringify(w.shifts),
        speed: w.speed_kmh ?? 4.5, rest: w.rest_weekdays ?? [], communities: w.community_codes ?? [],
      })
    ids.set(w.id, rows[0].id)
  }
  return ids
}

/** Replaces all responsibility grids (worker codes resolved through `ids`). */
export async function replaceGrids(conn: Conn, grids: GridInput[], ids: Map<string, number>): Promise<void> {
  await conn.raw('DELETE FROM patrol_worker_grids')
  if (!grids.length) return
  await conn.raw(
    `INSERT INTO patrol_worker_grids (code, worker_id, name_zh, geom)
     SELECT g.code, g.worker_id, g.name_zh, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g.geom), 4326))
     FROM unnest(CAST(:codes AS text[]), CAST(:workers AS integer[]), CAST(:names AS text[]), CAST(:geoms AS text[]))
       AS g(code, worker_id, name_zh, geom)`,
    {
      codes: grids.map((g) => g.code), workers: grids.map((g) => (g.worker ? ids.get(g.worker) ?? null : null)),
      names: grids.map((g) => g.name_zh ?? null), geoms: grids.map((g) => JSON.stringify(g.geometry)),
    })
}

/** Every worker with their grids, by code. */
export async function listWorkers(conn: Conn): Promise<WorkerRow[]> {
  const { rows } = await conn.raw<{ rows: Array<Omit<WorkerRow, 'office'> & { lon: number | null; lat: number | null }> }>(
    `SELECT w.id, w.code, w.name_zh, w.name_en, ST_X(w.office) AS lon, ST_Y(w.office) AS lat, w.shifts, w.speed_kmh,
            w.rest_weekdays, w.community_codes,
            coalesce(array_agg(g.code ORDER BY g.code) FILTER (WHERE g.code IS NOT NULL), '{}') AS grid_codes
     FROM patrol_workers w LEFT JOIN patrol_worker_grids g ON g.worker_id = w.id
     GROUP BY w.id ORDER BY w.code`)
  return rows.map(({ lon, lat, ...r }) => ({ ...r, office: lon === null || lat === null ? null : [lon, lat] }))
}

/** Ids of workers by code, creating bare workers for codes not seen before (a track file names them). */
export async function ensureWorkers(conn: Conn, codes: string[]): Promise<Map<string, number>> {
  if (codes.length) {
    await conn.raw(`INSERT INTO patrol_workers (code) SELECT unnest(CAST(:codes AS text[])) ON CONFLICT (code) DO NOTHING`, { codes })
  }
  const rows = await conn('patrol_workers').whereIn('code', codes).select('id', 'code')
  return new Map(rows.map((r: { id: number; code: string }) => [r.code, r.id]))
}

/** Polygons (GeoJSON coordinates, WGS84) of a district, or of every top-level district when no id is given. */
export async function districtPolygons(conn: Conn, districtId: number | null): Promise<number[][][][]> {
  const { rows } = await conn.raw<{ rows: { g: string }[] }>(
    `SELECT ST_AsGeoJSON(geom) AS g FROM districts WHERE level = 'district' AND (CAST(:id AS integer) IS NULL OR id = :id)`,
    { id: districtId })
  return rows.flatMap((r) => (JSON.parse(r.g) as { coordinates: number[][][][] }).coordinates)
}

/** One trip to store: its fixes as WKB LineStringM (see trip-wkb.ts). */
export interface TripRow {
  workerId: number
  /** local date YYYY-MM-DD */
  day: string
  startedAt: string
  endedAt: string
  fixes: number
  lengthM: number
  wkb: Buffer
}

/** Deletes the trips of the given (worker, day) pairs: a re-import replaces a worker's day. */
export async function deleteTrips(conn: Conn, pairs: Array<{ workerId: number; day: string }>): Promise<number> {
  if (!pairs.length) return 0
  const { rowCount } = await conn.raw<{ rowCount: number }>(
    `DELETE FROM patrol_trips t USING unnest(CAST(:workers AS integer[]), CAST(:days AS date[])) AS u(worker_id, day)
     WHERE t.worker_id = u.worker_id AND t.day = u.day`,
    { workers: pairs.map((p) => p.workerId), days: pairs.map((p) => p.day) })
  return rowCount
}

/** Rows per INSERT: trips of ~700 fixes are ~17 KB of WKB each, so a batch stays near 8 MB. */
const TRIP_BATCH = 500

/** Inserts trips with unnest() of arrays (works on the embedded database, which has no COPY). */
export async function insertTrips(conn: Conn, trips: TripRow[], importId: number | null): Promise<void> {
  for (let a = 0; a < trips.length; a += TRIP_BATCH) {
    const b = trips.slice(a, a + TRIP_BATCH)
    await conn.raw(INSERT_TRIPS, {
      workers: b.map((t) => t.workerId), days: b.map((t) => t.day), started: b.map((t) => t.startedAt),
      ended: b.map((t) => t.endedAt), fixes: b.map((t) => t.fixes), lengths: b.map((t) => t.lengthM),
      geoms: b.map((t) => t.wkb), import_id: importId,
    })
  }
}

/** Trips read back as columns, ordered by worker code then start time. */
export interface StoredTrips {
  /** worker codes, sorted; `worker[k]` indexes this list */
  workers: string[]
  /** trip k is fixes offsets[k] .. offsets[k + 1] - 1 */
  offsets: Uint32Array
  worker: Int32Array
  /** local day number of each trip (days since 1970-01-01) */
  day: Int32Array
  lon: Float64Array
  lat: Float64Array
  /** epoch ms */
  t: Float64Array
}

const DAY_MS = 86_400_000

/**
 * Trips whose local day lies in [from, to] (YYYY-MM-DD, inclusive), optionally of some workers
 * only; decoded straight from WKB into typed arrays.
 */
export async function readTrips(conn: Conn, from: string, to: string, workers?: string[]): Promise<StoredTrips> {
  const { rows } = await conn.raw<{ rows: Array<{ code: string; day: string; fixes: number; wkb: Buffer }> }>(
    TRIPS_IN_RANGE, { from, to, workers: workers?.length ? workers : null })
  let total = 0
  for (const r of rows) total += r.fixes
  const out = { lon: new Float64Array(total), lat: new Float64Array(total), t: new Float64Array(total) }
  const codes: string[] = []
  const offsets = new Uint32Array(rows.length + 1)
  const worker = new Int32Array(rows.length)
  const day = new Int32Array(rows.length)
  let o = 0
  rows.forEach((r, k) => {
    if (codes[codes.length - 1] !== r.code) codes.push(r.code)
    worker[k] = codes.length - 1
    day[k] = Math.round(Date.parse(`${r.day}T00:00:00Z`) / DAY_MS)
    o += decodeTripWkb(r.wkb, out, o, r.fixes)
    offsets[k + 1] = o
  })
  return { workers: codes, offsets, worker, day, ...out }
}

/** Trips as a GeoJSON FeatureCollection of LineStrings (times per vertex in `times`, ISO), for the map. */
export async function tripsGeoJson(conn: Conn, from: string, to: string, worker: string | null): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
  const { rows } = await conn.raw<{ rows: { features: unknown[] | null }[] }>(TRIPS_GEOJSON, { from, to, worker })
  return { type: 'FeatureCollection', features: rows[0].features ?? [] }
}

/** Local days (YYYY-MM-DD) with stored trips, oldest first, with trip, worker and fix counts. */
export async function trackDays(conn: Conn): Promise<Array<{ day: string; trips: number; workers: number; fixes: number }>> {
  const { rows } = await conn.raw<{ rows: Array<{ day: string; trips: number; workers: number; fixes: number }> }>(TRACK_DAYS)
  return rows
}

/** A cell of a layout: idx, code, community and geometry (GeoJSON MultiPolygon, WGS84). */
export interface CellRow {
  idx: number
  code: string
  community_id: number | null
  geom: string
  lon: number
  lat: number
}

/** The layout's cells in idx order; throws when the layout does not exist. */
export async function layoutCells(conn: Conn, layoutId: number): Promise<CellRow[]> {
  const { rows } = await conn.raw<{ rows: CellRow[] }>(
    `SELECT idx, code, community_id, ST_AsGeoJSON(geom) AS geom, ST_X(centroid) AS lon, ST_Y(centroid) AS lat
     FROM cells WHERE layout_id = :layout ORDER BY idx`, { layout: layoutId })
  return rows
}

/** Whether a layout exists. */
export async function layoutExists(conn: Conn, layoutId: number): Promise<boolean> {
  return Boolean(await conn('layouts').where({ id: layoutId }).first('id'))
}

/** The grid and worker owning each cell (the grid holding its centroid), idx order. */
export async function cellOwners(conn: Conn, layoutId: number): Promise<Array<{ idx: number; grid: string | null; worker: string | null }>> {
  const { rows } = await conn.raw<{ rows: Array<{ idx: number; grid: string | null; worker: string | null }> }>(CELL_OWNERS, { layout: layoutId })
  return rows
}

/** Communities of the cells (id → code and name), for roll-ups. */
export async function communities(conn: Conn): Promise<Map<number, { code: string; name_zh: string }>> {
  const rows = await conn('districts').where({ level: 'community' }).select('id', 'full_code', 'name_zh')
  return new Map(rows.map((r: { id: number; full_code: string; name_zh: string }) => [r.id, { code: r.full_code, name_zh: r.name_zh }]))
}

/** Cases per cell of a layout reported in [from, to) (stacked fallback points left out), idx order, cells without cases omitted. */
export async function caseCountsPerCell(conn: Conn, layoutId: number, from: string, to: string, categories: string[] | null): Promise<Map<number, number>> {
  const { rows } = await conn.raw<{ rows: { idx: number; n: number }[] }>(CELL_CASES, { layout: layoutId, from, to, categories })
  return new Map(rows.map((r) => [r.idx, Number(r.n)]))
}

/** Street lines of a network (GeoJSON text, WGS84) and their ids. */
export async function networkStreets(conn: Conn, network: string): Promise<Array<{ id: number; geom: string }>> {
  const { rows } = await conn.raw<{ rows: Array<{ id: number; geom: string }> }>(
    'SELECT id, ST_AsGeoJSON(geom) AS geom FROM streets WHERE network = :network ORDER BY id', { network })
  return rows
}

/** Count and largest id of a network's streets: changes whenever the network is re-imported. */
export async function streetsSignature(conn: Conn, network: string): Promise<string> {
  const { rows } = await conn.raw<{ rows: { n: number; max: number | null }[] }>(
    'SELECT count(*)::int AS n, max(id) AS max FROM streets WHERE network = :network', { network })
  return `${rows[0].n}:${rows[0].max ?? 0}`
}

/** The street network with the most streets, or null when there are none. */
export async function largestNetwork(conn: Conn): Promise<string | null> {
  const { rows } = await conn.raw<{ rows: { network: string }[] }>(
    'SELECT network FROM streets GROUP BY network ORDER BY count(*) DESC, network LIMIT 1')
  return rows[0]?.network ?? null
}

export { type Conn }
