/**
 * Seeded pseudo-random numbers for tests, benchmarks, permutation inference and optimisers, so that
 * every run with the same seed draws the same sequence (mulberry32: 32-bit state, period 2^32, fast
 * and good enough for Monte Carlo and heuristics; not for cryptography).
 */

/** A generator of uniform floats in [0, 1). */
export type Random = () => number

/**
 * Returns a mulberry32 generator seeded with `seed` (any finite number; its low 32 bits are used).
 * @param seed  integer seed; equal seeds give equal sequences
 */
export function seededRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new Error(`Unexpected seed value: ${seed}.`)
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Uniform integer in [0, n) drawn from `rand`. */
export function randomInt(rand: Random, n: number): number {
  return Math.floor(rand() * n)
}
