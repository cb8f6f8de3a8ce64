import { describe, expect, test } from 'vitest'
import { seededRandom } from '../../server/shared/random'
import {
  EMERGING_CATEGORIES,
  category,
  classify,
  emergingHotSpots,
  explainCell,
  sideProfile,
} from '../../server/trends/core/emerging'
import { spaceTimeGiStar } from '../../server/trends/core/space-time-gi'
import { lineNeighbours, poisson, queenLattice } from './helpers'

// 30 cells on a line, 20 steps, default time step interval k = 1. The target cell and its two
// neighbours (a 3-cell block) get the planted counts; every other bin alternates 4 and 6 so the
// background is flat in space and time (mean 5) yet has a spread for the global standard deviation.
const N = 30
const T = 20
const TARGET = 15
const w = lineNeighbours(N)

type Plant = (step: number) => number | null // block count at a step, null = background

function plantedCube(plant: Plant) {
  const counts = new Float64Array(N * T)
  for (let s = 0; s < T; s++) {
    for (let i = 0; i < N; i++) {
      const planted = Math.abs(i - TARGET) <= 1 ? plant(s) : null
      counts[s * N + i] = planted ?? ((i + s) % 2 ? 4 : 6)
    }
  }
  return { nCells: N, nSteps: T, counts }
}

const HIGH = 14 // a block this busy is a hot spot at 99 %
const LOW = 0 // an empty block is a cold spot at 99 %
const last = T - 1
// Persistent: busy every step, shuffled levels so the Gi* series has no trend.
const LEVELS = [12, 14, 13, 12, 14, 13, 14, 12, 13, 14, 12, 13, 13, 14, 12, 14, 12, 13, 14, 12]
const QUIET = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0]

const PLANTS: [string, Plant, string][] = [
  ['new-hot-spot', (s) => (s === last ? HIGH : null), 'busy only in the final step'],
  ['consecutive-hot-spot', (s) => (s >= last - 2 ? HIGH : null), 'busy in the final three steps'],
  ['intensifying-hot-spot', (s) => 10 + Math.floor(s / 2), 'busy throughout, rising'],
  ['persistent-hot-spot', (s) => LEVELS[s], 'busy throughout, no trend'],
  ['diminishing-hot-spot', (s) => 20 - Math.floor(s / 2), 'busy throughout, falling'],
  ['sporadic-hot-spot', (s) => (s === 4 || s === 11 || s === last ? HIGH : null), 'busy on and off, ending busy'],
  ['oscillating-hot-spot', (s) => (s === 6 ? LOW : s === last ? HIGH : s === 12 ? HIGH : null), 'empty once, busy later and at the end'],
  ['historical-hot-spot', (s) => (s <= last - 2 ? 13 : null), 'busy for 18 steps, then ordinary'],
  ['new-cold-spot', (s) => (s === last ? LOW : null), 'empty only in the final step'],
  ['consecutive-cold-spot', (s) => (s >= last - 2 ? LOW : null), 'empty in the final three steps'],
  ['intensifying-cold-spot', (s) => Math.max(0, 3 - Math.floor(s / 5)), 'quiet throughout, quieter'],
  ['persistent-cold-spot', (s) => QUIET[s], 'quiet throughout, no trend'],
  ['diminishing-cold-spot', (s) => Math.floor(s / 5), 'quiet throughout, recovering'],
  ['sporadic-cold-spot', (s) => (s === 4 || s === 11 || s === last ? LOW : null), 'empty on and off, ending empty'],
  ['oscillating-cold-spot', (s) => (s === 6 ? HIGH : s === 12 ? LOW : s === last ? LOW : null), 'busy once, empty later and at the end'],
  ['historical-cold-spot', (s) => (s <= last - 2 ? LOW : null), 'empty for 18 steps, then ordinary'],
  ['no-pattern', () => null, 'ordinary throughout'],
]

function targetBins(gi: { bin: Int8Array }): number[] {
  return Array.from({ length: T }, (_, s) => gi.bin[s * N + TARGET])
}

describe('planted patterns are recovered', () => {
  test('the table has all 17 categories with both names', () => {
    expect(EMERGING_CATEGORIES.map((c) => c.code)).toEqual([-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(new Set(PLANTS.map(([key]) => key)).size).toBe(17)
    expect(category(1).zh).toBe('新热点')
    expect(category(-4).zh).toBe('持续冷点')
    expect(category(0).en).toBe('No Pattern Detected')
  })

  test.each(PLANTS.map(([key, , story]) => [key, story]))('%s (%s)', (key, story) => {
    const plant = PLANTS.find((p) => p[2] === story)![1]
    const gi = spaceTimeGiStar(plantedCube(plant), w)
    const result = emergingHotSpots(gi)
    const why = explainCell(result, gi, TARGET)
    expect(why.key).toBe(key)
    // the explanation agrees with the bins it summarises
    const bins = targetBins(gi)
    expect(why.hotSteps).toEqual(bins.flatMap((b, s) => (b > 0 ? [s] : [])))
    expect(why.coldSteps).toEqual(bins.flatMap((b, s) => (b < 0 ? [s] : [])))
    expect(why.reasonEn.startsWith(category(why.code).en)).toBe(true)
    expect(why.reasonZh.startsWith(category(why.code).zh)).toBe(true)
  })

  test('the bins behind the temporal patterns are the planted ones', () => {
    const binsOf = (plant: Plant) => targetBins(spaceTimeGiStar(plantedCube(plant), w))
    // new: only the final step is hot
    expect(binsOf(PLANTS[0][1]).map((b) => Math.sign(b))).toEqual([...new Array(T - 1).fill(0), 1])
    // consecutive: a run of three at the end, nothing before
    expect(binsOf(PLANTS[1][1]).map((b) => Math.sign(b))).toEqual([...new Array(T - 3).fill(0), 1, 1, 1])
    // historical: hot through step 18 (the busy step 17 still weighs on 18 with k = 1), not at 19
    expect(binsOf(PLANTS[7][1]).map((b) => Math.sign(b))).toEqual([...new Array(T - 1).fill(1), 0])
  })

  test('intensifying and diminishing rest on a significant Mann-Kendall trend of the Gi* z-scores', () => {
    for (const [key, sign] of [['intensifying-hot-spot', 1], ['diminishing-hot-spot', -1], ['intensifying-cold-spot', -1], ['diminishing-cold-spot', 1]] as const) {
      const gi = spaceTimeGiStar(plantedCube(PLANTS.find((p) => p[0] === key)![1]), w)
      const why = explainCell(emergingHotSpots(gi), gi, TARGET)
      expect(Math.sign(why.trend.z)).toBe(sign)
      expect(why.trend.p).toBeLessThan(0.1)
      expect(why.hotShare + why.coldShare).toBeGreaterThanOrEqual(0.9)
    }
  })
})

describe('rules at their edges', () => {
  const profiles = (bins: number[], trend: 'up' | 'down' | 'none' = 'none') => [sideProfile(bins, 1, trend), sideProfile(bins, -1, trend)] as const
  const code = (bins: number[], trend: 'up' | 'down' | 'none' = 'none') => classify(...profiles(bins, trend))
  const hotRun = (hot: number, n = 20) => [...new Array(n - hot).fill(0), ...new Array(hot).fill(1)]

  test('90 % means at least 18 of 20 steps', () => {
    expect(code(hotRun(18))).toBe(4) // persistent
    expect(code(hotRun(17))).toBe(2) // consecutive: a run with nothing before, under 90 %
    expect(code([0, ...new Array(18).fill(1), 0])).toBe(8) // historical
    expect(code([0, 0, ...new Array(17).fill(1), 0])).toBe(0) // 85 %, final not hot: no pattern
  })

  test('a significant trend splits the ≥ 90 % hot spots', () => {
    expect(code(hotRun(20), 'up')).toBe(3)
    expect(code(hotRun(20), 'down')).toBe(5)
    expect(code(hotRun(20).map((b) => -b), 'down')).toBe(-3) // colder and colder
    expect(code(hotRun(20).map((b) => -b), 'up')).toBe(-5)
  })

  test('a cold spot long ago does not stop a new or consecutive hot spot', () => {
    const bins = new Array(20).fill(0)
    bins[3] = -1
    bins[19] = 2
    expect(code(bins)).toBe(1)
    bins[18] = 1
    expect(code(bins)).toBe(2)
    bins[10] = 1 // now hot before the final run as well: oscillating
    expect(code(bins)).toBe(7)
  })

  test('the present state wins: hot for 90 % of steps but cold at the end is a cold spot', () => {
    const bins = [...new Array(19).fill(3), -1]
    expect(code(bins)).toBe(-1) // new cold spot, not historical hot spot
    bins[2] = -2
    expect(code(bins)).toBe(-7) // cold once before too: oscillating cold spot
  })

  test('masked-out cells get no pattern and no trend', () => {
    const cube = plantedCube(PLANTS[3][1])
    const mask = new Uint8Array(N).fill(1)
    mask[0] = 0
    const result = emergingHotSpots(spaceTimeGiStar(cube, w, { mask }))
    expect(result.code[0]).toBe(0)
    expect(result.mkZ[0]).toBeNaN()
    expect(category(result.code[TARGET]).key).toBe('persistent-hot-spot')
  })
})

describe('on a noisy lattice', () => {
  // 16 × 16 queen lattice, 24 steps, Poisson background (mean 4). Noise makes stray significant
  // bins (at 90 % one bin in ten is significant by chance), so each pattern must be recovered in at
  // least 4 of 5 independent replicates rather than every time.
  const R = 16
  const C = 16
  const S = 24
  const lattice = queenLattice(R, C)
  const sites: [string, number, number, (s: number) => number | null][] = [
    ['new-hot-spot', 2, 2, (s) => (s === S - 1 ? 12 : null)],
    ['consecutive-hot-spot', 2, 7, (s) => (s >= S - 4 ? 12 : null)],
    ['intensifying-hot-spot', 2, 12, (s) => 7 + s / 2],
    ['persistent-hot-spot', 7, 2, () => 12],
    ['diminishing-hot-spot', 7, 7, (s) => 19 - s / 2],
    ['historical-hot-spot', 12, 2, (s) => (s < S - 2 ? 12 : null)],
    ['persistent-cold-spot', 12, 7, () => 0],
  ]
  const hits = new Map<string, number>()
  for (let seed = 1; seed <= 5; seed++) {
    const rand = seededRandom(seed)
    const counts = new Float64Array(R * C * S)
    for (let b = 0; b < counts.length; b++) counts[b] = poisson(rand, 4)
    for (const [, r, c, mean] of sites) {
      for (let s = 0; s < S; s++) {
        const m = mean(s)
        if (m === null) continue
        for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) counts[s * R * C + (r + dr) * C + c + dc] = poisson(rand, m)
      }
    }
    const result = emergingHotSpots(spaceTimeGiStar({ nCells: R * C, nSteps: S, counts }, lattice))
    for (const [key, r, c] of sites) if (category(result.code[r * C + c]).key === key) hits.set(key, (hits.get(key) ?? 0) + 1)
  }
  test.each(sites.map(([key]) => [key]))('%s in at least 4 of 5 replicates', (key) => {
    expect(hits.get(key) ?? 0).toBeGreaterThanOrEqual(4)
  })
})
