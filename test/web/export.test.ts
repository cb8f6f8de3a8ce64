import { describe, expect, test } from 'vitest'
import { casesCsv, casesGeoJson, csvField, hexCsv, hexGeoJson, toCsv, UTF8_BOM } from '../../web/src/export/tabular'
import { binPoints } from '../../web/src/layers/hex-bins'
import { fakeCase } from './fixtures/fake-data'

describe('tabular export', () => {
  test('CSV fields are quoted only when needed', () => {
    expect(csvField('占道经营')).toBe('占道经营')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(null)).toBe('')
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe(`${UTF8_BOM}a,b\r\n1,"x,y"\r\n`)
  })

  test('cases CSV has a BOM, one row per case and 6-decimal coordinates', () => {
    const csv = casesCsv([fakeCase(1, 116.4012345678, 39.9, '0401'), fakeCase(3, 116.41, 39.91, '0101', true)], (c) => (c === '0401' ? '占道经营' : ''))
    expect(csv.startsWith(UTF8_BOM)).toBe(true)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toBe('id,external_id,category_code,category_name,source,status,reported_at,due_at,closed_at,stacked,lon,lat')
    expect(lines[1]).toContain(',0401,占道经营,12345,closed,')
    expect(lines[1].endsWith(',0,116.401235,39.900000')).toBe(true)
    expect(lines[2]).toContain(',1,116.410000,39.910000')
  })

  test('cases GeoJSON keeps geometry and adds the category name', () => {
    const fc = casesGeoJson([fakeCase(1, 116.4, 39.9, '0401')], () => '占道经营')
    expect(fc.features[0].geometry.coordinates).toEqual([116.4, 39.9])
    expect(fc.features[0].properties).toMatchObject({ category_code: '0401', category_name: '占道经营' })
  })

  test('hexagons export as closed lon/lat rings around their points', () => {
    const bins = binPoints([[116.4, 39.9], [116.4, 39.9]], 9)
    const fc = hexGeoJson(bins, 9)
    const ring = fc.features[0].geometry.coordinates[0]
    expect(ring).toHaveLength(7)
    expect(ring[0]).toEqual(ring[6])
    for (const [lon, lat] of ring) {
      expect(Math.abs(lon - 116.4)).toBeLessThan(0.01)
      expect(Math.abs(lat - 39.9)).toBeLessThan(0.01)
    }
    expect(fc.features[0].properties).toMatchObject({ res: 9, n: 2 })
    expect(hexCsv(bins, 9)).toBe(`${UTF8_BOM}h3,res,n\r\n${bins[0].hex},9,2\r\n`)
  })
})
