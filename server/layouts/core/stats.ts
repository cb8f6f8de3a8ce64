/**
 * Area statistics of a layout's cells (pure).
 */
import type { AreaStats } from '../schema'

/** Cells within this relative deviation of the target count as on target (DB11 practice). */
export const ON_TARGET_TOLERANCE = 0.3

/**
 * @param areas  cell areas, m²
 * @param target nominal cell area, m² (null: no target, share is null)
 */
export function areaStats(areas: Float64Array, target: number | null): AreaStats {
  const n = areas.length
  const sorted = Float64Array.from(areas).sort()
  let total = 0
  let within = 0
  for (let i = 0; i < n; i++) {
    total += sorted[i]
    if (target && Math.abs(sorted[i] - target) <= ON_TARGET_TOLERANCE * target) within++
  }
  const median = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  return {
    count: n,
    total_m2: total,
    min_m2: n ? sorted[0] : 0,
    median_m2: median,
    mean_m2: n ? total / n : 0,
    max_m2: n ? sorted[n - 1] : 0,
    target_m2: target,
    share_within_30pct: target && n ? within / n : null,
  }
}
