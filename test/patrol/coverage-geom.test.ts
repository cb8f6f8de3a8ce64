import { describe, expect, test } from 'vitest'
import {
  capsuleInterval, insideIntervals, mergeIntervals, pointBoundaryDistance, pointInRings, pointSegmentDistance,
} from '../../server/patrol/core/coverage-geom'
import { seededRandom } from '../../server/shared/random'

const SAMPLES = 4001

describe('capsuleInterval', () => {
  test('matches dense sampling on random segments (seed 7)', () => {
    const rand = seededRandom(7)
    const out = new Float64Array(2)
    let hits = 0
    const wrong: string[] = []
    for (let trial = 0; trial < 300; trial++) {
      const [px, py, qx, qy, bx, by] = Array.from({ length: 6 }, () => rand() * 100)
      // every 10th capsule is a disc (B = C), every 15th path a point
      const [cx, cy] = trial % 10 === 0 ? [bx, by] : [rand() * 100, rand() * 100]
      const [dx, dy] = trial % 15 === 0 ? [0, 0] : [qx - px, qy - py]
      const r = 1 + rand() * 30
      const found = capsuleInterval(px, py, dx, dy, bx, by, cx, cy, r, out)
      if (found) hits++
      for (let k = 0; k < SAMPLES; k++) {
        const s = k / (SAMPLES - 1)
        const d = pointSegmentDistance(px + s * dx, py + s * dy, bx, by, cx, cy)
        if (Math.abs(d - r) < 1e-6) continue // on the capsule's edge: either answer is right
        if ((found && s >= out[0] - 1e-12 && s <= out[1] + 1e-12) !== d < r) wrong.push(`trial ${trial}, s ${s}`)
      }
    }
    expect(wrong.slice(0, 5)).toEqual([])
    expect(hits).toBeGreaterThan(50) // the trials exercise both outcomes
    expect(hits).toBeLessThan(300)
  })

  test('a segment tangent to the capsule touches it in one point', () => {
    const out = new Float64Array(2)
    expect(capsuleInterval(0, 10, 100, 0, 20, 0, 80, 0, 10, out)).toBe(true)
    expect(out[0]).toBeCloseTo(0.2, 12)
    expect(out[1]).toBeCloseTo(0.8, 12)
    expect(capsuleInterval(0, 10.001, 100, 0, 20, 0, 80, 0, 10, out)).toBe(false)
  })
})

describe('insideIntervals and pointInRings', () => {
  // a concave star with 9 points and a square hole in the middle
  const star: number[] = []
  for (let k = 0; k < 18; k++) {
    const a = (Math.PI * k) / 9
    const rr = k % 2 === 0 ? 50 : 20
    star.push(50 + rr * Math.cos(a), 50 + rr * Math.sin(a))
  }
  const hole = [45, 45, 55, 45, 55, 55, 45, 55]
  const coords = Float64Array.from([...star, ...hole])
  const ringStart = Uint32Array.from([0, 18, 22])

  test('matches midpoint-sampled point-in-polygon on random chords (seed 11)', () => {
    const rand = seededRandom(11)
    const cuts = new Float64Array(40)
    const out = new Float64Array(80)
    const wrong: string[] = []
    for (let trial = 0; trial < 200; trial++) {
      const [ax, ay, bx, by] = Array.from({ length: 4 }, () => -10 + rand() * 120)
      const n = insideIntervals(ax, ay, bx, by, coords, ringStart, 0, 2, cuts, out)
      for (let v = 1; v < n; v++) expect(out[2 * v]).toBeGreaterThan(out[2 * v - 1]) // disjoint, ascending
      for (let k = 0; k < 1000; k++) {
        const s = (k + 0.5) / 1000
        const x = ax + s * (bx - ax)
        const y = ay + s * (by - ay)
        if (pointBoundaryDistance(x, y, coords, ringStart, 0, 2) < 1e-6) continue
        let inIv = false
        for (let v = 0; v < n; v++) if (s >= out[2 * v] && s <= out[2 * v + 1]) inIv = true
        if (inIv !== pointInRings(x, y, coords, ringStart, 0, 2)) wrong.push(`trial ${trial}, s ${s}`)
      }
    }
    expect(wrong.slice(0, 5)).toEqual([])
  })

  test('the hole is outside; a point on a shared grid edge belongs to exactly one cell', () => {
    expect(pointInRings(50, 50, coords, ringStart, 0, 2)).toBe(false)
    expect(pointInRings(50, 40, coords, ringStart, 0, 2)).toBe(true)
    const grid = Float64Array.from([0, 0, 100, 0, 100, 100, 0, 100, 0, 100, 100, 100, 100, 200, 0, 200])
    const rs = Uint32Array.from([0, 4, 8])
    for (const x of [10, 50, 99.5]) {
      expect(Number(pointInRings(x, 100, grid, rs, 0, 1)) + Number(pointInRings(x, 100, grid, rs, 1, 2))).toBe(1)
    }
  })
})

describe('mergeIntervals', () => {
  test('sorts and merges overlapping and touching intervals, matching a sampled union (seed 3)', () => {
    const rand = seededRandom(3)
    for (const n of [1, 5, 40]) {
      const iv: number[] = []
      for (let k = 0; k < n; k++) {
        const a = rand()
        iv.push(a, Math.min(1, a + rand() * 0.1))
      }
      const copy = [...iv]
      const m = mergeIntervals(iv, n)
      for (let v = 1; v < m; v++) expect(iv[2 * v]).toBeGreaterThan(iv[2 * v - 1])
      for (let k = 0; k < SAMPLES; k++) {
        const s = k / (SAMPLES - 1)
        let inOriginal = false
        for (let v = 0; v < n; v++) if (s >= copy[2 * v] && s <= copy[2 * v + 1]) inOriginal = true
        let inMerged = false
        for (let v = 0; v < m; v++) if (s >= iv[2 * v] && s <= iv[2 * v + 1]) inMerged = true
        expect(inMerged).toBe(inOriginal)
      }
    }
    const touching = [0.5, 0.7, 0, 0.2, 0.2, 0.5]
    expect(mergeIntervals(touching, 3)).toBe(1)
    expect(touching.slice(0, 2)).toEqual([0, 0.7])
  })
})
