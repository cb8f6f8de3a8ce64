/**
 * Patrol effect: did case rates change differently where patrol coverage changed? Coverage per
 * cell comes from the stored patrol trips (server/patrol/coverage-service.ts) in a window before
 * and a window after the change date; cells whose coverage rose (or fell) by at least min_change
 * are treated, cells whose coverage moved by at most max_stable are the control, the rest are
 * left out as neither. Difference-in-differences of the case rates with a confidence interval, a
 * placebo check on the window before (server/trends/core/did.ts), and a verdict that says plainly
 * when the data cannot support a conclusion.
 */
import { Type } from 'typebox'
import { patrolCoverage, MAX_RANGE_DAYS } from '../../patrol/coverage-service'
import { BadParameter } from '../../shared/errors'
import { differenceInDifferences } from '../../trends/core/did'
import { SHANGHAI_OFFSET_MINUTES } from '../../trends/core/cube'
import type { AnalysisKind } from '../kind'
import { loadCaseCells, loadCells } from '../repository'
import { requireCases, requireLayout, round } from '../spatial'
import { localDate, localDay } from '../time-axis'

const DAY_MS = 86_400_000
const GROUPS = { treated: 'treated', control: 'control', neither: 'neither' } as const

const Params = Type.Object({
  change_date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first day of the changed patrol (local date, YYYY-MM-DD): the after window starts here, the before window ends the day before' }),
  window_days: Type.Integer({ minimum: 3, maximum: MAX_RANGE_DAYS, default: 14, description: 'days in each window (before, after, and the earlier placebo window)' }),
  coverage: Type.Union([Type.Literal('days'), Type.Literal('passes')], { default: 'days', description: 'coverage of a cell: days: share of the window\'s days it was visited (见巡率); passes: passes per day' }),
  direction: Type.Union([Type.Literal('increase'), Type.Literal('decrease'), Type.Literal('any')], { default: 'increase', description: 'which coverage change makes a cell treated' }),
  min_change: Type.Number({ exclusiveMinimum: 0, default: 0.3, description: 'coverage change (after − before) that makes a cell treated (days: share of days, 0.3 = 30 points; passes: passes per day)' }),
  max_stable: Type.Number({ minimum: 0, default: 0.1, description: 'largest coverage change of a control cell' }),
  control: Type.Union([Type.Literal('patrolled'), Type.Literal('all')], { default: 'patrolled', description: 'patrolled: control cells must be visited in at least one window (cells nobody walks differ from patrolled ones); all: any unchanged cell' }),
  placebo: Type.Boolean({ default: true, description: 'compare the window before the before window too (parallel-trends check)' }),
  alpha: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05, description: '1 − confidence level of the interval' }),
  min_cells: Type.Integer({ minimum: 2, default: 10, description: 'fewest treated and fewest control cells for any conclusion' }),
  method: Type.Union([Type.Literal('cluster'), Type.Literal('bootstrap')], { default: 'cluster', description: 'cluster: cell-clustered (CR2/Welch) t interval; bootstrap: cell bootstrap percentile interval' }),
  replicates: Type.Integer({ minimum: 100, maximum: 100_000, default: 2000, description: 'bootstrap replicates' }),
  seed: Type.Integer({ minimum: 0, default: 1, description: 'bootstrap seed' }),
  tolerance_m: Type.Number({ minimum: 0, maximum: 200, default: 10, description: 'reach of a visit beyond a cell\'s boundary, metres (as patrol coverage)' }),
  utc_offset_minutes: Type.Integer({ minimum: -720, maximum: 840, default: SHANGHAI_OFFSET_MINUTES, description: 'local time as minutes east of UTC, for the day boundaries of case windows' }),
}, { additionalProperties: false })

export const patrolEffectKind: AnalysisKind<typeof Params> = {
  kind: 'patrol-effect',
  title: { zh: '巡查效果评估', en: 'Patrol effect' },
  description: 'Difference-in-differences of case rates between cells whose patrol coverage changed (from stored trips) and cells whose coverage did not, before and after a change date, with a confidence interval, a placebo pre-trend check and a plain verdict, including "no conclusion" when the data cannot support one.',
  layout: 'required',
  params: Params,
  async run(ctx, p, progress) {
    const layout = requireLayout(ctx)
    const off = p.utc_offset_minutes
    const change = localDay(p.change_date, off, 'change_date')
    const W = p.window_days * DAY_MS
    const day = (t: number) => localDate(t, off)
    const windows = {
      earlier: { from: day(change - 2 * W), to: day(change - W - DAY_MS) },
      before: { from: day(change - W), to: day(change - DAY_MS) },
      after: { from: day(change), to: day(change + W - DAY_MS) },
    }
    if (p.max_stable >= p.min_change) throw BadParameter('max_stable', `${p.max_stable} must be below min_change ${p.min_change}, or a cell could be both treated and control`)

    progress({ phase: 'cells' })
    const cells = await loadCells(ctx.db, layout.id)
    const n = cells.n
    progress({ phase: 'coverage before' })
    const covBefore = await patrolCoverage(ctx.db, { layout: layout.id, from: windows.before.from, to: windows.before.to, toleranceM: p.tolerance_m, cells: true })
    progress({ phase: 'coverage after' })
    const covAfter = await patrolCoverage(ctx.db, { layout: layout.id, from: windows.after.from, to: windows.after.to, toleranceM: p.tolerance_m, cells: true })
    const measure = (c: { visited_days: number; passes: number }) => (p.coverage === 'days' ? c.visited_days : c.passes) / p.window_days
    const before = new Float64Array(n)
    const after = new Float64Array(n)
    for (const c of covBefore.cells ?? []) before[c.idx] = measure(c)
    for (const c of covAfter.cells ?? []) after[c.idx] = measure(c)

    progress({ phase: 'cases' })
    const cases = await loadCaseCells(ctx.db, layout.id, ctx.filters)
    requireCases(cases.n, ctx.filters as Record<string, unknown>)
    const counts = { earlier: new Float64Array(n), before: new Float64Array(n), after: new Float64Array(n) }
    for (let k = 0; k < cases.n; k++) {
      const t = cases.t[k]
      const c = cases.cell[k]
      if (t >= change - 2 * W && t < change - W) counts.earlier[c]++
      else if (t >= change - W && t < change) counts.before[c]++
      else if (t >= change && t < change + W) counts.after[c]++
    }

    progress({ phase: 'difference in differences' })
    const treated = new Uint8Array(n)
    const group = new Array<string>(n)
    const rateBefore = new Float64Array(n).fill(NaN)
    const rateAfter = new Float64Array(n).fill(NaN)
    const rateEarlier = new Float64Array(n).fill(NaN)
    for (let i = 0; i < n; i++) {
      const d = after[i] - before[i]
      const isTreated = p.direction === 'increase' ? d >= p.min_change : p.direction === 'decrease' ? d <= -p.min_change : Math.abs(d) >= p.min_change
      const isControl = Math.abs(d) <= p.max_stable && (p.control === 'all' || before[i] > 0 || after[i] > 0)
      group[i] = isTreated ? GROUPS.treated : isControl ? GROUPS.control : GROUPS.neither
      if (group[i] === GROUPS.neither) continue // NaN rates: the estimator leaves the cell out
      treated[i] = isTreated ? 1 : 0
      rateBefore[i] = counts.before[i]
      rateAfter[i] = counts.after[i]
      rateEarlier[i] = counts.earlier[i]
    }
    const unit = { en: `cases per cell per ${p.window_days} days`, zh: `件/格/${p.window_days}天` }
    const did = differenceInDifferences(
      { treated, before: rateBefore, after: rateAfter, earlier: p.placebo ? rateEarlier : undefined },
      { alpha: p.alpha, minCells: p.min_cells, method: p.method, replicates: p.replicates, seed: p.seed, unit },
    )
    const notes: Array<{ en: string; zh: string }> = []
    if (covBefore.trips === 0 || covAfter.trips === 0) {
      const which = covBefore.trips === 0 && covAfter.trips === 0 ? 'either window' : covBefore.trips === 0 ? 'the before window' : 'the after window'
      const whichZh = covBefore.trips === 0 && covAfter.trips === 0 ? '前后两个时段' : covBefore.trips === 0 ? '变化前时段' : '变化后时段'
      notes.push({
        en: `No patrol trips are stored for ${which}, so coverage there is zero everywhere; import tracks for ${windows.before.from} … ${windows.after.to} before reading this result.`,
        zh: `${whichZh}没有巡查轨迹，覆盖率一律为零；请先导入 ${windows.before.from} 至 ${windows.after.to} 的轨迹再解读结果。`,
      })
    }
    notes.push({
      en: 'Many cases are logged by patrol workers themselves: more patrol can raise recorded cases (more found) while real problems fall. Read an increase with that in mind.',
      zh: '许多案件由巡查员自行上报：巡查增加可能使登记案件增多（发现更多），而实际问题减少。解读“上升”时请考虑这一点。',
    })
    const r4 = (v: number) => (Number.isFinite(v) ? round(v, 4) : null)
    const est = (e: { estimate: number; se: number; ci: [number, number]; df: number }) => ({ estimate: r4(e.estimate), se: r4(e.se), ci: e.ci.map(r4), df: r4(e.df) })
    return {
      summary: {
        cells: n, cases: cases.n, windows, unit, coverage: p.coverage,
        trips: { before: covBefore.trips, after: covAfter.trips },
        mean_coverage: { before: r4(mean(before)), after: r4(mean(after)) },
        groups: {
          treated: did.nTreated, control: did.nControl, neither: group.filter((g) => g === GROUPS.neither).length,
          rule: {
            treated: `coverage ${p.direction === 'any' ? 'changed' : p.direction === 'increase' ? 'rose' : 'fell'} by at least ${p.min_change} ${p.coverage === 'days' ? '(share of days visited)' : 'passes per day'}`,
            control: `coverage moved by at most ${p.max_stable}${p.control === 'patrolled' ? ', visited in at least one window' : ''}`,
          },
        },
        mean_change: { treated: r4(did.changeTreated), control: r4(did.changeControl) },
        did: { ...est(did), method: did.method, alpha: did.alpha, confidence: 1 - did.alpha },
        pre_trend: did.preTrend ? est(did.preTrend) : null,
        conclusive: did.conclusive, verdict: did.verdict, verdict_en: did.verdictEn, verdict_zh: did.verdictZh,
        notes,
      },
      table: {
        geometry: { type: 'cells', layout_id: layout.id },
        columns: {
          cell: Array.from({ length: n }, (_, i) => i), code: cells.code, group,
          coverage_before: Array.from(before, (v) => round(v, 4)), coverage_after: Array.from(after, (v) => round(v, 4)),
          coverage_change: Array.from(before, (v, i) => round(after[i] - v, 4)),
          cases_earlier: Array.from(counts.earlier), cases_before: Array.from(counts.before), cases_after: Array.from(counts.after),
          case_change: Array.from(counts.before, (v, i) => counts.after[i] - v),
        },
      },
    }
  },
}

function mean(x: Float64Array): number {
  let s = 0
  for (const v of x) s += v
  return x.length ? s / x.length : NaN
}
