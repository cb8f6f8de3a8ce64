import { describe, expect, test } from 'vitest'
import {
  buildCellIndex, buildStreetIndex, cellCoverage, streetCoverage, toMetricTrips, type CellVisits, type MetricTrips,
} from '../../server/patrol/core/coverage'
import { cleanTracks } from '../../server/patrol/core/tracks-clean'
import { FixCollector } from '../../server/patrol/core/tracks-fixes'
import { projector } from '../../server/shared/coords'

const T0 = Date.UTC(2025, 2, 1, 1, 0, 0)
const DAY = 20148 // 2025-03-01

/** A square cell of side `size` metres with its lower-left corner at (x0, y0). */
const square = (id: string, x0: number, y0: number, size = 100) =>
  ({ id, rings: [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]] })

/** Trips from [x, y, seconds] lists (seconds after T0). */
function tripsOf(list: { pts: [number, number, number][]; day?: number; worker?: number }[]): MetricTrips {
  const offsets = [0]
  const x: number[] = [], y: number[] = [], t: number[] = []
  for (const trip of list) {
    for (const [px, py, s] of trip.pts) {
      x.push(px)
      y.push(py)
      t.push(T0 + s * 1000)
    }
    offsets.push(x.length)
  }
  return {
    offsets: Uint32Array.from(offsets),
    worker: Int32Array.from(list.map((l) => l.worker ?? 0)),
    day: Int32Array.from(list.map((l) => l.day ?? DAY)),
    x: Float64Array.from(x), y: Float64Array.from(y), t: Float64Array.from(t),
  }
}

/** A straight walk from (x0, y) to (x1, y) at `speed` m/s with a fix every `dt` s and one at the end. */
function walkX(x0: number, x1: number, y: number, opts: { speed?: number; dt?: number; s0?: number } = {}): [number, number, number][] {
  const { speed = 1, dt = 7, s0 = 0 } = opts
  const total = Math.abs(x1 - x0) / speed
  const pts: [number, number, number][] = []
  for (let s = 0; s < total; s += dt) pts.push([x0 + Math.sign(x1 - x0) * s * speed, y, s0 + s])
  pts.push([x1, y, s0 + total])
  return pts
}

/** Visits keyed by cell id. */
function byId(v: CellVisits, ids: string[]) {
  const m = new Map<string, { day: number; passes: number; dwellS: number; first: number; last: number }>()
  for (let k = 0; k < v.cell.length; k++) {
    m.set(`${ids[v.cell[k]]}@${v.day[k]}`, {
      day: v.day[k], passes: v.passes[k], dwellS: v.dwellMinutes[k] * 60, first: (v.first[k] - T0) / 1000, last: (v.last[k] - T0) / 1000,
    })
  }
  return m
}

describe('cell coverage', () => {
  // a row of five 100 m cells y ∈ [0, 100], x ∈ [0, 500], with a row above and one below
  const row = [0, 1, 2, 3, 4].map((k) => square(`r${k}`, 100 * k, 0))
  const above = [0, 1, 2, 3, 4].map((k) => square(`a${k}`, 100 * k, 100))
  const below = [0, 1, 2, 3, 4].map((k) => square(`b${k}`, 100 * k, -100))
  const cells = [...row, ...above, ...below]
  const index = buildCellIndex(cells)
  const ids = cells.map((c) => c.id)

  test('a straight walk across a row of 100 m cells at 1 m/s: 100 s in each, one pass, exact reach times', () => {
    const v = byId(cellCoverage(index, tripsOf([{ pts: walkX(-50, 550, 50) }])), ids)
    expect([...v.keys()].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => `${id}@${DAY}`))
    for (let k = 0; k < 5; k++) {
      const c = v.get(`r${k}@${DAY}`)!
      expect(c.passes).toBe(1)
      expect(c.dwellS).toBeCloseTo(100, 9)
      // within 10 m of the cell from x = 100k - 10 to x = 100k + 110; the walk starts at x = -50
      expect(c.first).toBeCloseTo(100 * k + 40, 9)
      expect(c.last).toBeCloseTo(100 * k + 160, 9)
    }
  })

  test('walking along a shared boundary at 4 m visits both rows once, dwell only on one side', () => {
    const v = byId(cellCoverage(index, tripsOf([{ pts: walkX(20, 80, 96) }])), ids)
    expect(v.get(`r0@${DAY}`)).toMatchObject({ passes: 1, dwellS: 60 })
    expect(v.get(`a0@${DAY}`)).toMatchObject({ passes: 1, dwellS: 0 })
    expect(v.has(`b0@${DAY}`)).toBe(false)
  })

  test('a path clipping a cell corner: exact dwell fractions, and a corner passed at 7 m counts with no dwell', () => {
    // (70, -20) → (130, 40) in 60 s: enters r0 at (90, 0), leaves it at (100, 10)
    const v = byId(cellCoverage(index, tripsOf([{ pts: [[70, -20, 0], [130, 40, 60]] }])), ids)
    expect(v.get(`r0@${DAY}`)!.dwellS).toBeCloseTo(10, 9)
    expect(v.get(`r1@${DAY}`)!.dwellS).toBeCloseTo(30, 9)
    expect(v.get(`b0@${DAY}`)!.dwellS).toBeCloseTo(20, 9)
    // b1 = [100, 200] × [-100, 0]: the path passes its corner (100, 0) at 7.07 m, within reach for t ∈ [20, 30]
    const b1 = v.get(`b1@${DAY}`)!
    expect(b1).toMatchObject({ passes: 1, dwellS: 0 })
    expect(b1.first).toBeCloseTo(20, 9)
    expect(b1.last).toBeCloseTo(30, 9)
    // with a 5 m tolerance the corner is out of reach
    expect(byId(cellCoverage(index, tripsOf([{ pts: [[70, -20, 0], [130, 40, 60]] }]), { toleranceM: 5 }), ids).has(`b1@${DAY}`)).toBe(false)
  })

  test('a lone fix 5 m outside a cell visits it; 15 m outside does not', () => {
    const v = byId(cellCoverage(index, tripsOf([{ pts: [[105, 50, 0]] }, { pts: [[250, 115, 30]] }])), ids)
    expect(v.get(`r0@${DAY}`)).toMatchObject({ passes: 1, dwellS: 0, first: 0, last: 0 })
    expect(v.get(`r1@${DAY}`)).toMatchObject({ passes: 1, dwellS: 0 })
    expect(v.get(`a2@${DAY}`)).toMatchObject({ passes: 1, first: 30 })
    expect(v.has(`r2@${DAY}`)).toBe(false) // 15 m below the fix at y = 115
  })

  test('a U-turn: the cell crossed twice has two passes, the cell of the turn one', () => {
    // from x = 50 (r0) east to x = 185 (r1) and back to x = 50
    const out = walkX(50, 185, 50)
    const back = walkX(185, 50, 50, { s0: 135 }).slice(1)
    const v = byId(cellCoverage(index, tripsOf([{ pts: [...out, ...back] }])), ids)
    expect(v.get(`r0@${DAY}`)).toMatchObject({ passes: 2 })
    expect(v.get(`r0@${DAY}`)!.dwellS).toBeCloseTo(100, 9)
    expect(v.get(`r1@${DAY}`)).toMatchObject({ passes: 1 })
    expect(v.get(`r1@${DAY}`)!.dwellS).toBeCloseTo(170, 9)
    expect(v.has(`r2@${DAY}`)).toBe(false) // the turn at x = 185 stays 15 m short of r2
    // turning 8 m past r0's edge never leaves r0's reach: one pass
    const near = [...walkX(50, 108, 50), ...walkX(108, 50, 50, { s0: 58 }).slice(1)]
    expect(byId(cellCoverage(index, tripsOf([{ pts: near }])), ids).get(`r0@${DAY}`)).toMatchObject({ passes: 1 })
  })

  test('no interpolation across trips: cells between two trips stay unvisited, and each trip is a new pass', () => {
    const v = byId(cellCoverage(index, tripsOf([
      { pts: walkX(20, 50, 50) },
      { pts: walkX(350, 380, 50, { s0: 1200 }) },
      { pts: walkX(60, 80, 50, { s0: 2400 }) },
    ])), ids)
    expect(v.get(`r0@${DAY}`)).toMatchObject({ passes: 2, first: 0, last: 2420 })
    expect(v.get(`r0@${DAY}`)!.dwellS).toBeCloseTo(50, 9)
    expect(v.has(`r1@${DAY}`) || v.has(`r2@${DAY}`)).toBe(false)
    expect(v.get(`r3@${DAY}`)).toMatchObject({ passes: 1 })
  })

  test('standing still inside a cell adds the whole stay to its dwell', () => {
    const v = byId(cellCoverage(index, tripsOf([{ pts: [[40, 50, 0], [50, 50, 10], [50, 50, 610], [60, 50, 620]] }])), ids)
    expect(v.get(`r0@${DAY}`)!.dwellS).toBeCloseTo(620, 9)
    expect(v.get(`r0@${DAY}`)!.passes).toBe(1)
  })

  test('days are kept apart and records come sorted by day then cell', () => {
    const res = cellCoverage(index, tripsOf([
      { pts: walkX(250, 150, 50), day: DAY + 1 },
      { pts: walkX(50, 150, 50), day: DAY },
    ]))
    expect(Array.from(res.day)).toEqual([DAY, DAY, DAY + 1, DAY + 1])
    expect(Array.from(res.cell).map((c) => ids[c])).toEqual(['r0', 'r1', 'r1', 'r2'])
    expect(res.nCells).toBe(15)
  })

  test('polygons with holes and concave shapes are clipped exactly', () => {
    // a 100 m square with a 40 m hole in the middle, and an L-shaped cell
    const holed = { id: 'h', rings: [[[0, 0], [100, 0], [100, 100], [0, 100]], [[30, 30], [70, 30], [70, 70], [30, 70]]] }
    const ell = { id: 'L', rings: [[[200, 0], [300, 0], [300, 40], [240, 40], [240, 100], [200, 100]]] }
    const idx = buildCellIndex([holed, ell])
    const v = cellCoverage(idx, tripsOf([{ pts: [[-20, 50, 0], [320, 50, 340]] }]), { toleranceM: 0 })
    // y = 50 crosses the holed square on [0, 30] and [70, 100]; the L only on [200, 240]
    expect(Array.from(v.dwellMinutes).map((m) => +(m * 60).toFixed(9))).toEqual([60, 40])
    // with no tolerance, the hole splits the crossing into two passes
    expect(Array.from(v.passes)).toEqual([2, 1])
  })

  test('cells from cleaned WGS84 tracks via a projector', () => {
    const proj = projector(4548)
    const [x0, y0] = proj.forwardPoint(116.4, 39.9)
    const collector = new FixCollector()
    for (let k = 0; k <= 60; k++) {
      const [lon, lat] = proj.inversePoint(x0 + 20 + k * 5, y0 + 50)
      collector.add('w', T0 + k * 5000, lon, lat, k + 1)
    }
    const metric = toMetricTrips(cleanTracks(collector.finish()), proj)
    const idx = buildCellIndex([square('c0', x0, y0), square('c1', x0 + 100, y0), square('c2', x0 + 200, y0)])
    const v = cellCoverage(idx, metric)
    expect(Array.from(v.cell)).toEqual([0, 1, 2])
    expect(v.dwellMinutes[1] * 60).toBeCloseTo(100, 6)
    expect(v.dwellMinutes[0] * 60).toBeCloseTo(80, 6)
  })

  test('bad input is named', () => {
    expect(() => buildCellIndex([])).toThrow('Unexpected numItems value: 0.')
    expect(() => buildCellIndex([{ id: 7, rings: [[[0, 0], [1, 1], [0, 0]]] }])).toThrow('Cell 1 (7), ring 1: 2 vertices; at least 3 needed')
    expect(() => buildCellIndex([{ id: 'x', rings: [[[0, 0], [1, NaN], [1, 1]]] }])).toThrow('Cell 1 ("x"), ring 1: vertex 2 is not a pair of numbers')
    expect(() => cellCoverage(index, tripsOf([{ pts: [[0, 0, 0]] }]), { toleranceM: -1 })).toThrow('Unexpected toleranceM value: -1.')
  })
})

describe('street coverage', () => {
  const streets = buildStreetIndex([
    { id: 'main', coords: [[0, 0], [120, 0], [200, 0]] }, // 200 m along x, two pieces
    { id: 'cross', coords: [[50, -100], [50, 100]] }, // 200 m along y
    { id: 'far', coords: [[0, 300], [100, 300]] },
  ])

  test('a street walked halfway at 5 m off its axis: covered up to 15 m beyond the end of the walk', () => {
    const res = streetCoverage(streets, tripsOf([{ pts: walkX(-50, 100, 5) }]))
    expect(Array.from(res.street)).toEqual([0, 1])
    // main: x ∈ [0, 100 + √(15² − 5²)]
    expect(res.coveredM[0]).toBeCloseTo(100 + Math.sqrt(200), 9)
    expect(res.share[0]).toBeCloseTo((100 + Math.sqrt(200)) / 200, 9)
    // cross: only where it passes the path, y ∈ [5 - 15, 5 + 15]
    expect(res.coveredM[1]).toBeCloseTo(30, 9)
    expect(streets.lengthM[0]).toBe(200)
  })

  test('two trips of one day count overlapping parts once; another day stands alone', () => {
    const res = streetCoverage(streets, tripsOf([
      { pts: walkX(-50, 100, 5) },
      { pts: walkX(80, 250, -3, { s0: 3600 }) },
      { pts: walkX(150, 250, 0), day: DAY + 1 },
    ]))
    expect(Array.from(res.day)).toEqual([DAY, DAY, DAY + 1])
    expect(res.coveredM[0]).toBeCloseTo(200, 9)
    expect(res.coveredM[2]).toBeCloseTo(65, 9) // x ∈ [135, 200]
  })

  test('a lone fix covers the street within reach of it', () => {
    const res = streetCoverage(streets, tripsOf([{ pts: [[20, 9, 0]] }, { pts: [[195, -12, 60]] }]))
    // √(15² − 9²) = 12 either side of x = 20, and 9 m short of the far end, cut at the end (x = 200)
    expect(res.coveredM[0]).toBeCloseTo(2 * 12 + 9 + 5, 9)
  })
})
