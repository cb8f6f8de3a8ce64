/**
 * The only file of the zoning capability that talks SQL. Spatial work (case, street and POI
 * overlays, shared boundaries, dissolving zones, polygon → cell assignment) stays in PostGIS;
 * everything comes back as plain rows for the service to turn into typed arrays.
 */
import type { Knex } from 'knex'
import { applyCaseFilter, type CaseFilter } from '../cases/filters'
import type { Database } from '../db/connect'
import { readSql } from '../db/sql-files'

const sql = (name: string) => readSql(import.meta.url, `./queries/${name}.sql`)
const CELLS = sql('cells')
const STREET_BARRIERS = sql('street-barriers')
const CELL_STREETS = sql('cell-streets')
const CELL_POIS = sql('cell-pois')
const ASSIGN_GRIDS = sql('assign-grids')
const ZONE_POLYGONS = sql('zone-polygons')

export interface LayoutRow {
  id: number
  name: string
  kind: string
  scope_id: number
  metric_crs: string | null
  status: string
  cell_count: number
}

export interface CellRow {
  idx: number
  code: string
  community_id: number | null
  street_id: number | null
  lon: number
  lat: number
  area_m2: number
  neighbours: number[]
  /** GeoJSON text of the cell outline, WGS84 */
  geometry: string
}

export async function findLayout(db: Database, id: number): Promise<LayoutRow | undefined> {
  return db.knex('layouts').where({ id }).first('id', 'name', 'kind', 'scope_id', 'metric_crs', 'status', 'cell_count')
}

export async function cellRows(db: Database, layout: number): Promise<CellRow[]> {
  return (await db.knex.raw(CELLS, { layout })).rows
}

export async function barrierPairs(db: Database, layout: number, classes: string[]): Promise<{ i: number; j: number }[]> {
  return (await db.knex.raw(STREET_BARRIERS, { layout, classes })).rows
}

export async function cellStreetLengths(db: Database, layout: number, classes: string[] | null): Promise<{ idx: number; street_m: number }[]> {
  return (await db.knex.raw(CELL_STREETS, { layout, classes })).rows
}

export async function cellPois(db: Database, layout: number): Promise<{ idx: number; kind: string; n: number }[]> {
  return (await db.knex.raw(CELL_POIS, { layout })).rows
}

/**
 * Cases per cell and category for the filter. A case on the edge between two cells counts once
 * (the lower idx): ST_Covers alone would count it in both.
 */
export async function cellCaseCounts(db: Database, layout: number, filter: CaseFilter): Promise<{
  rows: { idx: number; category_code: string; n: number }[]
  window: { cases: number; first: string | null; last: string | null }
}> {
  const { knex } = db
  const inner = knex('cases as k')
    .join('cells as c', (j) => j.on(knex.raw('c.layout_id = ? AND ST_Covers(c.geom, k.geom)', [layout])))
    .distinctOn('k.id').select('k.id', 'c.idx', 'k.category_code', 'k.reported_at').orderBy([{ column: 'k.id' }, { column: 'c.idx' }])
  applyCaseFilter(inner, filter, knex, 'k')
  // one pass: counts per cell and category, with each group's first and last report for the window
  const rows = await knex.select('t.idx', 't.category_code', knex.raw('count(*)::int AS n'), knex.raw('min(t.reported_at) AS first'), knex.raw('max(t.reported_at) AS last'))
    .from(inner.as('t')).groupBy('t.idx', 't.category_code')
  let cases = 0
  let first: number | null = null
  let last: number | null = null
  for (const r of rows) {
    cases += Number(r.n)
    const f = new Date(r.first).getTime()
    const l = new Date(r.last).getTime()
    if (first === null || f < first) first = f
    if (last === null || l > last) last = l
  }
  const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString())
  return {
    rows: rows.map((r) => ({ idx: Number(r.idx), category_code: String(r.category_code), n: Number(r.n) })),
    window: { cases, first: iso(first), last: iso(last) },
  }
}

/** Districts by id: names and codes for messages, zone codes and summaries. */
export async function districtsById(db: Database, ids: number[]): Promise<Map<number, { id: number; level: string; code: string; full_code: string; name_zh: string; parent_id: number | null }>> {
  if (!ids.length) return new Map()
  const rows = await db.knex('districts').whereIn('id', ids).select('id', 'level', 'code', 'full_code', 'name_zh', 'parent_id')
  return new Map(rows.map((r) => [r.id, r]))
}

export async function latestCurrentZoning(db: Database, layout: number): Promise<number | undefined> {
  const row = await db.knex('zonings').where({ layout_id: layout, kind: 'current' }).orderBy('id', 'desc').first('id')
  return row?.id
}

export interface ZoningRow {
  id: number
  layout_id: number
  kind: 'current' | 'proposal'
  name: string
  k: number
  params: Record<string, unknown>
  workload: Record<string, unknown>
  metrics: Record<string, unknown>
  created_at: string
}

export async function zoningRow(db: Database, id: number): Promise<ZoningRow | undefined> {
  return db.knex('zonings').where({ id }).first()
}

export async function zoningRows(db: Database, filter: { layout?: number; kind?: string }): Promise<Omit<ZoningRow, 'metrics'>[]> {
  const q = db.knex('zonings').select('id', 'layout_id', 'kind', 'name', 'k', 'params', 'workload', 'created_at',
    db.knex.raw(`jsonb_build_object('cv', metrics->'cv', 'max_over_min', metrics->'max_over_min', 'contiguous', metrics->'contiguous', 'cells_moved', metrics->'cells_moved') AS figures`))
    .orderBy('id')
  if (filter.layout !== undefined) q.where('layout_id', filter.layout)
  if (filter.kind) q.where('kind', filter.kind)
  return q
}

export interface ZoneRow {
  zone: number
  code: string
  name_zh: string | null
  worker_id: string | null
  community_id: number | null
}

export async function zoneRows(db: Database, zoning: number): Promise<ZoneRow[]> {
  return db.knex('zones').where({ zoning_id: zoning }).orderBy('zone').select('zone', 'code', 'name_zh', 'worker_id', 'community_id')
}

/** Zone (−1 for none), workload and cases per cell of a zoning, in idx order over `n` cells. */
export async function zoneCells(db: Database, zoning: number, n: number): Promise<{ zone: Int32Array; workload: Float64Array; cases: Float64Array }> {
  const rows = await db.knex('zone_cells').where({ zoning_id: zoning }).select('idx', 'zone', 'workload', 'cases')
  const zone = new Int32Array(n).fill(-1)
  const workload = new Float64Array(n)
  const cases = new Float64Array(n)
  for (const r of rows) {
    if (r.idx >= n) continue
    zone[r.idx] = r.zone ?? -1
    workload[r.idx] = r.workload
    cases[r.idx] = r.cases
  }
  return { zone, workload, cases }
}

/** Everything one zoning stores, written in one transaction. */
export interface NewZoning {
  layout_id: number
  kind: 'current' | 'proposal'
  name: string
  k: number
  params: unknown
  workload: unknown
  metrics: unknown
  zones: ZoneRow[]
  /** per cell, idx order: zone (−1 for none), workload, cases */
  cellZone: Int32Array
  cellWorkload: Float64Array
  cellCases: Float64Array
}

export async function insertZoning(db: Database, z: NewZoning): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const [{ id }] = await trx('zonings').insert({
      layout_id: z.layout_id, kind: z.kind, name: z.name, k: z.k,
      params: JSON.stringify(z.params), workload: JSON.stringify(z.workload), metrics: JSON.stringify(z.metrics),
    }).returning('id')
    await insertZones(trx, id, z.zones)
    const n = z.cellZone.length
    await trx.raw(`INSERT INTO zone_cells (zoning_id, idx, zone, workload, cases)
      SELECT :id, t.idx, NULLIF(t.zone, -1), t.workload, t.cases
      FROM unnest(CAST(:idx AS int[]), CAST(:zone AS int[]), CAST(:workload AS float8[]), CAST(:cases AS int[])) AS t (idx, zone, workload, cases)`, {
      id,
      idx: Array.from({ length: n }, (_, i) => i),
      zone: Array.from(z.cellZone),
      workload: Array.from(z.cellWorkload),
      cases: Array.from(z.cellCases, Math.round),
    })
    return id as number
  })
}

async function insertZones(trx: Knex.Transaction, id: number, zones: ZoneRow[]): Promise<void> {
  if (!zones.length) return
  await trx.raw(`INSERT INTO zones (zoning_id, zone, code, name_zh, worker_id, community_id)
    SELECT :id, t.zone, t.code, t.name_zh, t.worker_id, t.community_id
    FROM unnest(CAST(:zone AS int[]), CAST(:code AS text[]), CAST(:name AS text[]), CAST(:worker AS text[]), CAST(:community AS int[]))
      AS t (zone, code, name_zh, worker_id, community_id)`, {
    id,
    zone: zones.map((z) => z.zone),
    code: zones.map((z) => z.code),
    name: zones.map((z) => z.name_zh),
    worker: zones.map((z) => z.worker_id),
    community: zones.map((z) => z.community_id),
  })
}

/** Imported grid polygons (GeoJSON geometries, WGS84) → best-covering polygon per cell. */
export async function assignGrids(db: Database, layout: number, geometries: string[]): Promise<{ idx: number; grid: number; share: number }[]> {
  return (await db.knex.raw(ASSIGN_GRIDS, { layout, geoms: geometries })).rows
}

export interface ZonePolygonRow extends ZoneRow {
  community_code: string | null
  community_name: string | null
  cells: number
  workload: number
  cases: number
  geometry: unknown
}

export async function zonePolygons(db: Database, zoning: number): Promise<ZonePolygonRow[]> {
  return (await db.knex.raw(ZONE_POLYGONS, { zoning })).rows
}

export async function cellCodes(db: Database, layout: number): Promise<Map<string, number>> {
  const rows = await db.knex('cells').where({ layout_id: layout }).select('idx', 'code')
  return new Map(rows.map((r) => [r.code, r.idx]))
}
