/**
 * Getis-Ord Gi* hot and cold spots over the cells of a layout: where cases concentrate beyond
 * chance. Output per cell as ArcGIS's Hot Spot Analysis: GiZScore, GiPValue (two-sided), optional
 * permutation pseudo p (esda's p_sim) and Gi_Bin −3…+3 (99/95/90 % cold … hot), optionally with
 * Benjamini–Hochberg FDR.
 */
import { Type } from 'typebox'
import { DEFAULT_PERMUTATIONS } from '../../hotspots/core/crand'
import { giBin, giStar, GI_BIN_ALPHA } from '../../hotspots/core/gi-star'
import type { AnalysisKind } from '../kind'
import { cellValuesWithWeights, round, ValueParam, WeightsParams } from '../spatial'

const Params = Type.Object({
  ...WeightsParams,
  value: ValueParam,
  fdr: Type.Boolean({ default: false, description: 'Benjamini–Hochberg false discovery rate correction of the confidence bins (ArcGIS "Apply False Discovery Rate")' }),
  permutations: Type.Integer({ minimum: 0, maximum: 99_999, default: 0, description: `permutations for the pseudo p-value p_sim (0: off; ${DEFAULT_PERMUTATIONS} as esda when wanted)` }),
  seed: Type.Integer({ minimum: 0, default: 0, description: 'seed of the permutations' }),
}, { additionalProperties: false })

/** Cells per confidence bin, −3 … +3. */
export function binCounts(bins: Int8Array): Record<string, number> {
  const out: Record<string, number> = { '-3': 0, '-2': 0, '-1': 0, '0': 0, '1': 0, '2': 0, '3': 0 }
  for (const b of bins) out[String(b)]++
  return out
}

export const giStarKind: AnalysisKind<typeof Params> = {
  kind: 'gi-star',
  title: { zh: '热点分析（Getis-Ord Gi*）', en: 'Hot spots (Getis-Ord Gi*)' },
  description: 'Hot and cold spots of case counts over the cells of a layout: Gi* z, two-sided p, optional permutation p_sim and the ArcGIS confidence bin (−3…+3), optionally FDR-corrected.',
  layout: 'required',
  params: Params,
  async run(ctx, p, progress) {
    const { cv, w, report } = await cellValuesWithWeights(ctx, p, progress)
    progress({ phase: 'gi*' })
    const gi = giStar(cv.values, w, { permutations: p.permutations, seed: p.seed })
    const bins = giBin(gi.z, gi.p_two, { fdr: p.fdr })
    const n = cv.cells.n
    const columns: Record<string, unknown[]> = {
      cell: Array.from({ length: n }, (_, i) => i),
      code: cv.cells.code,
      cases: Array.from(cv.counts),
      value: Array.from(cv.values, (v) => round(v, 6)),
      z: Array.from(gi.z, (v) => round(v, 6)),
      p: Array.from(gi.p_two, (v) => Number(v.toPrecision(6))),
      bin: Array.from(bins),
    }
    if (gi.p_sim) columns.p_sim = Array.from(gi.p_sim, (v) => round(v, 6))
    return {
      summary: {
        cells: n, cases: cv.assigned, crs: cv.crsReason, weights: report,
        bins: binCounts(bins), confidence: { '3': 1 - GI_BIN_ALPHA[2], '2': 1 - GI_BIN_ALPHA[1], '1': 1 - GI_BIN_ALPHA[0] },
        fdr: p.fdr, permutations: p.permutations, seed: p.seed,
      },
      table: { geometry: { type: 'cells', layout_id: cv.layout.id }, columns },
    }
  },
}
