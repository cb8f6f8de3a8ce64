import { describe, expect, test } from 'vitest'
import type { CellVisits } from '../../server/patrol/core/coverage'
import { cellsNotVisitedFor, daysSinceVisit, underVisitedCells, visitRate } from '../../server/patrol/core/coverage-rollup'

// six cells, days 100…102; sorted by day then cell as cellCoverage returns them
const visits: CellVisits = {
  nCells: 6,
  day: Int32Array.from([100, 100, 100, 101, 101, 102]),
  cell: Int32Array.from([0, 1, 4, 1, 2, 0]),
  passes: Int32Array.from([1, 3, 2, 1, 1, 2]),
  dwellMinutes: new Float64Array(6),
  first: new Float64Array(6),
  last: new Float64Array(6),
}

describe('coverage roll-ups', () => {
  test('见巡率 per group and day, including a day without visits and an empty group', () => {
    // grids: 0 = cells 0-2, 1 = cells 3-4, 2 = none; cell 5 belongs to no grid
    const group = Int32Array.from([0, 0, 0, 1, 1, -1])
    const r = visitRate(visits, group, [100, 101, 102, 103])
    expect(r.nGroups).toBe(2)
    expect(Array.from(r.cells)).toEqual([3, 2])
    expect(Array.from(r.visited)).toEqual([2, 1, 2, 0, 1, 0, 0, 0])
    expect(Array.from(r.rate)).toEqual([2 / 3, 0.5, 2 / 3, 0, 1 / 3, 0, 0, 0])
    const withEmpty = visitRate(visits, Int32Array.from([0, 0, 0, 2, 2, -1]), [100])
    expect(Array.from(withEmpty.rate)).toEqual([2 / 3, NaN, 0.5])
    expect(() => visitRate(visits, Int32Array.from([0, 0]), [100])).toThrow('group has 2 entries for 6 cells')
    expect(() => visitRate(visits, Int32Array.from([0, 0, 0, 0, 0, -2]), [100])).toThrow('Unexpected group value: -2 (cell 5).')
  })

  test('days since the last visit and cells not visited for N days', () => {
    expect(Array.from(daysSinceVisit(visits, 102))).toEqual([0, 1, 1, Infinity, 2, Infinity])
    // as of day 100, later visits do not count
    expect(Array.from(daysSinceVisit(visits, 100))).toEqual([0, 0, Infinity, Infinity, 0, Infinity])
    expect(Array.from(cellsNotVisitedFor(visits, 102, 1))).toEqual([1, 2, 3, 4, 5])
    expect(Array.from(cellsNotVisitedFor(visits, 102, 2))).toEqual([3, 4, 5])
    expect(Array.from(cellsNotVisitedFor(visits, 104, 3))).toEqual([1, 2, 3, 4, 5])
    expect(() => cellsNotVisitedFor(visits, 102, 0)).toThrow('Unexpected nDays value: 0.')
  })

  test('cells visited fewer times than required, per day', () => {
    const required = Int32Array.from([2, 2, 1, 0, 1, 0])
    const u = underVisitedCells(visits, required, [100, 102])
    expect(Array.from(u.day)).toEqual([100, 100, 102, 102, 102])
    expect(Array.from(u.cell)).toEqual([0, 2, 1, 2, 4])
    expect(Array.from(u.passes)).toEqual([1, 0, 0, 0, 0])
    expect(Array.from(u.required)).toEqual([2, 1, 2, 1, 1])
  })
})
