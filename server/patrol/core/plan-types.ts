/**
 * Types of the daily patrol plan: who walks where, in which order, and where they dwell.
 * Distances are metres on the street graph; times are minutes.
 */
import type { GraphPosition, XY } from './graph-geometry'

/** A unit cell to visit. */
export interface PatrolCell {
  id: string
  /** where the cell attaches to the street graph (a node, or a point on an edge) */
  node: GraphPosition
  /** weight of a minute of dwell here (e.g. hotspot z or case rate), ≥ 0 */
  priority: number
  /** true: must be visited (at least passed by) today */
  mandatory: boolean
  /** minutes to stay on a dwell visit: 0 for pass-by only, 10–15 for hotspots (Koper 1995 dosage) */
  dwellMinutes: number
  /**
   * when a visit may take place, [start, end] in minutes on the workers' clock (see
   * `PatrolWorker.shiftStart`): the visit, dwell included, must lie inside it; waiting is allowed
   */
  timeWindow?: [number, number]
}

/** A patrol worker's day. */
export interface PatrolWorker {
  id: string
  /** where the shift starts and ends (often the grid office); node or edge position */
  start: GraphPosition
  end: GraphPosition
  /** minutes from leaving `start` to reaching `end` */
  shiftMinutes: number
  /** walking speed, km/h; default 4.5 */
  speedKmh?: number
  /** minute of the day the shift starts (default 0): subtracted from cell time windows */
  shiftStart?: number
  /** ids of the cells this worker is responsible for (the cells of their grids) */
  cells: string[]
}

/** A planning problem: cells, workers and their walking distances. */
export interface PatrolInstance {
  cells: PatrolCell[]
  workers: PatrolWorker[]
  /**
   * Walking distances in metres, row-major (C + 2W) × (C + 2W): rows/columns 0..C-1 are the cells in
   * input order, C + 2w is worker w's start and C + 2w + 1 their end; Infinity where unreachable.
   */
  matrix: Float64Array
}

/** Options shared by the planners. */
export interface PlanOptions {
  /** wall-clock budget of the improvement phase, ms; default 2000 */
  timeBudgetMs?: number
  /** seed of the pseudo-random choices; default 1 */
  seed?: number
  /**
   * stop after this many improvement iterations (default unlimited). For a given seed the search
   * follows the same sequence of moves on every machine; the time budget only decides how far along
   * it stops. Set this (with a generous budget) for bit-identical plans across machines.
   */
  maxIterations?: number
  /** let a worker visit cells of other workers' grids; default false (each covers their own) */
  allowCrossHelp?: boolean
  /** called whenever the best plan improves, with its objective and the elapsed milliseconds */
  onImprove?: (objective: PlanObjective, elapsedMs: number) => void
}

/** Why a mandatory cell is not in the plan. */
export type UncoveredReason =
  /** no worker may visit it (in nobody's grids and cross-help off) */
  | 'no_worker'
  /** on a street component that no eligible worker's start and end are on */
  | 'unreachable'
  /** reachable, but its time window cannot be met within any eligible worker's shift */
  | 'time_window_infeasible'
  /** reachable, but the shift is too short to fit it (alone, or with the other mandatory cells) */
  | 'shift_too_short'

/** One stop of a worker's route. */
export interface PlannedStop {
  cell: string
  /** index of the cell in the instance */
  cellIndex: number
  node: GraphPosition
  /** minutes from shift start */
  arrival: number
  /** minutes waited for the time window to open */
  wait: number
  /** minutes of dwell (0 for a pass-by visit) */
  dwell: number
  departure: number
}

/** One worker's plan. */
export interface WorkerPlan {
  worker: string
  start: GraphPosition
  end: GraphPosition
  stops: PlannedStop[]
  /** walking metres, start to end */
  lengthM: number
  /** minutes from leaving start to reaching end (walking + waiting + dwell) */
  durationMin: number
  /** ids of the cells visited, in visiting order */
  coveredCells: string[]
  /** Σ priority × dwell minutes over this route */
  dwellValue: number
  /** false when even the direct walk from start to end does not fit the shift or is impossible */
  feasible: boolean
}

/** The quantities the plan is ranked by, in order: coverage, then dwell value, then walking. */
export interface PlanObjective {
  mandatoryCovered: number
  mandatoryTotal: number
  /** Σ priority × dwell minutes */
  dwellValue: number
  /** Σ dwell minutes */
  dwellMinutes: number
  /** total walking, metres */
  lengthM: number
}

/** A daily patrol plan. */
export interface PatrolPlan {
  workers: WorkerPlan[]
  /** mandatory cells left out, with the reason */
  uncovered: Array<{ cell: string; cellIndex: number; reason: UncoveredReason }>
  objective: PlanObjective
  stats: { method: 'ils' | 'nearest-neighbour'; seed: number; iterations: number; elapsedMs: number }
}

/** A worker's route as a LineString along the streets (projected metres). */
export interface RouteGeometry {
  worker: string
  coordinates: XY[]
  lengthM: number
}
