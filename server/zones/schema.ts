/**
 * Request and option shapes of the responsibility-grid (责任网格) capability; route schemas and
 * service types both come from here so they are written once.
 */
import { Type, type Static } from 'typebox'

const Weight = (description: string) => Type.Number({ minimum: 0, description })

/**
 * How much work one unit cell makes, as a weighted sum the planner controls:
 *   workload = Σ cases × weight of their category + street km × street_weight
 *            + hectares × area_weight + Σ POIs × weight of their kind.
 * Cases are those of the time window and filters (stacked geocoder-fallback points left out).
 */
export const WorkloadDefinition = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'cases reported at or after (ISO 8601); default: all' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'cases reported before (ISO 8601); default: all' })),
  dataset: Type.Optional(Type.String({ description: 'only cases of this dataset' })),
  source: Type.Optional(Type.String({ description: 'comma-separated channels: patrol,12345,12319,video,resident,app,other' })),
  case_weight: Type.Optional(Weight('weight of one case of a category not listed in category_weights; default 1')),
  category_weights: Type.Optional(Type.Record(Type.String({ pattern: '^\\d{2}(\\d{2})?$' }), Type.Number({ minimum: 0 }), {
    description: 'weight of one case per category: 4-digit minor code, else its 2-digit major code (e.g. {"0601": 3, "01": 1})',
  })),
  street_weight: Type.Optional(Weight('per km of street inside the cell; default 0')),
  street_classes: Type.Optional(Type.Array(Type.String(), { description: 'street classes counted by street_weight; default all' })),
  area_weight: Type.Optional(Weight('per hectare of cell area; default 0')),
  poi_weights: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
    description: 'fixed extra work per POI kind inside the cell (e.g. {"school": 20, "market": 40})',
  })),
}, { additionalProperties: false })
export type WorkloadDefinition = Static<typeof WorkloadDefinition>

export const ObjectiveWeights = Type.Object({
  balance: Type.Optional(Weight('workload balance (default 1)')),
  compactness: Type.Optional(Weight('compact zones, boundary length (default 1)')),
  similarity: Type.Optional(Weight('fewer cells moved from the current zoning (default 1; needs a current zoning)')),
  clusters: Type.Optional(Weight('keep recurring-problem clusters inside one zone (default 1)')),
}, { additionalProperties: false })

/** POST /api/zones: draw balanced responsibility grids on a layout. */
export const ZoningRequest = Type.Object({
  layout_id: Type.Integer({ minimum: 1, description: 'unit-cell layout to zone' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  k: Type.Optional(Type.Integer({ minimum: 1, description: 'number of zones; or give workers (× grids_per_worker)' })),
  workers: Type.Optional(Type.Integer({ minimum: 1, description: 'number of workers; K = workers × grids_per_worker' })),
  grids_per_worker: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  workload: Type.Optional(WorkloadDefinition),
  nesting: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('community'), Type.Literal('street')], {
    default: 'none', description: 'keep every zone inside one community (社区) or street (街道)',
  })),
  cross_streets: Type.Optional(Type.Boolean({
    default: true, description: 'false: cells on opposite sides of a barrier street (see barrier_classes) are not adjacent',
  })),
  barrier_classes: Type.Optional(Type.Array(Type.String(), { description: 'street classes zones may not cross when cross_streets is false; default arterial, secondary' })),
  fixed: Type.Optional(Type.Array(Type.Object({
    cell: Type.String({ description: 'cell code' }),
    zone: Type.Integer({ minimum: 0, description: 'zone id 0 … K − 1' }),
  }), { description: 'cells that must stay in a given zone' })),
  max_diameter_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'largest centroid-to-centroid distance inside a zone, metres' })),
  max_walk_minutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'largest walk across a zone, minutes (converted to a diameter, see walk_speed_m_per_min)' })),
  walk_speed_m_per_min: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 75, description: 'walking speed; default 75 m/min (4.5 km/h)' })),
  weights: Type.Optional(ObjectiveWeights),
  balance_tolerance: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5, description: 'relative workload deviation counted as balanced; default 0.03' })),
  current_id: Type.Optional(Type.Integer({ minimum: 1, description: 'zoning to stay close to; default the layout’s latest current zoning' })),
  clusters: Type.Optional(Type.Boolean({ default: true, description: 'find recurring-problem clusters (Gi* hot spots, 99 %) and keep each inside one zone' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, default: 1 })),
  time_budget_s: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 600, default: 10 })),
  max_iterations: Type.Optional(Type.Integer({ minimum: 1, description: 'stop after this many search steps (reproducible on any machine)' })),
}, { additionalProperties: false })
export type ZoningRequest = Static<typeof ZoningRequest>

/** Options of importing the current responsibility grids. */
export const CurrentImportOptions = Type.Object({
  layout_id: Type.Integer({ minimum: 1 }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  code_field: Type.Optional(Type.String({ description: 'grid code property / column; default code (or 网格编码)' })),
  name_field: Type.Optional(Type.String({ description: 'grid name property / column; default name_zh (or 网格名称)' })),
  worker_field: Type.Optional(Type.String({ description: 'worker property / column; default worker_id (or 网格员)' })),
  cell_field: Type.Optional(Type.String({ description: 'table form: the cell-code column; default cell_code (or 单元网格编码)' })),
  crs: Type.Optional(Type.String({ description: 'polygons: WGS84 (default), GCJ02, BD09, CGCS2000 or EPSG:nnnn' })),
  workload: Type.Optional(WorkloadDefinition),
}, { additionalProperties: false })
export type CurrentImportOptions = Static<typeof CurrentImportOptions>
