/**
 * Local Moran's I (LISA) over the cells of a layout, alongside Gi*: besides hot (HH) and cold (LL)
 * clusters it finds outliers, a busy cell among quiet ones (HL) or a quiet one among busy (LH).
 * Row-standardised weights and conditional-permutation p_sim, as esda's Moran_Local; global
 * Moran's I in the summary.
 */
import { Type } from 'typebox'
import { DEFAULT_PERMUTATIONS } from '../../hotspots/core/crand'
import { bhCriticalP } from '../../hotspots/core/fdr'
import { globalMoran, localMoran } from '../../hotspots/core/moran'
import type { AnalysisKind } from '../kind'
import { cellValuesWithWeights, round, ValueParam, WeightsParams } from '../spatial'

const Params = Type.Object({
  ...WeightsParams,
  value: ValueParam,
  permutations: Type.Integer({ minimum: 99, maximum: 99_999, default: DEFAULT_PERMUTATIONS, description: 'permutations for p_sim (esda default 999)' }),
  seed: Type.Integer({ minimum: 0, default: 0, description: 'seed of the permutations' }),
  alpha: Type.Number({ exclusiveMinimum: 0, maximum: 0.5, default: 0.05, description: 'significance level of the cluster/outlier type' }),
  fdr: Type.Boolean({ default: false, description: 'judge significance against the Benjamini–Hochberg critical p at alpha' }),
}, { additionalProperties: false })

/** esda quadrant numbers (1 HH, 2 LH, 3 LL, 4 HL) as labels. */
const QUADRANT_LABEL = ['', 'HH', 'LH', 'LL', 'HL'] as const

export const localMoranKind: AnalysisKind<typeof Params> = {
  kind: 'local-moran',
  title: { zh: '局部莫兰指数（聚类与异常值）', en: "Local Moran's I (clusters and outliers)" },
  description: "Cluster and outlier analysis of case counts over the cells of a layout: local Moran's I, quadrant (HH, LL, HL, LH), permutation p_sim; global Moran's I in the summary.",
  layout: 'required',
  params: Params,
  async run(ctx, p, progress) {
    const { cv, w, report } = await cellValuesWithWeights(ctx, p, progress)
    progress({ phase: 'moran' })
    const lm = localMoran(cv.values, w, { permutations: p.permutations, seed: p.seed })
    const global = globalMoran(cv.values, w)
    const pSim = lm.p_sim!
    const cut = p.fdr ? bhCriticalP(pSim, p.alpha) : p.alpha
    const n = cv.cells.n
    const type = Array.from(lm.q, (q, i) => (pSim[i] <= cut ? QUADRANT_LABEL[q] : 'ns'))
    const types: Record<string, number> = { HH: 0, LL: 0, HL: 0, LH: 0, ns: 0 }
    for (const t of type) types[t]++
    return {
      summary: {
        cells: n, cases: cv.assigned, crs: cv.crsReason, weights: report,
        global_moran: { I: round(global.I, 6), EI: round(global.EI, 6), z_norm: round(global.z_norm, 4), p_norm: Number(global.p_norm.toPrecision(4)) },
        types, alpha: p.alpha, fdr: p.fdr, critical_p: cut, permutations: p.permutations, seed: p.seed,
      },
      table: {
        geometry: { type: 'cells', layout_id: cv.layout.id },
        columns: {
          cell: Array.from({ length: n }, (_, i) => i),
          code: cv.cells.code,
          cases: Array.from(cv.counts),
          value: Array.from(cv.values, (v) => round(v, 6)),
          I: Array.from(lm.Is, (v) => round(v, 6)),
          quadrant: Array.from(lm.q, (q) => QUADRANT_LABEL[q]),
          p_sim: Array.from(pSim, (v) => round(v, 6)),
          z_sim: Array.from(lm.z_sim!, (v) => (Number.isFinite(v) ? round(v, 4) : null)),
          type,
        },
      },
    }
  },
}
