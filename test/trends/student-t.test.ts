import { describe, expect, test } from 'vitest'
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../server/trends/core/student-t'

// References computed with mpmath at 40 digits (regularised incomplete beta, loggamma).
describe("Student's t", () => {
  test.each([
    [0.975, 1, 12.706204736174692],
    [0.975, 10, 2.2281388519862744],
    [0.975, 30, 2.0422724563012378],
    [0.95, 4.5, 2.065575888878524],
    [0.025, 10, -2.2281388519862744],
  ])('quantile(%f, df = %f)', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 9)
  })

  test('CDF, and the normal limit for large df', () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850708, 12)
    expect(studentTCdf(-1, 3)).toBeCloseTo(0.19550110947788532, 12)
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959963984540054, 5)
  })

  test('log-gamma and the incomplete beta', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247001, 12) // ln √π
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 11)
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12)
    expect(incompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 12) // 1 − Σ… = 0.3483 exactly for integer a, b
    expect(incompleteBeta(0.5, 7, 7)).toBeCloseTo(0.5, 12)
  })

  test('errors name the bad value', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(/probability: 1/)
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom: 0/)
  })
})
