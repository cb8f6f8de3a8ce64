/**
 * Class breaks for count maps. Counts of cases per area are heavily skewed (a few market
 * streets hold most stalls), so equal intervals would paint nearly every cell in the first
 * class; quantiles of the non-zero counts spread the classes over the cells that matter.
 */

/**
 * Upper bounds (inclusive, ascending, distinct integers) of at most `k` quantile classes of the
 * positive values in `values`; the last bound is the maximum. Empty when no value is positive.
 * @param values  counts (non-negative); zeros and non-finite values are ignored
 * @param k       wanted number of classes (≥ 1); fewer come back when counts repeat
 */
export function quantileBreaks(values: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`Unexpected class count: ${k}; expected an integer ≥ 1`)
  const v: number[] = []
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (Number.isFinite(x) && x > 0) v.push(x)
  }
  if (v.length === 0) return []
  v.sort((a, b) => a - b)
  const out: number[] = []
  for (let c = 1; c <= k; c++) {
    // nearest-rank quantile, rounded up to a whole count so bounds read as "1–3 cases"
    const q = Math.ceil(v[Math.min(v.length - 1, Math.ceil((c / k) * v.length) - 1)])
    if (out.length === 0 || q > out[out.length - 1]) out.push(q)
  }
  return out
}

/** Index of the class holding `value` given upper bounds from `quantileBreaks` (last class for overflow). */
export function classIndex(value: number, breaks: readonly number[]): number {
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i]) return i
  return breaks.length - 1
}

/** `[lower, upper]` of each class, inclusive integer bounds, for legends ("4–8"). */
export function classRanges(breaks: readonly number[]): Array<[number, number]> {
  return breaks.map((b, i) => [i === 0 ? 1 : breaks[i - 1] + 1, b])
}

/**
 * Head/tail breaks (Jiang 2013) for heavy-tailed counts: split at the mean, keep splitting the
 * part above the mean (the head) while it holds less than `headShare` of its values. Case
 * counts per area are heavy-tailed — a few market streets hold hundreds of cases, most cells a
 * handful — and quantiles would lump a hotspot of 280 with cells of 14.
 * @param values     counts (non-negative); zeros and non-finite values are ignored
 * @param maxClasses at most this many classes (≥ 1)
 * @param headShare  a head larger than this share of its parent is not split (default 0.4)
 * @returns upper bounds (inclusive, ascending, distinct integers); the last is the maximum
 */
export function headTailBreaks(values: ArrayLike<number>, maxClasses: number, headShare = 0.4): number[] {
  if (!Number.isInteger(maxClasses) || maxClasses < 1) throw new Error(`Unexpected class count: ${maxClasses}; expected an integer ≥ 1`)
  let head: number[] = []
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    if (Number.isFinite(x) && x > 0) head.push(x)
  }
  if (head.length === 0) return []
  const max = Math.ceil(Math.max(...head))
  const out: number[] = []
  while (out.length < maxClasses - 1 && head.length > 1) {
    const mean = head.reduce((a, b) => a + b, 0) / head.length
    const bound = Math.floor(mean)
    const next = head.filter((x) => x > bound)
    if (next.length === 0 || next.length === head.length || next.length / head.length > headShare) break
    if (out.length === 0 || bound > out[out.length - 1]) out.push(bound)
    head = next
  }
  if (out.length === 0 || max > out[out.length - 1]) out.push(max)
  return out
}
