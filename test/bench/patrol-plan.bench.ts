/**
 * Daily patrol planning on a synthetic ~5 km city (seeded): 20 workers, 1,500 one-hectare cells,
 * 4-hour shifts from 15:00, hot cells with 10–15 min dwell, stall windows 17:00–21:00.
 * Figures: street graph build, the walking-distance matrix, the nearest-neighbour baseline, and the
 * planner's objective (coverage, priority-weighted dwell, metres) against time in one 10 s run,
 * with the ratio to the baseline's dwell measured in the same run.
 */
import { buildStreetGraph } from '../../server/patrol/core/graph'
import { planPatrol, type PlanObjective } from '../../server/patrol/core/plan'
import { planNearestNeighbour } from '../../server/patrol/core/plan-baseline'
import { buildPatrolInstance } from '../../server/patrol/core/plan-instance'
import { syntheticCity } from '../../server/patrol/core/plan-synthetic-city'
import { validatePlan } from '../../server/patrol/core/plan-validate'
import { distanceMatrix } from '../../server/patrol/core/shortest-path'
import { seededRandom } from '../../server/shared/random'
import { report } from './report'

const BENCH = 'patrol-plan'
const SEED = 1
const BUDGET_MS = 10_000
const CHECKPOINTS_MS = [1000, 2000, 5000, 10_000]

/** CPU milliseconds since `from` (process.cpuUsage), reported beside wall time: the bench machine may be shared. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1000
}

const city = syntheticCity({ seed: SEED })
let t = performance.now()
let cpu = process.cpuUsage()
const graph = buildStreetGraph(city.lines)
report({ bench: BENCH, figure: 'street graph build', value: performance.now() - t, unit: 'ms', cpuMs: cpuMs(cpu), nodes: graph.n, edges: graph.edgeCount, lines: city.lines.length })

// matrix on a ~5,000-edge graph with 1,500 stops, as the target is stated
{
  const small = buildStreetGraph(syntheticCity({ seed: SEED, sizeM: 4000, dropShare: 0.03, cells: 1 }).lines)
  const rand = seededRandom(SEED)
  const stops = Array.from({ length: 1500 }, () => {
    const edge = Math.floor(rand() * small.edgeCount)
    return { edge, along: rand() * small.edgeLength[edge] }
  })
  t = performance.now()
  cpu = process.cpuUsage()
  distanceMatrix(small, stops)
  report({ bench: BENCH, figure: 'distance matrix 1,500 stops', value: performance.now() - t, unit: 'ms', cpuMs: cpuMs(cpu), target: '≤ 3000 ms', nodes: small.n, edges: small.edgeCount })
}

t = performance.now()
cpu = process.cpuUsage()
const instance = buildPatrolInstance(graph, city.cells.map((c) => ({ ...c, node: c.centre })), city.workers, { component: 0 })
report({ bench: BENCH, figure: 'instance (snap + matrix) 1,500 cells + 40 offices', value: performance.now() - t, unit: 'ms', cpuMs: cpuMs(cpu), target: '≤ 3000 ms', edges: graph.edgeCount })

t = performance.now()
const baseline = planNearestNeighbour(instance)
const baselineMs = performance.now() - t
report({
  bench: BENCH,
  figure: 'nearest-neighbour baseline',
  value: baseline.objective.dwellValue,
  unit: 'priority×min',
  ms: baselineMs,
  covered: baseline.objective.mandatoryCovered,
  of: baseline.objective.mandatoryTotal,
  lengthKm: baseline.objective.lengthM / 1000,
  dwellMinutes: baseline.objective.dwellMinutes,
})

// one run; the best objective at each checkpoint is what a run with that budget returns (same seed)
const trajectory: Array<{ ms: number; cpuMs: number; objective: PlanObjective }> = []
cpu = process.cpuUsage()
const plan = planPatrol(instance, {
  seed: SEED,
  timeBudgetMs: BUDGET_MS,
  onImprove: (objective, ms) => trajectory.push({ ms, cpuMs: cpuMs(cpu), objective }),
})
const problems = validatePlan(instance, plan)
if (problems.length) throw new Error(`plan failed validation: ${problems[0].message}`)

const first = trajectory[0]
report({
  bench: BENCH,
  figure: 'first complete plan (construction + local search)',
  value: first.ms,
  unit: 'ms',
  cpuMs: first.cpuMs,
  target: '< 10000 ms to a good plan',
  covered: first.objective.mandatoryCovered,
  of: first.objective.mandatoryTotal,
  dwellValue: first.objective.dwellValue,
  reference: 'nearest-neighbour dwell value',
  ratio: first.objective.dwellValue / baseline.objective.dwellValue,
})
for (const at of CHECKPOINTS_MS) {
  const best = [...trajectory].reverse().find((p) => p.ms <= at)
  if (!best) continue
  report({
    bench: BENCH,
    figure: `objective at ${at / 1000} s`,
    value: best.objective.dwellValue,
    unit: 'priority×min',
    target: '≥ 1.3 × nearest neighbour, all cells covered',
    reachedAtMs: best.ms,
    covered: best.objective.mandatoryCovered,
    of: best.objective.mandatoryTotal,
    lengthKm: best.objective.lengthM / 1000,
    dwellMinutes: best.objective.dwellMinutes,
    reference: 'nearest-neighbour dwell value',
    ratio: best.objective.dwellValue / baseline.objective.dwellValue,
  })
}
report({
  bench: BENCH,
  figure: 'search iterations in 10 s',
  value: plan.stats.iterations,
  unit: 'iterations',
  uncovered: plan.uncovered.length,
  walkingSavedPct: 100 * (1 - plan.objective.lengthM / baseline.objective.lengthM),
})

// the same day when workers may help in neighbouring grids
{
  const helped = planPatrol(instance, { seed: SEED, timeBudgetMs: 5000, allowCrossHelp: true })
  const issues = validatePlan(instance, helped, { allowCrossHelp: true })
  if (issues.length) throw new Error(`cross-help plan failed validation: ${issues[0].message}`)
  report({
    bench: BENCH,
    figure: 'objective at 5 s with cross-help',
    value: helped.objective.dwellValue,
    unit: 'priority×min',
    covered: helped.objective.mandatoryCovered,
    of: helped.objective.mandatoryTotal,
    lengthKm: helped.objective.lengthM / 1000,
    iterations: helped.stats.iterations,
    reference: 'nearest-neighbour dwell value',
    ratio: helped.objective.dwellValue / baseline.objective.dwellValue,
  })
}
