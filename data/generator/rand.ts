/**
 * Random draws for the generator, all from the shared seeded mulberry32 stream, so one seed
 * always yields the same city. Each part of the city takes its own stream (`streamFor`), so
 * changing how many numbers one part draws does not reshuffle the others.
 */
import { seededRandom, type Random } from '../../server/shared/random'

/** A generator of uniform floats in [0, 1) (re-exported from server/shared/random). */
export type { Random }

/** An independent stream for one named part of the generator (seed mixed with an FNV-1a hash of the name). */
export function streamFor(seed: number, part: string): Random {
  let h = 0x811c9dc5
  for (let i = 0; i < part.length; i++) {
    h ^= part.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return seededRandom((seed ^ h) >>> 0)
}

/** Uniform float in [a, b). */
export function uniform(rand: Random, a: number, b: number): number {
  return a + (b - a) * rand()
}

/** Standard normal draw (Box–Muller). */
export function normal(rand: Random): number {
  const u = 1 - rand()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

/** Log-normal draw with the given median and log-sd. */
export function logNormal(rand: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rand))
}

/** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
export function weightedIndex(rand: Random, weights: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < weights.length; i++) total += weights[i]
  let r = rand() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]
    if (r < 0) return i
  }
  return weights.length - 1
}

/** Cumulative table for repeated weighted draws by binary search. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length)
  let s = 0
  for (let i = 0; i < weights.length; i++) c[i] = s += weights[i]
  return c
}

/** Index drawn from a cumulative table made by `cumulative`. */
export function drawCumulative(rand: Random, cum: Float64Array): number {
  const r = rand() * cum[cum.length - 1]
  let lo = 0
  let hi = cum.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cum[mid] > r) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(rand: Random, items: readonly T[]): T[] {
  const a = items.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}
