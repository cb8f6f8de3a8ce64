/**
 * Shapes exchanged by the responsibility-grid (责任网格) zoning core. Everything is indexed by cell
 * (0 … n − 1) or by zone (0 … K − 1); coordinates are planar metres in one projected CRS.
 */
import type { Csr } from '../../shared/csr'

/** The cells to partition and everything known about them, cell order throughout. */
export interface ZoningInput {
  /** number of unit cells */
  n: number
  /** cells sharing an edge (rook contiguity), symmetric, self excluded */
  adjacency: Csr
  /** workload per cell (cases, patrol minutes …), ≥ 0 */
  workload: Float64Array
  /** cell centroid easting, metres (projected CRS) */
  x: Float64Array
  /** cell centroid northing, metres (projected CRS) */
  y: Float64Array
  /** cell area, m²; when absent all cells are taken as equal squares sized from centroid spacing */
  area?: Float64Array
  /**
   * length of the boundary shared with each neighbour, metres, aligned with `adjacency.indices`
   * (entry `e` is the edge between cell i and `adjacency.indices[e]`). With it, boundary length in
   * the objective is exact and reported compactness is Polsby-Popper; without it every shared edge
   * counts as one typical cell side and reported compactness is the moment-of-inertia ratio
   */
  perimeterEdges?: Float64Array
  /**
   * full perimeter of each cell, metres; gives each cell's outer (unshared) boundary exactly, which
   * otherwise is estimated as 4·√area − shared length (exact for square cells)
   */
  perimeter?: Float64Array
  /** community / street id per cell (≥ 0); with `nesting` every zone stays inside one group */
  group?: Int32Array
  /** −1 for a free cell, else the zone id (0 … K − 1) the cell must stay in */
  fixed?: Int32Array
  /** current zone id per cell (−1 for none), to limit how many cells change hands */
  current?: Int32Array
  /** recurring-problem cluster id per cell (−1 for none); splitting a cluster between zones is penalised */
  clusters?: Int32Array
}

/**
 * Weights of the objective terms (all ≥ 0). Each term is counted in zone-sized units so a weight
 * means the same for any K and cell size (see server/zones/core/state.ts for the formulas).
 */
export interface ZoningWeights {
  /**
   * workload balance: Σ over zones of the squared deviation from the zone's target, in units of the
   * tolerance τ (gentle inside ±τ, steep beyond)
   */
  balance: number
  /** total boundary length between zones, in perimeters of an ideal disc-shaped zone */
  compactness: number
  /** cells whose zone differs from `current`, in average zones' worth of cells (needs `current`) */
  similarity: number
  /** extra zones touching each recurring-problem cluster, summed (needs `clusters`) */
  clusters: number
}

/**
 * Default weights: one ideal zone perimeter of extra boundary weighs as much as one zone's worth of
 * moved cells, or one more zone cutting through a problem cluster.
 */
export const DEFAULT_WEIGHTS: ZoningWeights = { balance: 1, compactness: 1, similarity: 1, clusters: 1 }

/** Default balance tolerance τ: ±3 % keeps heaviest / lightest below 1.07. */
export const DEFAULT_BALANCE_TOLERANCE = 0.03

/** Progress report handed to `onProgress`. */
export interface ZoningProgress {
  phase: 'construct' | 'search' | 'done'
  /** share of the budget (time or iterations, whichever runs out first) used, 0 … 1 */
  fraction: number
  /** CV of zone workloads in the best plan so far (population std / mean); NaN before the first plan */
  cv: number
  iteration: number
}

/** Options of `balancedZones`. */
export interface ZoningOptions {
  /** number of zones (责任网格) to draw */
  K: number
  /** keep every zone inside one `group`; K is then apportioned among groups by workload. Default false */
  nesting?: boolean
  /** objective weights; missing entries take `DEFAULT_WEIGHTS` */
  weights?: Partial<ZoningWeights>
  /**
   * relative deviation of a zone's workload from its target that counts as balanced (τ); inside
   * ±τ shape and similarity may be traded against balance, beyond it overload is steeply penalised.
   * Default `DEFAULT_BALANCE_TOLERANCE`
   */
  balanceTolerance?: number
  /** largest allowed distance between two cell centroids of one zone, metres. Default none */
  maxDiameter?: number
  /** wall-clock budget including construction, ms. Default 10,000 */
  timeBudgetMs?: number
  /**
   * stop after this many local-search iterations. The search trajectory depends only on `seed`, so
   * with a budget of iterations (and ample time) the result is reproducible. Default unlimited
   */
  maxIterations?: number
  /** seed of the pseudo-random generator. Default 1 */
  seed?: number
  /** called during the search (about four times a second) and once at the end */
  onProgress?: (p: ZoningProgress) => void
}

/** How per-zone compactness is measured. */
export type CompactnessMeasure = 'polsby-popper' | 'inertia'

/** Metrics of one assignment of cells to zones (current or proposed). */
export interface ZoningMetrics {
  /** number of zones (ids 0 … K − 1; empty zones count) */
  K: number
  /** workload per zone */
  workload: Float64Array
  /** cells per zone */
  cells: Int32Array
  /** population standard deviation / mean of zone workloads (the definition spopt users quote) */
  cv: number
  /** heaviest / lightest zone workload (Infinity when a zone carries none) */
  maxOverMin: number
  /** per zone: all its cells form one piece through shared edges (an empty zone is not contiguous) */
  contiguous: boolean[]
  /** connected pieces per zone */
  pieces: Int32Array
  /** per zone, in (0, 1], 1 = disc: Polsby-Popper 4πA/P² or inertia ratio A²/(2πI) */
  compactness: Float64Array
  compactnessMeasure: CompactnessMeasure
  /** largest centroid-to-centroid distance inside each zone, metres */
  diameter: Float64Array
  /** cells whose zone differs from `current`; null without `current` */
  cellsMoved: number | null
  /** clusters spread over more than one zone; null without `clusters` */
  clustersSplit: number | null
}

/** One point of the CV-over-time curve. */
export interface HistoryPoint {
  /** milliseconds since `balancedZones` started */
  ms: number
  /** CV of the best plan at that time */
  cv: number
  /** heaviest / lightest zone workload of the best plan at that time */
  maxOverMin: number
}

/** A validation finding: what failed, where, and what to do. */
export interface ZoningIssue {
  code: ZoningIssueCode
  message: string
  details: Record<string, unknown>
}

/** Stable codes of validation findings (errors and warnings). */
export type ZoningIssueCode =
  | 'INPUT_SHAPE'
  | 'ADJACENCY_INVALID'
  | 'WORKLOAD_INVALID'
  | 'WORKLOAD_ZERO'
  | 'OPTIONS_INVALID'
  | 'K_EXCEEDS_CELLS'
  | 'K_EXCEEDS_FREE_CELLS'
  | 'K_BELOW_GROUPS'
  | 'K_BELOW_PIECES'
  | 'GROUP_DISCONNECTED'
  | 'FIXED_ZONE_OUT_OF_RANGE'
  | 'FIXED_ZONE_ACROSS_REGIONS'
  | 'FIXED_ZONE_DISCONNECTED'
  | 'FIXED_ZONES_CONFLICT'
  | 'FIXED_ZONE_TOO_WIDE'
  | 'TOO_FEW_ZONES'
  | 'MAX_DIAMETER_TOO_SMALL'
  | 'GRAPH_PIECES'
  | 'BALANCE_LIMITED'
  | 'MAX_DIAMETER_UNMET'

/** The result of `balancedZones`: the plan, its metrics and how the search went. */
export interface ZoningResult extends ZoningMetrics {
  /** zone id per cell, 0 … K − 1 */
  zone: Int32Array
  /** group id of each zone under nesting, −1 otherwise */
  zoneGroup: Int32Array
  /** best-plan CV over time */
  history: HistoryPoint[]
  /** local-search iterations run */
  iterations: number
  /** wall time, ms */
  elapsedMs: number
  /** findings that did not stop the run (e.g. balance limited by nesting) */
  warnings: ZoningIssue[]
}
