import { describe, expect, test } from 'vitest'
import { seededRandom } from '../../server/shared/random'
import { apportion } from '../../server/zones/core/apportion'

const i32 = (a: number[]) => Int32Array.from(a)

/** Σ W²/k over every split of K with min ≤ k ≤ max, by exhaustive search. */
function bruteBest(w: number[], K: number, min: number[], max: number[]): number {
  let best = Infinity
  const k = new Array(w.length).fill(0)
  const rec = (g: number, left: number): void => {
    if (g === w.length) {
      if (left === 0) best = Math.min(best, w.reduce((s, v, h) => s + (v * v) / k[h], 0))
      return
    }
    for (let c = min[g]; c <= Math.min(max[g], left); c++) {
      k[g] = c
      rec(g + 1, left - c)
    }
  }
  rec(0, K)
  return best
}

describe('apportion (Huntington–Hill)', () => {
  test('proportional split of a small example', () => {
    expect(Array.from(apportion(Float64Array.from([5, 3, 2]), 10, i32([1, 1, 1]), i32([9, 9, 9]))!)).toEqual([5, 3, 2])
    expect(Array.from(apportion(Float64Array.from([10, 1]), 3, i32([1, 1]), i32([5, 5]))!)).toEqual([2, 1])
  })

  test('minimum and maximum seats are honoured', () => {
    expect(Array.from(apportion(Float64Array.from([100, 1, 1]), 6, i32([1, 2, 1]), i32([3, 9, 9]))!)).toEqual([3, 2, 1])
    expect(apportion(Float64Array.from([1, 1]), 5, i32([3, 3]), i32([9, 9]))).toBeNull()
    expect(apportion(Float64Array.from([1, 1]), 5, i32([1, 1]), i32([2, 2]))).toBeNull()
  })

  test('minimises Σ W²/k, i.e. the squared deviation of zone workloads from the mean', () => {
    const rand = seededRandom(11)
    for (let trial = 0; trial < 40; trial++) {
      const g = 2 + Math.floor(rand() * 3)
      const w = Array.from({ length: g }, () => Math.round(1 + rand() * 99))
      const min = Array.from({ length: g }, () => 1 + Math.floor(rand() * 2))
      const max = Array.from({ length: g }, (_, h) => min[h] + Math.floor(rand() * 6))
      const K = min.reduce((a, b) => a + b, 0) + Math.floor(rand() * 6)
      const k = apportion(Float64Array.from(w), K, i32(min), i32(max))
      const best = bruteBest(w, K, min, max)
      if (best === Infinity) {
        expect(k).toBeNull()
        continue
      }
      expect(k).not.toBeNull()
      const got = w.reduce((s, v, h) => s + (v * v) / k![h], 0)
      expect(got).toBeCloseTo(best, 9)
    }
  })
})
