/**
 * Request shapes of the unit-cell layout capability (单元网格); route schemas, the CLI and the
 * service types all come from here so they are written once.
 */
import { Type, type Static } from 'typebox'

/** Nominal cell area of the national practice (Beijing DB11): 10,000 m² → 100 m × 100 m squares. */
export const DEFAULT_TARGET_AREA_M2 = 10_000
/** Pieces smaller than this share of the nominal area are merged into a neighbour of their community. */
export const DEFAULT_SLIVER_RATIO = 0.3
/** H3 resolution of the cover every square or street cell carries (res 11 ≈ 2,150 m²). */
export const DEFAULT_COVER_RESOLUTION = 11

const Common = {
  scope: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d{6}(\\d{3}){0,2}$' })], {
    description: 'district, street or community the layout covers: its id, or its full code (6, 9 or 12 digits)',
  }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'default: kind and parameters, e.g. "方格 10000 m²"' })),
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'author note' })),
  crs: Type.Optional(Type.Integer({ description: 'metric CRS (EPSG 4534–4554 or UTM 326xx/327xx); default chosen from the scope' })),
  cover_resolution: Type.Optional(Type.Integer({ minimum: 7, maximum: 13, description: 'H3 resolution of each cell\'s H3 cover; default 11' })),
}

export const SquareLayoutRequest = Type.Object({
  kind: Type.Literal('square'),
  ...Common,
  target_area_m2: Type.Optional(Type.Number({ minimum: 100, maximum: 100_000_000, description: 'nominal cell area, m² (a square of side √area); default 10000' })),
  sliver_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'pieces below this share of the nominal area merge into the neighbour of the same community sharing the longest edge; default 0.3' })),
  origin: Type.Optional(Type.Tuple([Type.Number(), Type.Number()], { description: 'grid origin [x, y] in the metric CRS, metres; default [0, 0] (the CRS origin, reproducible)' })),
}, { additionalProperties: false })
export type SquareLayoutRequest = Static<typeof SquareLayoutRequest>

export const H3LayoutRequest = Type.Object({
  kind: Type.Literal('h3'),
  ...Common,
  resolution: Type.Optional(Type.Integer({ minimum: 9, maximum: 12, description: 'H3 resolution: 9 ≈ 105,000 m², 10 ≈ 15,000 m², 11 ≈ 2,150 m², 12 ≈ 307 m²; default 10' })),
  containment: Type.Optional(Type.Union([Type.Literal('center'), Type.Literal('overlap')], {
    description: 'center: cells whose centre lies in the scope; overlap (default): every cell touching the scope',
  })),
  clip: Type.Optional(Type.Boolean({ description: 'clip cells to the scope (default true; then the cells\' union is the scope with containment=overlap)' })),
}, { additionalProperties: false })
export type H3LayoutRequest = Static<typeof H3LayoutRequest>

/** Street-following cells; the builder in server/layouts/street/ reads what it needs from here. */
export const StreetLayoutRequest = Type.Object({
  kind: Type.Literal('street'),
  ...Common,
  target_area_m2: Type.Optional(Type.Number({ minimum: 100, maximum: 100_000_000, description: 'nominal cell area, m²; default 10000' })),
  sliver_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of the target area below which pieces merge; default 0.3' })),
  network: Type.Optional(Type.String({ description: 'street network (streets.network) the cells follow; default "default"' })),
  options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'further options of the street algorithm' })),
}, { additionalProperties: false })
export type StreetLayoutRequest = Static<typeof StreetLayoutRequest>

export const LayoutRequest = Type.Union([SquareLayoutRequest, H3LayoutRequest, StreetLayoutRequest])
export type LayoutRequest = Static<typeof LayoutRequest>

/** Area statistics of a layout's cells (m²), kept in layouts.stats. */
export interface AreaStats {
  count: number
  total_m2: number
  min_m2: number
  median_m2: number
  mean_m2: number
  max_m2: number
  /** nominal area the cells aim at (null when the kind has none) */
  target_m2: number | null
  /** share of cells whose area is within ±30% of the target (null without target) */
  share_within_30pct: number | null
}

/** layouts.stats */
export interface LayoutStats {
  area: AreaStats
  /** Σ cell area / scope area (1 when cells tile the scope) */
  coverage: number
  scope_area_m2: number
  warnings: string[]
  /** per-phase timings, milliseconds */
  timings_ms: Record<string, number>
}
