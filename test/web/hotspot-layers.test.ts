import { describe, expect, test } from 'vitest'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { buildCellGeometry, cellBounds, cellColors, cellFillData, cellOfPick, cellSidePx, cellsLayers, vertexColors } from '../../web/src/layers/cells-layer'
import { GI_COLORS, giBinCounts, giCellColors, giColor } from '../../web/src/layers/gi-layer'
import { metricClasses, metricColor, metricCellColors, metricValue, NO_RATE, rateClass } from '../../web/src/layers/choropleth-layer'
import { densityAlpha, densityAt, densityBounds, densityPixels, densityT, rasterMax, sampleDensity } from '../../web/src/layers/density-layer'
import { clusterRankLayer, clustersLayer, spotBounds, SPOT_LINE, SPOT_SELECTED_LINE } from '../../web/src/layers/clusters-layer'
import type { ClusterFeature, GridResult } from '../../web/src/api/analyses'

type CellF = Feature<Polygon | MultiPolygon, { idx: number; code: string; community: string | null; community_id: number | null; area_m2: number }>

function square(x: number, y: number, s: number): number[][] {
  return [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]
}

/** Area of the earcut triangles of the parts of one cell (degrees², planar). */
function triangleArea(g: ReturnType<typeof buildCellGeometry>, cell: number): number {
  let a = 0
  for (let i = 0; i < g.indices.length; i += 3) {
    const [p, q, r] = [g.indices[i], g.indices[i + 1], g.indices[i + 2]]
    if (g.vertexCell[p] !== cell) continue
    const [x1, y1, x2, y2, x3, y3] = [g.positions[2 * p], g.positions[2 * p + 1], g.positions[2 * q], g.positions[2 * q + 1], g.positions[2 * r], g.positions[2 * r + 1]]
    a += Math.abs((x2 - x1) * (y3 - y1) - (x3 - x1) * (y2 - y1)) / 2
  }
  return a
}

// cell 0: a square with a square hole; cell 1: two squares (MultiPolygon); features out of idx order
const features: CellF[] = [
  { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[square(10, 0, 1)], [square(12, 0, 1)]] }, properties: { idx: 1, code: 'B', community: '南星社区', community_id: 7, area_m2: 20000 } },
  { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(0, 0, 4), square(1, 1, 2).reverse()] }, properties: { idx: 0, code: 'A', community: null, community_id: null, area_m2: 12000 } },
]

describe('cells as binary data', () => {
  const g = buildCellGeometry(features)

  test('parts, rings and vertices are counted; cells keep their idx and properties', () => {
    expect(g.cells).toBe(2)
    expect(g.parts).toBe(3)
    expect(g.ringStarts.length - 1).toBe(4)
    expect(g.positions.length / 2).toBe(20)
    expect(g.meta.code).toEqual(['A', 'B'])
    expect(g.meta.community).toEqual([null, '南星社区'])
    expect(Array.from(g.meta.area)).toEqual([12000, 20000])
    expect(Array.from(g.partCell)).toEqual([1, 1, 0])
  })

  test('triangles respect holes and cover every part', () => {
    expect(triangleArea(g, 0)).toBeCloseTo(16 - 4, 9)
    expect(triangleArea(g, 1)).toBeCloseTo(2, 9)
  })

  test('a pick of any part answers its cell; bounds are per cell', () => {
    expect([0, 1, 2].map((i) => cellOfPick(g, i))).toEqual([1, 1, 0])
    expect(cellOfPick(g, -1)).toBeNull()
    expect(cellOfPick(g, 3)).toBeNull()
    expect(cellOfPick(null, 0)).toBeNull()
    expect(cellBounds(g, 1)).toEqual([10, 0, 13, 1])
    expect(cellBounds(g, 0)).toEqual([0, 0, 4, 4])
  })

  test('cell size on screen: 100 m cells are ~12 px at zoom 13 and ~97 px at zoom 16 (latitude 30°, 512 px tiles)', () => {
    const hundred = buildCellGeometry([{ ...features[1], properties: { ...features[1].properties, area_m2: 10_000 } }])
    expect(cellSidePx(hundred, 13, 30)).toBeCloseTo(12.09, 1)
    expect(cellSidePx(hundred, 16, 30)).toBeCloseTo(96.7, 1)
  })

  test('per-cell colours expand to every vertex of the cell', () => {
    const per = cellColors(2, (i) => (i === 0 ? [1, 2, 3, 4] : null))
    expect(Array.from(per)).toEqual([1, 2, 3, 4, 0, 0, 0, 0])
    const v = vertexColors(g, per)
    expect(v.length).toBe(20 * 4)
    for (let i = 0; i < 20; i++) expect(Array.from(v.subarray(4 * i, 4 * i + 4))).toEqual(g.vertexCell[i] === 0 ? [1, 2, 3, 4] : [0, 0, 0, 0])
    expect(() => vertexColors(g, new Uint8Array(4))).toThrow(/1 colours for 2 cells/)
  })

  test('the layers use the binary table, pre-computed triangles and a clip only when asked', () => {
    const fill = cellFillData(g, cellColors(2, () => [9, 9, 9, 255]))
    expect(fill.length).toBe(3)
    expect(fill.attributes.indices).toBe(g.indices)
    expect(fill.attributes.getPolygon.value).toBe(g.positions)
    const [a, outline] = cellsLayers({ id: 'x', geometry: g, fill, line: [0, 0, 0, 255], visible: true })
    expect(a.id).toBe('x')
    expect(outline.id).toBe('x-outline')
    expect(a.props.data).toBe(fill)
    expect(a.props._normalize).toBe(false)
    expect(a.props.positionFormat).toBe('XY')
    expect(a.props.extensions).toEqual([])
    const [clipped] = cellsLayers({ id: 'y', geometry: g, fill, line: null, visible: true, clip: [0, -85, 2, 85] })
    expect(clipped.props.extensions.length).toBe(1)
    expect((clipped.props as unknown as { clipBounds: number[] }).clipBounds).toEqual([0, -85, 2, 85])
  })
})

describe('Gi* classes', () => {
  test('bins map to RdBu classes, out-of-range bins are clamped, missing cells stay clear', () => {
    expect(giColor(3)).toEqual(GI_COLORS['3'])
    expect(giColor(-7)).toEqual(GI_COLORS['-3'])
    const c = giCellColors(3, [{ cell: 0, bin: 3 }, { cell: 2, bin: -2 }])
    expect(Array.from(c.subarray(0, 4))).toEqual(GI_COLORS['3'])
    expect(Array.from(c.subarray(4, 8))).toEqual([0, 0, 0, 0])
    expect(Array.from(c.subarray(8, 12))).toEqual(GI_COLORS['-2'])
    // hot is red, cold is blue: the diverging scheme reads the same for red-green colour blindness
    expect(GI_COLORS['3'][0]).toBeGreaterThan(GI_COLORS['3'][2])
    expect(GI_COLORS['-3'][2]).toBeGreaterThan(GI_COLORS['-3'][0])
    expect(giBinCounts([{ bin: 1 }, { bin: 1 }, { bin: 0 }])).toEqual(new Map([[1, 2], [0, 1]]))
  })
})

describe('cell statistics colours', () => {
  const row = { cases: 12, cases_per_km2: 3.5, rate_closed: 0.8, rate_on_time: null }

  test('metric values; a rate without due cases has none', () => {
    expect(metricValue(row, 'cases')).toBe(12)
    expect(metricValue(row, 'per_km2')).toBe(3.5)
    expect(metricValue(row, 'rate_closed')).toBe(0.8)
    expect(metricValue(row, 'rate_on_time')).toBeNull()
  })

  test('rates use fixed classes so every window reads the same', () => {
    const c = metricClasses('rate_closed', [0.1, 0.99])
    expect(c.breaks).toEqual([0.6, 0.75, 0.85, 0.95, 1])
    expect([0.59, 0.6, 0.8, 0.949, 0.95, 1].map(rateClass)).toEqual([0, 1, 2, 3, 4, 4])
    expect(metricColor(null, c)).toEqual(NO_RATE)
    expect(metricColor(0.5, c)?.slice(0, 3)).toEqual(c.colors[0])
    // dark is low: the weakest class is darker than the best
    const lum = (x: number[]) => x[0] + x[1] + x[2]
    expect(lum(c.colors[0])).toBeLessThan(lum(c.colors[4]))
  })

  test('counts get integer head/tail classes; zero cells are clear', () => {
    const values = [0, 1, 1, 1, 2, 2, 3, 5, 8, 40, 200]
    const c = metricClasses('cases', values)
    expect(c.breaks[c.breaks.length - 1]).toBe(200)
    expect(c.breaks.every((b) => Number.isInteger(b))).toBe(true)
    expect(c.colors.length).toBe(c.breaks.length)
    expect(metricColor(0, c)).toBeNull()
    const bytes = metricCellColors(values, c)
    expect(bytes[3]).toBe(0)
    expect(bytes[bytes.length - 1]).toBeGreaterThan(bytes[7])
  })
})

describe('density raster', () => {
  test('square-root scale and its inverse', () => {
    expect(densityT(25, 100)).toBeCloseTo(0.5)
    expect(densityAt(0.5, 100)).toBeCloseTo(25)
    expect(densityT(0, 100)).toBe(0)
    expect(densityT(500, 100)).toBe(1)
  })

  test('pixels: empty cells clear, the peak nearly opaque and darker than the shoulder', () => {
    const v = new Float32Array([0, 1, 25, 100])
    expect(rasterMax(v)).toBe(100)
    const px = densityPixels(v, 2, 2, 100)
    expect(px[3]).toBe(0)
    expect(px[7]).toBe(0) // 1 % of the peak is below the floor
    expect(px[15]).toBe(densityAlpha(1))
    expect(px[12] + px[13] + px[14]).toBeLessThan(px[8] + px[9] + px[10])
    expect(() => densityPixels(v, 3, 2, 100)).toThrow(/4 values for 3 × 2/)
  })

  const grid: GridResult = {
    value: 'density',
    width: 2,
    height: 2,
    values: new Float32Array([1, 2, 3, 4]),
    georef: { epsg: 4549, crs: 'x', cell_size: 100, corners_wgs84: { nw: [120, 30.002], ne: [120.002, 30.002], se: [120.002, 30], sw: [120, 30] } },
  }

  test('bounds in BitmapLayer order and the value under a point', () => {
    expect(densityBounds(grid.georef)).toEqual([[120, 30], [120, 30.002], [120.002, 30.002], [120.002, 30]])
    expect(sampleDensity(grid, 120.0005, 30.0015)).toBe(1)
    expect(sampleDensity(grid, 120.0015, 30.0015)).toBe(2)
    expect(sampleDensity(grid, 120.0005, 30.0005)).toBe(3)
    expect(sampleDensity(grid, 120.0015, 30.0005)).toBe(4)
    expect(sampleDensity(grid, 119.9, 30.001)).toBeNull()
  })
})

describe('recurring spots', () => {
  const spot = (rank: number): ClusterFeature => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [square(120 + rank * 0.01, 30, 0.001)] },
    properties: { rank, cluster: rank, cases: 10, categories: { '0401': 10 }, lon: 120 + rank * 0.01, lat: 30, first_seen: '2025-01-01T08:00:00+08:00', last_seen: '2025-03-01T08:00:00+08:00', distinct_days: 9, distinct_weeks: 6, recurrence_score: 0.8, closed_on_time_share: 0.5 },
  })

  test('the selected spot is drawn in blue; ranks are labelled', () => {
    const data = [spot(1), spot(2)]
    const layer = clustersLayer({ data, selected: 2, visible: true })
    const color = layer.props.getLineColor as unknown as (f: ClusterFeature) => number[]
    expect(color(data[0])).toEqual(SPOT_LINE)
    expect(color(data[1])).toEqual(SPOT_SELECTED_LINE)
    expect(layer.props.updateTriggers.getLineColor).toEqual([2])
    const labels = clusterRankLayer({ data, selected: null, visible: true })
    expect((labels.props.getText as (f: ClusterFeature) => string)(data[1])).toBe('2')
    expect(spotBounds(data[0])[0]).toBeCloseTo(120.01)
  })
})
