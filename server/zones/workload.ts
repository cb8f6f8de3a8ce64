/**
 * Workload per unit cell from its parts (cases per category, street length, area, POIs) and the
 * planner's weights. Pure: the repository supplies the overlays, this module only weighs them.
 */
import type { WorkloadDefinition } from './schema'

/** Default weight of one case when neither its minor nor its major category is listed. */
export const DEFAULT_CASE_WEIGHT = 1

/** The overlays of one layout's cells, cell order (idx). */
export interface WorkloadParts {
  n: number
  /** cases per cell and category (4-digit minor code) */
  cases: { idx: number; category_code: string; n: number }[]
  /** street length inside each cell, metres (only needed with street_weight) */
  streets: { idx: number; street_m: number }[]
  /** cell area, m² */
  area: Float64Array
  /** POIs per cell and kind */
  pois: { idx: number; kind: string; n: number }[]
}

/** Workload per cell with the share of each part, so a plan can show where the work comes from. */
export interface CellWorkload {
  /** total per cell */
  workload: Float64Array
  /** cases per cell (unweighted count) */
  cases: Float64Array
  /** totals over all cells of each weighted part */
  parts: { cases: number; streets: number; area: number; pois: number }
}

/** Weight of one case of `code` (minor code first, then its major code, then case_weight). */
export function categoryWeight(def: WorkloadDefinition, code: string): number {
  const w = def.category_weights
  return w?.[code] ?? w?.[code.slice(0, 2)] ?? def.case_weight ?? DEFAULT_CASE_WEIGHT
}

/**
 * workload_i = Σ_c cases_ic · weight(c) + street_weight · km_i + area_weight · ha_i + Σ_k poi_weight(k) · pois_ik
 */
export function cellWorkload(def: WorkloadDefinition, p: WorkloadParts): CellWorkload {
  const workload = new Float64Array(p.n)
  const cases = new Float64Array(p.n)
  const parts = { cases: 0, streets: 0, area: 0, pois: 0 }
  const weightOf = new Map<string, number>()
  for (const r of p.cases) {
    let w = weightOf.get(r.category_code)
    if (w === undefined) weightOf.set(r.category_code, (w = categoryWeight(def, r.category_code)))
    workload[r.idx] += w * r.n
    cases[r.idx] += r.n
    parts.cases += w * r.n
  }
  const sw = def.street_weight ?? 0
  if (sw > 0) {
    for (const r of p.streets) {
      const v = (sw * r.street_m) / 1000
      workload[r.idx] += v
      parts.streets += v
    }
  }
  const aw = def.area_weight ?? 0
  if (aw > 0) {
    for (let i = 0; i < p.n; i++) {
      const v = (aw * p.area[i]) / 10_000
      workload[i] += v
      parts.area += v
    }
  }
  const pw = def.poi_weights ?? {}
  for (const r of p.pois) {
    const v = (pw[r.kind] ?? 0) * r.n
    workload[r.idx] += v
    parts.pois += v
  }
  return { workload, cases, parts }
}
