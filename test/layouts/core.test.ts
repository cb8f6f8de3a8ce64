import { describe, expect, test } from 'vitest'
import { mergeSlivers } from '../../server/layouts/core/slivers'
import { assignCodes } from '../../server/layouts/core/codes'
import { areaStats } from '../../server/layouts/core/stats'

const edges = (list: Array<[number, number, number]>) => ({
  a: Int32Array.from(list, (e) => e[0]), b: Int32Array.from(list, (e) => e[1]), len: Float64Array.from(list, (e) => e[2]),
})

describe('mergeSlivers', () => {
  test('a sliver joins the neighbour sharing the longest edge', () => {
    // 0 and 1 are full cells, 2 is a sliver touching 0 along 30 m and 1 along 80 m
    const { group, isolated } = mergeSlivers(Float64Array.of(10_000, 10_000, 1_000), edges([[0, 2, 30], [1, 2, 80]]), 3_000)
    expect(Array.from(group)).toEqual([0, 1, 1])
    expect(isolated).toBe(0)
  })

  test('two slivers merged together keep merging until the threshold is reached', () => {
    // 2 and 3 are slivers sharing a long edge; together (2,000 m²) still small, so they join 0
    const { group } = mergeSlivers(Float64Array.of(10_000, 10_000, 1_000, 1_000), edges([[2, 3, 100], [0, 2, 20], [1, 3, 5]]), 3_000)
    expect(group[2]).toBe(group[3])
    expect(group[2]).toBe(0)
  })

  test('a sliver without neighbours stays and is counted', () => {
    const { group, isolated } = mergeSlivers(Float64Array.of(10_000, 500), edges([]), 3_000)
    expect(Array.from(group)).toEqual([0, 1])
    expect(isolated).toBe(1)
  })
})

describe('assignCodes', () => {
  const units = new Map([[1, { streetCode: '002', communityCode: '005', nameZh: '甲社区' }], [2, { streetCode: '002', communityCode: '006', nameZh: '乙社区' }]])
  test('numbers west→east within rows north→south, per community', () => {
    // unit 1: a 2×2 block of 100 m cells given in scrambled order; unit 2: one cell
    const cx = Float64Array.of(150, 50, 50, 150, 500)
    const cy = Float64Array.of(50, 50, 150, 150, 50)
    const { order, codes } = assignCodes({ unit: Int32Array.of(1, 1, 1, 1, 2), cx, cy, preset: [null, null, null, null, null] }, units, '330199', 100)
    expect(Array.from(order)).toEqual([2, 3, 1, 0, 4]) // NW, NE, SW, SE, then the other community
    expect(codes).toEqual(['330199002005001', '330199002005002', '330199002005003', '330199002005004', '330199002006001'])
  })

  test('more than 999 cells in a community is an error naming it', () => {
    const n = 1000
    expect(() => assignCodes({ unit: new Int32Array(n).fill(1), cx: Float64Array.from({ length: n }, (_, i) => i), cy: new Float64Array(n), preset: new Array(n).fill(null) }, units, '330199', 100))
      .toThrow(/甲社区 \(330199002005\) would hold 1000 cells/)
  })
})

describe('areaStats', () => {
  test('min, median, max and share within ±30% of the target', () => {
    const s = areaStats(Float64Array.of(10_000, 4_000, 12_000, 13_500), 10_000)
    expect(s).toMatchObject({ count: 4, min_m2: 4_000, median_m2: 11_000, max_m2: 13_500, share_within_30pct: 0.5 }) // 4,000 and 13,500 are outside 7,000–13,000
  })
})
