import { describe, expect, test } from 'vitest'
import { dbscan } from '../../server/hotspots/core/dbscan'
import { stDbscan } from '../../server/hotspots/core/space-time'
import { seededRandom } from '../../server/shared/random'
import { dbscanOracle } from './dbscan-oracle'

const DAY = 86_400_000
const WEEK = 7 * DAY

describe('stDbscan', () => {
  test('agrees exactly with the literal algorithm on a space-time neighbourhood', () => {
    const rand = seededRandom(7)
    const n = 700
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    const t = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const spot = i % 7
      x[i] = spot * 120 + rand() * 50
      y[i] = (spot % 3) * 100 + rand() * 50
      // integer days so that many pairs sit exactly on the window edge
      t[i] = Date.UTC(2024, 0, 1) + Math.floor(rand() * 120) * DAY
    }
    const eps = 20
    const w = 5 * DAY
    const ref = dbscanOracle(n, (i, j) => (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 <= eps * eps && Math.abs(t[i] - t[j]) <= w, 3)
    const ours = stDbscan(x, y, t, eps, w, 3)
    expect(ref.labels.some((l) => l >= 0)).toBe(true)
    expect(Array.from(ours.core)).toEqual(Array.from(ref.core))
    expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels))
  })

  test('an unbounded window gives plain DBSCAN', () => {
    const rand = seededRandom(3)
    const x = Float64Array.from({ length: 500 }, () => rand() * 800)
    const y = Float64Array.from({ length: 500 }, () => rand() * 800)
    const t = Float64Array.from({ length: 500 }, () => rand() * 365 * DAY)
    const st = stDbscan(x, y, t, 40, 1e15, 4)
    const plain = dbscan(x, y, 40, 4)
    expect(Array.from(st.labels)).toEqual(Array.from(plain.labels))
  })

  test('separates two bursts at one spot months apart, which plain DBSCAN merges', () => {
    const x: number[] = []
    const y: number[] = []
    const t: number[] = []
    const jan = Date.UTC(2024, 0, 10, 2)
    const jun = Date.UTC(2024, 5, 10, 2)
    for (let k = 0; k < 15; k++) {
      for (const t0 of [jan, jun]) {
        x.push(1000 + (k % 5) * 3)
        y.push(2000 + Math.floor(k / 5) * 3)
        t.push(t0 + k * 600_000)
      }
    }
    const X = Float64Array.from(x)
    const Y = Float64Array.from(y)
    const T = Float64Array.from(t)
    expect(dbscan(X, Y, 20, 5).clusters).toBe(1)
    const st = stDbscan(X, Y, T, 20, WEEK, 5)
    expect(st.clusters).toBe(2)
    for (let i = 0; i < x.length; i++) expect(st.labels[i]).toBe(T[i] < jun ? 0 : 1)
  })

  test('a weekly recurring spot chains through overlapping 7-day windows, a 2-day window breaks it', () => {
    const n = 20
    const x = new Float64Array(3 * n)
    const y = new Float64Array(3 * n)
    const t = new Float64Array(3 * n)
    for (let k = 0; k < 3 * n; k++) {
      const week = k % n
      x[k] = 500 + (k % 3) * 4
      y[k] = 500
      t[k] = Date.UTC(2024, 2, 4, 9) + week * WEEK + Math.floor(k / n) * 3_600_000
    }
    expect(stDbscan(x, y, t, 15, WEEK, 4).clusters).toBe(1)
    // three cases per market day: core with minPts 3, but weeks no longer touch
    expect(stDbscan(x, y, t, 15, 2 * DAY, 3).clusters).toBe(n)
    expect(stDbscan(x, y, t, 15, 2 * DAY, 4).clusters).toBe(0)
  })

  test('bad parameters name the value', () => {
    const z = new Float64Array(2)
    expect(() => stDbscan(z, z, z, 10, -1, 2)).toThrow(/windowMs value: -1/)
    expect(() => stDbscan(z, z, new Float64Array(1), 10, DAY, 2)).toThrow(/t has 1 values/)
    expect(() => stDbscan(z, z, Float64Array.of(0, NaN), 10, DAY, 2)).toThrow(/non-finite time/)
  })
})
