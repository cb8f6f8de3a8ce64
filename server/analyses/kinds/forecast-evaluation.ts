/**
 * Forecast evaluation: which hot spot map to trust. Each method draws its map on a training
 * window; the map is read as a forecast for the window right after it and scored on those cases
 * (hit rate, PAI, PEI, PEI*, by cell area and by street length; server/trends/core/forecast.ts).
 * Windows roll forward through the period, and every method flags the same share of the area
 * (its highest-scoring cells), so the comparison is at equal area on data the map has not seen:
 *  - gi-star      Gi* z of the training counts (weights as the hot spot analysis);
 *  - kde          quartic kernel density of the training cases at each cell's centroid;
 *  - dbscan       training cases that DBSCAN puts in a cluster, per cell;
 *  - last-period  the training counts themselves (the naive "busy before, busy next" map).
 * The result table has one row per window × method × area share; the summary holds the averages
 * side by side and chart-ready series.
 */
import { Type } from 'typebox'
import { dbscan } from '../../hotspots/core/dbscan'
import { giStar } from '../../hotspots/core/gi-star'
import { kernelDensity } from '../../hotspots/core/kde'
import { silvermanBandwidth } from '../../hotspots/core/kde-bandwidth'
import type { Csr } from '../../shared/csr'
import { BadParameter } from '../../shared/errors'
import { sumSteps } from '../../trends/core/cube'
import { forecastScores, rollingWindows, selectByCoverage, type ForecastScores, type WindowPair } from '../../trends/core/forecast'
import type { AnalysisKind } from '../kind'
import { unitStreetLength } from '../repository'
import { cellWeights, metricProjector, round, WeightsParams } from '../spatial'
import { cellCube, localDate, timeAxisParams } from '../time-axis'

const METHODS = ['gi-star', 'kde', 'dbscan', 'last-period'] as const
type Method = (typeof METHODS)[number]
const METHOD_NAMES: Record<Method, { zh: string; en: string }> = {
  'gi-star': { zh: '热点分析（Gi*）', en: 'Hot spots (Gi*)' },
  kde: { zh: '核密度', en: 'Kernel density' },
  dbscan: { zh: '聚类（DBSCAN）', en: 'Clusters (DBSCAN)' },
  'last-period': { zh: '上期案件数', en: 'Last period counts' },
}
/** KDE raster side as a share of the bandwidth: fine enough that reading the raster at a centroid is the kernel sum there (within an eighth of the radius). */
const KDE_CELLS_PER_BANDWIDTH = 8
const KDE_MIN_CELL_M = 10
const KDE_MAX_CELL_M = 100

const Params = Type.Object({
  ...timeAxisParams('month'),
  train_steps: Type.Integer({ minimum: 1, maximum: 120, default: 3, description: 'time steps in each training window' }),
  test_steps: Type.Integer({ minimum: 1, maximum: 120, default: 1, description: 'time steps in each test window (the forecast horizon)' }),
  stride: Type.Integer({ minimum: 1, maximum: 120, default: 1, description: 'time steps the windows move forward each time' }),
  methods: Type.Array(Type.Union([Type.Literal('gi-star'), Type.Literal('kde'), Type.Literal('dbscan'), Type.Literal('last-period')]), { minItems: 1, uniqueItems: true, default: [...METHODS], description: 'hot spot methods compared' }),
  area_shares: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), { minItems: 1, maxItems: 20, default: [0.01, 0.02, 0.05, 0.1, 0.2], description: 'shares of the area each method flags (its top cells), e.g. 0.05 = the busiest 5 % of the district' }),
  headline_share: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.05, description: 'the area share of the side-by-side table and of the per-window chart (one of area_shares)' }),
  ...WeightsParams,
  bandwidth_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 50_000, description: 'KDE search radius, metres (default: spatially robust Silverman rule on each training window)' })),
  eps_m: Type.Number({ exclusiveMinimum: 0, maximum: 5000, default: 50, description: 'DBSCAN neighbourhood radius, metres' }),
  min_pts: Type.Integer({ minimum: 1, default: 5, description: 'DBSCAN cases within eps for a core case' }),
  seed: Type.Integer({ minimum: 0, default: 1, description: 'seed of the random order among cells of equal score' }),
}, { additionalProperties: false })

type Row = Record<string, number | string | null>
const ratio = (v: number) => (Number.isFinite(v) ? round(v, 4) : null)

export const forecastEvaluationKind: AnalysisKind<typeof Params> = {
  kind: 'forecast-evaluation',
  title: { zh: '热点预测评估', en: 'Forecast evaluation of hot spot maps' },
  description: 'Rolling windows: each method (Gi*, KDE, DBSCAN clusters, last-period counts) maps a training window, flags the same share of the area, and is scored on the next window\'s cases: hit rate, PAI, PEI, PEI*, by area and by street length. Table per window, method and share; averages side by side and chart series in the summary.',
  layout: 'required',
  params: Params,
  async run(ctx, p, progress) {
    if (!p.area_shares.includes(p.headline_share)) throw BadParameter('headline_share', `${p.headline_share} is not one of area_shares (${p.area_shares.join(', ')}); add it there or pick one of them`)
    progress({ phase: 'cube' })
    const cc = await cellCube(ctx, p, p.train_steps + p.test_steps, `a training window of ${p.train_steps} and a test window of ${p.test_steps} step(s)`)
    const { cells, cube, cases } = cc
    const n = cells.n
    const boundaries = [...cube.stepStarts, cube.stepEnds[cube.nSteps - 1]]
    const pairs = rollingWindows(boundaries, { trainSteps: p.train_steps, testSteps: p.test_steps, stride: p.stride })
    const { proj, reason: crsReason } = metricProjector(cc.layout, cells.lon, cells.lat)
    const cx = proj.forward(cells.lon, cells.lat)
    const pts = proj.forward(cases.lon, cases.lat)

    progress({ phase: 'street length' })
    const streetKm = await unitStreetLength(ctx.db, { kind: 'cells', layoutId: cc.layout.id })
    const streetLength = streetKm.size ? Float64Array.from({ length: n }, (_, i) => (streetKm.get(i) ?? 0) * 1000) : undefined

    let weights: Awaited<ReturnType<typeof cellWeights>> | null = null
    if (p.methods.includes('gi-star')) {
      progress({ phase: 'weights' })
      weights = await cellWeights(ctx.db, cc.layout, cells.code, cx.x, cx.y, p, proj)
    }

    const off = p.utc_offset_minutes
    const rows: Row[] = []
    const bandwidths: number[] = []
    for (let k = 0; k < pairs.length; k++) {
      progress({ phase: 'windows', done: k, total: pairs.length })
      const pair = pairs[k]
      const train = sumSteps(cube, pair.train.fromStep, pair.train.toStep)
      const test = sumSteps(cube, pair.test.fromStep, pair.test.toStep)
      const scores = methodScores(p.methods, pair, train, { cells: cx, pts, t: cases.t, cell: cases.cell, n, w: weights?.w, p, bandwidths })
      for (const method of p.methods) {
        for (const share of p.area_shares) {
          const flagged = selectByCoverage(scores[method], cells.area, share, { seed: p.seed + k })
          let nFlagged = 0
          for (const f of flagged) nFlagged += f
          const s = forecastScores({ flagged, cases: test, area: cells.area, streetLength })
          rows.push(scoreRow(k, pair, method, share, nFlagged, s, off))
        }
      }
    }
    progress({ phase: 'windows', done: pairs.length, total: pairs.length })

    const comparison = compare(rows, p.methods, p.area_shares)
    const headline = comparison.filter((r) => r.area_share === p.headline_share)
    const best = [...headline].filter((r) => r.mean_pai !== null).sort((a, b) => (b.mean_pai as number) - (a.mean_pai as number))[0]
    const windows = pairs.map((pr) => `${localDate(pr.test.start, off)}…${localDate(pr.test.end - 1, off)}`)
    return {
      summary: {
        cells: n, cases: cases.n - cube.outside, crs: crsReason,
        time: { step: p.step, steps: cube.nSteps, reason: cc.axisReason, train_steps: p.train_steps, test_steps: p.test_steps, stride: p.stride, windows: pairs.length },
        street_length: streetLength ? 'street length per cell from the streets table' : 'no streets imported: street-length scores are left out',
        methods: p.methods.map((m) => ({ method: m, ...METHOD_NAMES[m] })),
        weights: weights ? weights.report : null,
        kde_bandwidth_m: bandwidths.length ? { min: round(Math.min(...bandwidths)), max: round(Math.max(...bandwidths)), rule: p.bandwidth_m === undefined ? 'silverman-spatial per training window' : 'given' } : null,
        dbscan: p.methods.includes('dbscan') ? { eps_m: p.eps_m, min_pts: p.min_pts } : null,
        headline_share: p.headline_share,
        best: best ? {
          method: best.method, mean_pai: best.mean_pai, mean_hit_rate: best.mean_hit_rate,
          en: `At ${round(p.headline_share * 100, 1)} % of the area, ${METHOD_NAMES[best.method as Method].en} forecast the next ${p.test_steps} ${p.step}(s) best: mean PAI ${best.mean_pai}, mean hit rate ${best.mean_hit_rate} over ${pairs.length} window(s).`,
          zh: `在 ${round(p.headline_share * 100, 1)}% 的面积上，${METHOD_NAMES[best.method as Method].zh}对下一期的预测最好：平均 PAI ${best.mean_pai}，平均命中率 ${best.mean_hit_rate}（${pairs.length} 个窗口）。`,
        } : null,
        comparison: headline,
        chart: {
          by_share: {
            x: p.area_shares,
            series: p.methods.map((m) => ({
              method: m,
              hit_rate: p.area_shares.map((s) => comparison.find((r) => r.method === m && r.area_share === s)!.mean_hit_rate),
              pai: p.area_shares.map((s) => comparison.find((r) => r.method === m && r.area_share === s)!.mean_pai),
            })),
          },
          by_window: {
            x: windows,
            series: p.methods.map((m) => ({
              method: m,
              hit_rate: rows.filter((r) => r.method === m && r.area_share === p.headline_share).map((r) => r.hit_rate),
              pai: rows.filter((r) => r.method === m && r.area_share === p.headline_share).map((r) => r.pai),
            })),
          },
        },
        all_shares: comparison,
      },
      table: { geometry: { type: 'none' }, columns: toColumns(rows) },
    }
  },
}

interface ScoreInput {
  cells: { x: Float64Array; y: Float64Array }
  pts: { x: Float64Array; y: Float64Array }
  t: Float64Array
  cell: Int32Array
  n: number
  w: Csr | undefined
  p: { bandwidth_m?: number; eps_m: number; min_pts: number }
  bandwidths: number[]
}

/** One ranking score per cell and method, from the training window only. */
function methodScores(methods: readonly Method[], pair: WindowPair, train: Float64Array, s: ScoreInput): Record<Method, Float64Array> {
  const out = {} as Record<Method, Float64Array>
  const idx: number[] = []
  if (methods.includes('kde') || methods.includes('dbscan')) {
    for (let i = 0; i < s.t.length; i++) if (s.t[i] >= pair.train.start && s.t[i] < pair.train.end) idx.push(i)
  }
  const px = Float64Array.from(idx, (i) => s.pts.x[i])
  const py = Float64Array.from(idx, (i) => s.pts.y[i])
  for (const m of methods) {
    if (m === 'last-period') out[m] = train
    else if (m === 'gi-star') out[m] = giStar(train, s.w!).z
    else if (m === 'kde') out[m] = kdeAtCells(px, py, s)
    else {
      const score = new Float64Array(s.n)
      if (idx.length) {
        const { labels } = dbscan(px, py, s.p.eps_m, s.p.min_pts)
        for (let k = 0; k < idx.length; k++) if (labels[k] >= 0) score[s.cell[idx[k]]]++
      }
      out[m] = score
    }
  }
  return out
}

/** Kernel density of the training cases read at each cell centroid (0 everywhere without cases). */
function kdeAtCells(px: Float64Array, py: Float64Array, s: ScoreInput): Float64Array {
  const score = new Float64Array(s.n)
  if (px.length === 0) return score
  const bandwidth = s.p.bandwidth_m ?? silvermanBandwidth(px, py).bandwidth
  if (!(bandwidth > 0)) {
    // every training case on one point: the density is that point's cell alone
    for (let i = 0; i < s.n; i++) score[i] = Math.hypot(s.cells.x[i] - px[0], s.cells.y[i] - py[0]) < 1 ? 1 : 0
    return score
  }
  s.bandwidths.push(bandwidth)
  const cellSize = Math.min(KDE_MAX_CELL_M, Math.max(KDE_MIN_CELL_M, bandwidth / KDE_CELLS_PER_BANDWIDTH))
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (let i = 0; i < s.n; i++) {
    minX = Math.min(minX, s.cells.x[i]); maxX = Math.max(maxX, s.cells.x[i])
    minY = Math.min(minY, s.cells.y[i]); maxY = Math.max(maxY, s.cells.y[i])
  }
  const r = kernelDensity(px, py, { bandwidth, cellSize, extent: { minX, minY, maxX, maxY } })
  for (let i = 0; i < s.n; i++) {
    const col = Math.min(r.width - 1, Math.max(0, Math.floor((s.cells.x[i] - r.originX) / r.cellSize)))
    const row = Math.min(r.height - 1, Math.max(0, Math.floor((r.originY - s.cells.y[i]) / r.cellSize)))
    score[i] = r.values[row * r.width + col]
  }
  return score
}

function scoreRow(k: number, pair: WindowPair, method: Method, share: number, nFlagged: number, s: ForecastScores, off: number): Row {
  const st = s.streetLength
  return {
    window: k + 1,
    train_from: localDate(pair.train.start, off), train_to: localDate(pair.train.end - 1, off),
    test_from: localDate(pair.test.start, off), test_to: localDate(pair.test.end - 1, off),
    method, area_share: share, flagged_cells: nFlagged, flagged_area_share: ratio(s.area.share),
    test_cases: s.N, hits: s.n, hit_rate: ratio(s.hitRate),
    pai: ratio(s.area.pai), pei: ratio(s.area.pei), pei_star: ratio(s.area.peiStar),
    street_share: st ? ratio(st.share) : null, pai_street: st ? ratio(st.pai) : null,
    pei_street: st ? ratio(st.pei) : null, pei_star_street: st ? ratio(st.peiStar) : null,
  }
}

/** Mean of each score over the windows, per method and area share (NaN windows left out). */
function compare(rows: Row[], methods: readonly Method[], shares: readonly number[]) {
  const keys = ['hit_rate', 'pai', 'pei', 'pei_star', 'pai_street', 'pei_street', 'pei_star_street'] as const
  const out: Array<Record<string, number | string | null>> = []
  for (const method of methods) {
    for (const share of shares) {
      const mine = rows.filter((r) => r.method === method && r.area_share === share)
      const row: Record<string, number | string | null> = { method, name_zh: METHOD_NAMES[method].zh, name_en: METHOD_NAMES[method].en, area_share: share, windows: mine.length }
      for (const key of keys) {
        const v = mine.map((r) => r[key]).filter((x): x is number => typeof x === 'number')
        row[`mean_${key}`] = v.length ? round(v.reduce((a, b) => a + b, 0) / v.length, 4) : null
      }
      out.push(row)
    }
  }
  return out
}

function toColumns(rows: Row[]): Record<string, unknown[]> {
  const names = rows.length ? Object.keys(rows[0]) : ['window', 'method', 'area_share', 'hit_rate', 'pai']
  return Object.fromEntries(names.map((k) => [k, rows.map((r) => r[k])]))
}
