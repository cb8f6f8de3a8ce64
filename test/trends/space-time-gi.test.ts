import { describe, expect, test } from 'vitest'
import { csrFromLists, type Csr } from '../../server/shared/csr'
import { seededRandom } from '../../server/shared/random'
import { bhCriticalP } from '../../server/hotspots/core/fdr'
import { BIN_ALPHAS, spaceTimeGiStar } from '../../server/trends/core/space-time-gi'
import { sharedFixture } from '../helpers/paths'
import { poisson } from './helpers'

/** Gi* straight from the definition: list every neighbour bin, then the textbook formula. */
function bruteForce(counts: Float64Array, nCells: number, nSteps: number, w: Csr, k: number, mask?: Uint8Array): Float64Array {
  const inside = (i: number) => !mask || mask[i] === 1
  const values: number[] = []
  for (let s = 0; s < nSteps; s++) for (let i = 0; i < nCells; i++) if (inside(i)) values.push(counts[s * nCells + i])
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const S = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / n - mean * mean)
  const z = new Float64Array(nCells * nSteps).fill(NaN)
  for (let s = 0; s < nSteps; s++) {
    for (let i = 0; i < nCells; i++) {
      if (!inside(i)) continue
      const cells = [i, ...Array.from(w.indices.subarray(w.offsets[i], w.offsets[i + 1]))].filter(inside)
      let sum = 0
      let W = 0
      for (let t = Math.max(0, s - k); t <= s; t++) {
        for (const j of cells) {
          sum += counts[t * nCells + j]
          W++
        }
      }
      z[s * nCells + i] = (sum - mean * W) / (S * Math.sqrt((n * W - W * W) / (n - 1)))
    }
  }
  return z
}

const signedBin = (z: number, level: number) => (level === 0 ? 0 : z > 0 ? level : -level)

function randomCase(seed: number, nCells: number, nSteps: number) {
  const rand = seededRandom(seed)
  const lists = Array.from({ length: nCells }, () => Array.from({ length: Math.floor(rand() * 5) }, () => Math.floor(rand() * nCells)))
  const counts = new Float64Array(nCells * nSteps)
  for (let b = 0; b < counts.length; b++) counts[b] = poisson(rand, 1 + 4 * rand())
  return { w: csrFromLists(lists), counts }
}

describe('space-time Gi*', () => {
  test.each([
    [0, 1],
    [1, 1],
    [2, 3],
    [5, 4],
  ])('matches the definition on a random cube (k = %i, seed %i)', (k, seed) => {
    const nCells = 40
    const nSteps = 12
    const { w, counts } = randomCase(seed, nCells, nSteps)
    const gi = spaceTimeGiStar({ nCells, nSteps, counts }, w, { timeStepInterval: k })
    const ref = bruteForce(counts, nCells, nSteps, w, k)
    for (let b = 0; b < ref.length; b++) expect(gi.z[b]).toBeCloseTo(ref[b], 10)
    expect(gi.n).toBe(nCells * nSteps)
  })

  test('masked-out cells leave the global statistics and every neighbourhood', () => {
    const nCells = 30
    const nSteps = 8
    const { w, counts } = randomCase(7, nCells, nSteps)
    const mask = new Uint8Array(nCells).fill(1)
    for (const i of [0, 4, 5, 17]) mask[i] = 0
    const gi = spaceTimeGiStar({ nCells, nSteps, counts }, w, { mask })
    const ref = bruteForce(counts, nCells, nSteps, w, 1, mask)
    for (let b = 0; b < ref.length; b++) {
      if (Number.isNaN(ref[b])) expect(gi.z[b]).toBeNaN()
      else expect(gi.z[b]).toBeCloseTo(ref[b], 10)
    }
    expect(gi.n).toBe(26 * nSteps)
  })

  test('one time slice with k = 0 is the spatial Gi* of PySAL esda (golden fixture)', () => {
    const fx = sharedFixture<{
      cells: { value: number }[]
      weights: { queen: { neighbors: number[][]; gi_star: { z: number[]; p_norm: number[] } } }
    }>('hotspots/lattice-40x50.json')
    const counts = Float64Array.from(fx.cells.map((c) => c.value))
    const w = csrFromLists(fx.weights.queen.neighbors)
    const gi = spaceTimeGiStar({ nCells: counts.length, nSteps: 1, counts }, w, { timeStepInterval: 0 })
    const { z, p_norm } = fx.weights.queen.gi_star
    for (let i = 0; i < counts.length; i++) {
      expect(gi.z[i]).toBeCloseTo(z[i], 9)
      expect(gi.p[i]).toBeCloseTo(2 * p_norm[i], 9) // ours is two-sided
    }
  })

  test('confidence bins follow the p-value thresholds, with sign', () => {
    const { w, counts } = randomCase(11, 50, 10)
    counts.fill(9, 0, 6) // a hot corner in the first step
    const gi = spaceTimeGiStar({ nCells: 50, nSteps: 10, counts }, w)
    let hot = 0
    for (let b = 0; b < counts.length; b++) {
      const p = gi.p[b]
      const level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.1 ? 1 : 0
      expect(gi.bin[b]).toBe(signedBin(gi.z[b], level))
      if (gi.bin[b] > 0) hot++
    }
    expect(hot).toBeGreaterThan(0)
  })

  test('FDR bins use the Benjamini–Hochberg cut-off of each time step', () => {
    const nCells = 60
    const nSteps = 6
    const { w, counts } = randomCase(5, nCells, nSteps)
    for (let i = 0; i < 8; i++) counts[3 * nCells + i] = 12
    const plain = spaceTimeGiStar({ nCells, nSteps, counts }, w)
    const fdr = spaceTimeGiStar({ nCells, nSteps, counts }, w, { fdr: true })
    expect(Array.from(fdr.z)).toEqual(Array.from(plain.z))
    let fewer = 0
    for (let s = 0; s < nSteps; s++) {
      const slice = plain.p.subarray(s * nCells, (s + 1) * nCells)
      const cut = BIN_ALPHAS.map((alpha) => bhCriticalP(slice, alpha))
      for (let b = s * nCells; b < (s + 1) * nCells; b++) {
        const p = plain.p[b]
        const level = p <= cut[0] ? 3 : p <= cut[1] ? 2 : p <= cut[2] ? 1 : 0
        expect(fdr.bin[b]).toBe(signedBin(plain.z[b], level))
        expect(Math.abs(fdr.bin[b])).toBeLessThanOrEqual(Math.abs(plain.bin[b]))
        if (Math.abs(fdr.bin[b]) < Math.abs(plain.bin[b])) fewer++
      }
    }
    expect(fewer).toBeGreaterThan(0)
  })

  test('a constant cube has no hot or cold spots', () => {
    const w = csrFromLists([[1], [0, 2], [1]])
    const gi = spaceTimeGiStar({ nCells: 3, nSteps: 4, counts: new Float64Array(12).fill(2) }, w)
    expect(Array.from(gi.z)).toEqual(new Array(12).fill(0))
    expect(Array.from(gi.bin)).toEqual(new Array(12).fill(0))
    expect(gi.std).toBe(0)
  })

  test('errors name the bad value', () => {
    const w = csrFromLists([[1], [0]])
    expect(() => spaceTimeGiStar({ nCells: 3, nSteps: 1, counts: new Float64Array(3) }, w)).toThrow(/2 items for a cube of 3 cells/)
    expect(() => spaceTimeGiStar({ nCells: 2, nSteps: 1, counts: new Float64Array(2) }, w, { timeStepInterval: -1 })).toThrow(/timeStepInterval value: -1/)
  })
})
