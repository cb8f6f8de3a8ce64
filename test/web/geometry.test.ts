import { describe, expect, test } from 'vitest'
import type { Polygon } from 'geojson'
import { bboxOf, labelPoint, pointInPolygon, PolygonLookup } from '../../web/src/geo/geometry'
import { COMMUNITIES } from './fixtures/fake-data'

describe('geometry', () => {
  const square: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]] }

  test('point in polygon respects holes', () => {
    expect(pointInPolygon(0.5, 0.5, square)).toBe(true)
    expect(pointInPolygon(2, 2, square)).toBe(false)
    expect(pointInPolygon(5, 2, square)).toBe(false)
  })

  test('label point of a ring with a hole at its centroid falls inside the ring', () => {
    const p = labelPoint(square)!
    expect(pointInPolygon(p[0], p[1], square)).toBe(true)
    const u: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]]] }
    const q = labelPoint(u)!
    expect(pointInPolygon(q[0], q[1], u)).toBe(true)
  })

  test('bbox and lookup', () => {
    expect(bboxOf({ type: 'FeatureCollection', features: COMMUNITIES })).toEqual([116.4, 39.9, 116.42, 39.91])
    expect(bboxOf({ type: 'FeatureCollection', features: [] })).toBeNull()
    const lookup = new PolygonLookup(COMMUNITIES)
    expect(lookup.find(116.415, 39.905)?.properties.name_zh).toBe('东社区')
    expect(lookup.find(116.405, 39.905)?.properties.name_zh).toBe('西社区')
    expect(lookup.find(116.5, 39.905)).toBeUndefined()
  })
})
