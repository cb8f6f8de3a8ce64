import shp from 'shpjs'
import { unzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import { renderExport, type ExportTable } from '../../server/exports'
import { toWkt } from '../../server/exports/wkt'
import { utf8Prefix, WGS84_PRJ } from '../../server/exports/shapefile'

// a square with a hole (GeoJSON orientation: outer counter-clockwise) and a two-part cell
const table: ExportTable = {
  name: 'cells',
  fields: [
    { name: '编码', type: 'string' }, { name: '社区名称', type: 'string' }, { name: '面积', type: 'number' }, { name: '序号', type: 'integer' },
  ],
  rows: [
    {
      geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]] },
      properties: { 编码: '110101001001001', 社区名称: '东华门社区', 面积: 10000.5, 序号: 1 },
    },
    {
      geometry: { type: 'MultiPolygon', coordinates: [[[[2, 0], [3, 0], [3, 1], [2, 0]]], [[[4, 0], [5, 0], [5, 1], [4, 0]]]] },
      properties: { 编码: '110101001001002', 社区名称: null, 面积: 3.25, 序号: 2 },
    },
  ],
}

describe('exports', () => {
  test('shapefile zip keeps Chinese attribute names and values (.cpg UTF-8) and has a .prj', async () => {
    const zip = (await renderExport(table, 'shapefile')).body as Uint8Array
    const files = unzipSync(zip)
    expect(Object.keys(files).sort()).toEqual(['cells.cpg', 'cells.dbf', 'cells.prj', 'cells.shp', 'cells.shx'])
    expect(new TextDecoder().decode(files['cells.cpg'])).toBe('UTF-8')
    expect(new TextDecoder().decode(files['cells.prj'])).toBe(WGS84_PRJ)
    const fc = await shp(zip.buffer as ArrayBuffer) as unknown as GeoJSON.FeatureCollection
    expect(fc.features).toHaveLength(2)
    // 社区名称 is 12 UTF-8 bytes: cut to 3 characters (9 bytes) at a character boundary
    expect(fc.features[0].properties).toEqual({ 编码: '110101001001001', 社区名: '东华门社区', 面积: 10000.5, 序号: 1 })
    expect(fc.features[1].properties?.['社区名']).toBe('')
    // shapefile rings: outer clockwise, holes counter-clockwise (the reverse of RFC 7946)
    const rings = (fc.features[0].geometry as GeoJSON.Polygon).coordinates
    expect(rings.map((r) => [...r].reverse())).toEqual((table.rows[0].geometry as GeoJSON.Polygon).coordinates)
    expect(fc.features[1].geometry.type).toBe('MultiPolygon')
  })

  test('utf8Prefix never splits a character', () => {
    expect(new TextDecoder().decode(utf8Prefix('社区名称', 10))).toBe('社区名')
    expect(utf8Prefix('abc', 2)).toEqual(new TextEncoder().encode('ab'))
  })

  test('CSV has WKT first and a BOM', async () => {
    const csv = (await renderExport(table, 'csv')).body as string
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    const lines = csv.slice(1).trim().split('\n')
    expect(lines[0]).toBe('wkt,编码,社区名称,面积,序号')
    expect(lines[1]).toBe('"POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0), (0.2 0.2, 0.2 0.8, 0.8 0.8, 0.8 0.2, 0.2 0.2))",110101001001001,东华门社区,10000.5,1')
    expect(lines[2].startsWith('"MULTIPOLYGON (((2 0, 3 0, 3 1, 2 0)), ((4 0, 5 0, 5 1, 4 0)))",110101001001002,,3.25,2')).toBe(true)
  })

  test('GeoJSON keeps columns in order, nulls as null', async () => {
    const fc = JSON.parse((await renderExport(table, 'geojson')).body as string)
    expect(Object.keys(fc.features[0].properties)).toEqual(['编码', '社区名称', '面积', '序号'])
    expect(fc.features[1].properties.社区名称).toBeNull()
  })

  test('WKT of points and lines', () => {
    expect(toWkt({ type: 'Point', coordinates: [1.5, 2] })).toBe('POINT (1.5 2)')
    expect(toWkt({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })).toBe('LINESTRING (0 0, 1 1)')
  })
})
