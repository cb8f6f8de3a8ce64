/**
 * Emerging hot spot analysis, after ArcGIS's Emerging Hot Spot Analysis: what is new, what is
 * getting worse, what is fading. The filtered cases become a space-time cube over the layout's
 * cells (day, week or month steps); space-time Gi* per bin (spatial neighbours by any weights of
 * the hot spot analysis, in the same and the k previous steps, self included; optional FDR per
 * step); Mann-Kendall trend of each cell's Gi* z series (and, reported beside it, of its counts);
 * then one of the 17 pattern categories per cell with the reason. Cores: server/trends/core.
 *
 * The table carries what the map needs: category code, key and names with the legend colour,
 * and each cell's series (cases and Gi* z per step) for a sparkline on click.
 */
import { Type } from 'typebox'
import { EMERGING_CATEGORIES, emergingHotSpots, explainCell, TREND_ALPHA } from '../../trends/core/emerging'
import { mannKendallOf } from '../../trends/core/mann-kendall'
import { spaceTimeGiStar } from '../../trends/core/space-time-gi'
import type { AnalysisKind } from '../kind'
import { cellWeights, metricProjector, round, WeightsParams } from '../spatial'
import { cellCountCube, localDate, timeAxisParams } from '../time-axis'

/**
 * ArcGIS's rule: the 90 % history rules and the trend test say little on shorter series, so
 * Emerging Hot Spot Analysis refuses fewer than ten time steps.
 */
export const MIN_STEPS = 10

/**
 * Legend colour of each category (the usual emerging hot spot legend: reds for hot patterns,
 * darkest where the spot is strongest now, blues mirroring them for cold, no fill colour for no
 * pattern). Keyed by category key, so clients draw every result the same way.
 */
export const EMERGING_SYMBOLOGY: Readonly<Record<string, string>> = {
  'new-hot-spot': '#fcbba1',
  'consecutive-hot-spot': '#fc9272',
  'intensifying-hot-spot': '#a50f15',
  'persistent-hot-spot': '#de2d26',
  'diminishing-hot-spot': '#fb6a4a',
  'sporadic-hot-spot': '#fee0d2',
  'oscillating-hot-spot': '#f4a582',
  'historical-hot-spot': '#bdbdbd',
  'no-pattern': '#ffffff',
  'new-cold-spot': '#c6dbef',
  'consecutive-cold-spot': '#9ecae1',
  'intensifying-cold-spot': '#08519c',
  'persistent-cold-spot': '#3182bd',
  'diminishing-cold-spot': '#6baed6',
  'sporadic-cold-spot': '#deebf7',
  'oscillating-cold-spot': '#92c5de',
  'historical-cold-spot': '#969696',
}

const Params = Type.Object({
  ...timeAxisParams('week'),
  ...WeightsParams,
  time_step_interval: Type.Integer({ minimum: 0, maximum: 52, default: 1, description: 'earlier time steps in each bin\'s neighbourhood (ArcGIS "neighborhood time step", default 1)' }),
  fdr: Type.Boolean({ default: false, description: 'Benjamini–Hochberg FDR correction of the confidence bins, per time step' }),
  trend_alpha: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: TREND_ALPHA, description: 'significance level of the Mann-Kendall trend that makes a ≥ 90 % spot intensifying or diminishing (0.1: the 90 % of the Gi* bins)' }),
}, { additionalProperties: false })

export const emergingHotspotsKind: AnalysisKind<typeof Params> = {
  kind: 'emerging-hotspots',
  title: { zh: '新兴热点分析', en: 'Emerging hot spots' },
  description: 'Space-time cube of case counts per cell and time step, space-time Gi* per bin, Mann-Kendall trend per cell and the 17 emerging hot spot patterns (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical, their cold mirrors, no pattern), each with its reason and per-step series.',
  layout: 'required',
  params: Params,
  async run(ctx, p, progress) {
    progress({ phase: 'cube' })
    const cc = await cellCountCube(ctx, p, MIN_STEPS, 'emerging hot spot analysis')
    const { cells, cube } = cc
    const n = cells.n
    const T = cube.nSteps
    progress({ phase: 'weights' })
    const { proj, reason: crsReason } = metricProjector(cc.layout, cells.lon, cells.lat)
    const { x, y } = proj.forward(cells.lon, cells.lat)
    const { w, report } = await cellWeights(ctx.db, cc.layout, cells.code, x, y, p, proj)
    progress({ phase: 'space-time gi*' })
    const gi = spaceTimeGiStar(cube, w, { timeStepInterval: p.time_step_interval, fdr: p.fdr })
    progress({ phase: 'trends' })
    const em = emergingHotSpots(gi, { trendAlpha: p.trend_alpha })
    progress({ phase: 'table' })

    const columns = {
      cell: new Array<number>(n), code: cells.code, category: new Array<number>(n), category_key: new Array<string>(n),
      category_zh: new Array<string>(n), category_en: new Array<string>(n), color: new Array<string>(n),
      cases: new Array<number>(n), n_hot: new Array<number>(n), n_cold: new Array<number>(n),
      final_z: new Array<number>(n), final_bin: new Array<number>(n),
      trend_z: new Array<number>(n), trend_p: new Array<number>(n), trend_tau: new Array<number>(n), trend: new Array<number>(n),
      count_trend_z: new Array<number>(n), count_trend_p: new Array<number>(n), count_trend: new Array<number>(n),
      hot_steps: new Array<number[]>(n), cold_steps: new Array<number[]>(n),
      series_cases: new Array<number[]>(n), series_z: new Array<number[]>(n),
      reason_en: new Array<string>(n), reason_zh: new Array<string>(n),
    }
    const series = new Float64Array(T)
    const scratch = new Float64Array(T)
    const byCategory: Record<string, number> = Object.fromEntries(EMERGING_CATEGORIES.map((c) => [c.key, 0]))
    const num = (v: number, d: number) => (Number.isFinite(v) ? round(v, d) : null) as number
    // most cells of a fine layout have no case in the period: their (all-zero) series share one test
    const mkNoCases = mannKendallOf(new Float64Array(T), T, scratch, p.trend_alpha)
    for (let i = 0; i < n; i++) {
      const why = explainCell(em, gi, i)
      const zs = new Array<number>(T)
      let total = 0
      for (let s = 0; s < T; s++) {
        series[s] = cube.counts[s * n + i]
        total += series[s]
        zs[s] = num(gi.z[s * n + i], 3)
      }
      // The counts' own trend: a leader's "more cases here than before", beside the Gi* trend the
      // categories use ("more clustered than the rest of the district than before").
      const mkc = total === 0 ? mkNoCases : mannKendallOf(series, T, scratch, p.trend_alpha)
      columns.cell[i] = i
      columns.category[i] = why.code
      columns.category_key[i] = why.key
      columns.category_zh[i] = why.zh
      columns.category_en[i] = why.en
      columns.color[i] = EMERGING_SYMBOLOGY[why.key]
      columns.cases[i] = total
      columns.n_hot[i] = em.nHot[i]
      columns.n_cold[i] = em.nCold[i]
      columns.final_z[i] = num(why.finalZ, 4)
      columns.final_bin[i] = why.finalBin
      columns.trend_z[i] = num(em.mkZ[i], 4)
      columns.trend_p[i] = Number.isFinite(em.mkP[i]) ? Number(em.mkP[i].toPrecision(4)) : (null as unknown as number)
      columns.trend_tau[i] = num(em.mkTau[i], 4)
      columns.trend[i] = em.mkTrend[i]
      columns.count_trend_z[i] = round(mkc.z, 4)
      columns.count_trend_p[i] = Number(mkc.p.toPrecision(4))
      columns.count_trend[i] = mkc.trend === 'up' ? 1 : mkc.trend === 'down' ? -1 : 0
      columns.hot_steps[i] = why.hotSteps
      columns.cold_steps[i] = why.coldSteps
      columns.series_cases[i] = Array.from(series)
      columns.series_z[i] = zs
      columns.reason_en[i] = why.reasonEn
      columns.reason_zh[i] = why.reasonZh
      byCategory[why.key]++
    }
    const off = p.utc_offset_minutes
    return {
      summary: {
        cells: n, cases: cc.cases.n - cube.outside, outside_axis: cube.outside, crs: crsReason, weights: report,
        time: {
          step: p.step, steps: T, start: localDate(cc.start, off), end: localDate(cube.stepEnds[T - 1], off), utc_offset_minutes: off,
          reason: cc.axisReason, partial_last_step: p.partial_last_step,
          step_starts: Array.from(cube.stepStarts, (t) => localDate(t, off)),
        },
        space_time: {
          time_step_interval: p.time_step_interval, fdr: p.fdr, mean: round(gi.mean, 6), std: round(gi.std, 6), bins: gi.n,
          neighbourhood: `the cell and its spatial neighbours, in the same step and the ${p.time_step_interval} step(s) before; global mean and standard deviation over all bins`,
        },
        trend: { test: 'Mann-Kendall with tie correction on each cell\'s Gi* z series', alpha: p.trend_alpha },
        categories: byCategory,
        legend: EMERGING_CATEGORIES.map((c) => ({ code: c.code, key: c.key, zh: c.zh, en: c.en, color: EMERGING_SYMBOLOGY[c.key], cells: byCategory[c.key] })),
      },
      table: { geometry: { type: 'cells', layout_id: cc.layout.id }, columns },
    }
  },
}
