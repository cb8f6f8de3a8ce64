/**
 * Standard normal tail probabilities, accurate in relative terms far into the tails, for the
 * analytical p-values of Gi* and Mann-Kendall. `1 - Φ(z)` computed by subtraction loses every
 * digit beyond z ≈ 8 (it returns 0 while the true tail is 6e-16), which breaks FDR ranking of
 * strong hot spots; here the upper tail is computed directly.
 */

const INV_SQRT_2PI = 0.3989422804014327 // 1 / √(2π)
// Below this |z| the Taylor series of Φ converges fast and its absolute error (~1e-16) is still a
// small relative error of the tail (Q(3) = 1.3e-3); above it the continued fraction converges fast.
const SERIES_LIMIT = 3
const CF_TOLERANCE = 1e-16
const CF_MAX_TERMS = 500
const TINY = 1e-300 // keeps Lentz's recurrence away from division by zero

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z)
}

/**
 * Upper tail Q(z) = P(Z > z) of the standard normal, relative error below ~1e-14 for every z
 * (0 only where the true value underflows, z > 38.5).
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN
  if (z < 0) return 1 - normalSf(-z)
  if (z < SERIES_LIMIT) return 0.5 - normalPdf(z) * taylorSum(z)
  return normalPdf(z) * millsRatio(z)
}

/** Lower tail Φ(z) = P(Z ≤ z) of the standard normal, relative error below ~1e-14 for every z. */
export function normalCdf(z: number): number {
  return normalSf(-z)
}

/** Two-sided p-value 2·Q(|z|) of a z-score. */
export function twoSidedP(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)))
}

// Φ(z) − 1/2 = φ(z) · (z + z³/3 + z⁵/(3·5) + …)  (Marsaglia 2004, J. Stat. Softw. 11(4))
function taylorSum(z: number): number {
  const z2 = z * z
  let term = z
  let sum = z
  for (let k = 3; ; k += 2) {
    term *= z2 / k
    const next = sum + term
    if (next === sum) return sum
    sum = next
  }
}

// Mills ratio Q(z)/φ(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated by the modified Lentz method.
function millsRatio(z: number): number {
  let f = z
  let c = z
  let d = 0
  for (let k = 1; k <= CF_MAX_TERMS; k++) {
    d = z + k * d
    d = d === 0 ? 1 / TINY : 1 / d
    c = z + k / c
    if (c === 0) c = TINY
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < CF_TOLERANCE) break
  }
  return 1 / f
}
