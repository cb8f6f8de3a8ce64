/**
 * Benjamini–Hochberg false discovery rate control (Benjamini & Hochberg 1995, JRSS B 57(1)).
 * Hot spot maps test one hypothesis per cell; at p < 0.1 a 10,000-cell district shows ~1,000
 * "hot spots" by chance alone. BH keeps the expected share of false ones among those flagged ≤ q.
 */

/**
 * The BH p-value cut-off over `p[from .. to)`: the largest p(k) with p(k) ≤ k·q/m, where p(1) ≤ … ≤ p(m)
 * are the finite p-values of the range and m their number. A test is significant when p ≤ cut-off.
 * @param p     p-values (NaN entries are not tests and are skipped)
 * @param q     false discovery rate, e.g. 0.05
 * @returns the cut-off, or −1 when nothing is significant
 */
export function bhCutoff(p: ArrayLike<number>, q: number, from = 0, to = p.length): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`Unexpected q value: ${q}; expected a rate in (0, 1).`)
  const sorted = sortedFinite(p, from, to)
  return cutoffOfSorted(sorted, q)
}

/**
 * BH cut-offs for several rates over the same range, sorting once.
 * @returns one cut-off per rate (−1 where nothing is significant)
 */
export function bhCutoffs(p: ArrayLike<number>, qs: readonly number[], from = 0, to = p.length): number[] {
  const sorted = sortedFinite(p, from, to)
  return qs.map((q) => {
    if (!(q > 0 && q < 1)) throw new RangeError(`Unexpected q value: ${q}; expected a rate in (0, 1).`)
    return cutoffOfSorted(sorted, q)
  })
}

/**
 * Which tests BH declares significant at rate q.
 * @returns 1 where significant, 0 otherwise (also for NaN p), same order as `p`
 */
export function benjaminiHochberg(p: ArrayLike<number>, q: number): Uint8Array {
  const cut = bhCutoff(p, q)
  const out = new Uint8Array(p.length)
  for (let i = 0; i < p.length; i++) out[i] = p[i] <= cut ? 1 : 0
  return out
}

function sortedFinite(p: ArrayLike<number>, from: number, to: number): Float64Array {
  const buf = new Float64Array(to - from)
  let m = 0
  for (let i = from; i < to; i++) if (Number.isFinite(p[i])) buf[m++] = p[i]
  return buf.subarray(0, m).sort()
}

function cutoffOfSorted(sorted: Float64Array, q: number): number {
  const m = sorted.length
  for (let k = m; k >= 1; k--) if (sorted[k - 1] <= (k * q) / m) return sorted[k - 1]
  return -1
}
