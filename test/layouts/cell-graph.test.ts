import { describe, expect, test } from 'vitest'
import { cellOfPoints, edgeNeighbours, indexCells, outlineOf } from '../../server/layouts/core/cell-graph'

const square = (x: number, y: number, w = 100, h = 100) => outlineOf({ type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]] })
const pairs = (p: { a: Int32Array; b: Int32Array }) => Array.from(p.a, (a, k) => `${a}-${p.b[k]}`).sort()

describe('cell graph', () => {
  test('squares meeting at a corner are not neighbours; a side meeting two smaller cells is', () => {
    // 0: west square; 1, 2: the east half split north/south (T-junction on 0's east side); 3: diagonal of 1
    const cells = [square(0, 0), square(100, 0, 100, 50), square(100, 50, 100, 50), square(200, 100)]
    const idx = indexCells(cells)
    expect(pairs(edgeNeighbours(cells, idx))).toEqual(['0-1', '0-2', '1-2'])
  })

  test('a hole filled by an island: both share the hole ring', () => {
    const ring = outlineOf({ type: 'Polygon', coordinates: [
      [[0, 0], [300, 0], [300, 300], [0, 300], [0, 0]],
      [[100, 100], [100, 200], [200, 200], [200, 100], [100, 100]],
    ] })
    const cells = [ring, square(100, 100)]
    expect(pairs(edgeNeighbours(cells, indexCells(cells)))).toEqual(['0-1'])
  })

  test('points go to the one cell holding them; points on a shared edge to exactly one; outside → -1', () => {
    const cells = [square(0, 0), square(100, 0), square(0, 100)]
    const idx = indexCells(cells)
    const x = Float64Array.of(50, 150, 100, 50, 50, 500)
    const y = Float64Array.of(50, 50, 50, 150, 100, 500)
    const got = Array.from(cellOfPoints(x, y, cells, idx))
    expect(got.slice(0, 2)).toEqual([0, 1])
    expect(got[3]).toBe(2)
    expect([0, 1]).toContain(got[2])
    expect([0, 2]).toContain(got[4])
    expect(got[5]).toBe(-1)
  })
})
