import { describe, expect, test } from 'vitest'
import { mannKendall } from '../../server/trends/core/mann-kendall'

/** All distinct orderings of a multiset (each equally likely under "no trend"). */
function* distinctPermutations(values: number[]): Generator<number[]> {
  const a = [...values].sort((x, y) => x - y)
  yield [...a]
  while (true) {
    let i = a.length - 2
    while (i >= 0 && a[i] >= a[i + 1]) i--
    if (i < 0) return
    let j = a.length - 1
    while (a[j] <= a[i]) j--
    ;[a[i], a[j]] = [a[j], a[i]]
    a.splice(i + 1, a.length - i - 1, ...a.slice(i + 1).reverse())
    yield [...a]
  }
}

function kendallS(x: number[]): number {
  let s = 0
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) s += Math.sign(x[j] - x[i])
  return s
}

describe('Mann-Kendall', () => {
  test('strictly rising series, by hand', () => {
    const r = mannKendall([1, 2, 3, 4, 5])
    expect(r.S).toBe(10)
    expect(r.varS).toBeCloseTo((5 * 4 * 15) / 18, 12) // 16.667
    expect(r.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 12) // 2.2045, continuity-corrected
    expect(r.p).toBeCloseTo(0.027486, 5)
    expect(r.tau).toBe(1)
    expect(r.trend).toBe('up')
  })

  test('one tie group, by hand', () => {
    // pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5
    const r = mannKendall([1, 2, 2, 3])
    expect(r.S).toBe(5)
    expect(r.varS).toBeCloseTo((4 * 3 * 13 - 2 * 1 * 9) / 18, 12) // 7.667
    expect(r.tau).toBeCloseTo(5 / Math.sqrt((6 - 1) * 6), 12) // tau-b
    expect(r.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 12)
  })

  test('published worked example (Holy Cross "Mann-Kendall by hand": 14 values, one tie)', () => {
    // https://mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: S = 54,
    // V = (14)(13)(33)/18 − (2)(1)(9)/18, Z = (S − 1)/√V ≈ 2.9058, one-sided p ≈ .0018
    const x = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]
    const r = mannKendall(x)
    expect(r.S).toBe(54)
    expect(r.varS).toBeCloseTo((14 * 13 * 33 - 2 * 1 * 9) / 18, 10)
    expect(r.z).toBeCloseTo(2.9058, 4)
    expect(r.p / 2).toBeCloseTo(0.0018, 4)
    expect(r.trend).toBe('up')
  })

  test.each([
    [[1, 2, 3, 4, 5, 6, 7]],
    [[1, 1, 2, 3, 3, 3, 4]],
    [[0, 0, 0, 1, 1, 2]],
    [[5, 5, 5, 5, 7, 7, 9]],
  ])('tie-corrected variance equals the exact variance of S over all orderings of %j', (values) => {
    let count = 0
    let sum = 0
    let sumSq = 0
    for (const perm of distinctPermutations(values)) {
      const s = kendallS(perm)
      count++
      sum += s
      sumSq += s * s
    }
    expect(sum / count).toBeCloseTo(0, 12)
    expect(mannKendall(values).varS).toBeCloseTo(sumSq / count, 10)
  })

  test('falling series, constant series, NaN dropped', () => {
    expect(mannKendall([9, 7, 5, 3, 1, 0, -2, -4]).trend).toBe('down')
    const flat = mannKendall([2, 2, 2, 2, 2])
    expect([flat.S, flat.varS, flat.z, flat.p, flat.tau, flat.trend]).toEqual([0, 0, 0, 1, 0, 'none'])
    const gaps = mannKendall([1, NaN, 2, 3, NaN, 4, 5])
    expect(gaps.n).toBe(5)
    expect(gaps.S).toBe(10)
  })

  test('alpha decides the trend label', () => {
    const x = [1, 3, 2, 4, 3, 5, 4, 6] // S = 20, z ≈ 2.39, p ≈ 0.017
    expect(mannKendall(x, 0.01).trend).toBe('none')
    expect(mannKendall(x, 0.05).trend).toBe('up')
    expect(() => mannKendall(x, 0)).toThrow(/alpha/)
  })
})
