/**
 * The only file of the analyses capability that talks SQL: the analyses table, layouts and their
 * cells, cases filtered and assigned to cells or communities, and the geometries results are drawn
 * with. Spatial joins stay in PostGIS; the numerics get typed arrays.
 */
import type { Knex } from 'knex'
import { applyCaseFilter, type CaseFilter } from '../cases/filters'
import type { Database } from '../db/connect'
import { readSql } from '../db/sql-files'
import { AppError, NotFound } from '../shared/errors'
import { packResult, unpackResult } from './stored-result'

const DAY_MS = 86_400_000
const sql = (name: string) => readSql(import.meta.url, `./queries/${name}.sql`)
const Q = {
  layout: sql('layout'),
  layoutCells: sql('layout-cells'),
  cellRings: sql('cell-rings'),
  cellCounts: sql('cell-counts'),
  unitStats: sql('unit-stats'),
  unitStreetLength: sql('unit-street-length'),
  zoneUnits: sql('zone-units'),
  casePoints: sql('case-points'),
  caseCells: sql('case-cells'),
  caseCellDays: sql('case-cell-days'),
  cellGeoJson: sql('cell-geojson'),
  districtGeoJson: sql('district-geojson'),
}

/** A layout as analyses see it. */
export interface LayoutInfo {
  id: number
  name: string
  kind: 'square' | 'h3' | 'street'
  scope_id: number
  metric_crs: string | null
  status: string
  cell_count: number
}

/** The cells of a layout as columns, idx order. */
export interface CellSet {
  n: number
  code: string[]
  communityId: Array<number | null>
  /** m² */
  area: Float64Array
  /** centroid, WGS84 degrees */
  lon: Float64Array
  lat: Float64Array
}

/** Filtered case points as columns, case id order. */
export interface CasePoints {
  n: number
  /** WGS84 degrees */
  lon: Float64Array
  lat: Float64Array
  /** report time, epoch ms */
  t: Float64Array
  category: string[]
  /** 1 closed on time, 0 late or overdue, 2 not judged yet (see case-points.sql) */
  onTime: Uint8Array
}

/** One row of the handling statistics of a unit (cell, community or street), total or for one category. */
export interface UnitStatsRow {
  unit: number
  category_code: string | null
  n: number
  due: number
  closed: number
  closed_on_time: number
  open_overdue: number
  median_hours_to_close: number | null
}

/** The filtered cases as a subquery with the columns the queries read. */
export function filteredCases(knex: Knex, filters: CaseFilter): Knex.QueryBuilder {
  return applyCaseFilter(knex('cases as k'), filters, knex)
    .select('k.id', 'k.geom', 'k.category_code', 'k.status', 'k.reported_at', 'k.due_at', 'k.closed_at')
}

export async function countFilteredCases(db: Database, filters: CaseFilter): Promise<number> {
  const [{ n }] = await applyCaseFilter(db.knex('cases as k'), filters, db.knex).count<{ n: number }[]>({ n: '*' })
  return Number(n)
}

export async function findLayout(db: Database, id: number): Promise<LayoutInfo> {
  const { rows } = await db.knex.raw<{ rows: LayoutInfo[] }>(Q.layout, { layout: id })
  if (rows.length === 0) throw NotFound('layout', id)
  return rows[0]
}

export async function loadCells(db: Database, layoutId: number): Promise<CellSet> {
  const { rows } = await db.knex.raw<{ rows: Array<{ idx: number; code: string; community_id: number | null; area_m2: number; lon: number; lat: number }> }>(
    Q.layoutCells, { layout: layoutId })
  const n = rows.length
  const cells: CellSet = {
    n, code: new Array(n), communityId: new Array(n),
    area: new Float64Array(n), lon: new Float64Array(n), lat: new Float64Array(n),
  }
  rows.forEach((r, i) => {
    if (r.idx !== i) throw new AppError('WG_LAYOUT_BROKEN', `layout ${layoutId}: cell idx ${r.idx} found where ${i} was expected; cell idx must run 0…n−1 without gaps`, 500)
    cells.code[i] = r.code
    cells.communityId[i] = r.community_id
    cells.area[i] = r.area_m2
    cells.lon[i] = r.lon
    cells.lat[i] = r.lat
  })
  return cells
}

/** Cell outlines as GeoJSON (Polygon or MultiPolygon coordinates, WGS84), idx order. */
export async function loadCellOutlines(db: Database, layoutId: number): Promise<Array<{ type: string; coordinates: unknown }>> {
  const { rows } = await db.knex.raw<{ rows: Array<{ geojson: string }> }>(Q.cellRings, { layout: layoutId })
  return rows.map((r) => JSON.parse(r.geojson))
}

/** Filtered cases per cell, idx order (zeros where none), and how many fell in no cell. */
export async function countCasesPerCell(db: Database, layoutId: number, n: number, filters: CaseFilter): Promise<{ counts: Float64Array; assigned: number }> {
  const { rows } = await db.knex.raw<{ rows: Array<{ idx: number; n: number }> }>(
    Q.cellCounts, { layout: layoutId, filtered: filteredCases(db.knex, filters) })
  const counts = new Float64Array(n)
  let assigned = 0
  for (const r of rows) {
    counts[r.idx] = r.n
    assigned += r.n
  }
  return { counts, assigned }
}

/**
 * Units of a statistics run: the cells of a layout, the communities/streets of the database, or
 * the responsibility grids of a zoning (one row per cell of the grid, unit = zone number).
 */
export type Units =
  | { kind: 'cells'; layoutId: number }
  | { kind: 'districts'; level: 'community' | 'street'; within?: number }
  | { kind: 'zones'; zoningId: number; layoutId: number }

function unitsQuery(knex: Knex, units: Units): Knex.QueryBuilder {
  if (units.kind === 'cells') return knex('cells').select({ unit: 'idx' }, 'geom').where('layout_id', units.layoutId)
  if (units.kind === 'zones') {
    return knex('zone_cells as z').join('cells as c', (j) => j.on('c.idx', 'z.idx').andOn('c.layout_id', knex.raw('?', [units.layoutId])))
      .select({ unit: 'z.zone' }, 'c.geom').where('z.zoning_id', units.zoningId).whereNotNull('z.zone')
  }
  const q = knex('districts as d').select({ unit: 'd.id' }, 'd.geom').where('d.level', units.level)
  if (units.within !== undefined) q.whereRaw('ST_Intersects(d.geom, (SELECT geom FROM districts WHERE id = ?))', [units.within])
  return q
}

export async function unitStats(db: Database, units: Units, filters: CaseFilter, asOf: Date): Promise<UnitStatsRow[]> {
  const { rows } = await db.knex.raw<{ rows: UnitStatsRow[] }>(Q.unitStats, {
    units: unitsQuery(db.knex, units), filtered: filteredCases(db.knex, filters), as_of: asOf,
  })
  return rows.map((r) => ({ ...r, median_hours_to_close: r.median_hours_to_close === null ? null : Number(r.median_hours_to_close) }))
}

export async function unitStreetLength(db: Database, units: Units): Promise<Map<number, number>> {
  const { rows } = await db.knex.raw<{ rows: Array<{ unit: number; street_km: number }> }>(Q.unitStreetLength, { units: unitsQuery(db.knex, units) })
  return new Map(rows.map((r) => [r.unit, Number(r.street_km)]))
}

/** The responsibility grids of a zoning (number, code, names, area) with their outline as GeoJSON. */
export async function listZoneUnits(db: Database, zoningId: number): Promise<Array<{ zone: number; code: string; name_zh: string | null; worker_id: string | null; area_m2: number; geometry: string }>> {
  const { rows } = await db.knex.raw(Q.zoneUnits, { zoning: zoningId })
  return rows.map((r: { area_m2: string | number }) => ({ ...r, area_m2: Number(r.area_m2) }))
}

/** Communities or streets (id, names, area) that statistics by district unit report on. */
export async function listDistrictUnits(db: Database, units: Extract<Units, { kind: 'districts' }>): Promise<Array<{ id: number; full_code: string; name_zh: string; name_en: string | null; area_m2: number }>> {
  const q = db.knex('districts as d').select('d.id', 'd.full_code', 'd.name_zh', 'd.name_en', 'd.area_m2').where('d.level', units.level).orderBy('d.full_code')
  if (units.within !== undefined) q.whereRaw('ST_Intersects(d.geom, (SELECT geom FROM districts WHERE id = ?))', [units.within])
  return q
}

export async function loadCasePoints(db: Database, filters: CaseFilter, asOf: Date): Promise<CasePoints> {
  const { rows } = await db.knex.raw<{ rows: Array<{ lon: number; lat: number; t: number; category_code: string; on_time: number }> }>(
    Q.casePoints, { filtered: filteredCases(db.knex, filters), as_of: asOf })
  const n = rows.length
  const p: CasePoints = { n, lon: new Float64Array(n), lat: new Float64Array(n), t: new Float64Array(n), category: new Array(n), onTime: new Uint8Array(n) }
  for (let i = 0; i < n; i++) {
    const r = rows[i]
    p.lon[i] = r.lon
    p.lat[i] = r.lat
    p.t[i] = Number(r.t)
    p.category[i] = r.category_code
    p.onTime[i] = r.on_time
  }
  return p
}

/** Filtered cases that lie in a cell of the layout: cell idx, report time and position, case id order. */
export interface CaseCells {
  n: number
  /** cell idx per case */
  cell: Int32Array
  /** report time, epoch ms */
  t: Float64Array
  /** WGS84 degrees */
  lon: Float64Array
  lat: Float64Array
}

export async function loadCaseCells(db: Database, layoutId: number, filters: CaseFilter): Promise<CaseCells> {
  const { rows } = await db.knex.raw<{ rows: Array<{ idx: number; t: number | string; lon: number; lat: number }> }>(
    Q.caseCells, { layout: layoutId, filtered: filteredCases(db.knex, filters) })
  const n = rows.length
  const out: CaseCells = { n, cell: new Int32Array(n), t: new Float64Array(n), lon: new Float64Array(n), lat: new Float64Array(n) }
  for (let i = 0; i < n; i++) {
    const r = rows[i]
    out.cell[i] = r.idx
    out.t[i] = Number(r.t)
    out.lon[i] = r.lon
    out.lat[i] = r.lat
  }
  return out
}

/** Filtered cases that lie in a cell of the layout, reduced to what a count cube needs; any order. */
export interface CaseCellDays {
  n: number
  /** cell idx per case */
  cell: Int32Array
  /** local midnight of the case's report day, epoch ms */
  t: Float64Array
}

/**
 * Cell and local report day of each filtered case in a cell of the layout (case-cell-days.sql):
 * two int arrays instead of a row per case, which is what made cubes slow to load.
 * @param offsetMinutes  local time offset east of UTC that decides the day
 */
export async function loadCaseCellDays(db: Database, layoutId: number, filters: CaseFilter, offsetMinutes: number): Promise<CaseCellDays> {
  const offsetMs = offsetMinutes * 60_000
  const { rows: [row] } = await db.knex.raw<{ rows: Array<{ idx: number[]; day: number[] }> }>(
    Q.caseCellDays, { layout: layoutId, offset_minutes: offsetMinutes, filtered: filteredCases(db.knex, filters) })
  const n = row.idx.length
  const out: CaseCellDays = { n, cell: Int32Array.from(row.idx), t: new Float64Array(n) }
  for (let i = 0; i < n; i++) out.t[i] = row.day[i] * DAY_MS - offsetMs
  return out
}

export async function cellGeometries(db: Database, layoutId: number): Promise<Array<{ idx: number; code: string; geometry: unknown }>> {
  return (await db.knex.raw(Q.cellGeoJson, { layout: layoutId })).rows
}

export async function districtGeometries(db: Database, ids: number[]): Promise<Map<number, { full_code: string; name_zh: string; name_en: string | null; geometry: unknown }>> {
  const { rows } = await db.knex.raw(Q.districtGeoJson, { ids })
  return new Map(rows.map((r: { id: number }) => [r.id, r]))
}

// ---- the analyses table --------------------------------------------------------------------

/** An analyses row as stored. */
export interface AnalysisRow {
  id: number
  kind: string
  name: string | null
  parameters: Record<string, unknown>
  filters: CaseFilter
  layout_id: number | null
  as_of: Date
  status: 'running' | 'done' | 'failed'
  created_at: Date
  finished_at: Date | null
  duration_ms: number | null
  progress: Record<string, unknown>
  summary: Record<string, unknown> | null
  error: { code: string; message: string } | null
  rerun_of: number | null
}

export async function insertAnalysis(db: Database, row: Pick<AnalysisRow, 'kind' | 'name' | 'parameters' | 'filters' | 'layout_id' | 'as_of' | 'rerun_of'>): Promise<AnalysisRow> {
  const [inserted] = await db.knex('analyses').insert({
    ...row, parameters: JSON.stringify(row.parameters), filters: JSON.stringify(row.filters),
  }).returning('*')
  return inserted
}

export async function updateProgress(db: Database, id: number, progress: unknown): Promise<void> {
  await db.knex('analyses').where({ id, status: 'running' }).update({ progress: JSON.stringify(progress) })
}

/** Stores the result and marks the run done, together. */
export async function finishAnalysis(db: Database, id: number, summary: unknown, result: unknown, durationMs: number): Promise<void> {
  const stored = await packResult(result) // before the transaction: compressing takes a few tens of ms
  await db.knex.transaction(async (trx) => {
    await trx('analysis_results').insert({ analysis_id: id, result: stored })
    await trx('analyses').where({ id }).update({
      status: 'done', summary: JSON.stringify(summary), finished_at: trx.fn.now(), duration_ms: Math.round(durationMs),
      progress: JSON.stringify({ phase: 'done' }),
    })
  })
}

export async function failAnalysis(db: Database, id: number, error: { code: string; message: string }, durationMs: number): Promise<void> {
  await db.knex('analyses').where({ id }).update({
    status: 'failed', error: JSON.stringify(error), finished_at: db.knex.fn.now(), duration_ms: Math.round(durationMs),
  })
}

export async function deleteAnalysis(db: Database, id: number): Promise<void> {
  await db.knex('analyses').where({ id }).delete()
}

export async function getAnalysis(db: Database, id: number): Promise<AnalysisRow> {
  const row = await db.knex('analyses').where({ id }).first()
  if (!row) throw NotFound('analysis', id)
  return row
}

export async function listAnalyses(db: Database, q: { kind?: string; layout_id?: number; limit: number; offset: number }): Promise<{ items: AnalysisRow[]; total: number }> {
  const base = db.knex('analyses')
  if (q.kind) base.where('kind', q.kind)
  if (q.layout_id !== undefined) base.where('layout_id', q.layout_id)
  const [{ total }] = await base.clone().count<{ total: number }[]>({ total: '*' })
  const items = await base.clone().select('*').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset)
  return { items, total: Number(total) }
}

export async function getResult<T>(db: Database, id: number): Promise<T | undefined> {
  const row = await db.knex('analysis_results').where({ analysis_id: id }).first('result')
  return row ? await unpackResult<T>(row.result) : undefined
}
