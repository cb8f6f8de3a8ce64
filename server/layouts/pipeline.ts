/**
 * The pipeline every kind of layout goes through (see types.ts for the contract): units before
 * the builder, then drafts → stored cells with codes, H3 cover, neighbours and statistics, all
 * in the layout's transaction.
 */
import type { Knex } from 'knex'
import type { MultiPolygon, Polygon } from 'geojson'
import {
  cellToChildren, cellToLatLng, cellToParent, getResolution, gridDisk, isValidCell, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS,
} from 'h3-js'
import { projector } from '../shared/coords'
import { readSql } from '../db/sql-files'
import { AppError } from '../shared/errors'
import type { ProgressFn } from '../jobs/jobs'
import { cellOfPoints, edgeNeighbours, indexCells, outlineOf, type CellIndex, type CellOutline } from './core/cell-graph'
import { assignCodes, type UnitCode } from './core/codes'
import { areaStats } from './core/stats'
import type { LayoutStats } from './schema'
import type { BuildOutcome, DraftCell, LayoutScope, LayoutUnit } from './types'

const UNITS = readSql(import.meta.url, './queries/units.sql')
const DRAFTS = readSql(import.meta.url, './queries/drafts.sql')
const STAGE = readSql(import.meta.url, './queries/stage.sql')
const OUTLINES = readSql(import.meta.url, './queries/staged-outlines.sql')
const STORE = readSql(import.meta.url, './queries/store-cells.sql')

/** rows per INSERT of TypeScript drafts (keeps one statement's parameters a few MB) */
const DRAFT_BATCH = 5000
/**
 * The cover's candidate centres come from cells this many resolutions coarser (1/49 as many
 * point-in-polygon tests against the scope's often long boundary inside h3-js, which took
 * seconds at res 11 over 100 km²), plus their ring so no child whose centre lies just past its
 * parent's outline is missed; candidates outside every cell are dropped by the point test.
 */
const COVER_COARSE_STEPS = 2
/** parts of the scope no community covers smaller than this (m²) are noise of the boundaries */
const NOISE_AREA_M2 = 1

/**
 * Creates `layout_units` and the empty `layout_drafts` for a scope.
 * @returns the units, unit_id order
 */
export async function prepareUnits(trx: Knex.Transaction, scope: LayoutScope, srid: number, warn: (m: string) => void): Promise<LayoutUnit[]> {
  await trx.raw(UNITS, { scope: scope.id, prefix: scope.fullCode, srid })
  await trx.raw(`DELETE FROM layout_units WHERE community_id IS NULL AND area_m2 < ${NOISE_AREA_M2}`)
  await trx.raw('CREATE INDEX ON layout_units USING gist (geom_m)')
  await trx.raw('CREATE INDEX ON layout_units USING gist (geom)')
  await trx.raw(DRAFTS)
  const rows = (await trx.raw('SELECT unit_id, community_id, street_code, community_code, name_zh, area_m2 FROM layout_units ORDER BY unit_id')).rows as
    Array<{ unit_id: number; community_id: number | null; street_code: string; community_code: string; name_zh: string; area_m2: number }>
  if (rows.length === 0) throw new AppError('WG_LAYOUT_EMPTY_SCOPE', `Scope ${scope.nameZh} (${scope.fullCode}) has no area to divide`, 422)
  const free = rows.find((r) => r.community_id === null)
  if (free) {
    const share = free.area_m2 / scope.areaM2
    warn(rows.length === 1
      ? `${scope.nameZh} has no community boundaries: cells are coded with street 000 and community 000`
      : `${(share * 100).toFixed(2)}% of ${scope.nameZh} (${Math.round(free.area_m2)} m²) lies in no community: its cells are coded with street 000 and community 000`)
  }
  return rows.map((r) => ({
    unitId: r.unit_id, communityId: r.community_id, streetCode: r.street_code, communityCode: r.community_code, nameZh: r.name_zh, areaM2: r.area_m2,
  }))
}

/** Inserts TypeScript drafts into layout_drafts, in batches. */
export async function insertDrafts(trx: Knex.Transaction, drafts: DraftCell[]): Promise<void> {
  for (let start = 0; start < drafts.length; start += DRAFT_BATCH) {
    const batch = drafts.slice(start, start + DRAFT_BATCH)
    await trx.raw(
      `INSERT INTO layout_drafts (unit_id, geom, code, attrs)
       SELECT u, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), c, a::jsonb
       FROM unnest(:unit::int[], :geom::text[], :code::text[], :attrs::text[]) AS t (u, g, c, a)`,
      {
        unit: batch.map((d) => d.unitId),
        geom: batch.map((d) => JSON.stringify(d.geometry)),
        code: batch.map((d) => d.code ?? null),
        attrs: batch.map((d) => JSON.stringify(d.attrs ?? {})),
      })
  }
}

/** What `finishLayout` needs besides the transaction. */
export interface FinishInput {
  layoutId: number
  scope: LayoutScope
  /** the scope's boundary (WGS84), for the H3 cover */
  scopeGeometry: Polygon | MultiPolygon
  units: LayoutUnit[]
  srid: number
  coverResolution: number
  outcome: BuildOutcome
  warnings: string[]
  timings: Record<string, number>
  progress: ProgressFn
}

interface StagedRow { draft_id: number; unit_id: number; code: string | null; area_m2: number; cx: number; cy: number; lon: number; lat: number; outline: string }

/**
 * Drafts → cells: repair, measure, order and code, H3 cover, neighbours, store; returns the
 * layout's statistics. Runs inside the layout's transaction.
 */
export async function finishLayout(trx: Knex.Transaction, f: FinishInput): Promise<LayoutStats> {
  const lap = timer(f.timings)
  f.progress({ phase: 'stage' })
  const [{ n: draftCount }] = (await trx.raw('SELECT count(*)::int AS n FROM layout_drafts')).rows as Array<{ n: number }>
  await trx.raw(STAGE, { srid: f.srid })
  // indexes rather than ANALYZE (which samples every geometry column: half a second at 50,000
  // cells): the unit check and the store look cells up by unit and by draft
  await trx.raw('CREATE INDEX ON layout_staged (unit_id)')
  await trx.raw('CREATE INDEX ON layout_staged (draft_id)')
  lap('stage')
  await checkUnits(trx)
  lap('check')
  const staged = (await trx.raw(OUTLINES)).rows as StagedRow[]
  if (staged.length === 0) throw new AppError('WG_LAYOUT_NO_CELLS', `The ${f.scope.nameZh} layout produced no cells; check the scope and parameters`, 422)
  if (staged.length < draftCount) f.warnings.push(`${draftCount - staged.length} empty draft cells were left out`)
  const outlines = staged.map((r) => outlineOf(JSON.parse(r.outline) as { type: string; coordinates: unknown }))
  for (const r of staged) r.outline = ''
  const cellIndex = indexCells(outlines)
  lap('outlines')

  f.progress({ phase: 'codes', total: staged.length })
  const n = staged.length
  const unitCodes = new Map<number, UnitCode>(f.units.map((u) => [u.unitId, { streetCode: u.streetCode, communityCode: u.communityCode, nameZh: u.nameZh }]))
  const rowHeight = f.outcome.rowHeightM ?? Math.sqrt(f.outcome.targetAreaM2 ?? 10_000)
  const { order, codes } = assignCodes({
    unit: Int32Array.from(staged, (r) => r.unit_id),
    cx: Float64Array.from(staged, (r) => r.cx),
    cy: Float64Array.from(staged, (r) => r.cy),
    preset: staged.map((r) => r.code),
  }, unitCodes, f.scope.districtCode, rowHeight, f.outcome.rowOriginYM ?? 0)
  const idxOf = new Map<number, number>()
  for (let k = 0; k < n; k++) idxOf.set(staged[order[k]].draft_id, k)
  lap('codes')

  f.progress({ phase: 'h3 cover' })
  const cover = h3Cover(staged, outlines, cellIndex, f.scopeGeometry, f.coverResolution, f.srid)
  lap('h3')

  f.progress({ phase: 'neighbours' })
  const nbs: number[][] = Array.from({ length: n }, () => [])
  const pairs = edgeNeighbours(outlines, cellIndex)
  for (let e = 0; e < pairs.a.length; e++) {
    const ia = idxOf.get(staged[pairs.a[e]].draft_id)!
    const ib = idxOf.get(staged[pairs.b[e]].draft_id)!
    nbs[ia].push(ib)
    nbs[ib].push(ia)
  }
  lap('neighbours')

  f.progress({ phase: 'store', total: n })
  const draftIds = new Array<number>(n)
  const h3 = new Array<string>(n)
  for (let k = 0; k < n; k++) {
    const r = staged[order[k]]
    draftIds[k] = r.draft_id
    h3[k] = cover[order[k]].join(',')
  }
  await trx.raw(STORE, {
    layout: f.layoutId, draft: draftIds, idx: Array.from({ length: n }, (_, k) => k), code: codes, h3,
    nb: nbs.map((l) => l.sort((x, y) => x - y).join(',')),
  })
  lap('store')

  const areas = new Float64Array(n)
  for (let k = 0; k < n; k++) areas[k] = staged[order[k]].area_m2
  const area = areaStats(areas, f.outcome.targetAreaM2 ?? null)
  return { area, coverage: area.total_m2 / f.scope.areaM2, scope_area_m2: f.scope.areaM2, warnings: f.warnings, timings_ms: f.timings }
}

/** Refuses drafts that do not lie in the unit they name (a builder error, not a user's). */
async function checkUnits(trx: Knex.Transaction): Promise<void> {
  // unit by unit (nested loop), so PostGIS prepares each unit's geometry once for all its cells
  const bad = (await trx.raw(
    `SELECT x.draft_id FROM layout_units u
     CROSS JOIN LATERAL (SELECT s.draft_id FROM layout_staged s WHERE s.unit_id = u.unit_id AND NOT ST_Intersects(u.geom_m, s.geom_m)) x
     LIMIT 5`)).rows as Array<{ draft_id: number }>
  const orphan = (await trx.raw(
    'SELECT s.draft_id FROM layout_staged s LEFT JOIN layout_units u ON u.unit_id = s.unit_id WHERE u.unit_id IS NULL LIMIT 5')).rows as Array<{ draft_id: number }>
  if (bad.length || orphan.length) {
    throw new AppError('WG_LAYOUT_DRAFT_OUTSIDE_UNIT',
      `Draft cells ${[...bad, ...orphan].map((r) => r.draft_id).join(', ')} do not lie in the unit they name; the cell builder is at fault`, 500)
  }
}

/**
 * The H3 cells (resolution `res`) each cell covers: for H3 cells (preset H3 code) their children
 * or parent; for others the H3 cells whose centre lies in the cell (candidates: the children of
 * the coarser cells overlapping the scope; centres projected to the metric CRS and placed in the
 * cell holding them), or, for a cell
 * holding no centre, the H3 cell of its centroid (so every cell maps to at least one H3 cell).
 * Keys are positions in `staged`.
 */
function h3Cover(staged: StagedRow[], outlines: CellOutline[], index: CellIndex, scope: Polygon | MultiPolygon, res: number, srid: number): string[][] {
  const cover: string[][] = new Array(staged.length)
  let rest = 0
  staged.forEach((r, k) => {
    if (r.code && isValidCell(r.code)) {
      const own = getResolution(r.code)
      cover[k] = own === res ? [r.code] : own < res ? cellToChildren(r.code, res) : [cellToParent(r.code, res)]
    } else rest++
  })
  if (rest === 0) return cover
  const preset = cover.map((c) => c !== undefined)
  const polygons = scope.type === 'Polygon' ? [scope.coordinates] : scope.coordinates
  const coarse = Math.max(0, res - COVER_COARSE_STEPS)
  const parents = new Set<string>()
  for (const p of polygons) {
    for (const h of polygonToCellsExperimental(p, coarse, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) for (const g of gridDisk(h, 1)) parents.add(g)
  }
  const ids: string[] = []
  for (const h of parents) for (const c of coarse === res ? [h] : cellToChildren(h, res)) ids.push(c)
  const lon = new Float64Array(ids.length)
  const lat = new Float64Array(ids.length)
  for (let i = 0; i < ids.length; i++) [lat[i], lon[i]] = cellToLatLng(ids[i])
  const { x, y } = projector(srid).forward(lon, lat)
  const holder = cellOfPoints(x, y, outlines, index)
  for (let i = 0; i < ids.length; i++) {
    const k = holder[i]
    if (k < 0 || preset[k]) continue
    ;(cover[k] ??= []).push(ids[i])
  }
  staged.forEach((r, k) => {
    if (cover[k]) cover[k].sort()
    else cover[k] = [latLngToCell(r.lat, r.lon, res)]
  })
  return cover
}

/** Records elapsed milliseconds per phase into `timings`. */
export function timer(timings: Record<string, number>): (phase: string) => void {
  let t = performance.now()
  return (phase) => {
    const now = performance.now()
    timings[phase] = Math.round((timings[phase] ?? 0) + now - t)
    t = now
  }
}
