import { describe, expect, test } from 'vitest'
import { buildCube, cellSeries, stepBoundaries, sumSteps } from '../../server/trends/core/cube'

const H = 3_600_000
/** Epoch ms of a wall-clock time in Asia/Shanghai (UTC+8). */
const cst = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi) - 8 * H

describe('step boundaries', () => {
  test('days run from local midnight, not UTC midnight', () => {
    const b = stepBoundaries('day', cst(2025, 1, 1), cst(2025, 1, 4))
    expect(Array.from(b)).toEqual([cst(2025, 1, 1), cst(2025, 1, 2), cst(2025, 1, 3), cst(2025, 1, 4)])
    expect(new Date(b[1]).toISOString()).toBe('2025-01-01T16:00:00.000Z')
  })

  test('weeks are aligned to the start (a Monday here)', () => {
    const b = stepBoundaries('week', cst(2025, 1, 6), cst(2025, 2, 3))
    expect(b.length).toBe(5)
    expect(b[4]).toBe(cst(2025, 2, 3))
  })

  test('months are calendar months anchored on the start day', () => {
    const b = stepBoundaries('month', cst(2024, 11, 15), cst(2025, 3, 15))
    expect(Array.from(b)).toEqual([cst(2024, 11, 15), cst(2024, 12, 15), cst(2025, 1, 15), cst(2025, 2, 15), cst(2025, 3, 15)])
  })

  test('a partial last step is dropped by default and kept on request', () => {
    const end = cst(2025, 1, 3, 12)
    expect(stepBoundaries('day', cst(2025, 1, 1), end).length).toBe(3)
    const kept = stepBoundaries('day', cst(2025, 1, 1), end, 480, 'keep')
    expect(kept.length).toBe(4)
    expect(kept[3]).toBe(end)
  })

  test('errors name the bad value', () => {
    expect(() => stepBoundaries('day', cst(2025, 1, 1, 3), cst(2025, 2, 1))).toThrow(/not local midnight/)
    expect(() => stepBoundaries('month', cst(2025, 1, 31), cst(2025, 6, 1))).toThrow(/day: 31/)
    expect(() => stepBoundaries('week', cst(2025, 1, 1), cst(2025, 1, 5))).toThrow(/no whole week/)
    expect(() => stepBoundaries('day', Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 9), 0)).not.toThrow()
  })
})

describe('buildCube', () => {
  test('counts cases per (step, cell), row-major by step, in local days', () => {
    const t = Float64Array.from([
      cst(2025, 1, 1, 0, 0), // day 0, first instant
      cst(2025, 1, 1, 23, 59), // day 0 (15:59 UTC)
      cst(2025, 1, 2, 0, 0), // day 1
      cst(2025, 1, 2, 7, 30), // day 1 (still 2025-01-01 in UTC)
      cst(2025, 1, 3, 12), // day 2
      cst(2024, 12, 31, 23, 59), // before the start
      cst(2025, 1, 4), // at the end (exclusive)
      NaN,
      cst(2025, 1, 2, 9), // cell −1
    ])
    const cellOf = Int32Array.from([0, 1, 1, 1, 2, 0, 0, 0, -1])
    const cube = buildCube({ cellOf, t, nCells: 3, step: 'day', start: cst(2025, 1, 1), end: cst(2025, 1, 4) })
    expect(cube.nSteps).toBe(3)
    expect(Array.from(cube.counts)).toEqual([1, 1, 0, 0, 2, 0, 0, 0, 1])
    expect(cube.outside).toBe(4)
    expect(Array.from(cube.stepStarts)).toEqual([cst(2025, 1, 1), cst(2025, 1, 2), cst(2025, 1, 3)])
    expect(Array.from(cube.stepEnds)).toEqual([cst(2025, 1, 2), cst(2025, 1, 3), cst(2025, 1, 4)])
    expect(Array.from(cellSeries(cube, 1))).toEqual([1, 2, 0])
    expect(Array.from(sumSteps(cube, 1, 3))).toEqual([0, 2, 1])
  })

  test('months of unequal length', () => {
    const t = Float64Array.from([cst(2025, 2, 28, 23, 59), cst(2025, 3, 1), cst(2025, 1, 31, 23), cst(2025, 4, 30, 23)])
    const cube = buildCube({ cellOf: Int32Array.from([0, 0, 0, 0]), t, nCells: 1, step: 'month', start: cst(2025, 1, 1), end: cst(2025, 5, 1) })
    expect(cube.nSteps).toBe(4)
    expect(Array.from(cube.counts)).toEqual([1, 1, 1, 1])
  })

  test('weeks with a kept partial last step', () => {
    const start = cst(2025, 1, 6)
    const t = Float64Array.from([start + 7 * 24 * H - 1, start + 7 * 24 * H, start + 9 * 24 * H])
    const cube = buildCube({ cellOf: Int32Array.from([0, 0, 0]), t, nCells: 1, step: 'week', start, end: start + 10 * 24 * H, partialLastStep: 'keep' })
    expect(Array.from(cube.counts)).toEqual([1, 2])
    expect(cube.stepEnds[1] - cube.stepStarts[1]).toBe(3 * 24 * H)
  })

  test('a cell index beyond nCells is an error, not a silent miss', () => {
    expect(() => buildCube({ cellOf: Int32Array.from([5]), t: Float64Array.from([cst(2025, 1, 1, 8)]), nCells: 3, step: 'day', start: cst(2025, 1, 1), end: cst(2025, 1, 2) })).toThrow(/cell index 5/)
    expect(() => sumSteps({ nCells: 1, nSteps: 2, counts: new Float64Array(2) }, 1, 3)).toThrow(/step range/)
  })
})
