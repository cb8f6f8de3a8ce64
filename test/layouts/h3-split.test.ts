/**
 * The pieces of the fast H3 path: point location against community outlines, edge neighbours
 * limited to the cells touching drafts, and the split of H3 candidates into cells measured in
 * TypeScript and cells PostGIS decides (checked against the same cells measured independently).
 */
import { cellToBoundary, cellToLatLng, latLngToCell, gridDisk, cellArea, UNITS } from 'h3-js'
import { describe, expect, test } from 'vitest'
import { edgeNeighbours, indexCells, outlineOf } from '../../server/layouts/core/cell-graph'
import { RingIndex } from '../../server/layouts/core/ring-index'
import { h3Candidates } from '../../server/layouts/h3/candidates'
import { splitH3Cells } from '../../server/layouts/h3/split'
import { projector } from '../../server/shared/coords'
import { pointEwkbHex, ringEwkbHex, toEwkbHex, toWkb } from '../../server/shared/wkb'

const square = (x: number, y: number, w = 100, h = 100) => outlineOf({ type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]] })
const pairs = (p: { a: Int32Array; b: Int32Array }) => Array.from(p.a, (a, k) => `${a}-${p.b[k]}`).sort()

describe('RingIndex', () => {
  const lake = outlineOf({ type: 'Polygon', coordinates: [[[0, 0], [300, 0], [300, 300], [0, 300], [0, 0]], [[100, 100], [100, 200], [200, 200], [200, 100], [100, 100]]] })
  const index = new RingIndex([lake, square(100, 100), square(300, 0)], [3, 7, 5])

  test('locates points by the even–odd rule (holes, islands), ids as given, -1 outside', () => {
    expect(index.locate(50, 50)).toBe(3)
    expect(index.locate(150, 150)).toBe(7) // the island in the lake
    expect(index.locate(350, 50)).toBe(5)
    expect(index.locate(350, 150)).toBe(-1)
    expect(index.locate(-10, 50)).toBe(-1)
    expect(index.locate(1000, 50)).toBe(-1)
  })

  test('near: a boundary within r', () => {
    expect(index.near(50, 50, 49)).toBe(false)
    expect(index.near(50, 50, 50)).toBe(true)
    expect(index.near(150, 150, 10)).toBe(false)
    expect(index.near(150, 195, 10)).toBe(true)
  })
})

describe('edgeNeighbours limited to the first cells', () => {
  test('finds only pairs touching the first n, each once', () => {
    const cells = [square(0, 0), square(100, 0), square(200, 0), square(300, 0)]
    const idx = indexCells(cells)
    expect(pairs(edgeNeighbours(cells, idx))).toEqual(['0-1', '1-2', '2-3'])
    expect(pairs(edgeNeighbours(cells, idx, undefined, 1))).toEqual(['0-1'])
    expect(pairs(edgeNeighbours(cells, idx, undefined, 2))).toEqual(['0-1', '1-2'])
  })
})

describe('splitH3Cells', () => {
  // a 1.2 km square near Hangzhou split into a west and an east community at x = 600 m
  const proj = projector(4549)
  const [ox, oy] = proj.forwardPoint(120.2, 30.25)
  const metric = (x0: number, y0: number, x1: number, y1: number) => square(ox + x0, oy + y0, x1 - x0, y1 - y0)
  const scopeRing = [[0, 0], [1200, 0], [1200, 1200], [0, 1200], [0, 0]].map(([x, y]) => proj.inversePoint(ox + x, oy + y))
  const ids = h3Candidates({ type: 'Polygon', coordinates: [scopeRing] }, 11)
  const split = splitH3Cells(ids, new RingIndex([metric(0, 0, 1200, 1200)]), new RingIndex([metric(0, 0, 600, 1200), metric(600, 0, 1200, 1200)], [1, 2]), proj)
  const ready = split.ready()

  test('ready cells lie wholly inside, in the community holding their centre; the rest go to PostGIS', () => {
    expect(ready.code.length).toBeGreaterThan(400)
    expect(split.postgis.length).toBeGreaterThan(50)
    const inReady = new Set(ready.code)
    for (const i of split.postgis) expect(inReady.has(ids[i])).toBe(false)
    ready.code.forEach((h, k) => {
      const [lat, lon] = cellToLatLng(h)
      const [x, y] = proj.forwardPoint(lon, lat)
      for (const [vlon, vlat] of cellToBoundary(h, true)) {
        const [vx, vy] = proj.forwardPoint(vlon, vlat)
        expect(vx - ox).toBeGreaterThan(0); expect(vx - ox).toBeLessThan(1200); expect(vy - oy).toBeGreaterThan(0); expect(vy - oy).toBeLessThan(1200)
      }
      expect(ready.unit[k]).toBe(x - ox < 600 ? 1 : 2)
      // centroid of the projected hexagon: within a millimetre of the H3 centre
      expect(Math.hypot(ready.cx[k] - x, ready.cy[k] - y)).toBeLessThan(1e-3)
      expect(ready.area[k] / cellArea(h, UNITS.m2)).toBeCloseTo(1, 2)
      expect(Math.abs(ready.lon[k] - lon)).toBeLessThan(1e-7)
    })
  })

  test('neighbour pairs are exactly the H3 neighbours among ready cells', () => {
    const pos = new Map(ready.code.map((h, k) => [h, k]))
    const expected: string[] = []
    ready.code.forEach((h, k) => { for (const g of gridDisk(h, 1)) { const j = pos.get(g); if (j !== undefined && j > k) expected.push(`${k}-${j}`) } })
    expect(pairs(ready.pairs)).toEqual(expected.sort())
  })

  test('hex EWKB of each ready cell is its H3 outline, SRID 4326', () => {
    const h = ready.code[0]
    const b = cellToBoundary(h, true)
    expect(ready.geom[0]).toBe(toEwkbHex({ type: 'MultiPolygon', coordinates: [[b]] }, 4326))
    expect(latLngToCell(ready.lat[0], ready.lon[0], 11)).toBe(h)
  })
})

describe('WKB', () => {
  test('ISO WKB little-endian of a polygon and EWKB with SRID', () => {
    const wkb = toWkb({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] })
    expect(wkb.length).toBe(9 + 4 + 4 * 16)
    const v = new DataView(wkb.buffer)
    expect([v.getUint8(0), v.getUint32(1, true), v.getUint32(5, true), v.getUint32(9, true), v.getFloat64(13 + 16, true)]).toEqual([1, 3, 1, 4, 1])
    expect(pointEwkbHex(1, 2, 4326)).toBe('0101000020e6100000000000000000f03f0000000000000040')
    expect(toEwkbHex({ type: 'Point', coordinates: [1, 2] }, 4326)).toBe(pointEwkbHex(1, 2, 4326))
    const lon = Float64Array.of(0, 1, 1, 0), lat = Float64Array.of(0, 0, 1, 0)
    expect(ringEwkbHex(lon, lat, 0, 4, 4326)).toBe(toEwkbHex({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }, 4326))
  })
})
