import { describe, expect, test } from 'vitest'
import { seededRandom } from '../../server/shared/random'
import { DetachCheck } from '../../server/zones/core/contiguity'
import { pieces } from '../../server/zones/core/graph'
import { lattice } from './lattice-fixture'

/** Pieces of zone z after removing cell i, by full recomputation. */
function piecesWithout(zone: Int32Array, i: number, input: ReturnType<typeof lattice>): number {
  const key = Int32Array.from(zone, (z, c) => (c === i ? -1 : z))
  const p = pieces(input.adjacency, key)
  let count = 0
  for (let k = 0; k < p.count; k++) if (p.key[k] === zone[i]) count++
  return count
}

/** Random contiguous zoning of a lattice grown from random seeds (multi-source random BFS). */
function randomZoning(input: ReturnType<typeof lattice>, K: number, seed: number): Int32Array {
  const rand = seededRandom(seed)
  const zone = new Int32Array(input.n).fill(-1)
  const frontier: number[] = []
  for (let z = 0; z < K; z++) {
    let s = Math.floor(rand() * input.n)
    while (zone[s] >= 0) s = (s + 1) % input.n
    zone[s] = z
    frontier.push(s)
  }
  while (frontier.length) {
    const k = Math.floor(rand() * frontier.length)
    const i = frontier[k]
    const free: number[] = []
    for (let e = input.adjacency.offsets[i]; e < input.adjacency.offsets[i + 1]; e++) {
      const j = input.adjacency.indices[e]
      if (zone[j] < 0) free.push(j)
    }
    if (!free.length) {
      frontier.splice(k, 1)
      continue
    }
    const j = free[Math.floor(rand() * free.length)]
    zone[j] = zone[i]
    frontier.push(j)
  }
  return zone
}

describe('DetachCheck', () => {
  const input = lattice(12, 12)
  const check = new DetachCheck(input.adjacency)

  test('canDetach agrees with recomputing the pieces, on random zonings', () => {
    let cuts = 0
    for (let seed = 1; seed <= 20; seed++) {
      const zone = randomZoning(input, 6, seed)
      for (let i = 0; i < input.n; i++) {
        const size = zone.filter((z) => z === zone[i]).length
        const expected = size > 1 && piecesWithout(zone, i, input) === 1
        if (!expected) cuts++
        expect(check.canDetach(zone, i)).toBe(expected)
      }
    }
    expect(cuts).toBeGreaterThan(100) // random zonings are ragged: many cut cells were exercised
  })

  test('pendant: the small pieces cut off by a cell, in order from the cell', () => {
    // Row of 6 cells in zone 0 with a 2-cell spur below cell 3 (cells 9 and 15 on a 3 × 6 lattice).
    const grid = lattice(3, 6)
    const zone = new Int32Array(18).fill(1)
    for (const i of [0, 1, 2, 3, 4, 5, 9, 15]) zone[i] = 0
    const c = new DetachCheck(grid.adjacency)
    const locked = new Uint8Array(18)
    expect(c.canDetach(zone, 9)).toBe(false)
    expect(c.pendant(zone, 9, 4, locked)).toEqual([15])
    expect(c.canDetach(zone, 3)).toBe(false)
    // Cutting at 3 leaves 0-1-2 (3 cells), 4-5 (2) and 9-15 (2): the largest stays.
    expect(c.pendant(zone, 3, 4, locked)!.sort((a, b) => a - b)).toEqual([4, 5, 9, 15])
    expect(c.pendant(zone, 3, 3, locked)).toBeNull() // four cells would have to follow
    locked[15] = 1
    expect(c.pendant(zone, 9, 4, locked)).toBeNull()
    expect(c.pendant(zone, 15, 4, new Uint8Array(18))).toEqual([]) // a leaf needs nothing to follow
  })

  test('pendant on random zonings: moving the cell and its pendant keeps both zones whole', () => {
    const locked = new Uint8Array(input.n)
    let tried = 0
    for (let seed = 21; seed <= 30; seed++) {
      const zone = randomZoning(input, 6, seed)
      for (let i = 0; i < input.n; i++) {
        if (check.canDetach(zone, i)) continue
        const tail = check.pendant(zone, i, 20, locked)
        if (!tail || !tail.length) continue
        let b = -1
        for (let e = input.adjacency.offsets[i]; e < input.adjacency.offsets[i + 1] && b < 0; e++) {
          const z = zone[input.adjacency.indices[e]]
          if (z !== zone[i]) b = z
        }
        if (b < 0) continue
        tried++
        const a = zone[i]
        const next = Int32Array.from(zone)
        next[i] = b
        for (const c of tail) next[c] = b
        const p = pieces(input.adjacency, next)
        const count = (z: number) => Array.from(p.key).filter((k) => k === z).length
        expect(count(a)).toBe(1)
        expect(count(b)).toBe(1)
      }
    }
    expect(tried).toBeGreaterThan(20)
  })
})
