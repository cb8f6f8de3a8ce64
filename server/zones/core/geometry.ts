/**
 * Cell geometry used by zone compactness: areas, centred centroids, edge lengths and each cell's
 * outer boundary, plus the two per-zone compactness measures. Shared by the metrics and the local
 * search so that the objective optimised is exactly the figure reported.
 */
import type { Csr } from '../../shared/csr'
import type { CompactnessMeasure, ZoningInput } from './types'

/** Per-cell geometry derived once from a `ZoningInput`. */
export interface CellGeometry {
  /** cell area, m² (given, or equal squares sized from centroid spacing) */
  area: Float64Array
  /** centroid easting minus `originX`, metres (centring keeps Σx² well conditioned) */
  x: Float64Array
  /** centroid northing minus `originY`, metres */
  y: Float64Array
  originX: number
  originY: number
  /** moment of inertia of each cell about its own centroid, m⁴, taken as a disc of equal area: a²/(2π) */
  selfInertia: Float64Array
  /** reported per-zone compactness: Polsby-Popper when edge lengths were given, else inertia ratio */
  measure: CompactnessMeasure
  /**
   * shared-edge length per adjacency entry, metres: given by `perimeterEdges`, else every edge is
   * taken as one typical cell side (boundary length then counts shared edges)
   */
  edgeLength: Float64Array
  /** boundary of each cell not shared with any other cell, metres (given or estimated, see `ZoningInput.perimeter`) */
  exterior: Float64Array
}

/** Derives the geometry of every cell; see `ZoningInput.area`, `perimeterEdges`, `perimeter`. */
export function cellGeometry(input: ZoningInput): CellGeometry {
  const { n, adjacency } = input
  let ox = 0
  let oy = 0
  for (let i = 0; i < n; i++) {
    ox += input.x[i]
    oy += input.y[i]
  }
  ox = n ? ox / n : 0
  oy = n ? oy / n : 0
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = input.x[i] - ox
    y[i] = input.y[i] - oy
  }
  const spacing = typicalSpacing(adjacency, x, y)
  const area = input.area ? Float64Array.from(input.area) : new Float64Array(n).fill(spacing * spacing)
  const selfInertia = new Float64Array(n)
  for (let i = 0; i < n; i++) selfInertia[i] = (area[i] * area[i]) / (2 * Math.PI)

  const edgeLength = input.perimeterEdges ?? new Float64Array(adjacency.indices.length).fill(spacing)
  const exterior = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let shared = 0
    for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) shared += edgeLength[e]
    const full = input.perimeter ? input.perimeter[i] : 4 * Math.sqrt(area[i])
    exterior[i] = Math.max(0, full - shared)
  }
  const measure = input.perimeterEdges ? 'polsby-popper' : 'inertia'
  return { area, x, y, originX: ox, originY: oy, selfInertia, measure, edgeLength, exterior }
}

/**
 * Median over cells of the mean centroid distance to their neighbours, metres: the side of the
 * equal squares assumed when no areas are given (unit grids are near-equal squares). 1 when no
 * cell has a neighbour.
 */
export function typicalSpacing(adjacency: Csr, x: Float64Array, y: Float64Array): number {
  const means: number[] = []
  for (let i = 0; i < adjacency.n; i++) {
    const a = adjacency.offsets[i]
    const b = adjacency.offsets[i + 1]
    if (a === b) continue
    let s = 0
    for (let e = a; e < b; e++) {
      const j = adjacency.indices[e]
      s += Math.hypot(x[i] - x[j], y[i] - y[j])
    }
    means.push(s / (b - a))
  }
  if (!means.length) return 1
  means.sort((p, q) => p - q)
  const s = means[means.length >> 1]
  return s > 0 ? s : 1
}

/**
 * Inertia compactness of one zone, A²/(2π·I) in (0, 1] (1 = a disc), after Weaver & Hess (1963)
 * and Kaiser (1966): I = Σ a_i·|p_i − c|² + Σ self-inertia, from the running sums
 * `sa` = Σa, `sx` = Σa·x, `sy` = Σa·y, `sq` = Σ(a·(x² + y²) + self-inertia).
 */
export function inertiaCompactness(sa: number, sx: number, sy: number, sq: number): number {
  if (sa <= 0) return 0
  const inertia = sq - (sx * sx + sy * sy) / sa
  if (!(inertia > 0)) return 1
  return Math.min(1, (sa * sa) / (2 * Math.PI * inertia))
}

/** Polsby-Popper compactness 4πA/P² in (0, 1] (1 = a disc) from area (m²) and perimeter (m). */
export function polsbyPopper(sa: number, perimeter: number): number {
  if (sa <= 0 || !(perimeter > 0)) return 0
  return Math.min(1, (4 * Math.PI * sa) / (perimeter * perimeter))
}
