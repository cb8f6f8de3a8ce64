/**
 * Balanced responsibility grids at district scale: 10,000 cells, K = 200, 60 s budget. Prints the
 * CV of the best plan over time, the final plan's figures, and the comparison with spopt on the
 * lattice fixture (CV ratio and time ratio measured in the same run as ours).
 *
 *   npx tsx test/bench/zones.bench.ts
 */
import { balancedZones } from '../../server/zones/core/partition'
import type { HistoryPoint } from '../../server/zones/core/types'
import { latticeFixture, latticeInput } from '../zones/lattice-fixture'
import { syntheticCity } from '../zones/synthetic-city'
import { report } from './report'

const BENCH = 'zones'
const K = 200
const BUDGET_MS = 60_000
const CHECKPOINTS_S = [5, 10, 20, 40, 60]
const CV_TARGET = 0.04
const MAX_OVER_MIN_TARGET = 1.1

/** The best plan known at `ms` (the last history point not after it). */
function at(history: HistoryPoint[], ms: number): HistoryPoint | undefined {
  let point: HistoryPoint | undefined
  for (const h of history) if (h.ms <= ms) point = h
  return point
}

const city = syntheticCity({ rows: 100, cols: 106, seed: 7 })
const r = balancedZones(city, { K, seed: 1, timeBudgetMs: BUDGET_MS })
const contiguous = r.contiguous.every(Boolean)
// Every plan the search holds is contiguous, so a plan is valid once its balance meets the targets.
const validAt = r.history.find((h) => h.cv <= CV_TARGET && h.maxOverMin <= MAX_OVER_MIN_TARGET)?.ms ?? NaN

for (const s of CHECKPOINTS_S) {
  const h = at(r.history, s * 1000)
  report({ bench: BENCH, figure: `cv_at_${s}s`, value: h?.cv ?? NaN, unit: 'ratio', target: `≤ ${CV_TARGET} by ${BUDGET_MS / 1000} s`, maxOverMin: h?.maxOverMin, cells: city.n, K })
}
report({
  bench: BENCH,
  figure: 'time_to_valid_plan',
  value: validAt / 1000,
  unit: 's',
  target: `< ${BUDGET_MS / 1000} s to a contiguous plan with CV ≤ ${CV_TARGET} and max/min ≤ ${MAX_OVER_MIN_TARGET}`,
  cells: city.n,
  K,
})
report({
  bench: BENCH,
  figure: 'final_plan',
  value: r.cv,
  unit: 'cv',
  target: `contiguous, CV ≤ ${CV_TARGET}, max/min ≤ ${MAX_OVER_MIN_TARGET}`,
  maxOverMin: r.maxOverMin,
  contiguous,
  valid: contiguous && r.cv <= CV_TARGET && r.maxOverMin <= MAX_OVER_MIN_TARGET,
  meanCompactness: r.compactness.reduce((a, b) => a + b, 0) / K,
  compactnessMeasure: r.compactnessMeasure,
  cvAfterConstruction: r.history[0].cv,
  iterations: r.iterations,
  iterationsPerSecond: r.iterations / (r.elapsedMs / 1000),
  elapsedMs: r.elapsedMs,
  cells: city.n,
  K,
})

// The spopt fixture: same 400 cells, rook neighbours and K = 8 as spopt's best (AZP) run.
const fixture = latticeFixture()
const spopt = fixture.spopt[fixture.best]
const lattice = balancedZones(latticeInput(fixture, true), { K: fixture.K, seed: 1, timeBudgetMs: 10_000 })
report({
  bench: BENCH,
  figure: 'lattice_cv_vs_spopt',
  value: lattice.cv,
  unit: 'cv',
  target: 'contiguous, CV < 0.02, max/min < 1.1',
  reference: `spopt 0.5.0 ${fixture.best} cv`,
  referenceValue: fixture.best_cv,
  ratio: fixture.best_cv / lattice.cv,
  maxOverMin: lattice.maxOverMin,
  referenceMaxOverMin: spopt.max_over_min,
  contiguous: lattice.contiguous.every(Boolean),
})
const LATTICE_CV_TARGET = 0.02
const latticeReached = (lattice.history.find((h) => h.cv < LATTICE_CV_TARGET)?.ms ?? NaN) / 1000
report({
  bench: BENCH,
  figure: 'lattice_time_to_cv_0.02',
  value: latticeReached,
  unit: 's',
  target: `CV < ${LATTICE_CV_TARGET} sooner than spopt's best method finishes (with CV ${fixture.best_cv.toFixed(3)})`,
  reference: `spopt 0.5.0 ${fixture.best} seconds`,
  referenceValue: spopt.seconds,
  ratio: spopt.seconds / latticeReached,
})
report({
  bench: BENCH,
  figure: 'lattice_time_vs_spopt',
  value: lattice.elapsedMs / 1000,
  unit: 's',
  target: 'converged (stops by itself) well before the 10 s budget',
  reference: `spopt 0.5.0 ${fixture.best} seconds`,
  referenceValue: spopt.seconds,
  ratio: spopt.seconds / (lattice.elapsedMs / 1000),
  iterations: lattice.iterations,
})
