/**
 * Street-following unit cells (沿街单元网格): cells bounded by street centre lines, water and
 * community boundaries wherever the blocks allow, near the target area.
 *
 * PostGIS nodes the lines and polygonises the blocks in the layout's metric CRS, once
 * (queries/blocks.sql); TypeScript decides and draws the merges of small blocks and the balanced
 * straight cuts of large ones over metric coordinates (core/cells.ts); the cells go back as drafts
 * in the metric CRS and the layout pipeline codes, covers and stores them.
 */
import type { Knex } from 'knex'
import { readSql } from '../../db/sql-files'
import { AppError, BadParameter } from '../../shared/errors'
import { DEFAULT_SLIVER_RATIO, DEFAULT_TARGET_AREA_M2, type StreetLayoutRequest } from '../schema'
import type { BuildContext, KindBuilder } from '../types'
import { STREET_CELL_DEFAULTS, streetCells, type StreetBlock } from './core/cells'
import { type Poly, type Pt, polyArea } from './core/geometry'
import { danglingGuides } from './core/guides'

const NODED = readSql(import.meta.url, './queries/noded.sql')
const BLOCKS = readSql(import.meta.url, './queries/blocks.sql')
const EDGES = readSql(import.meta.url, './queries/edges.sql')
const NETWORKS = readSql(import.meta.url, './queries/networks.sql')
const INSERT_DRAFTS = readSql(import.meta.url, './queries/insert-drafts.sql')

/** Faces within this distance (m) of a unit belong to it: slivers of boundary rounding. */
const UNIT_SNAP_M = 0.01
/** Warn when the area-weighted median block exceeds this many targets (a network closing few blocks). */
const COARSE_BLOCKS = 20
/** Rows per INSERT of drafts. */
const DRAFT_BATCH = 5000
/** Coordinates are shifted by the scope's centre rounded to this (m), so the shift is exact. */
const ORIGIN_ROUNDING_M = 1000

/** Parameters of the street builder (defaults applied). */
export interface StreetParams {
  target_area_m2: number
  /** blocks below this share of the target always merge with a neighbour of their community */
  sliver_ratio: number
  /** streets.network the cells follow */
  network: string
  /** blocks below this share merge when a neighbour keeps the sum within improve_up_to */
  improve_below: number
  /** upper bound of such a near-target merge, share of the target */
  improve_up_to: number
}

const OPTION_NAMES = ['improve_below', 'improve_up_to'] as const

/** The request's parameters with defaults; `options` may hold improve_below and improve_up_to. */
export function streetDefaults(req: Partial<Omit<StreetLayoutRequest, 'kind' | 'scope'>>): StreetParams {
  const options = req.options ?? {}
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) throw BadParameter(`options.${key}`, `unknown option; street cells take ${OPTION_NAMES.join(', ')}`)
  }
  const share = (key: (typeof OPTION_NAMES)[number], fallback: number, max: number): number => {
    const v = options[key]
    if (v === undefined) return fallback
    if (typeof v !== 'number' || !(v >= 0 && v <= max)) throw BadParameter(`options.${key}`, `expected a number from 0 to ${max}, got ${JSON.stringify(v)}`)
    return v
  }
  const params: StreetParams = {
    target_area_m2: req.target_area_m2 ?? DEFAULT_TARGET_AREA_M2,
    sliver_ratio: req.sliver_ratio ?? DEFAULT_SLIVER_RATIO,
    network: req.network ?? 'default',
    improve_below: share('improve_below', STREET_CELL_DEFAULTS.improveBelow, 1),
    improve_up_to: share('improve_up_to', STREET_CELL_DEFAULTS.improveUpTo, 3),
  }
  if (params.improve_up_to < params.improve_below) {
    throw BadParameter('options.improve_up_to', `must not be below improve_below (${params.improve_below}), got ${params.improve_up_to}`)
  }
  return params
}

interface BlockRow { unit_id: number; water: boolean; area: number; geometry: string }

/** Refuses a network with no street in the scope, naming the networks that have some. */
async function checkNetwork(ctx: BuildContext<StreetParams>): Promise<void> {
  const rows = (await ctx.trx.raw(NETWORKS)).rows as Array<{ network: string; n: number }>
  if (rows.some((r) => r.network === ctx.params.network)) return
  const present = rows.map((r) => `${r.network} (${r.n})`).join(', ')
  throw new AppError('WG_STREET_NETWORK_EMPTY',
    `Street network "${ctx.params.network}" has no streets in ${ctx.scope.nameZh} (${ctx.scope.fullCode}); ` +
    (rows.length ? `networks there (streets): ${present}; pass one as network` : 'import a street network first (import streets FILE --network NAME)'), 422)
}

/** Blocks of a layout's scope in a local metric frame: coordinates minus `origin` (metres of `srid`). */
export interface ScopeBlocks {
  blocks: StreetBlock[]
  origin: Pt
}

/**
 * Nodes the network's streets, the water edges and the unit boundaries and reads the blocks with
 * their guides; `layout_units` must exist in the transaction (pipeline.prepareUnits).
 * @returns no blocks when the scope holds none
 */
export async function readBlocks(trx: Knex.Transaction, network: string, srid: number): Promise<ScopeBlocks> {
  await trx.raw(NODED, { network, srid })
  const rows = (await trx.raw(BLOCKS, { srid, snap: UNIT_SNAP_M })).rows as BlockRow[]
  if (rows.length === 0) return { blocks: [], origin: [0, 0] }
  const edges = (await trx.raw(EDGES)).rows as Array<{ geometry: string }>
  // local metric frame: an exact shift by a rounded origin keeps products in the core precise
  const first = (JSON.parse(rows[0].geometry) as { coordinates: number[][][] }).coordinates[0][0]
  const ox = Math.round(first[0] / ORIGIN_ROUNDING_M) * ORIGIN_ROUNDING_M
  const oy = Math.round(first[1] / ORIGIN_ROUNDING_M) * ORIGIN_ROUNDING_M
  const local = (line: number[][]) => line.map(([x, y]): Pt => [x - ox, y - oy])
  const polys = rows.map((r) => (JSON.parse(r.geometry) as { coordinates: number[][][] }).coordinates.map(local))
  const guides = danglingGuides(polys, edges.map((e) => local((JSON.parse(e.geometry) as { coordinates: number[][] }).coordinates)))
  return {
    blocks: rows.map((r, i) => ({ unit: r.unit_id, water: r.water, poly: polys[i], guides: guides[i] })),
    origin: [ox, oy],
  }
}

export const buildStreet: KindBuilder<StreetParams> = async (ctx) => {
  const { trx, params } = ctx
  await checkNetwork(ctx)
  ctx.progress({ phase: 'blocks' })
  const { blocks, origin: [ox, oy] } = await readBlocks(trx, params.network, ctx.crs.epsg)
  if (blocks.length === 0) throw new AppError('WG_LAYOUT_EMPTY_SCOPE', `Scope ${ctx.scope.nameZh} (${ctx.scope.fullCode}) has no blocks to divide`, 422)
  ctx.progress({ phase: 'cells', total: blocks.length })
  const result = streetCells(blocks, {
    target: params.target_area_m2, sliverRatio: params.sliver_ratio, improveBelow: params.improve_below, improveUpTo: params.improve_up_to,
  })
  const { counts } = result

  ctx.progress({ phase: 'drafts', total: result.cells.length })
  const toGeoJson = (poly: Poly) => JSON.stringify({
    type: 'Polygon',
    coordinates: poly.map((ring) => [...ring, ring[0]].map(([x, y]) => [x + ox, y + oy])),
  })
  for (let start = 0; start < result.cells.length; start += DRAFT_BATCH) {
    const batch = result.cells.slice(start, start + DRAFT_BATCH)
    await trx.raw(INSERT_DRAFTS, {
      srid: ctx.crs.epsg,
      unit: batch.map((c) => c.unit),
      geom: batch.map((c) => toGeoJson(c.poly)),
      attrs: batch.map((c) => JSON.stringify({ origin: c.origin, blocks: c.blocks.length, ...(c.water ? { water: true } : {}) })),
    })
  }

  // half of the area in blocks far above the target: the network closes few blocks
  const areas = result.cells.length ? blocks.map((b) => Math.abs(polyArea(b.poly))).sort((x, y) => x - y) : []
  const half = areas.reduce((s, a) => s + a, 0) / 2
  let acc = 0
  const medianBlock = areas.find((a) => (acc += a) >= half) ?? 0
  if (medianBlock > COARSE_BLOCKS * params.target_area_m2) {
    ctx.warn(`Half of the area lies in blocks larger than ${Math.round(medianBlock)} m² (${Math.round(medianBlock / params.target_area_m2)} × the target): ` +
      `the street network "${params.network}" closes few blocks (gaps, dangling lines or only main roads), so most cells there are straight cuts`)
  }
  if (counts.isolated > 0) {
    ctx.warn(`${counts.isolated} cell(s) smaller than ${Math.round(params.sliver_ratio * 100)}% of the target area have no neighbour in their community and stay as cells`)
  }
  return { targetAreaM2: params.target_area_m2 }
}
