/**
 * H3 unit cells: the H3 cells of one resolution that have their centre in the scope
 * (containment 'center') or touch it at all ('overlap'), optionally clipped to the scope. The
 * code is the H3 index; the community is the one holding the cell's centre.
 * Cells wholly inside the scope and clearly inside one community are measured in TypeScript
 * (split.ts) and handed to the pipeline ready to store; PostGIS clips and homes only the cells
 * near the scope's boundary or a community boundary (queries/drafts.sql).
 */
import type { MultiPolygon, Polygon } from 'geojson'
import { cellArea, cellToLatLng, UNITS } from 'h3-js'
import { readSql } from '../../db/sql-files'
import { projector } from '../../shared/coords'
import { ringEwkbHex } from '../../shared/wkb'
import { outlineOf } from '../core/cell-graph'
import { RingIndex } from '../core/ring-index'
import type { BuildContext, KindBuilder, ReadyCells } from '../types'
import { h3Candidates } from './candidates'
import { splitH3Cells, type H3Split } from './split'

const DRAFTS = readSql(import.meta.url, './queries/drafts.sql')
const OUTLINES = readSql(import.meta.url, './queries/outlines.sql')
/** rows per INSERT of the cells PostGIS decides (a few thousand per 100 km² at res 11) */
const BATCH = 20_000

export interface H3Params {
  resolution: number
  containment: 'center' | 'overlap'
  clip: boolean
}

export function h3Defaults(p: Partial<H3Params>): H3Params {
  return { resolution: p.resolution ?? 10, containment: p.containment ?? 'overlap', clip: p.clip ?? true }
}

type Outline = { type: string; coordinates: unknown }

export function makeH3Builder(scopeGeometry: Polygon | MultiPolygon): KindBuilder<H3Params> {
  return async (ctx) => {
    const { params, trx } = ctx
    ctx.progress({ phase: 'h3 cells' })
    const rows = (await trx.raw(OUTLINES, { scope: ctx.scope.id, srid: ctx.crs.epsg })).rows as Array<{ unit_id: number; outline: string }>
    const scope = rows.filter((r) => r.unit_id === 0).map((r) => outlineOf(JSON.parse(r.outline) as Outline))
    const units = rows.filter((r) => r.unit_id > 0)
    const ids = h3Candidates(scopeGeometry, params.resolution)
    const split = splitH3Cells(
      ids, new RingIndex(scope), new RingIndex(units.map((u) => outlineOf(JSON.parse(u.outline) as Outline)), units.map((u) => u.unit_id)),
      projector(ctx.crs.epsg))
    // PostGIS clips and homes the boundary cells while this process measures the ready ones
    const drafts = insertPostgisCells(ctx, ids, split)
    drafts.catch(() => {}) // awaited below; a failure must not count as unhandled meanwhile
    await new Promise((resolve) => setImmediate(resolve)) // let the first statement go out
    let ready: ReadyCells
    try { ready = split.ready() } finally { await drafts }
    ctx.progress({ phase: 'h3 cells', done: ids.length, total: ids.length })
    // the nominal area (and so the coding rows' height) of the lowest index drawn, as the sorted
    // cover gave it before cells were split between TypeScript and PostGIS
    const [{ first }] = (await trx.raw('SELECT min(code) AS first FROM layout_drafts')).rows as Array<{ first: string | null }>
    let lowest = first
    for (const c of ready.code) if (lowest === null || c < lowest) lowest = c
    const nominal = lowest ? cellArea(lowest, UNITS.m2) : undefined
    if (!params.clip && params.containment === 'overlap') ctx.warn('unclipped cells with containment "overlap" reach beyond the scope: their union is larger than it')
    if (params.containment === 'center' && params.clip) ctx.warn('containment "center" leaves the scope\'s edges uncovered where a cell\'s centre lies outside')
    return { targetAreaM2: nominal, rowHeightM: nominal ? Math.sqrt(nominal) : undefined, ready }
  }
}

/** The cells PostGIS decides → layout_drafts (queries/drafts.sql), in batches. */
async function insertPostgisCells(ctx: BuildContext<H3Params>, ids: string[], split: H3Split): Promise<void> {
  const { params } = ctx
  for (let a = 0; a < split.postgis.length; a += BATCH) {
    const batch = split.postgis.slice(a, a + BATCH)
    const centres = batch.map((i) => cellToLatLng(ids[i]))
    await ctx.trx.raw(DRAFTS, {
      scope: ctx.scope.id, clip: params.clip, center: params.containment === 'center', code: batch.map((i) => ids[i]),
      geom: batch.map((i) => ringEwkbHex(split.lon, split.lat, split.start[i], split.start[i + 1], 4326)),
      lon: centres.map((c) => c[1]), lat: centres.map((c) => c[0]),
    })
  }
}
