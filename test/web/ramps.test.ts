import { describe, expect, test } from 'vitest'
import { CATEGORICAL, categoricalColor, cividis, contrastText, hexToRgb, rdBuColdHot, relativeLuminance, rgbaCss, rgbToHex, sampleRamp, viridis } from '../../web/src/colors/ramps'
import { classIndex, classRanges, headTailBreaks, quantileBreaks } from '../../web/src/colors/classify'

describe('colour ramps', () => {
  test('viridis and cividis hit their published end colours', () => {
    expect(rgbToHex(viridis(0))).toBe('#440154')
    expect(rgbToHex(viridis(1))).toBe('#fde725')
    expect(rgbToHex(viridis(0.5))).toBe('#21918c')
    // cividis ends: dark blue #00204d-ish and yellow #fdea45-ish (polynomial fit, ±2 per channel)
    const [a, b] = [cividis(0), cividis(1)]
    expect(a[0]).toBeLessThanOrEqual(2)
    expect(Math.abs(a[1] - 32)).toBeLessThanOrEqual(2)
    expect(Math.abs(a[2] - 81)).toBeLessThanOrEqual(3)
    expect(Math.abs(b[0] - 253)).toBeLessThanOrEqual(2)
    expect(Math.abs(b[1] - 234)).toBeLessThanOrEqual(2)
    expect(Math.abs(b[2] - 69)).toBeLessThanOrEqual(3)
  })

  test('sequential ramps get lighter monotonically (readable as "more")', () => {
    for (const ramp of [viridis, cividis]) {
      const lum = sampleRamp(ramp, 21).map(relativeLuminance)
      for (let i = 1; i < lum.length; i++) expect(lum[i]).toBeGreaterThan(lum[i - 1])
    }
  })

  test('the diverging ramp is cold blue → light middle → hot red', () => {
    const [cold, mid, hot] = [rdBuColdHot(0), rdBuColdHot(0.5), rdBuColdHot(1)]
    expect(cold[2]).toBeGreaterThan(cold[0])
    expect(hot[0]).toBeGreaterThan(hot[2])
    expect(relativeLuminance(mid)).toBeGreaterThan(0.85)
    expect(relativeLuminance(cold)).toBeLessThan(0.1)
    expect(relativeLuminance(hot)).toBeLessThan(0.1)
  })

  test('inputs outside [0, 1] clamp; NaN maps to the start', () => {
    expect(viridis(-3)).toEqual(viridis(0))
    expect(viridis(7)).toEqual(viridis(1))
    expect(viridis(NaN)).toEqual(viridis(0))
  })

  test('sampling and conversions', () => {
    expect(sampleRamp(viridis, 1)).toEqual([viridis(0.5)])
    expect(sampleRamp(viridis, 3)).toEqual([viridis(0), viridis(0.5), viridis(1)])
    expect(() => sampleRamp(viridis, 0)).toThrow(/Unexpected class count: 0/)
    expect(hexToRgb('#0072B2')).toEqual([0, 114, 178])
    expect(() => hexToRgb('blue')).toThrow(/Unexpected colour value/)
    expect(rgbaCss([1, 2, 3, 255])).toBe('rgba(1, 2, 3, 1)')
    expect(contrastText([253, 231, 37])).toEqual([20, 20, 20])
    expect(contrastText([68, 1, 84])).toEqual([255, 255, 255])
  })

  test('categorical colours are distinct and cycle', () => {
    expect(new Set(CATEGORICAL).size).toBe(CATEGORICAL.length)
    expect(categoricalColor(CATEGORICAL.length)).toEqual(categoricalColor(0))
    expect(categoricalColor(-1)).toEqual(categoricalColor(CATEGORICAL.length - 1))
  })
})

describe('class breaks', () => {
  test('quantile breaks of positive counts', () => {
    expect(quantileBreaks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([2, 4, 6, 8, 10])
    expect(quantileBreaks([0, 0, 0], 5)).toEqual([])
    // repeated counts merge classes rather than repeating bounds
    expect(quantileBreaks([1, 1, 1, 1, 1, 1, 1, 1, 9], 4)).toEqual([1, 9])
    expect(() => quantileBreaks([1], 0)).toThrow(/Unexpected class count/)
  })

  test('class index and ranges', () => {
    const b = [2, 5, 20]
    expect(classIndex(1, b)).toBe(0)
    expect(classIndex(2, b)).toBe(0)
    expect(classIndex(3, b)).toBe(1)
    expect(classIndex(99, b)).toBe(2)
    expect(classRanges(b)).toEqual([[1, 2], [3, 5], [6, 20]])
  })
})

describe('head/tail breaks', () => {
  test('a heavy tail gets its own classes', () => {
    // 90 quiet cells, 8 busy ones, 2 hotspots
    const counts = [...Array(90).fill(3), ...Array(8).fill(30), 250, 300]
    const b = quantileBreaks(counts, 5)
    expect(b).toEqual([3, 300]) // quantiles lump the hotspots with the busy cells
    expect(headTailBreaks(counts, 5)).toEqual([10, 79, 300])
    const ht = headTailBreaks(counts, 5)
    expect(ht[ht.length - 1]).toBe(300)
    expect(classIndex(30, ht)).toBeLessThan(classIndex(250, ht))
    expect(classIndex(3, ht)).toBe(0)
  })

  test('a flat distribution stays one class; empty input has none', () => {
    expect(headTailBreaks([5, 5, 5, 5], 5)).toEqual([5])
    expect(headTailBreaks([0, 0], 5)).toEqual([])
    expect(() => headTailBreaks([1], 0)).toThrow(/Unexpected class count/)
    // never more classes than asked for
    const steep = Array.from({ length: 1000 }, (_, i) => Math.round(1000 / (i + 1)))
    expect(headTailBreaks(steep, 4).length).toBeLessThanOrEqual(4)
  })
})
