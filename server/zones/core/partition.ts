/**
 * Balanced responsibility grids (责任网格): partitions unit cells into K contiguous zones of
 * near-equal workload, optionally nested in communities, keeping fixed cells, staying close to the
 * current zoning and keeping recurring-problem clusters whole.
 *
 * Pipeline: `validateZoning` (infeasible requests are explained, not attempted) → Huntington–Hill
 * split of K among regions → `constructZones` (k-means++ kernels, lightest-first region growing) →
 * `localSearch` (AZP boundary moves, swaps and moves that carry a pendant along, under simulated
 * annealing with a short tabu list, delta-evaluated objective) → `zoningMetrics` on the best plan.
 */
import { seededRandom } from '../../shared/random'
import { constructZones } from './construct'
import { cellGeometry } from './geometry'
import { zoningMetrics } from './metrics'
import { localSearch } from './search'
import { ZoningState } from './state'
import { DEFAULT_BALANCE_TOLERANCE, DEFAULT_WEIGHTS, type ZoningInput, type ZoningIssue, type ZoningOptions, type ZoningResult } from './types'
import { validateZoning, ZoningInfeasibleError, type ZoningPlan } from './validate'

/** Time budget when none is given, ms. */
export const DEFAULT_TIME_BUDGET_MS = 10_000

/**
 * Draws K balanced, contiguous zones.
 * @param input    cells, rook adjacency, workload, centroids (metres, projected CRS) and optional
 *                 areas, shared-edge lengths, groups, fixed cells, current zoning, clusters
 * @param options  K, nesting, objective weights, maxDiameter (m), time / iteration budget, seed
 * @returns zone id per cell with the plan's metrics and its CV over time
 * @throws ZoningInfeasibleError (status 422) listing every reason the request cannot be met
 */
export function balancedZones(input: ZoningInput, options: ZoningOptions): ZoningResult {
  const startedAt = performance.now()
  const budgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS
  const validation = validateZoning(input, options)
  if (validation.errors.length || !validation.plan) throw new ZoningInfeasibleError(validation.errors)
  const plan = validation.plan
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights }
  const rand = seededRandom(options.seed ?? 1)
  const geo = cellGeometry(input)

  options.onProgress?.({ phase: 'construct', fraction: 0, cv: NaN, iteration: 0 })
  const initial = constructZones(input, geo, plan, rand, options.maxDiameter)
  const state = new ZoningState(input, geo, plan, initial, weights, options.balanceTolerance ?? DEFAULT_BALANCE_TOLERANCE, options.maxDiameter)
  const outcome = localSearch(state, {
    rand,
    deadline: startedAt + budgetMs,
    startedAt,
    budgetMs,
    maxIterations: options.maxIterations ?? Infinity,
    maxDiameter: options.maxDiameter,
    x: input.x,
    y: input.y,
    onProgress: options.onProgress,
  })

  const metrics = zoningMetrics(input, outcome.zone, plan.K, geo)
  const warnings = [...validation.warnings]
  if (options.maxDiameter !== undefined) {
    const unmet = diameterUnmet(metrics.diameter, options.maxDiameter)
    if (unmet) warnings.push(unmet)
  }
  options.onProgress?.({ phase: 'done', fraction: 1, cv: metrics.cv, iteration: outcome.iterations })
  return {
    ...metrics,
    zone: outcome.zone,
    zoneGroup: zoneGroups(plan, options.nesting === true),
    history: outcome.history,
    iterations: outcome.iterations,
    elapsedMs: performance.now() - startedAt,
    warnings,
  }
}

/** Warning naming the zones wider than maxDiameter (metres), or null when all fit. */
function diameterUnmet(diameter: Float64Array, D: number): ZoningIssue | null {
  const wide: number[] = []
  for (let z = 0; z < diameter.length; z++) if (diameter[z] > D + 1e-9) wide.push(z)
  if (!wide.length) return null
  const widest = Math.round(Math.max(...wide.map((z) => diameter[z])))
  const named = wide.slice(0, 5).join(', ') + (wide.length > 5 ? ` … and ${wide.length - 5} more` : '')
  return {
    code: 'MAX_DIAMETER_UNMET',
    message: `No plan was found with every zone at most ${D} m across: zone${wide.length > 1 ? 's' : ''} ${named} reach up to ${widest} m. Raise maxDiameter or K.`,
    details: { maxDiameter: D, zones: wide, diameters: wide.map((z) => diameter[z]) },
  }
}

function zoneGroups(plan: ZoningPlan, nesting: boolean): Int32Array {
  return Int32Array.from(plan.zoneRegion, (r) => (nesting ? plan.regionGroup[r] : -1))
}
