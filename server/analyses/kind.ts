/**
 * What an analysis kind is, and what it hands back. Every kind (cell statistics, Gi*, DBSCAN …)
 * is one module under ./kinds that exports one `AnalysisKind`; ./registry.ts lists them.
 */
import type { Static, TSchema } from 'typebox'
import type { CaseFilter } from '../cases/filters'
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import type { LayoutInfo } from './repository'

/**
 * Where the rows of a result table sit on the map, so JSON, GeoJSON and CSV are rendered by one
 * generic renderer (./render.ts):
 * - `cells`: column `cell` holds the cell idx of the analysis's layout (geometry from `cells`);
 * - `districts`: column `district_id` holds a districts id (community or street boundaries);
 * - `grid`: columns `row`, `col` index square cells of a north-up grid in a metric CRS, whose
 *   top-left corner is (originX, originY) and side cellSize metres (KDE rasters, fishnets);
 * - `inline`: column `geometry` holds a GeoJSON geometry in WGS84 (cluster hulls);
 * - `none`: the rows are not places (an evaluation table); GeoJSON features get a null geometry.
 */
export type ResultGeometry =
  | { type: 'cells'; layout_id: number }
  | { type: 'districts' }
  | { type: 'grid'; epsg: number; originX: number; originY: number; cellSize: number; width: number; height: number }
  | { type: 'inline' }
  | { type: 'none' }

/** A result as equal-length columns (compact in jsonb: no key repeated per row). */
export interface ResultTable {
  geometry: ResultGeometry
  /** column name → one value per row; numbers, strings, booleans, null, or GeoJSON for `geometry` */
  columns: Record<string, unknown[]>
  /** column names in display order (jsonb does not keep key order); set when the table is stored */
  order?: string[]
}

/** What a kind returns: the small summary kept on the analyses row and the full table. */
export interface KindOutput {
  /** counts, weights statistics, every choice made and why; JSON-safe, small (listed with the run) */
  summary: Record<string, unknown>
  table: ResultTable
}

/** What a kind gets to work with. */
export interface RunContext {
  db: Database
  /** case filters of the run, validated; stacked points excluded unless include_stacked */
  filters: CaseFilter
  /** the layout the run is on; null when the request named none */
  layout: LayoutInfo | null
  /** the instant the run treats as "now" (overdue, due), so a re-run gives the same answer */
  asOf: Date
}

/**
 * One analysis kind.
 *
 * How to add a kind (e.g. emerging-hotspots):
 * 1. Write server/analyses/kinds/emerging-hotspots.ts exporting
 *    `export const emergingHotspots: AnalysisKind<typeof Params> = { kind: 'emerging-hotspots', … }`.
 *    `params` is a TypeBox object schema with a default for every optional field and
 *    `additionalProperties: false`; the service fills defaults, converts CLI strings and refuses
 *    bad values with a 400 naming `parameters/<field>` before anything runs. The resolved
 *    parameters (defaults included) are stored, so a re-run repeats the run exactly: take
 *    randomness from a `seed` parameter, never from Math.random.
 * 2. In `run`, read data through ./repository.ts (cells and their case counts, case points,
 *    filtered as ctx.filters says) and compute with the pure cores (server/hotspots/core,
 *    server/trends/core …). Throw AppError (BadParameter names the field) for absurd input, and
 *    call `progress` between phases. Return `{ summary, table }`; choose the table's geometry
 *    type (cells, districts, grid, inline) and JSON, GeoJSON and CSV come for free.
 * 3. Add it to KINDS in ./registry.ts. The API (`POST /api/analyses`, kind list, OpenAPI) and the
 *    CLI (`wangge analyse <kind>`) pick it up from there; add a test in test/analyses/.
 */
export interface AnalysisKind<S extends TSchema = TSchema> {
  kind: string
  title: { zh: string; en: string }
  /** one paragraph for /api/analyses/kinds and the CLI help */
  description: string
  /** whether `layout_id` is required, optional (aggregated automatically without), or ignored */
  layout: 'required' | 'optional' | 'none'
  params: S
  run(ctx: RunContext, params: Static<S>, progress: ProgressFn): Promise<KindOutput>
}
