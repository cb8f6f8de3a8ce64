/**
 * Square unit cells (方格单元网格): squares of the target area in the metric CRS, aligned to a
 * reproducible origin, clipped to the scope and split at community boundaries; pieces below the
 * sliver threshold merge into the neighbour of the same community sharing the longest edge.
 * PostGIS grids, clips and unions; TypeScript measures the edges slivers share (core/cell-graph.ts,
 * on the pieces' outlines: an ST_Intersection per pair took seconds) and decides the merges
 * (core/slivers.ts).
 */
import { readSql } from '../../db/sql-files'
import { indexCells, outlineOf, sharedEdges } from '../core/cell-graph'
import { mergeSlivers } from '../core/slivers'
import { DEFAULT_SLIVER_RATIO, DEFAULT_TARGET_AREA_M2 } from '../schema'
import type { KindBuilder } from '../types'

const PIECES = readSql(import.meta.url, './queries/pieces.sql')
const PIECE_OUTLINES = 'SELECT unit_id, area, ST_AsGeoJSON(g, 4, 0) AS outline FROM square_pieces ORDER BY piece_id'
const DRAFTS = readSql(import.meta.url, './queries/drafts.sql')

/** Parameters of the square builder (defaults applied). */
export interface SquareParams {
  target_area_m2: number
  sliver_ratio: number
  /** grid origin in the metric CRS, metres */
  origin: [number, number]
}

export function squareDefaults(p: Partial<SquareParams>): SquareParams {
  return {
    target_area_m2: p.target_area_m2 ?? DEFAULT_TARGET_AREA_M2,
    sliver_ratio: p.sliver_ratio ?? DEFAULT_SLIVER_RATIO,
    origin: p.origin ?? [0, 0],
  }
}

export const buildSquare: KindBuilder<SquareParams> = async (ctx) => {
  const { trx, params } = ctx
  const side = Math.sqrt(params.target_area_m2)
  const threshold = params.sliver_ratio * params.target_area_m2
  const [ox, oy] = params.origin
  ctx.progress({ phase: 'squares' })
  await trx.raw(PIECES, { side, ox, oy })

  ctx.progress({ phase: 'slivers' })
  // piece ids are 1-based and dense: position k is piece k + 1
  const pieces = (await trx.raw(PIECE_OUTLINES)).rows as Array<{ unit_id: number; area: number; outline: string }>
  const outlines = pieces.map((p) => outlineOf(JSON.parse(p.outline) as { type: string; coordinates: unknown }))
  const area = Float64Array.from(pieces, (p) => p.area)
  const slivers = Int32Array.from(pieces.flatMap((p, k) => (p.area < threshold ? [k] : [])))
  const edges = sharedEdges(outlines, indexCells(outlines), slivers, (a, b) => pieces[a].unit_id === pieces[b].unit_id)
  const { group, isolated } = mergeSlivers(area, edges, threshold)
  const merged = new Set<number>()
  for (let i = 0; i < group.length; i++) if (group[i] !== i) { merged.add(i); merged.add(group[i]) }
  const piece = [...merged].sort((a, b) => a - b)
  await trx.raw(DRAFTS, { piece: piece.map((i) => i + 1), grp: piece.map((i) => group[i] + 1) })

  if (isolated > 0) {
    ctx.warn(`${isolated} piece(s) smaller than ${Math.round(params.sliver_ratio * 100)}% of the target area have no neighbour in their community (islands or tiny communities) and stay as cells`)
  }
  const small = ctx.units.filter((u) => u.areaM2 < params.target_area_m2)
  if (small.length > 0) {
    ctx.warn(`${small.length} communit${small.length === 1 ? 'y is' : 'ies are'} smaller than the target area of ${params.target_area_m2} m² (${small.slice(0, 5).map((u) => u.nameZh).join(', ')}${small.length > 5 ? ' …' : ''}): each forms one cell or a few`)
  }
  return { targetAreaM2: params.target_area_m2, rowHeightM: side, rowOriginYM: oy }
}
