/**
 * Conditional randomisation shared by the local statistics (Gi*, local Moran), after esda's
 * `crand`: one table of random draws is made up front and reused by every cell. Row p holds
 * `maxCard` distinct positions in [0, n − 1) — a uniform sample without replacement from "the other
 * n − 1 cells" — and cell i reads the first deg(i) of them, mapping position r to cell r < i ? r : r + 1.
 * Drawing once instead of per cell keeps the cost at O(permutations · maxCard) random numbers, so
 * 10^6 cells cost the same to set up as 10^3.
 */
import { seededRandom } from '../../shared/random'

/** Default number of permutations for pseudo p-values when a statistic asks for them (esda's 999). */
export const DEFAULT_PERMUTATIONS = 999

/**
 * The draw table: `permutations` rows of `maxCard` distinct positions in [0, n − 1).
 * @param seed  PRNG seed; equal seeds give equal tables
 */
export function permutationDraws(n: number, maxCard: number, permutations: number, seed: number): Uint32Array {
  if (!Number.isInteger(permutations) || permutations < 1) throw new Error(`Unexpected permutations value: ${permutations}.`)
  const others = n - 1
  if (maxCard > others) throw new Error(`A cell has ${maxCard} neighbours but only ${others} other cells exist.`)
  const rand = seededRandom(seed)
  const draws = new Uint32Array(permutations * maxCard)
  if (maxCard === 0) return draws
  if (2 * maxCard > others) {
    // dense: partial Fisher–Yates over a reusable identity array
    const pool = new Uint32Array(others)
    for (let p = 0; p < permutations; p++) {
      for (let r = 0; r < others; r++) pool[r] = r
      for (let j = 0; j < maxCard; j++) {
        const pick = j + Math.floor(rand() * (others - j))
        const t = pool[j]
        pool[j] = pool[pick]
        pool[pick] = t
        draws[p * maxCard + j] = pool[j]
      }
    }
    return draws
  }
  // sparse: rejection sampling, duplicates spotted by a stamp per position (no clearing between rows)
  const stamp = new Uint32Array(others)
  for (let p = 0; p < permutations; p++) {
    const mark = p + 1
    for (let j = 0; j < maxCard; ) {
      const r = Math.floor(rand() * others)
      if (stamp[r] === mark) continue
      stamp[r] = mark
      draws[p * maxCard + j++] = r
    }
  }
  return draws
}

/**
 * esda's folded pseudo p-value: with `larger` permutations at or above the observed value,
 * the smaller tail is used, p_sim = (min(larger, permutations − larger) + 1) / (permutations + 1).
 */
export function foldedPseudoP(larger: number, permutations: number): number {
  const tail = permutations - larger < larger ? permutations - larger : larger
  return (tail + 1) / (permutations + 1)
}
