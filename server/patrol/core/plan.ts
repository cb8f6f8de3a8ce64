/**
 * The daily patrol plan: a team orienteering problem with time windows and mandatory visits on the
 * street graph. Each worker walks from their start to their end within their shift; every mandatory
 * cell must be visited (passed by), and spare time goes to dwell at priority cells, the
 * hot-spot-policing dosage of Koper (1995). Plans are ranked lexicographically: mandatory cells
 * covered, then Σ priority × dwell minutes, then metres walked.
 *
 * Method, after the iterated local search for the team orienteering problem with time windows of
 * Vansteenwegen, Souffriau, Vanden Berghe & Van Oudheusden (2009, Comput. Oper. Res. 36(12)):
 * 1. construction: mandatory cells by parallel insertion with Solomon's (1987) I1 criterion, time
 *    windows checked in O(1) with Savelsbergh's (1992) forward slack (route-construct.ts); with
 *    cross-help each worker still starts from their own grids;
 * 2. local search: 2-opt (Croes 1958) and or-opt (Or 1976) within routes; relocate, exchange and
 *    CROSS exchange (Taillard et al. 1997) between routes that may share cells (route-search.ts);
 *    greedy dwell insertion by value per minute and replace moves, k-for-1 and 1-for-k
 *    (route-dwell.ts); for routes that may share cells also value-driven relocate, exchange and
 *    route swap, which move work to whoever has time so the other can dwell (this file);
 * 3. iterated local search until the time budget or iteration cap: perturb one route (with
 *    cross-help, a pair of neighbouring routes) — a segment ruin whose length grows while the search
 *    stalls (Vansteenwegen's shake), a scattered ruin (ruin and recreate, Schrimpf et al. 2000,
 *    J. Comput. Phys. 159), a double-bridge kick (Martin, Otto & Felten 1991), a dwell reset, or a
 *    rebuild of the hot cells or of the whole pair — reinsert (cheapest, dwell-first, or to a random
 *    eligible worker), re-optimise, and keep the result unless the objective got worse; a slightly
 *    worse one is kept now and then (threshold accepting, Dueck & Scheuer 1990), the best plan is
 *    kept aside and the search returns to it after `RESTART_AFTER` fruitless iterations.
 * All random choices come from one seeded generator, so a run is reproducible for its seed.
 */
import { seededRandom, type Random } from '../../shared/random'
import type { PatrolInstance, PatrolPlan, PlanObjective, PlanOptions } from './plan-types'
import { assemblePlan, planObjective } from './plan-output'
import { fitsAlone, InsertionCache, insertEach, insertMandatory } from './route-construct'
import { compare, localObjective, withinThreshold } from './route-objective'
import { interRoute, shiftWork, swapRoutes, swapWork } from './route-pair'
import { doubleBridge, resetDwell, ruinScattered, ruinSegment } from './route-perturb'
import { polish } from './route-polish'
import { improveRoute } from './route-search'
import { compileProblem, RouteSet, type RouteSnapshot } from './route-state'

export type * from './plan-types'

const DEFAULT_BUDGET_MS = 2000
const I1_LAMBDA = 1 // Solomon's λ: weight of the distance from the start in choosing the next cell
// mix of perturbations (tuned on the synthetic city and the exact small cases in the tests)
const DOUBLE_BRIDGE_SHARE = 0.35
const SCATTERED_SHARE = 0.25
const DWELL_RESET_SHARE = 0.2
const DWELL_FIRST_SHARE = 0.3
const RANDOM_ROUTE_SHARE = 0.3
const HOT_REBUILD_SHARE = 0.1
const PAIR_REBUILD_SHARE = 0.1
const WORSE_ACCEPT_SHARE = 0.1 // chance to keep a result worse than the current plan …
const ACCEPT_THRESHOLD = 0.03 // … by at most this share of dwell value and of metres
const RESTART_AFTER = 300 // iterations without a new best before returning to the best plan
const PRIORITY_BLUR = 0.4 // ± 20 % noise on priorities when reinserting dwell-first
const INTER_ROUTE_PASSES = 50 // cap on relocate/exchange sweeps over all route pairs at construction

/**
 * Plans the day for all workers (see the module comment for the method and the objective).
 * Deterministic for a seed up to where the time budget stops the search (see `maxIterations`).
 */
export function planPatrol(instance: PatrolInstance, options: PlanOptions = {}): PatrolPlan {
  const t0 = performance.now()
  const budget = options.timeBudgetMs ?? DEFAULT_BUDGET_MS
  const seed = options.seed ?? 1
  const maxIterations = options.maxIterations ?? Infinity
  const p = compileProblem(instance, options.allowCrossHelp ?? false)
  const rand = seededRandom(seed)
  const rs = new RouteSet(p)
  const cache = new InsertionCache(rs)
  const { C, W } = p

  // cells worth trying: mandatory ones some eligible worker can reach in time; optional ones with value
  const mandatory: number[] = []
  const optionalList: number[] = []
  for (let c = 0; c < C; c++) {
    if (p.eligOffsets[c + 1] === p.eligOffsets[c] || !fitsAlone(rs, c)) continue
    if (p.mandatory[c]) mandatory.push(c)
    else if (p.value[c] > 0) optionalList.push(c)
  }
  const optional = Int32Array.from(optionalList)
  let shared = false // some cell may go to more than one worker: inter-route moves matter
  for (let c = 0; c < C && !shared; c++) shared = p.eligOffsets[c + 1] - p.eligOffsets[c] > 1

  // 1. construction; with cross-help each worker still starts from their own grids, and help across
  // grids comes from the search (value-driven relocate and exchange), not from a mixed-up start
  insertMandatory(rs, cache, mandatory, undefined, I1_LAMBDA, shared ? p.owner : undefined)
  const all = Array.from({ length: W }, (_, r) => r)
  for (const r of all) improveRoute(rs, r)
  if (shared) interRoute(rs, all, INTER_ROUTE_PASSES)
  const missing = mandatory.filter((c) => rs.routeOf[c] < 0)
  if (missing.length > 0) insertMandatory(rs, cache, missing, undefined, 0)
  polish(rs, cache, all, optional)

  let best = planObjective(rs)
  const bestRs = new RouteSet(p)
  bestRs.copyFrom(rs)
  let sinceBest = 0
  options.onImprove?.(best, performance.now() - t0)

  // 3. iterated local search
  const strength = new Int32Array(W).fill(1)
  const allowed = new Uint8Array(W)
  let iterations = 0
  while (iterations < maxIterations && performance.now() - t0 < budget) {
    iterations++
    const r = pickRoute(rs, rand)
    if (r < 0) break
    const touched = [r]
    if (shared) {
      const other = neighbourRoute(rs, r, rand)
      if (other >= 0) touched.push(other)
    }
    const before = localObjective(rs, touched)
    const snap = rs.snapshot(touched)

    const { removed, hotFirst } = perturb(rs, touched, strength[r], rand)
    for (const t of touched) allowed[t] = 1
    // removed mandatory cells, plus any still unrouted that these routes may take
    const pending = removed.filter((c) => p.mandatory[c] === 1)
    for (const c of mandatory) {
      if (rs.routeOf[c] >= 0 || pending.includes(c)) continue
      for (const t of touched) if (p.eligible[c * W + t]) {
        pending.push(c)
        break
      }
    }
    // recreate: sometimes hot cells first as dwell visits, or (with cross-help) to a random worker
    const u = rand()
    let rest = shuffle(pending, rand)
    if (hotFirst || u < DWELL_FIRST_SHARE) {
      // priority order, blurred so that repeated rebuilds differ
      const key = new Map(rest.map((c) => [c, p.priority[c] * (1 - PRIORITY_BLUR / 2 + PRIORITY_BLUR * rand())]))
      rest.sort((a, b) => key.get(b)! - key.get(a)!)
      rest = insertEach(rs, rest, allowed, 'dwell', rand)
    } else if (touched.length > 1 && u < DWELL_FIRST_SHARE + RANDOM_ROUTE_SHARE) {
      rest = insertEach(rs, rest, allowed, 'random-route', rand)
    }
    insertMandatory(rs, cache, rest, allowed, Math.floor(rand() * 3) * I1_LAMBDA)
    for (const t of touched) allowed[t] = 0
    if (touched.length > 1) interRoute(rs, touched, 2)
    polish(rs, cache, touched, optional)
    if (touched.length > 1) {
      const [a, b] = touched
      if (
        swapRoutes(rs, cache, a, b, optional) ||
        shiftWork(rs, cache, a, b, optional, rand) ||
        shiftWork(rs, cache, b, a, optional, rand) ||
        swapWork(rs, cache, a, b, optional, rand)
      ) {
        polish(rs, cache, touched, optional)
      }
    }

    const after = localObjective(rs, touched)
    const cmp = compare(after, before)
    let broken = false // a kick may overrun the shift; never keep that
    for (const t of touched) if (!rs.ok[t] && snapOk(snap, t)) broken = true
    // threshold accepting (Dueck & Scheuer 1990): now and then keep a slightly worse result, so the
    // search can leave a basin; the best plan is kept aside and the search returns to it when stuck
    const accept = !broken && (cmp >= 0 || (after.covered === before.covered && rand() < WORSE_ACCEPT_SHARE && withinThreshold(after, before, ACCEPT_THRESHOLD)))
    if (!accept) {
      rs.restore(snap)
      strength[r] = strength[r] >= Math.max(2, (rs.len[r] - 2) >> 1) ? 1 : strength[r] + 1
    } else {
      if (cmp > 0) strength[r] = 1
      const now = planObjective(rs)
      if (compareObjectives(now, best) > 0) {
        best = now
        bestRs.copyFrom(rs)
        sinceBest = 0
        options.onImprove?.(best, performance.now() - t0)
      }
    }
    if (++sinceBest >= RESTART_AFTER) {
      rs.copyFrom(bestRs)
      sinceBest = 0
    }
  }

  return assemblePlan(instance, bestRs, { method: 'ils', seed, iterations, elapsedMs: performance.now() - t0 })
}

/** Comparison of two plans' objectives in the planners' order (> 0: a better). */
export function compareObjectives(a: PlanObjective, b: PlanObjective): number {
  return compare(
    { covered: a.mandatoryCovered, value: a.dwellValue, dist: a.lengthM },
    { covered: b.mandatoryCovered, value: b.dwellValue, dist: b.lengthM },
  )
}

/** Whether route t was feasible when the snapshot was taken. */
function snapOk(snap: RouteSnapshot, t: number): boolean {
  return snap.ok[snap.routes.indexOf(t)] === 1
}

/** A shuffled copy (Fisher–Yates). */
function shuffle(a: number[], rand: Random): number[] {
  const out = a.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const t = out[i]
    out[i] = out[j]
    out[j] = t
  }
  return out
}

/** A random route with at least one visit, or -1. */
function pickRoute(rs: RouteSet, rand: Random): number {
  const W = rs.p.W
  const start = Math.floor(rand() * W)
  for (let i = 0; i < W; i++) {
    const r = (start + i) % W
    if (rs.len[r] > 2) return r
  }
  return -1
}

/**
 * Another route that could take a random visit c of route r: the one nearest to c, measured to its
 * visits or its start and end (so that idle workers are found too); -1 if c may go nowhere else.
 */
function neighbourRoute(rs: RouteSet, r: number, rand: Random): number {
  const { D, N, C, W, eligible } = rs.p
  const c = rs.seq[r][1 + Math.floor(rand() * (rs.len[r] - 2))]
  const near = new Float64Array(W)
  for (let t = 0; t < W; t++) near[t] = Math.min(D[c * N + C + 2 * t], D[c * N + C + 2 * t + 1])
  for (let d = 0; d < C; d++) {
    const o = rs.routeOf[d]
    if (o >= 0 && D[c * N + d] < near[o]) near[o] = D[c * N + d]
  }
  let bestR = -1
  for (let t = 0; t < W; t++) {
    if (t === r || !eligible[c * W + t]) continue
    if (bestR < 0 || near[t] < near[bestR]) bestR = t
  }
  return bestR
}

/**
 * One perturbation of the touched routes (see route-perturb.ts): sometimes a dwell reset first, then
 * a double bridge, a segment ruin of `strength` visits, or a scattered ruin. Now and then instead a
 * hot rebuild: every visit worth a dwell leaves, to come back dwell-first in priority order; with
 * two routes, sometimes a pair rebuild: all their visits leave and are shared out afresh.
 * @returns the cells removed from their routes, and whether to reinsert them dwell-first
 */
function perturb(rs: RouteSet, touched: number[], strength: number, rand: Random): { removed: number[]; hotFirst: boolean } {
  if (touched.length > 1 && rand() < PAIR_REBUILD_SHARE) {
    // both routes emptied: the pair's cells are shared out afresh, hot ones first
    const removed: number[] = []
    for (const t of touched) {
      resetDwell(rs, t)
      while (rs.len[t] > 2) removed.push(rs.removeAt(t, 1, false))
      rs.refresh(t)
    }
    return { removed, hotFirst: true }
  }
  if (rand() < HOT_REBUILD_SHARE) {
    const removed: number[] = []
    for (const t of touched) {
      resetDwell(rs, t)
      for (let k = rs.len[t] - 2; k >= 1; k--) if (rs.p.value[rs.seq[t][k]] > 0) removed.push(rs.removeAt(t, k, false))
      rs.refresh(t)
    }
    return { removed, hotFirst: true }
  }
  if (rand() < DWELL_RESET_SHARE) for (const t of touched) resetDwell(rs, t)
  const r = touched[0]
  const u = rand()
  if (u < DOUBLE_BRIDGE_SHARE && doubleBridge(rs, r, rand)) return { removed: [], hotFirst: false }
  if (touched.length === 1 && u < 1 - SCATTERED_SHARE) return { removed: ruinSegment(rs, r, strength, rand), hotFirst: false }
  return { removed: ruinScattered(rs, touched, strength, rand), hotFirst: false }
}

