import { describe, expect, test } from 'vitest'
import { kernelDensity } from '../../server/hotspots/core/kde'
import { silvermanBandwidth, weightedMedian } from '../../server/hotspots/core/kde-bandwidth'
import { seededRandom } from '../../server/shared/random'

/** Cases per cell from a density raster: density × cell area in the raster's unit. */
function total(r: ReturnType<typeof kernelDensity>): number {
  const cellArea = r.areaUnit === 'km2' ? (r.cellSize * r.cellSize) / 1e6 : r.cellSize * r.cellSize
  let s = 0
  for (const v of r.values) s += v
  return s * cellArea
}

describe('kernelDensity', () => {
  test('a single point gives the analytic quartic kernel at every cell centre', () => {
    const r = 100
    const px = 503.7
    const py = 311.2
    const out = kernelDensity(Float64Array.of(px), Float64Array.of(py), { bandwidth: r, cellSize: 10, extent: { minX: 300, minY: 100, maxX: 700, maxY: 500 } })
    expect([out.width, out.height, out.originX, out.originY]).toEqual([40, 40, 300, 500])
    let nonzero = 0
    for (let row = 0; row < out.height; row++) {
      for (let col = 0; col < out.width; col++) {
        const cx = out.originX + (col + 0.5) * out.cellSize
        const cy = out.originY - (row + 0.5) * out.cellSize
        const d2 = (cx - px) ** 2 + (cy - py) ** 2
        const expected = d2 < r * r ? (3 / (Math.PI * r * r)) * (1 - d2 / (r * r)) ** 2 * 1e6 : 0
        const got = out.values[row * out.width + col]
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-6 * expected + 1e-9)
        if (got > 0) nonzero++
      }
    }
    expect(nonzero).toBeGreaterThan(300) // about π r² / cell² = 314 cells
  })

  test('the surface integrates to the number of points away from the edges', () => {
    const rand = seededRandom(4)
    const n = 2000
    const x = Float64Array.from({ length: n }, () => 2000 + 1000 * rand())
    const y = Float64Array.from({ length: n }, () => 2000 + 1000 * rand())
    const out = kernelDensity(x, y, { bandwidth: 150, cellSize: 10, extent: { minX: 1500, minY: 1500, maxX: 3500, maxY: 3500 } })
    expect(total(out)).toBeCloseTo(n, 0)
    expect(Math.abs(total(out) - n) / n).toBeLessThan(1e-3)
  })

  test('weights count as coincident points; m² is km² / 10⁶', () => {
    const opts = { bandwidth: 60, cellSize: 5, extent: { minX: 0, minY: 0, maxX: 200, maxY: 200 } }
    const three = kernelDensity(Float64Array.of(80, 80, 80, 120), Float64Array.of(90, 90, 90, 130), opts)
    const weighted = kernelDensity(Float64Array.of(80, 120), Float64Array.of(90, 130), { ...opts, weights: Float64Array.of(3, 1) })
    expect(Array.from(weighted.values)).toEqual(Array.from(three.values))
    const perM2 = kernelDensity(Float64Array.of(80, 120), Float64Array.of(90, 130), { ...opts, weights: Float64Array.of(3, 1), areaUnit: 'm2' })
    for (let j = 0; j < perM2.values.length; j += 97) expect(perM2.values[j] * 1e6).toBeCloseTo(weighted.values[j], 1)
    expect(total(perM2)).toBeCloseTo(4, 2)
  })

  test('mirror-symmetric points give a mirror-symmetric surface', () => {
    const rand = seededRandom(8)
    const xs: number[] = []
    const ys: number[] = []
    for (let i = 0; i < 300; i++) {
      const dx = 400 * rand()
      const py = 1000 * rand()
      xs.push(500 - dx, 500 + dx)
      ys.push(py, py)
    }
    const out = kernelDensity(Float64Array.from(xs), Float64Array.from(ys), { bandwidth: 80, cellSize: 20, extent: { minX: 0, minY: 0, maxX: 1000, maxY: 1000 } })
    for (let row = 0; row < out.height; row++) {
      for (let col = 0; col < out.width / 2; col++) {
        const a = out.values[row * out.width + col]
        const b = out.values[row * out.width + (out.width - 1 - col)]
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(a, b) + 1e-12)
      }
    }
  })

  test('rows run from the north: a point in the north-east lights the top-right cells', () => {
    const out = kernelDensity(Float64Array.of(950), Float64Array.of(950), { bandwidth: 30, cellSize: 100, extent: { minX: 0, minY: 0, maxX: 1000, maxY: 1000 } })
    expect(out.values[9]).toBeGreaterThan(0) // row 0, column 9
    expect(out.values[90]).toBe(0) // row 9, column 0
  })

  test('defaults: ArcGIS cell size (shorter side / 250), Silverman bandwidth, extent of the points', () => {
    const rand = seededRandom(2)
    const x = Float64Array.from({ length: 500 }, () => 5000 * rand())
    const y = Float64Array.from({ length: 500 }, () => 2500 * rand())
    const out = kernelDensity(x, y)
    const spanY = Math.max(...y) - Math.min(...y)
    expect(out.cellSize).toBeCloseTo(spanY / 250, 9)
    expect(out.height).toBe(250)
    expect(out.bandwidthRule).toBe('silverman-spatial')
    expect(out.bandwidth).toBe(silvermanBandwidth(x, y).bandwidth)
    expect(out.originX).toBe(Math.min(...x))
    expect(out.originY).toBe(Math.max(...y))
  })

  test('bad input names the value', () => {
    const p = Float64Array.of(1, 2)
    expect(() => kernelDensity(p, p, { bandwidth: -5 })).toThrow(/bandwidth value: -5/)
    expect(() => kernelDensity(p, p, { weights: Float64Array.of(1, -1), bandwidth: 5 })).toThrow(/weight -1/)
    expect(() => kernelDensity(Float64Array.of(3, 3), Float64Array.of(4, 4))).toThrow(/cellSize value: 0/)
    expect(() => kernelDensity(p, p, { bandwidth: 5, areaUnit: 'ha' as 'm2' })).toThrow(/areaUnit value: ha/)
  })
})

describe('silvermanBandwidth', () => {
  test('hand-computed: four corners and one outlier', () => {
    // mean centre (4.8, 4.8); distances √46.08, √30.88, √30.88, √15.68, √462.08; median √30.88
    // SD = √((2·4.8² + 2·2.8² + 15.2²)·2 / 5) = √117.12; √(1/ln 2)·Dm = 6.6746 < SD
    const b = silvermanBandwidth(Float64Array.of(0, 2, 0, 2, 20), Float64Array.of(0, 0, 2, 2, 20))
    expect(b.meanX).toBeCloseTo(4.8, 12)
    expect(b.standardDistance).toBeCloseTo(Math.sqrt(117.12), 12)
    expect(b.medianDistance).toBeCloseTo(Math.sqrt(30.88), 12)
    expect(b.bandwidth).toBeCloseTo(0.9 * Math.sqrt(1 / Math.LN2) * Math.sqrt(30.88) * Math.pow(5, -0.2), 12)
    expect(b.bandwidth).toBeCloseTo(4.3539, 4)
  })

  test('weights act as repeated points, n becomes the total weight', () => {
    const x = Float64Array.of(0, 2, 0, 2, 20)
    const y = Float64Array.of(0, 0, 2, 2, 20)
    const weighted = silvermanBandwidth(x, y, Float64Array.of(1, 2, 1, 1, 3))
    const repeated = silvermanBandwidth(Float64Array.of(0, 2, 2, 0, 2, 20, 20, 20), Float64Array.of(0, 0, 0, 2, 2, 20, 20, 20))
    expect(weighted.count).toBe(8)
    expect(weighted.bandwidth).toBeCloseTo(repeated.bandwidth, 12)
    expect(weighted.medianDistance).toBeCloseTo(repeated.medianDistance, 12)
  })
})

describe('weightedMedian', () => {
  test('ordinary median with unit weights, odd and even counts', () => {
    expect(weightedMedian(Float64Array.of(5, 1, 3))).toBe(3)
    expect(weightedMedian(Float64Array.of(5, 1, 3, 10))).toBe(4)
    expect(weightedMedian(Float64Array.of(2, 2, 2, 2))).toBe(2)
  })

  test('weights shift it; exact halves fall between values', () => {
    expect(weightedMedian(Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 5))).toBe(3)
    expect(weightedMedian(Float64Array.of(1, 2, 3), Float64Array.of(3, 1, 2))).toBe(1.5)
    expect(weightedMedian(Float64Array.of(4, 1, 9), Float64Array.of(0, 1, 1))).toBe(5)
  })

  test('agrees with sorting on random data with ties', () => {
    const rand = seededRandom(12)
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 60)
      const v = Float64Array.from({ length: n }, () => Math.floor(rand() * 10))
      const w = Float64Array.from({ length: n }, () => Math.floor(rand() * 4))
      if (w.every((z) => z === 0)) w[0] = 1
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b])
      const half = w.reduce((a, b) => a + b, 0) / 2
      // reference: the set of m with weight below ≤ half and weight above ≤ half, then its midpoint
      let lowest = Infinity
      let highest = -Infinity
      for (const m of new Set([...v, ...order.slice(1).map((k, j) => (v[order[j]] + v[k]) / 2)])) {
        let below = 0
        let above = 0
        for (let i = 0; i < n; i++) {
          if (v[i] < m) below += w[i]
          else if (v[i] > m) above += w[i]
        }
        if (below <= half && above <= half) {
          lowest = Math.min(lowest, m)
          highest = Math.max(highest, m)
        }
      }
      expect(weightedMedian(v, w)).toBe((lowest + highest) / 2)
    }
  })
})
