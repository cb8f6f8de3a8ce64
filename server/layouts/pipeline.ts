/**
 * The pipeline every kind of layout goes through (see types.ts for the contract): units before
 * the builder, then drafts → stored cells with codes, H3 cover, neighbours and statistics, all
 * in the layout's transaction.
 */
import type { Knex } from 'knex'
import type { MultiPolygon, Polygon } from 'geojson'
import type { PoolClient } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { cellToChildren, cellToLatLng, cellToParent, getResolution, isValidCell, latLngToCell } from 'h3-js'
import { pointEwkbHex } from '../shared/wkb'
import { projector } from '../shared/coords'
import { readSql } from '../db/sql-files'
import { AppError } from '../shared/errors'
import type { ProgressFn } from '../jobs/jobs'
import { cellOfPoints, edgeNeighbours, indexCells, outlineOf, type CellIndex, type CellOutline } from './core/cell-graph'
import { assignCodes, type UnitCode } from './core/codes'
import { areaStats } from './core/stats'
import type { LayoutStats } from './schema'
import { h3Candidates } from './h3/candidates'
import type { BuildOutcome, DraftCell, LayoutScope, LayoutUnit, ReadyCells } from './types'

const UNITS = readSql(import.meta.url, './queries/units.sql')
const DRAFTS = readSql(import.meta.url, './queries/drafts.sql')
const STAGE = readSql(import.meta.url, './queries/stage.sql')
const OUTLINES = readSql(import.meta.url, './queries/staged-outlines.sql')
const STORE = readSql(import.meta.url, './queries/store-cells.sql')
const STORE_READY = readSql(import.meta.url, './queries/store-ready-cells.sql')

/** rows per INSERT of TypeScript drafts (keeps one statement's parameters a few MB) */
const DRAFT_BATCH = 5000
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
  /** store ready cells with COPY (a real server; the embedded one has no COPY) */
  copy: boolean
}

interface StagedRow { draft_id: number; unit_id: number; code: string | null; area_m2: number; cx: number; cy: number; lon: number; lat: number; outline: string }

/**
 * Drafts (and the builder's ready cells) → cells: repair, measure, order and code, H3 cover,
 * neighbours, store; returns the layout's statistics. Runs inside the layout's transaction.
 * Positions: the staged drafts first (draft_id order), then the ready cells.
 */
export async function finishLayout(trx: Knex.Transaction, f: FinishInput): Promise<LayoutStats> {
  const lap = timer(f.timings)
  const ready = f.outcome.ready
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
  const m = staged.length
  const n = m + (ready?.unit.length ?? 0)
  if (n === 0) throw new AppError('WG_LAYOUT_NO_CELLS', `The ${f.scope.nameZh} layout produced no cells; check the scope and parameters`, 422)
  if (m < draftCount) f.warnings.push(`${draftCount - m} empty draft cells were left out`)
  const outlines = staged.map((r) => outlineOf(JSON.parse(r.outline) as { type: string; coordinates: unknown }))
  if (ready) for (const o of ready.outlines) outlines.push(o)
  const cells = cellColumns(staged, ready)
  const cellIndex = indexCells(outlines)
  lap('outlines')

  f.progress({ phase: 'codes', total: n })
  const unitCodes = new Map<number, UnitCode>(f.units.map((u) => [u.unitId, { streetCode: u.streetCode, communityCode: u.communityCode, nameZh: u.nameZh }]))
  const rowHeight = f.outcome.rowHeightM ?? Math.sqrt(f.outcome.targetAreaM2 ?? 10_000)
  const { order, codes } = assignCodes(cells, unitCodes, f.scope.districtCode, rowHeight, f.outcome.rowOriginYM ?? 0)
  const idxOf = new Int32Array(n)
  for (let k = 0; k < n; k++) idxOf[order[k]] = k
  lap('codes')

  f.progress({ phase: 'h3 cover' })
  const cover = h3Cover(cells, outlines, cellIndex, f.scopeGeometry, f.coverResolution, f.srid)
  lap('h3')

  f.progress({ phase: 'neighbours' })
  const nbs: number[][] = Array.from({ length: n }, () => [])
  const link = (a: number, b: number) => { nbs[idxOf[a]].push(idxOf[b]); nbs[idxOf[b]].push(idxOf[a]) }
  // ready cells bring their own pairs; only pairs with a staged draft are measured
  const pairs = edgeNeighbours(outlines, cellIndex, undefined, m)
  for (let e = 0; e < pairs.a.length; e++) link(pairs.a[e], pairs.b[e])
  if (ready) for (let e = 0; e < ready.pairs.a.length; e++) link(m + ready.pairs.a[e], m + ready.pairs.b[e])
  lap('neighbours')

  f.progress({ phase: 'store', total: n })
  const row = (k: number, i: number): ReadyRow => ({ i, idx: k, code: codes[k], h3: cover[order[k]].join(','), nb: nbs[k].sort((x, y) => x - y).join(',') })
  const fromDrafts = { draft: [] as number[], idx: [] as number[], code: [] as string[], h3: [] as string[], nb: [] as string[] }
  const fromReady: ReadyRow[] = []
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const r = row(k, i - m)
    if (i < m) {
      fromDrafts.draft.push(staged[i].draft_id); fromDrafts.idx.push(k); fromDrafts.code.push(r.code); fromDrafts.h3.push(r.h3); fromDrafts.nb.push(r.nb)
    } else fromReady.push(r)
  }
  if (m > 0) await trx.raw(STORE, { layout: f.layoutId, ...fromDrafts })
  if (ready && fromReady.length) {
    const community = new Map(f.units.map((u) => [u.unitId, u.communityId]))
    await storeReady(trx, f.layoutId, ready, fromReady, community, f.copy)
  }
  lap('store')

  const areas = new Float64Array(n)
  for (let k = 0; k < n; k++) areas[k] = cells.area[order[k]]
  const area = areaStats(areas, f.outcome.targetAreaM2 ?? null)
  return { area, coverage: area.total_m2 / f.scope.areaM2, scope_area_m2: f.scope.areaM2, warnings: f.warnings, timings_ms: f.timings }
}

/** Every cell's unit, centroid (both CRSs), area and preset code: staged drafts, then ready cells. */
interface CellColumns { unit: Int32Array; cx: Float64Array; cy: Float64Array; lon: Float64Array; lat: Float64Array; area: Float64Array; preset: Array<string | null> }

function cellColumns(staged: StagedRow[], ready: ReadyCells | undefined): CellColumns {
  const m = staged.length
  const n = m + (ready?.unit.length ?? 0)
  const c: CellColumns = {
    unit: new Int32Array(n), cx: new Float64Array(n), cy: new Float64Array(n), lon: new Float64Array(n), lat: new Float64Array(n),
    area: new Float64Array(n), preset: new Array<string | null>(n),
  }
  staged.forEach((r, i) => {
    c.unit[i] = r.unit_id; c.cx[i] = r.cx; c.cy[i] = r.cy; c.lon[i] = r.lon; c.lat[i] = r.lat; c.area[i] = r.area_m2; c.preset[i] = r.code
    r.outline = ''
  })
  if (ready) {
    c.unit.set(ready.unit, m); c.cx.set(ready.cx, m); c.cy.set(ready.cy, m); c.lon.set(ready.lon, m); c.lat.set(ready.lat, m); c.area.set(ready.area, m)
    for (let i = 0; i < ready.code.length; i++) c.preset[m + i] = ready.code[i]
  }
  return c
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
 * or parent; for others the H3 cells whose centre lies in the cell (candidates: h3Candidates of
 * the scope; centres projected to the metric CRS and placed in the cell holding them), or, for a
 * cell holding no centre, the H3 cell of its centroid (so every cell maps to at least one H3
 * cell). Keys are cell positions.
 */
function h3Cover(cells: CellColumns, outlines: CellOutline[], index: CellIndex, scope: Polygon | MultiPolygon, res: number, srid: number): string[][] {
  const n = cells.unit.length
  const cover: string[][] = new Array(n)
  let rest = 0
  for (let k = 0; k < n; k++) {
    const code = cells.preset[k]
    if (code && isValidCell(code)) {
      const own = h3Resolution(code)
      cover[k] = own === res ? [code] : own < res ? cellToChildren(code, res) : [cellToParent(code, res)]
    } else rest++
  }
  if (rest === 0) return cover
  const preset = cover.map((c) => c !== undefined)
  const ids = h3Candidates(scope, res)
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
  for (let k = 0; k < n; k++) {
    if (cover[k]) cover[k].sort()
    else cover[k] = [latLngToCell(cells.lat[k], cells.lon[k], res)]
  }
  return cover
}

/**
 * Resolution of a valid H3 cell index: its second hex digit in the usual 15-digit form (mode 1
 * in the first), read without h3-js, which parses and validates the string on every call (a
 * tenth of a second per 60,000 cells); other forms ask h3-js.
 */
function h3Resolution(code: string): number {
  return code.length === 15 && code[0] === '8' ? parseInt(code[1], 16) : getResolution(code)
}

/** A ready cell's stored columns: `i` its position in ReadyCells, idx onwards as stored. */
interface ReadyRow { i: number; idx: number; code: string; h3: string; nb: string }

/** rows per unnest() statement on the embedded database (its wire server has no COPY) */
const READY_BATCH = 10_000

/**
 * Stores ready cells: COPY on a real server (geometries as hex EWKB, no statement to plan and
 * no parameter arrays to parse), unnest() of arrays in batches on the embedded database.
 */
async function storeReady(trx: Knex.Transaction, layoutId: number, ready: ReadyCells, rows: ReadyRow[], community: Map<number, number | null>, copy: boolean): Promise<void> {
  const communityOf = (r: ReadyRow) => community.get(ready.unit[r.i]) ?? null
  if (copy) {
    const conn = await (trx.client as unknown as { acquireConnection(): Promise<PoolClient> }).acquireConnection()
    const stream = conn.query(copyFrom('COPY cells (layout_id, idx, code, community_id, geom, area_m2, centroid, h3, neighbours) FROM STDIN'))
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', () => resolve())
      stream.on('error', reject)
      const CHUNK = 2000
      let a = 0
      const pump = () => {
        while (a < rows.length) {
          let text = ''
          for (const end = Math.min(rows.length, a + CHUNK); a < end; a++) {
            const r = rows[a]
            const c = communityOf(r)
            text += `${layoutId}\t${r.idx}\t${r.code}\t${c ?? '\\N'}\t${ready.geom[r.i]}\t${ready.area[r.i]}\t${pointEwkbHex(ready.lon[r.i], ready.lat[r.i], 4326)}\t{${r.h3}}\t{${r.nb}}\n`
          }
          if (!stream.write(text)) { stream.once('drain', pump); return }
        }
        stream.end()
      }
      pump()
    })
    return
  }
  for (let a = 0; a < rows.length; a += READY_BATCH) {
    const batch = rows.slice(a, a + READY_BATCH)
    await trx.raw(STORE_READY, {
      layout: layoutId, idx: batch.map((r) => r.idx), code: batch.map((r) => r.code), community: batch.map(communityOf),
      geom: batch.map((r) => ready.geom[r.i]), area: batch.map((r) => ready.area[r.i]),
      centroid: batch.map((r) => pointEwkbHex(ready.lon[r.i], ready.lat[r.i], 4326)), h3: batch.map((r) => r.h3), nb: batch.map((r) => r.nb),
    })
  }
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
