/**
 * Local search that refines a contiguous zoning towards balanced workload and clean boundaries.
 *
 * Neighbourhood: migration of one boundary cell to an adjacent zone — the move of AZP (Openshaw
 * 1977; Openshaw & Rao 1995) and of the districting local searches compared by Ricca & Simeone
 * (2008) and used by Bozkaya, Erkut & Laporte (2003) — plus, our addition, two-cell swaps across a
 * boundary, which let a zone trade a heavy cell for a light one when a single migration would
 * overshoot. A move is allowed only when the cell can leave its zone without splitting it
 * (`DetachCheck`), never empties a zone, stays in the cell's region (group under nesting) and
 * respects the diameter limit.
 *
 * Acceptance: simulated annealing (Kirkpatrick et al. 1983), one of the four schemes Ricca & Simeone
 * (2008) found effective for districting — an uphill move of size Δ is taken with probability
 * exp(−Δ/T) — combined with a short tabu tenure on sending a cell straight back to the zone it just
 * left, the recency rule of Bozkaya et al.'s tabu search, so that low-temperature phases do not
 * cycle. The temperature falls geometrically per block of iterations; when a cooling run ends the
 * search restarts from the best plan with a recalibrated temperature (reheating), and stops after
 * PATIENCE runs without gain, at `maxIterations`, or at the deadline.
 *
 * Reproducibility: every decision depends only on the seeded generator and the iteration count.
 * The clock is read every CLOCK_STRIDE iterations and only decides when to stop, so a run bounded
 * by `maxIterations` (with time to spare) returns the same plan on every machine.
 */
import type { Random } from '../../shared/random'
import { DetachCheck } from './contiguity'
import type { ZoningState } from './state'
import type { HistoryPoint, ZoningProgress } from './types'

/** Iterations between clock readings (cheap enough to be invisible, frequent enough to stop on time). */
const CLOCK_STRIDE = 1024
/** Geometric cooling factor per temperature block. */
const COOLING = 0.95
/**
 * A cooling run ends when the temperature has fallen by this factor: far on the first run, which
 * starts from the rough construction, less on reheats, which only need to shake the best plan.
 */
const FIRST_SPAN = 1e-3
const REHEAT_SPAN = 1e-2
/**
 * Start temperature: an uphill move at this quantile of sampled uphill Δ is accepted with
 * probability START_ACCEPT. A low quantile tunes the heat to shape-sized moves rather than to the
 * big balance-breaking ones, which would only scramble boundaries.
 */
const START_QUANTILE = 0.1
const START_ACCEPT = 0.3
/** Cooling runs without a relative gain above IMPROVEMENT before the search declares convergence. */
const PATIENCE = 4
const IMPROVEMENT = 1e-6
/** Share of uphill single moves for which a swap is tried instead. */
const SWAP_SHARE = 0.25
/** Tabu tenure, in sweeps of the boundary (one sweep = as many iterations as boundary cells). */
const TABU_SWEEPS = 0.5
/** Most cells a composite move may carry along with a cut cell, as a share of the mean zone size (and 4 … 32). */
const PENDANT_SHARE = 0.25
/** Iterations per temperature block: at least this many, and at least n. */
const MIN_BLOCK = 2000
/** Minimum milliseconds between history points and between progress calls. */
const HISTORY_MS = 100
const PROGRESS_MS = 250

export interface SearchSettings {
  rand: Random
  /** performance.now() value at which to stop */
  deadline: number
  /** performance.now() value when the whole run started (history times count from it) */
  startedAt: number
  /** total time budget, ms (for progress fractions) */
  budgetMs: number
  maxIterations: number
  /** largest centroid distance inside a zone, metres */
  maxDiameter?: number
  x: Float64Array
  y: Float64Array
  onProgress?: (p: ZoningProgress) => void
}

export interface SearchOutcome {
  /** best zoning found */
  zone: Int32Array
  iterations: number
  history: HistoryPoint[]
}

/** Runs the local search on `state` (which ends holding the best plan) and reports the best zoning. */
export function localSearch(state: ZoningState, settings: SearchSettings): SearchOutcome {
  const { rand, maxIterations } = settings
  const { offsets, indices } = state.adjacency
  const zone = state.zone
  const detach = new DetachCheck(state.adjacency)
  const D2 = settings.maxDiameter !== undefined ? settings.maxDiameter ** 2 : Infinity
  const { x, y } = settings
  const { zoneRegion, region: cellRegion, locked } = state.plan

  const pendantLimit = Math.max(4, Math.min(32, Math.round((PENDANT_SHARE * state.n) / state.K)))
  const tabuZone = new Int32Array(state.n).fill(-1)
  const tabuUntil = new Float64Array(state.n)
  let tenure = 0

  const fits = (i: number, b: number): boolean => {
    if (D2 === Infinity || !state.members) return true
    for (const j of state.members[b]) if ((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 > D2) return false
    return true
  }

  // Best target zone for cell i among its neighbouring zones, −1 when none is allowed.
  let candidateDelta = 0
  const bestTarget = (i: number, it: number): number => {
    const a = zone[i]
    let best = -1
    let bestD = Infinity
    let seen0 = -1
    let seen1 = -1
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const b = zone[indices[e]]
      if (b === a || b === seen0 || b === seen1 || zoneRegion[b] !== cellRegion[i]) continue
      seen1 = seen0
      seen0 = b
      if (tabuZone[i] === b && tabuUntil[i] > it) continue
      const d = state.delta(i, b)
      if (d < bestD) {
        bestD = d
        best = b
      }
    }
    candidateDelta = bestD
    return best
  }

  // Low quantile of uphill Δ over a sample of moves: the temperature scale of the current landscape.
  const calibrate = (): number => {
    const ups: number[] = []
    const samples = Math.min(2000, 4 * state.boundaryCount)
    for (let s = 0; s < samples; s++) {
      const i = state.boundary[Math.floor(rand() * state.boundaryCount)]
      if (bestTarget(i, 0) >= 0 && candidateDelta > 0) ups.push(candidateDelta)
    }
    if (!ups.length) return 1e-9
    ups.sort((p, q) => p - q)
    return ups[Math.floor(START_QUANTILE * ups.length)] / Math.log(1 / START_ACCEPT)
  }

  // Swap: i goes to b and a neighbour j of i in b comes to a. Applies i's move; returns the
  // partner and leaves Δ in candidateDelta, or undoes the move and returns −1.
  const trySwap = (i: number, b: number, dI: number, it: number): number => {
    const a = zone[i]
    if (!detach.canDetach(zone, i) || !fits(i, b)) return -1
    state.move(i, b)
    let partner = -1
    let bestD = Infinity
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e]
      if (zone[j] !== b || locked[j] || (tabuZone[j] === a && tabuUntil[j] > it)) continue
      let touchesA = false
      for (let f = offsets[j]; f < offsets[j + 1] && !touchesA; f++) touchesA = zone[indices[f]] === a
      if (!touchesA) continue
      const d = state.delta(j, a)
      if (d < bestD) {
        bestD = d
        partner = j
      }
    }
    if (partner >= 0 && detach.canDetach(zone, partner) && fits(partner, a)) {
      candidateDelta = dI + bestD
      return partner
    }
    state.move(i, a)
    return -1
  }

  const history: HistoryPoint[] = []
  const best = Int32Array.from(zone)
  let bestF = state.objective()
  let bestCv = state.cv()
  let bestMm = state.maxOverMin()
  const started = settings.startedAt
  const now0 = performance.now()
  history.push({ ms: now0 - started, cv: bestCv, maxOverMin: bestMm })
  let lastHistory = now0
  let lastProgress = now0

  // With an iteration budget, blocks shrink so that at least two cooling runs fit in it.
  const runBlocks = Math.ceil(Math.log(FIRST_SPAN) / Math.log(COOLING))
  const block = Math.max(100, Math.min(Math.max(MIN_BLOCK, state.n), Math.floor(maxIterations / (2 * runBlocks))))
  let T0 = calibrate()
  let T = T0
  let stale = 0
  let improved = false
  let span = FIRST_SPAN
  let it = 0
  while (it < maxIterations && state.boundaryCount > 0) {
    if (it % CLOCK_STRIDE === 0) {
      const now = performance.now()
      if (now >= settings.deadline) break
      if (now - lastHistory >= HISTORY_MS) {
        history.push({ ms: now - started, cv: bestCv, maxOverMin: bestMm })
        lastHistory = now
      }
      if (settings.onProgress && now - lastProgress >= PROGRESS_MS) {
        const fraction = Math.min(1, Math.max((now - started) / settings.budgetMs, it / maxIterations))
        settings.onProgress({ phase: 'search', fraction, cv: bestCv, iteration: it })
        lastProgress = now
      }
    }
    if (it > 0 && it % block === 0) {
      state.recompute()
      const f = state.objective()
      if (f < bestF) {
        if (f < bestF - IMPROVEMENT * Math.abs(bestF)) improved = true
        bestF = f
        best.set(zone)
        bestCv = state.cv()
        bestMm = state.maxOverMin()
      }
      tenure = TABU_SWEEPS * state.boundaryCount
      T *= COOLING
      if (T < T0 * span) {
        stale = improved ? 0 : stale + 1
        if (stale >= PATIENCE) break
        improved = false
        state.load(best)
        T0 = calibrate()
        T = T0
        span = REHEAT_SPAN
      }
    }
    it++
    const i = state.boundary[Math.floor(rand() * state.boundaryCount)]
    const a = zone[i]
    const b = bestTarget(i, it)
    if (b < 0) continue
    const d = candidateDelta
    if (d > 0 && rand() < SWAP_SHARE) {
      // i has moved to b tentatively; keep the swap only if it beats the single move and passes.
      const partner = trySwap(i, b, d, it)
      if (partner >= 0) {
        const ds = candidateDelta
        if (ds < d && (ds <= 0 || rand() < Math.exp(-ds / T))) {
          state.move(partner, a)
          tabuZone[i] = a
          tabuUntil[i] = it + tenure
          tabuZone[partner] = b
          tabuUntil[partner] = it + tenure
          continue
        }
        state.move(i, a)
      }
    }
    if (d > 0 && rand() >= Math.exp(-d / T)) continue
    if (!fits(i, b)) continue
    if (detach.canDetach(zone, i)) {
      state.move(i, b)
      tabuZone[i] = a
      tabuUntil[i] = it + tenure
      continue
    }
    // i holds a pendant of its zone (cells beyond a bridge, a dead-end street): move them together.
    const tail = detach.pendant(zone, i, pendantLimit, locked)
    if (!tail || !tail.length) continue
    state.move(i, b)
    let total = d
    let moved = 0
    for (; moved < tail.length; moved++) {
      const c = tail[moved]
      if (!fits(c, b)) break
      total += state.delta(c, b)
      state.move(c, b)
    }
    if (moved === tail.length && (total <= 0 || rand() < Math.exp(-total / T))) {
      tabuZone[i] = a
      tabuUntil[i] = it + tenure
      continue
    }
    while (moved > 0) state.move(tail[--moved], a)
    state.move(i, a)
  }

  state.recompute()
  if (state.objective() < bestF) {
    best.set(zone)
    bestCv = state.cv()
    bestMm = state.maxOverMin()
  } else state.load(best)
  const end = performance.now()
  history.push({ ms: end - started, cv: bestCv, maxOverMin: bestMm })
  return { zone: best, iterations: it, history }
}
