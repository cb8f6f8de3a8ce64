/**
 * Student's t distribution, for confidence intervals from few clusters (a district may have only a
 * dozen re-patrolled cells, where the normal 1.96 understates the interval).
 */

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients; ~15 significant digits).
const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]
const HALF_LOG_2PI = 0.9189385332046727 // ln √(2π)
const CF_TOLERANCE = 1e-15
const CF_MAX_TERMS = 1000
const TINY = 1e-300

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`Unexpected logGamma argument: ${x}; expected x > 0.`)
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x) // reflection
  const xm = x - 1
  let a = LANCZOS[0]
  const t = xm + LANCZOS_G + 0.5
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (xm + i)
  return HALF_LOG_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Regularised incomplete beta I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`Unexpected incompleteBeta x: ${x}; expected 0 ≤ x ≤ 1.`)
  if (x === 0 || x === 1) return x
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x)
  // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b
}

// Continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8), modified Lentz evaluation.
function betaFraction(x: number, a: number, b: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let f = d
  for (let m = 1; m <= CF_MAX_TERMS; m++) {
    const m2 = 2 * m
    // even step
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + num * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + num / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    f *= d * c
    // odd step
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + num * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + num / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    f *= delta
    if (Math.abs(delta - 1) < CF_TOLERANCE) break
  }
  return f
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, may be fractional). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Unexpected degrees of freedom: ${df}; expected df > 0.`)
  if (Number.isNaN(t)) return NaN
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5) // P(T > |t|)
  return t >= 0 ? 1 - tail : tail
}

/**
 * Quantile of Student's t: the t with P(T ≤ t) = prob.
 * @param prob  probability in (0, 1), e.g. 0.975 for a two-sided 95 % interval
 * @param df    degrees of freedom, > 0
 */
export function studentTQuantile(prob: number, df: number): number {
  if (!(prob > 0 && prob < 1)) throw new RangeError(`Unexpected probability: ${prob}; expected 0 < prob < 1.`)
  if (!(df > 0)) throw new RangeError(`Unexpected degrees of freedom: ${df}; expected df > 0.`)
  if (prob === 0.5) return 0
  if (prob < 0.5) return -studentTQuantile(1 - prob, df)
  // Bracket, then bisect: the CDF is monotone and only a handful of quantiles are ever needed.
  let lo = 0
  let hi = 1
  while (studentTCdf(hi, df) < prob) hi *= 2
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi)
    if (studentTCdf(mid, df) < prob) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}
