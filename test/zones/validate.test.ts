import { describe, expect, test } from 'vitest'
import { csrFromLists } from '../../server/shared/csr'
import { AppError } from '../../server/shared/errors'
import { balancedZones } from '../../server/zones/core/partition'
import type { ZoningInput, ZoningIssueCode, ZoningOptions } from '../../server/zones/core/types'
import { validateZoning, ZoningInfeasibleError } from '../../server/zones/core/validate'
import { lattice } from './lattice-fixture'

function codes(input: ZoningInput, options: ZoningOptions): ZoningIssueCode[] {
  return validateZoning(input, options).errors.map((e) => e.code)
}

function only(input: ZoningInput, options: ZoningOptions, code: ZoningIssueCode) {
  const v = validateZoning(input, options)
  expect(v.errors.map((e) => e.code)).toEqual([code])
  expect(v.plan).toBeNull()
  return v.errors[0]
}

/** Two 3 × 3 blocks with no edge between them (an island). */
function twoIslands(): ZoningInput {
  const a = lattice(3, 3)
  const lists: number[][] = []
  for (let i = 0; i < 9; i++) lists.push(Array.from(a.adjacency.indices.subarray(a.adjacency.offsets[i], a.adjacency.offsets[i + 1])))
  for (let i = 0; i < 9; i++) lists.push(lists[i].map((j) => j + 9))
  const x = new Float64Array(18)
  const y = new Float64Array(18)
  for (let i = 0; i < 9; i++) {
    x[i] = a.x[i]
    y[i] = a.y[i]
    x[i + 9] = a.x[i] + 1000
    y[i + 9] = a.y[i]
  }
  return { n: 18, adjacency: csrFromLists(lists), workload: new Float64Array(18).fill(1), x, y }
}

describe('validateZoning: infeasible requests are explained', () => {
  test('K larger than the number of cells', () => {
    const e = only(lattice(2, 3), { K: 7 }, 'K_EXCEEDS_CELLS')
    expect(e.message).toContain('K = 7')
    expect(e.message).toContain('only 6 cells')
    expect(e.details).toEqual({ K: 7, n: 6 })
  })

  test('K below the number of groups under nesting', () => {
    const input = lattice(3, 3)
    input.group = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2])
    const e = only(input, { K: 2, nesting: true }, 'K_BELOW_GROUPS')
    expect(e.message).toContain('3 groups')
    expect(e.message).toMatch(/Raise K to at least 3/)
  })

  test('a group that is itself in two pieces is named with its pieces', () => {
    const input = lattice(3, 3)
    // group 5 = left column and right column, group 2 = the middle column between them
    input.group = Int32Array.from([5, 2, 5, 5, 2, 5, 5, 2, 5])
    const e = only(input, { K: 4, nesting: true }, 'GROUP_DISCONNECTED')
    expect(e.message).toContain('Group 5')
    expect(e.message).toContain('2 separate pieces')
    expect(e.message).toContain('3 cells incl. cell 0')
    expect(e.message).toContain('3 cells incl. cell 2')
    expect(e.details).toMatchObject({ group: 5, pieces: [{ cells: 3, firstCell: 0 }, { cells: 3, firstCell: 2 }] })
  })

  test('fewer zones than separate pieces of the cell graph', () => {
    const e = only(twoIslands(), { K: 1 }, 'K_BELOW_PIECES')
    expect(e.message).toContain('2 separate pieces')
  })

  test('separate pieces with enough zones only warn, and each piece gets its own zones', () => {
    const input = twoIslands()
    const v = validateZoning(input, { K: 2 })
    expect(v.errors).toEqual([])
    expect(v.warnings.map((w) => w.code)).toContain('GRAPH_PIECES')
    const r = balancedZones(input, { K: 2, maxIterations: 2000, timeBudgetMs: 60_000 })
    expect(r.contiguous).toEqual([true, true])
    expect(Array.from(r.workload)).toEqual([9, 9])
  })

  test('fixed cells with a zone id outside 0 … K − 1', () => {
    const input = lattice(3, 3)
    input.fixed = new Int32Array(9).fill(-1)
    input.fixed[4] = 3
    const e = only(input, { K: 3 }, 'FIXED_ZONE_OUT_OF_RANGE')
    expect(e.message).toContain('Cells 4')
    expect(e.details).toMatchObject({ cells: [4], zones: [3] })
  })

  test("fixed cells of one zone that other zones' fixed cells cut apart", () => {
    const input = lattice(1, 7)
    input.fixed = Int32Array.from([0, -1, -1, 1, -1, -1, 0])
    const e = only(input, { K: 2 }, 'FIXED_ZONE_DISCONNECTED')
    expect(e.message).toContain('zone 0')
    expect(e.details).toEqual({ zone: 0, pieces: [[0], [6]] })
  })

  test('fixed zones each joinable alone but not together', () => {
    // 3 × 3: zone 0 fixed at two opposite corners, zone 1 at the other two; both need the centre.
    const input = lattice(3, 3)
    input.fixed = Int32Array.from([0, -1, 1, -1, -1, -1, 1, -1, 0])
    const e = only(input, { K: 2 }, 'FIXED_ZONES_CONFLICT')
    expect(e.message).toMatch(/zone 1 can be joined on their own, but not together with those of zone 0/)
    expect(e.details).toEqual({ zone: 1, conflictsWith: [0] })
  })

  test('corridors joining fixed cells leave too few free cells for the other zones', () => {
    const input = lattice(1, 7)
    input.fixed = Int32Array.from([0, -1, -1, -1, -1, -1, 0]) // zone 0 must span the whole row
    const e = only(input, { K: 2 }, 'K_EXCEEDS_FREE_CELLS')
    expect(e.message).toContain('take 7 of the 7 cells')
    expect(e.details).toMatchObject({ anchoredCells: 7, maxZones: 1 })
  })

  test('fixed cells of one zone in two groups under nesting', () => {
    const input = lattice(2, 2)
    input.group = Int32Array.from([0, 0, 1, 1])
    input.fixed = Int32Array.from([0, -1, 0, -1])
    const e = only(input, { K: 2, nesting: true }, 'FIXED_ZONE_ACROSS_REGIONS')
    expect(e.message).toContain('Zone 0 has fixed cells in groups 0, 1')
  })

  test('more fixed zones in a group than K leaves room for', () => {
    const input = lattice(3, 3)
    input.group = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2])
    input.fixed = Int32Array.from([0, -1, 1, -1, -1, -1, -1, -1, -1])
    const e = only(input, { K: 3, nesting: true }, 'TOO_FEW_ZONES')
    expect(e.message).toContain('at least 4 zones')
    expect(e.message).toContain('group 0 needs 2')
  })

  test('maxDiameter too small to cover the area with K zones', () => {
    const e = only(lattice(20, 20), { K: 8, maxDiameter: 150 }, 'MAX_DIAMETER_TOO_SMALL')
    expect(e.message).toContain('maxDiameter')
    expect(e.details).toMatchObject({ K: 8, maxDiameter: 150 })
    expect(codes(lattice(20, 20), { K: 8, maxDiameter: 1500 })).toEqual([])
  })

  test('fixed cells of one zone farther apart than maxDiameter', () => {
    const input = lattice(10, 10)
    input.fixed = new Int32Array(100).fill(-1)
    input.fixed[0] = 0
    input.fixed[99] = 0
    const e = only(input, { K: 4, maxDiameter: 800 }, 'FIXED_ZONE_TOO_WIDE')
    expect(e.message).toContain('cells 0 and 99')
  })

  test('bad workloads, shapes, adjacency and options', () => {
    const neg = lattice(2, 2)
    neg.workload[1] = -3
    expect(codes(neg, { K: 2 })).toEqual(['WORKLOAD_INVALID'])
    const zero = lattice(2, 2)
    zero.workload.fill(0)
    expect(codes(zero, { K: 2 })).toEqual(['WORKLOAD_ZERO'])
    const short = lattice(2, 2)
    short.x = new Float64Array(3)
    expect(codes(short, { K: 2 })).toEqual(['INPUT_SHAPE'])
    const oneWay = lattice(1, 3)
    oneWay.adjacency = { n: 3, offsets: Uint32Array.from([0, 1, 2, 3]), indices: Uint32Array.from([1, 2, 1]) }
    const adj = validateZoning(oneWay, { K: 2 }).errors
    expect(adj.map((e) => e.code)).toEqual(['ADJACENCY_INVALID'])
    expect(adj[0].message).toContain('0→1')
    expect(codes(lattice(2, 2), { K: 2, weights: { compactness: -1 } })).toEqual(['OPTIONS_INVALID'])
    expect(codes(lattice(2, 2), { K: 1.5 })).toEqual(['OPTIONS_INVALID'])
    expect(codes(lattice(2, 2), { K: 2, nesting: true })).toEqual(['OPTIONS_INVALID'])
  })
})

describe('validateZoning: feasible requests', () => {
  test('plan: Huntington–Hill zones per group, targets, anchors joined by a corridor', () => {
    const input = lattice(4, 8, (_r, c) => (c < 4 ? 3 : 1)) // left group carries 3× the right's work
    input.group = Int32Array.from({ length: 32 }, (_, i) => (i % 8 < 4 ? 0 : 1))
    input.fixed = new Int32Array(32).fill(-1)
    input.fixed[0] = 2
    input.fixed[3] = 2 // same row, three cells apart: corridor cells 1, 2
    const v = validateZoning(input, { K: 4, nesting: true })
    expect(v.errors).toEqual([])
    const plan = v.plan!
    expect(Array.from(plan.zonesPerRegion)).toEqual([3, 1])
    expect(plan.zoneRegion[2]).toBe(0)
    expect(plan.target[2]).toBeCloseTo(48 / 3, 12)
    expect(Array.from(plan.anchor.subarray(0, 4))).toEqual([2, 2, 2, 2])
    expect(Array.from(plan.locked.subarray(0, 4))).toEqual([1, 0, 0, 1])
  })

  test('balancedZones throws ZoningInfeasibleError carrying every error', () => {
    const input = lattice(3, 3)
    input.group = Int32Array.from([5, 2, 5, 5, 2, 5, 5, 2, 5])
    let caught: unknown
    try {
      balancedZones(input, { K: 1, nesting: true })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ZoningInfeasibleError)
    const err = caught as ZoningInfeasibleError
    expect(err.status).toBe(422)
    expect(err.code).toBe('WG_ZONING_INFEASIBLE')
    expect(err.issues.map((i) => i.code).sort()).toEqual(['GROUP_DISCONNECTED', 'K_BELOW_GROUPS'])
    expect(err.message).toContain('Group 5')
    expect(err).toBeInstanceOf(AppError)
    expect(err.details).toEqual({ issues: err.issues })
  })

  test('nesting that forces uneven zones is warned about', () => {
    const input = lattice(2, 6, (_r, c) => (c < 3 ? 1 : 2))
    input.group = Int32Array.from({ length: 12 }, (_, i) => (i % 6 < 3 ? 0 : 1))
    const v = validateZoning(input, { K: 2, nesting: true })
    expect(v.errors).toEqual([])
    const w = v.warnings.find((x) => x.code === 'BALANCE_LIMITED')
    expect(w?.message).toMatch(/group 1: 1 zone of 12 \(\+33%\)/)
  })
})
