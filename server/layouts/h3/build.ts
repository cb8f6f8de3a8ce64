/**
 * H3 unit cells: the H3 cells of one resolution that have their centre in the scope
 * (containment 'center') or touch it at all ('overlap'), optionally clipped to the scope. The
 * code is the H3 index; the community is the one holding the cell's centre.
 */
import type { MultiPolygon, Polygon } from 'geojson'
import { cellArea, cellToBoundary, cellToLatLng, polygonToCells, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS, UNITS } from 'h3-js'
import { readSql } from '../../db/sql-files'
import type { KindBuilder } from '../types'

const DRAFTS = readSql(import.meta.url, './queries/drafts.sql')
/** rows per INSERT: a res-11 cover of 100 km² (~50,000 cells) goes in one statement, 1,000 km² in ten */
const BATCH = 50_000

export interface H3Params {
  resolution: number
  containment: 'center' | 'overlap'
  clip: boolean
}

export function h3Defaults(p: Partial<H3Params>): H3Params {
  return { resolution: p.resolution ?? 10, containment: p.containment ?? 'overlap', clip: p.clip ?? true }
}

/** H3 cells of a (multi)polygon in WGS84; `overlap` includes every cell touching it. */
export function h3CellsOf(geometry: Polygon | MultiPolygon, res: number, containment: H3Params['containment']): string[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  const out = new Set<string>()
  for (const p of polygons) {
    const ids = containment === 'center' ? polygonToCells(p, res, true) : polygonToCellsExperimental(p, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)
    for (const h of ids) out.add(h)
  }
  return [...out].sort()
}

export function makeH3Builder(scopeGeometry: Polygon | MultiPolygon): KindBuilder<H3Params> {
  return async (ctx) => {
    const { params } = ctx
    ctx.progress({ phase: 'h3 cells' })
    const ids = h3CellsOf(scopeGeometry, params.resolution, params.containment)
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH)
      const centres = batch.map((h) => cellToLatLng(h))
      await ctx.trx.raw(DRAFTS, {
        scope: ctx.scope.id, clip: params.clip, code: batch,
        geom: batch.map((h) => JSON.stringify({ type: 'Polygon', coordinates: [cellToBoundary(h, true)] })),
        lon: centres.map((c) => c[1]), lat: centres.map((c) => c[0]),
      })
      ctx.progress({ phase: 'h3 cells', done: Math.min(ids.length, start + BATCH), total: ids.length })
    }
    const nominal = ids.length ? cellArea(ids[0], UNITS.m2) : undefined
    if (!params.clip && params.containment === 'overlap') ctx.warn('unclipped cells with containment "overlap" reach beyond the scope: their union is larger than it')
    if (params.containment === 'center' && params.clip) ctx.warn('containment "center" leaves the scope\'s edges uncovered where a cell\'s centre lies outside')
    return { targetAreaM2: nominal, rowHeightM: nominal ? Math.sqrt(nominal) : undefined }
  }
}
