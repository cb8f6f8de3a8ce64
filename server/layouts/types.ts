/**
 * The contract between the layout service and the builders of each kind of unit cell (单元网格).
 *
 * How a kind plugs in
 * -------------------
 * A layout is built in ONE transaction (`ctx.trx`; never use another connection: the embedded
 * database serves one). Before a builder runs, the service has
 *   1. inserted the `layouts` row (`ctx.layoutId`),
 *   2. chosen the metric CRS (`ctx.crs`, a CGCS2000 Gauss-Krüger zone EPSG:4534–4554 in China,
 *      UTM elsewhere, or the caller's override), present in spatial_ref_sys of both databases,
 *   3. filled the temporary table `layout_units` (see UNITS_TABLE) with the pieces of the scope
 *      that cells may not cross: one row per community clipped to the scope, plus one row with
 *      community_id NULL for any part of the scope no community covers,
 *   4. created the empty temporary table `layout_drafts` (see DRAFTS_TABLE).
 * The builder then puts its draft cells into `layout_drafts`, either from SQL
 * (`INSERT INTO layout_drafts (unit_id, community_id, geom) SELECT …`, cheapest for PostGIS work)
 * or from TypeScript with `ctx.addDrafts([...])`. A draft is only geometry + the unit it lies in
 * (+ an optional preset code and attributes); it must lie inside exactly one unit, and drafts
 * must not overlap. The service pipeline (pipeline.ts) then, for every kind alike:
 *   - repairs and checks the drafts (valid, non-empty, polygonal, inside one unit),
 *   - measures area (m², metric CRS) and centroid,
 *   - orders them and gives each a dense idx and a 15-digit DB11 code
 *     (district 6 + street 3 + community 3 + sequence 3, west→east within rows north→south),
 *     unless the draft carries a preset code (H3 cells keep their H3 index),
 *   - attaches the H3 cells (res 11 by default) whose centres fall in the cell,
 *   - finds edge neighbours,
 *   - stores everything in `cells`, writes area statistics and warnings to `layouts.stats`.
 * To add a kind: write `server/layouts/<kind>/build.ts` exporting a `KindBuilder`, declare its
 * parameters in schema.ts (LayoutParams union) and register it in builders.ts. The CHECK on
 * layouts.kind (sql/migrations/0003_layouts.sql) lists the allowed kinds.
 */
import type { Knex } from 'knex'
import type { MultiPolygon, Polygon } from 'geojson'
import type { ProgressFn } from '../jobs/jobs'
import type { MetricCrsChoice } from '../shared/coords'
import type { CellOutline } from './core/cell-graph'

/** Kinds of layout. */
export type LayoutKind = 'square' | 'h3' | 'street'

/**
 * Temporary table (dropped at commit) of the pieces of the scope cells may not cross.
 * Columns: unit_id int (1-based, dense), community_id int NULL (NULL: not covered by any
 * community), street_code text (3 digits, '000' when unknown), community_code text (3 digits,
 * '000' when unknown), name_zh text, geom geometry(MultiPolygon, 4326), geom_m geometry (the same
 * in the layout's metric CRS, SRID = ctx.crs.epsg), area_m2 float8.
 */
export const UNITS_TABLE = 'layout_units'

/**
 * Temporary table (dropped at commit) the builder fills with its draft cells.
 * Columns: draft_id serial, unit_id int NOT NULL (a layout_units.unit_id), community_id int NULL
 * (filled from the unit when left NULL), geom geometry (Polygon or MultiPolygon, SRID 4326, or
 * SRID ctx.crs.epsg: the pipeline transforms), code text NULL (a preset code), attrs jsonb.
 */
export const DRAFTS_TABLE = 'layout_drafts'

/** One piece of the scope (a row of `layout_units`), as builders see it in TypeScript. */
export interface LayoutUnit {
  unitId: number
  communityId: number | null
  streetCode: string
  communityCode: string
  nameZh: string
  areaM2: number
}

/** A draft cell from a builder working in TypeScript (see `BuildContext.addDrafts`). */
export interface DraftCell {
  /** the unit (layout_units.unit_id) the cell lies in */
  unitId: number
  /** WGS84 lon/lat geometry */
  geometry: Polygon | MultiPolygon
  /** a preset code (H3 index for h3 cells); omitted: the pipeline gives the DB11 code */
  code?: string
  /** extra attributes kept with the cell (e.g. the street segments bounding it) */
  attrs?: Record<string, unknown>
}

/** The district, street or community a layout covers. */
export interface LayoutScope {
  id: number
  level: 'district' | 'street' | 'community'
  /** 6, 9 or 12 digits */
  fullCode: string
  /** the 6-digit code of the district the scope belongs to */
  districtCode: string
  nameZh: string
  areaM2: number
  /** WGS84 degrees [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number]
}

/** What a builder gets. */
export interface BuildContext<P> {
  /** the layout's transaction: every query of the build goes through it */
  trx: Knex.Transaction
  layoutId: number
  scope: LayoutScope
  units: LayoutUnit[]
  /** the metric CRS all metric work uses (its EPSG code is the SRID of layout_units.geom_m) */
  crs: MetricCrsChoice
  /** the kind's parameters with defaults applied */
  params: P
  progress: ProgressFn
  /** adds a warning to the layout's stats (shown with the layout) */
  warn(message: string): void
  /** inserts TypeScript drafts into `layout_drafts` (batched, unnest of arrays) */
  addDrafts(drafts: DraftCell[]): Promise<void>
}

/** Settings of the pipeline a builder may steer. */
export interface BuildOutcome {
  /** nominal cell area (m²) the statistics compare against; undefined: no target (stats without share) */
  targetAreaM2?: number
  /** height (m) of the rows codes are numbered in (west→east, rows north→south); default √target */
  rowHeightM?: number
  /** y (m, metric CRS) a row boundary passes through, so rows follow a grid's rows; default 0 */
  rowOriginYM?: number
  /**
   * Cells the builder measured itself instead of putting them in `layout_drafts` (the H3
   * builder's hexagons lying wholly inside the scope, away from community boundaries): the
   * pipeline codes, covers and stores them with the staged drafts, skipping the SQL staging.
   */
  ready?: ReadyCells
}

/**
 * Cells ready to store, in columns of one entry per cell. Each must lie in the unit it names,
 * be valid and not overlap any other cell or draft.
 */
export interface ReadyCells {
  /** layout_units.unit_id */
  unit: Int32Array
  /** preset code (the H3 index for H3 cells) */
  code: string[]
  /** hex EWKB MultiPolygon, SRID 4326 */
  geom: string[]
  /** outline in the metric CRS (metres) */
  outlines: CellOutline[]
  /** m² in the metric CRS */
  area: Float64Array
  /** centroid in the metric CRS, metres */
  cx: Float64Array
  cy: Float64Array
  /** the same centroid in WGS84 degrees */
  lon: Float64Array
  lat: Float64Array
  /** pairs of these cells sharing an edge (positions, a < b); pairs with drafts are found by the pipeline */
  pairs: { a: Int32Array; b: Int32Array }
}

/**
 * A kind's builder: fills `layout_drafts` for the scope and says what the cells aim at.
 * Throw AppError (server/shared/errors.ts) for bad parameters: the transaction is rolled back.
 */
export type KindBuilder<P> = (ctx: BuildContext<P>) => Promise<BuildOutcome>
