/**
 * A day plan on the sample city through the service (POST /api/patrol/plans does the same):
 * 20 workers on a 13:00–18:00 shift, ~1,500 cells of 130 m over 望格区, the sample streets,
 * priorities from the cases of the 90 days before. Figures: time to a plan with each budget (the
 * street graph, walking distances and baseline included), coverage and the ratio of
 * priority-weighted dwell to the nearest-neighbour baseline. Target: a good plan in < 10 s.
 *
 *   npx tsx test/bench/patrol-plan-sample.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { importBasemap } from '../../server/basemap/import'
import { importCases } from '../../server/cases/import/service'
import { openDatabase } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importDistricts } from '../../server/districts/import'
import { createPlan } from '../../server/patrol/plan-service'
import { importWorkerFiles } from '../../server/patrol/workers'
import { sampleDir, seedTaxonomy } from '../../server/sample/load'
import { insertSquareLayout } from '../patrol/square-cells'
import { report } from './report'

const BENCH = 'patrol-plan-sample'
const BUDGETS_MS = [2000, 5000, 8000]
const file = (name: string) => resolve(sampleDir, name)

const dir = mkdtempSync(join(tmpdir(), 'wangge-bench-plan-'))
const db = await openDatabase({ dataDir: dir })
try {
  await migrate(db.knex)
  await seedTaxonomy(db)
  await importDistricts(db, file('districts.geojson'))
  await importBasemap(db, 'streets', file('streets.geojson'), { network: 'sample' })
  await importWorkerFiles(db, file('workers.json'), file('grids.geojson'))
  await importCases(db, file('cases.csv.gz'), { mapping: { dataset: 'sample', timezone: 'Asia/Shanghai' } })
  const layout = await insertSquareLayout(db, 130)
  for (const budget of BUDGETS_MS) {
    const marks: Array<[string, number]> = []
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const plan = await createPlan(db, { layout, day: '2025-06-02', shift: '13:00-18:00', include_resting: true, time_budget_ms: budget, seed: 1 },
      (p) => { if (marks.at(-1)?.[0] !== p.phase) marks.push([p.phase, performance.now()]) })
    const wall = performance.now() - t0
    const cpu = process.cpuUsage(c0)
    const phases: Record<string, number> = {}
    marks.forEach(([phase, t], i) => { phases[phase] = Math.round((marks[i + 1]?.[1] ?? t0 + wall) - t) })
    report({
      bench: BENCH, figure: `plan with a ${budget / 1000} s search budget (whole request)`, value: Math.round(wall), unit: 'ms',
      cpuMs: Math.round((cpu.user + cpu.system) / 1000), load: Math.round(loadavg()[0] * 10) / 10, target: '< 10000 ms to a good plan',
      cells: plan.objective.mandatoryTotal, covered: plan.objective.mandatoryCovered, routes: plan.routes.length,
      dwellValue: Math.round(plan.objective.dwellValue), baselineCovered: plan.baseline.mandatoryCovered,
      reference: 'nearest-neighbour dwell value', ratio: plan.dwell_ratio ?? undefined, iterations: plan.stats.iterations, phases,
    })
  }
} finally {
  await db.close()
  rmSync(dir, { recursive: true, force: true })
}
