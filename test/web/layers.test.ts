import { describe, expect, test } from 'vitest'
import { cellToLatLng } from 'h3-js'
import { CASES_LAYER_ID, CASE_RADIUS_PX, casesLayer, STACKED_RADIUS_PX } from '../../web/src/layers/cases-layer'
import { HEX_LAYER_ID, hexAlpha, hexLayer } from '../../web/src/layers/hex-layer'
import { binPoints, hexAreaKm2, hexResolutionForZoom } from '../../web/src/layers/hex-bins'
import { COMMUNITY_LAYER_ID, COMMUNITY_OUTLINE_LAYER_ID, communityLabels, communityLayer, communityOutlineLayer } from '../../web/src/layers/community-layer'
import { labelLayers, labelsAlongLine, labelsForZoom, placeBasemapLabels, LABELS_BOLD_LAYER_ID, LABELS_LAYER_ID } from '../../web/src/layers/basemap-labels'
import { placeLabels, worldPixel } from '../../web/src/layers/label-placement'
import type { StreetCollection } from '../../web/src/api/types'
import { COMMUNITIES, fakeCase } from './fixtures/fake-data'

/** Calls a deck.gl accessor prop (function or constant) for one datum. */
function acc<T>(prop: unknown, d: T): unknown {
  return typeof prop === 'function' ? (prop as (x: T, i: unknown) => unknown)(d, { index: 0, data: [], target: [] }) : prop
}

describe('cases layer', () => {
  const cases = [fakeCase(1, 116.401, 39.901, '0401'), fakeCase(2, 116.415, 39.905, '0101', true)]
  const colorOf = (code: string) => (code.startsWith('04') ? ([1, 2, 3] as [number, number, number]) : ([4, 5, 6] as [number, number, number]))

  test('stable id, data, pixel units and an update trigger for colours', () => {
    const layer = casesLayer({ data: cases, colorOf, colorKey: 'k1', visible: true })
    expect(layer.id).toBe(CASES_LAYER_ID)
    expect(layer.props.data).toBe(cases)
    expect(layer.props.radiusUnits).toBe('pixels')
    expect(layer.props.pickable).toBe(true)
    expect(layer.props.updateTriggers).toEqual({ getFillColor: ['k1'] })
    expect(acc(layer.props.getPosition, cases[0])).toEqual([116.401, 39.901])
  })

  test('colour comes from the category; stacked points are larger and hollow', () => {
    const layer = casesLayer({ data: cases, colorOf, colorKey: 'k', visible: false })
    expect(layer.props.visible).toBe(false)
    expect(acc(layer.props.getFillColor, cases[0])).toEqual([1, 2, 3, 235])
    expect(acc(layer.props.getFillColor, cases[1])).toEqual([4, 5, 6, 60])
    expect(acc(layer.props.getRadius, cases[0])).toBe(CASE_RADIUS_PX)
    expect(acc(layer.props.getRadius, cases[1])).toBe(STACKED_RADIUS_PX)
  })
})

describe('hexagon binning and layer', () => {
  test('resolution grows with zoom', () => {
    expect([10, 12, 14, 16].map(hexResolutionForZoom)).toEqual([7, 8, 9, 10])
    expect(hexAreaKm2(9)).toBeGreaterThan(0.1)
    expect(hexAreaKm2(9)).toBeLessThan(0.11)
  })

  test('points are counted per H3 cell, busiest first', () => {
    const pts: Array<[number, number]> = [[116.4, 39.9], [116.4, 39.9], [116.40001, 39.90001], [116.5, 39.95]]
    const bins = binPoints(pts, 9)
    expect(bins.map((b) => b.n)).toEqual([3, 1])
    const [lat, lon] = cellToLatLng(bins[0].hex)
    expect(Math.abs(lat - 39.9)).toBeLessThan(0.005)
    expect(Math.abs(lon - 116.4)).toBeLessThan(0.005)
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(pts.length)
  })

  test('fill colour follows the class; triggers change with breaks', () => {
    const bins = [{ hex: '8931aa42a83ffff', n: 1 }, { hex: '8931aa42a87ffff', n: 7 }]
    const colors: Array<[number, number, number]> = [[10, 10, 10], [200, 200, 200]]
    const layer = hexLayer({ bins, breaks: [2, 7], colors, visible: true })
    expect(layer.id).toBe(HEX_LAYER_ID)
    expect(acc(layer.props.getHexagon, bins[0])).toBe('8931aa42a83ffff')
    expect(acc(layer.props.getFillColor, bins[0])).toEqual([10, 10, 10, hexAlpha(0, 2)])
    expect(acc(layer.props.getFillColor, bins[1])).toEqual([200, 200, 200, hexAlpha(1, 2)])
    // the hottest class is the most opaque
    expect(hexAlpha(1, 2)).toBeGreaterThan(hexAlpha(0, 2))
    const other = hexLayer({ bins, breaks: [1, 7], colors, visible: true })
    expect(other.props.updateTriggers.getFillColor).not.toEqual(layer.props.updateTriggers.getFillColor)
    expect(() => hexLayer({ bins, breaks: [1, 2, 7], colors, visible: true })).toThrow(/2 colours for 3 classes/)
  })
})

describe('community layers', () => {
  test('polygon layer is pickable with a transparent fill', () => {
    const layer = communityLayer({ data: COMMUNITIES, visible: true })
    expect(layer.id).toBe(COMMUNITY_LAYER_ID)
    expect(layer.props.pickable).toBe(true)
    expect(layer.props.getFillColor).toEqual([0, 0, 0, 0])
    const outline = communityOutlineLayer({ data: COMMUNITIES, visible: true })
    expect(outline.id).toBe(COMMUNITY_OUTLINE_LAYER_ID)
    // outlines sit over the hexagons, so they must not steal the hover from them
    expect(outline.props.pickable).toBe(false)
    expect(outline.props.filled).toBe(false)
  })

  test('community labels sit inside their community and go in the bold label layer', () => {
    const labels = communityLabels(COMMUNITIES)
    expect(labels.map((l) => l.name_zh)).toEqual(['西社区', '东社区'])
    expect(labels[0].position[0]).toBeCloseTo(116.405, 6)
    expect(labels[0].position[1]).toBeCloseTo(39.905, 6)
    const [regular, bold] = labelLayers({ labels, lang: 'en', zoom: 14 })
    expect(regular.id).toBe(LABELS_LAYER_ID)
    expect(bold.id).toBe(LABELS_BOLD_LAYER_ID)
    expect(regular.props.data).toEqual([])
    expect((bold.props.data as unknown[]).length).toBe(2)
    expect(bold.props.characterSet).toBe('auto')
    expect(acc(bold.props.getText, labels[1])).toBe('East')
    expect(bold.props.updateTriggers).toEqual({ getText: ['en'] })
  })
})

describe('base-map labels', () => {
  test('labels along a line are spaced and upright', () => {
    // 0.03° of longitude at 39.9° N ≈ 2.56 km, heading west (would read upside down unflipped)
    const placed = labelsAlongLine([[116.43, 39.9], [116.40, 39.9]], 900)
    expect(placed.length).toBe(3)
    for (const p of placed) expect(Math.abs(p.angle)).toBeLessThanOrEqual(90)
    expect(placed[0].position[0]).toBeGreaterThan(placed[1].position[0])
    // a short line gets one label at its middle
    const one = labelsAlongLine([[116.4, 39.9], [116.4, 39.902]], 900)
    expect(one).toHaveLength(1)
    expect(one[0].position[1]).toBeCloseTo(39.901, 9)
    expect(Math.abs(one[0].angle)).toBeCloseTo(90, 6)
    expect(labelsAlongLine([[116.4, 39.9]], 900)).toEqual([])
  })

  test('unnamed streets and lanes get no label; zoom filtering is cached per half zoom', () => {
    const streets: StreetCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[116.4, 39.9], [116.41, 39.9]] }, properties: { id: 1, class: 'arterial', name_zh: '长安街', name_en: 'Chang\'an Ave' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[116.4, 39.91], [116.41, 39.91]] }, properties: { id: 2, class: 'lane', name_zh: '小胡同', name_en: 'Hutong' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[116.4, 39.92], [116.41, 39.92]] }, properties: { id: 3, class: 'local', name_zh: null, name_en: null } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[116.4, 39.93], [116.41, 39.93]] }, properties: { id: 4, class: 'local', name_zh: '东四十条', name_en: 'Dongsi 10th Alley' } },
      ],
    }
    const labels = placeBasemapLabels(streets, null, null)
    expect(new Set(labels.map((l) => l.name_zh))).toEqual(new Set(['长安街', '东四十条']))
    const at13 = labelsForZoom(labels, 13.2, 'zh')
    expect(at13.map((l) => l.name_zh)).toEqual(['长安街'])
    expect(labelsForZoom(labels, 13.4, 'zh')).toBe(at13) // same half-zoom band → same array
    expect(labelsForZoom(labels, 13.4, 'en')).not.toBe(at13) // widths differ per language
    expect(labelsForZoom(labels, 15, 'zh').some((l) => l.name_zh === '东四十条')).toBe(true)
    const [layer] = labelLayers({ labels, lang: 'en', zoom: 15 })
    expect(acc(layer.props.getText, labels[0])).toBe('Chang\'an Ave')
  })
})

describe('street label thinning and placement', () => {
  test('a street split into blocks is named every few hundred metres, not once per block', () => {
    // 20 blocks of ~85 m along one street (0.001° of longitude at 39.9° N)
    const features = Array.from({ length: 20 }, (_, i) => ({
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: [[116.4 + i * 0.001, 39.9], [116.401 + i * 0.001, 39.9]] },
      properties: { id: i, class: 'secondary' as const, name_zh: '东大街', name_en: 'East Street' },
    }))
    const labels = placeBasemapLabels({ type: 'FeatureCollection', features }, null, null)
    expect(labels.length).toBeGreaterThanOrEqual(2)
    expect(labels.length).toBeLessThanOrEqual(3)
  })

  test('overlapping labels give way to higher priority; distant ones all stay', () => {
    const base = { angle: 0, size: 12, minZoom: 0 }
    const a = { ...base, position: [116.4, 39.9] as [number, number], priority: 10, t: 'low' }
    const b = { ...base, position: [116.4001, 39.9] as [number, number], priority: 90, t: 'high' }
    const c = { ...base, position: [116.45, 39.9] as [number, number], priority: 5, t: 'far' }
    expect(placeLabels([a, b, c], 15, (l) => l.t).map((l) => l.t)).toEqual(['high', 'far'])
    // zoomed far in, the same two labels no longer touch
    expect(placeLabels([a, b], 20, (l) => l.t)).toHaveLength(2)
    // labels below their minimum zoom are not placed
    expect(placeLabels([{ ...c, minZoom: 16 }], 15, (l) => l.t)).toEqual([])
  })

  test('world pixels follow web mercator', () => {
    expect(worldPixel(0, 0, 0)).toEqual([256, 256])
    const [x, y] = worldPixel(180, 85.05, 1)
    expect(x).toBe(1024)
    expect(y).toBeCloseTo(0, 0)
  })
})
