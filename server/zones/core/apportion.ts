/**
 * Splits K zones among regions (groups under nesting, or separate pieces of the cell graph) in
 * proportion to their workload.
 *
 * After the minimum seats, each further zone goes to the region with the largest Huntington–Hill
 * priority W_r / √(k_r (k_r + 1)) (Huntington 1928, the US House apportionment method). Greedy
 * allocation by this priority minimises Σ_r W_r² / k_r, which, with each region balanced inside,
 * equals Σ over zones of (W_zone − W/K)² up to a constant: the split that lets the city-wide CV go
 * lowest. Plain largest-remainder rounding does not have that property.
 *
 * @param workload  workload per region (≥ 0)
 * @param K         zones to hand out
 * @param min       least zones per region (≥ 1: every region needs a zone)
 * @param max       most zones per region (its number of cells)
 * @returns zones per region, or null when Σ min > K or Σ max < K
 */
export function apportion(workload: Float64Array, K: number, min: Int32Array, max: Int32Array): Int32Array | null {
  const r = workload.length
  const k = Int32Array.from(min)
  let used = 0
  let room = 0
  for (let g = 0; g < r; g++) {
    used += min[g]
    room += max[g]
  }
  if (used > K || room < K) return null
  while (used < K) {
    let best = -1
    let bestPriority = -1
    for (let g = 0; g < r; g++) {
      if (k[g] >= max[g]) continue
      const priority = workload[g] / Math.sqrt(k[g] * (k[g] + 1))
      if (priority > bestPriority) {
        bestPriority = priority
        best = g
      }
    }
    k[best]++
    used++
  }
  return k
}
