import { describe, expect, test } from 'vitest'
import { stepBoundaries } from '../../server/trends/core/cube'
import { forecastScores, rollingWindows, selectByCoverage } from '../../server/trends/core/forecast'

const f64 = (x: number[]) => Float64Array.from(x)
const u8 = (x: number[]) => Uint8Array.from(x)

describe('forecast scores', () => {
  test('equal cells, by hand', () => {
    // 5 cells of 100 m², 20 test cases; the map flags cells 0 and 3
    const s = forecastScores({ flagged: u8([1, 0, 0, 1, 0]), cases: f64([10, 0, 5, 3, 2]), area: f64([100, 100, 100, 100, 100]) })
    expect(s.n).toBe(13)
    expect(s.N).toBe(20)
    expect(s.hitRate).toBe(0.65)
    expect(s.area.share).toBe(0.4)
    expect(s.area.pai).toBeCloseTo(0.65 / 0.4, 12) // 1.625
    expect(s.area.nStar).toBe(15) // the best two cells: 10 + 5
    expect(s.area.sizeStar).toBe(200)
    expect(s.area.pei).toBeCloseTo(13 / 15, 12)
    expect(s.area.peiStar).toBeCloseTo(13 / 200 / (15 / 200), 12)
    expect(s.streetLength).toBeUndefined()
  })

  test('PEI* marks down a map that flags more area than the cases need', () => {
    // all 10 cases sit in one cell; the map flags it and an empty one
    const s = forecastScores({ flagged: u8([1, 1, 0, 0]), cases: f64([10, 0, 0, 0]), area: f64([100, 100, 100, 100]) })
    expect(s.area.pei).toBe(1) // nothing better fits in 200 m²
    expect(s.area.sizeStar).toBe(100) // but 100 m² would have done
    expect(s.area.peiStar).toBe(0.5)
    expect(s.area.pai).toBe(2)
  })

  test('unequal areas and street lengths, by hand', () => {
    const input = {
      flagged: u8([0, 1, 0, 0]),
      cases: f64([6, 4, 3, 0]),
      area: f64([200, 100, 100, 100]), // m², 500 in all
      streetLength: f64([50, 100, 25, 25]), // m, 200 in all
    }
    const s = forecastScores(input)
    expect(s.hitRate).toBeCloseTo(4 / 13, 12)
    // area: flagged 100 m²; densest cell fitting in 100 m² is cell 1 (0.04/m²) → n* = 4
    expect(s.area.pai).toBeCloseTo(4 / 13 / (100 / 500), 12)
    expect(s.area.nStar).toBe(4)
    expect(s.area.pei).toBe(1)
    // street length: flagged 100 m; densities 0.12, 0.04, 0.12 per m → cells 0 and 2 (75 m) hold 9
    const L = s.streetLength!
    expect(L.share).toBe(0.5)
    expect(L.pai).toBeCloseTo(4 / 13 / 0.5, 12)
    expect(L.nStar).toBe(9)
    expect(L.sizeStar).toBe(75)
    expect(L.pei).toBeCloseTo(4 / 9, 12)
    expect(L.peiStar).toBeCloseTo(4 / 100 / (9 / 75), 12)
  })

  test('no test cases: ratios are NaN, not a division error', () => {
    const s = forecastScores({ flagged: u8([1, 0]), cases: f64([0, 0]), area: f64([1, 1]) })
    expect(s.hitRate).toBeNaN()
    expect(s.area.pei).toBeNaN()
    expect(() => forecastScores({ flagged: u8([1]), cases: f64([1, 2]), area: f64([1, 1]) })).toThrow(/flagged length: 1/)
  })
})

describe('selection at equal coverage', () => {
  test('takes the top-ranked cells until the share of area is reached', () => {
    const area = f64(new Array(20).fill(100))
    const score = Array.from({ length: 20 }, (_, i) => i) // cell 19 ranks first
    const flagged = selectByCoverage(score, area, 0.1)
    expect(Array.from(flagged).flatMap((f, i) => (f ? [i] : []))).toEqual([18, 19])
    // 12 % of 2,000 m² = 240 m²: the third cell overshoots by less than its own area
    expect(Array.from(selectByCoverage(score, area, 0.12)).reduce((a, b) => a + b)).toBe(3)
  })

  test('ties are broken by a seeded random order, not by cell index', () => {
    const area = f64(new Array(100).fill(1))
    const score = new Array(100).fill(0)
    score[42] = 5
    const a = selectByCoverage(score, area, 0.05, { seed: 3 })
    const b = selectByCoverage(score, area, 0.05, { seed: 3 })
    const c = selectByCoverage(score, area, 0.05, { seed: 4 })
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(c))
    expect(a[42]).toBe(1)
    expect(Array.from(a).reduce((x, y) => x + y)).toBe(5)
    expect(Array.from(a.subarray(0, 4))).not.toEqual([1, 1, 1, 1]) // not simply the first cells
  })

  test('cells without a score are never flagged', () => {
    const flagged = selectByCoverage([NaN, 1, NaN, 2], f64([1, 1, 1, 1]), 1)
    expect(Array.from(flagged)).toEqual([0, 1, 0, 1])
    expect(() => selectByCoverage([1], f64([1]), 0)).toThrow(/fraction value: 0/)
  })
})

describe('rolling windows', () => {
  test('train on three months, test on the next, month by month', () => {
    const H = 3_600_000
    const months = stepBoundaries('month', Date.UTC(2024, 0, 1) - 8 * H, Date.UTC(2025, 0, 1) - 8 * H)
    const pairs = rollingWindows(months, { trainSteps: 3 })
    expect(pairs.length).toBe(9)
    expect(pairs[0].train).toEqual({ fromStep: 0, toStep: 3, start: months[0], end: months[3] })
    expect(pairs[0].test).toEqual({ fromStep: 3, toStep: 4, start: months[3], end: months[4] })
    expect(pairs[8].test.toStep).toBe(12)
    expect(rollingWindows(months, { trainSteps: 6, testSteps: 2, stride: 2 }).map((p) => p.test.fromStep)).toEqual([6, 8, 10])
    expect(() => rollingWindows(months, { trainSteps: 0 })).toThrow(/trainSteps value: 0/)
    expect(() => rollingWindows([3, 2], { trainSteps: 1 })).toThrow(/does not follow/)
  })
})
