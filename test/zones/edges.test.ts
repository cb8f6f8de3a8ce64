import { describe, expect, test } from 'vitest'
import { projectRings, ringsPerimeter, sharedLength } from '../../server/zones/edges'

const box = (w: number, s: number, e: number, n: number) => [Float64Array.from([w, s, e, s, e, n, w, n, w, s])]

describe('shared edge lengths', () => {
  test('two squares sharing a side, in either ring direction', () => {
    expect(sharedLength(box(0, 0, 100, 100), box(100, 0, 200, 100))).toBeCloseTo(100, 9)
    const reversed = [Float64Array.from([100, 0, 100, 100, 200, 100, 200, 0, 100, 0])]
    expect(sharedLength(box(0, 0, 100, 100), reversed)).toBeCloseTo(100, 9)
  })

  test('a T-junction: a wide cell over two small ones shares part of its side with each', () => {
    const wide = box(0, 100, 200, 200)
    expect(sharedLength(wide, box(0, 0, 100, 100))).toBeCloseTo(100, 9)
    expect(sharedLength(wide, box(100, 0, 200, 100))).toBeCloseTo(100, 9)
    expect(sharedLength(wide, box(150, 0, 300, 100))).toBeCloseTo(50, 9)
  })

  test('corner contact, parallel sides apart, and centimetre rounding', () => {
    expect(sharedLength(box(0, 0, 100, 100), box(100, 100, 200, 200))).toBe(0)
    expect(sharedLength(box(0, 0, 100, 100), box(100.2, 0, 200, 100))).toBe(0)
    expect(sharedLength(box(0, 0, 100, 100), box(100.01, 0, 200, 100))).toBeCloseTo(100, 1)
  })

  test('perimeter and projection of a MultiPolygon with a hole', () => {
    const g = { type: 'MultiPolygon', coordinates: [[[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]]] }
    const rings = projectRings(g, (x, y) => [x * 10, y * 10])
    expect(rings).toHaveLength(2)
    expect(ringsPerimeter(rings)).toBeCloseTo(160 + 40, 9)
  })
})
