import { describe, expect, test } from 'vitest'
import {
  chooseMetricCrs, fromWgs84, fromWgs84Columns, gaussKrugerZoneFor, haversineMeters, metricCrsName, metricCrsProj4,
  parseSourceCrs, projector, toWgs84, toWgs84Columns, utmZoneFor,
} from '../../server/shared/coords'

// Reference values from PROJ 9.1.1 `cs2cs EPSG:4490 EPSG:4547` / `cs2cs EPSG:4326 EPSG:32619` (metres).
const TIANANMEN = { lon: 116.391, lat: 39.907 }
const BOSTON_CITY_HALL = { lon: -71.0589, lat: 42.3601 }

describe('Gauss-Krüger and UTM zones', () => {
  test('3-degree zones map central meridians 75E…135E to EPSG:4534…4554', () => {
    expect(gaussKrugerZoneFor(75)).toBe(4534)
    expect(gaussKrugerZoneFor(114)).toBe(4547)
    expect(gaussKrugerZoneFor(116.391)).toBe(4548) // Beijing lies in the CM 117E zone (115.5–118.5)
    expect(gaussKrugerZoneFor(115.49)).toBe(4547)
    expect(gaussKrugerZoneFor(135)).toBe(4554)
    expect(gaussKrugerZoneFor(73.6)).toBe(4534) // Xinjiang's western tip is folded into the first zone
    expect(metricCrsName(4547)).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 114E')
    expect(metricCrsName(4554)).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 135E')
    expect(metricCrsProj4(4534)).toContain('+lon_0=75 ')
    expect(metricCrsProj4(4547)).toContain('+x_0=500000 ')
  })

  test('UTM zones with hemisphere and the Norway exception', () => {
    expect(utmZoneFor(BOSTON_CITY_HALL.lon, BOSTON_CITY_HALL.lat)).toBe(32619)
    expect(utmZoneFor(151.2093, -33.8688)).toBe(32756)
    expect(utmZoneFor(5.3, 60.4)).toBe(32632) // Bergen: 32V is widened to zone 32
    expect(utmZoneFor(179.9, 0)).toBe(32660)
    expect(metricCrsName(32719)).toBe('WGS 84 / UTM zone 19S')
  })

  test('unknown EPSG codes are refused with the accepted ranges', () => {
    expect(() => projector(4490)).toThrow(/Unexpected EPSG code: 4490/)
    expect(() => projector(32661)).toThrow(/32601–32660/)
  })
})

describe('projector', () => {
  test('a point in Beijing in EPSG:4547 and EPSG:4548 matches PROJ to the millimetre', () => {
    const [x, y] = projector(4547).forwardPoint(TIANANMEN.lon, TIANANMEN.lat)
    expect(x).toBeCloseTo(704464.0526, 3)
    expect(y).toBeCloseTo(4421940.7332, 3)
    const [x2, y2] = projector(4548).forwardPoint(TIANANMEN.lon, TIANANMEN.lat)
    expect(x2).toBeCloseTo(447924.4832, 3)
    expect(y2).toBeCloseTo(4419380.4476, 3)
  })

  test('a Boston point in EPSG:32619 and a Sydney point in EPSG:32756 match PROJ', () => {
    const [x, y] = projector(32619).forwardPoint(BOSTON_CITY_HALL.lon, BOSTON_CITY_HALL.lat)
    expect(x).toBeCloseTo(330448.1065, 3)
    expect(y).toBeCloseTo(4691812.0595, 3)
    const [sx, sy] = projector(32756).forwardPoint(151.2093, -33.8688)
    expect(sx).toBeCloseTo(334368.6336, 3)
    expect(sy).toBeCloseTo(6250948.3454, 3)
  })

  test('columns agree with single points and invert to within a micrometre', () => {
    const p = projector(4548)
    expect(projector(4548)).toBe(p) // cached
    const lon = Float64Array.from([116.2, 116.391, 116.5, 117.9])
    const lat = Float64Array.from([39.7, 39.907, 40.1, 40.3])
    const { x, y } = p.forward(lon, lat)
    for (let i = 0; i < lon.length; i++) {
      const [xi, yi] = p.forwardPoint(lon[i], lat[i])
      expect(x[i]).toBe(xi)
      expect(y[i]).toBe(yi)
    }
    const back = p.inverse(x, y)
    for (let i = 0; i < lon.length; i++) {
      expect(Math.abs(back.lon[i] - lon[i])).toBeLessThan(1e-11)
      expect(Math.abs(back.lat[i] - lat[i])).toBeLessThan(1e-11)
    }
    // in place
    const xs = Float64Array.from(lon), ys = Float64Array.from(lat)
    p.forward(xs, ys, { x: xs, y: ys })
    expect(Array.from(xs)).toEqual(Array.from(x))
  })

  test('projected distances agree with haversine within 0.5% near the central meridian', () => {
    const p = projector(4548)
    const [x1, y1] = p.forwardPoint(117, 39.9)
    const [x2, y2] = p.forwardPoint(117.01, 39.91)
    const planar = Math.hypot(x2 - x1, y2 - y1)
    expect(Math.abs(planar / haversineMeters(117, 39.9, 117.01, 39.91) - 1)).toBeLessThan(0.005)
    expect(haversineMeters(116, 40, 116, 41)).toBeCloseTo(111_195, -1) // one degree of latitude on the mean sphere
  })
})

describe('chooseMetricCrs', () => {
  test('Dongcheng gets its Gauss-Krüger zone without warning', () => {
    const c = chooseMetricCrs([116.377, 39.859, 116.452, 39.974])
    expect(c.epsg).toBe(4548)
    expect(c.name).toBe('CGCS2000 / 3-degree Gauss-Kruger CM 117E')
    expect(c.warning).toBeUndefined()
  })

  test('Boston gets UTM 19N', () => {
    expect(chooseMetricCrs([-71.19, 42.23, -70.99, 42.4]).epsg).toBe(32619)
  })

  test('a bbox spanning zones uses the zone of its centre and says so', () => {
    const c = chooseMetricCrs([115.0, 39.4, 117.6, 41.1]) // Beijing municipality: CM 114E and 117E
    expect(c.epsg).toBe(4548)
    expect(c.warning).toMatch(/spans zones EPSG:4547, EPSG:4548; using EPSG:4548/)
    expect(c.warning).toMatch(/off by up to 0\.0\d\d%/)
  })

  test('a bad bbox is named', () => {
    expect(() => chooseMetricCrs([117, 40, 116, 41])).toThrow(/Unexpected bbox value: \[117, 40, 116, 41\]/)
  })
})

describe('WGS84, GCJ-02 and BD-09', () => {
  test('GCJ-02 shifts Beijing by a few hundred metres and round-trips within 1 m', () => {
    const [gLon, gLat] = fromWgs84(TIANANMEN.lon, TIANANMEN.lat, 'GCJ02')
    const shift = haversineMeters(TIANANMEN.lon, TIANANMEN.lat, gLon, gLat)
    expect(shift).toBeGreaterThan(300)
    expect(shift).toBeLessThan(800)
    const [lon, lat] = toWgs84(gLon, gLat, 'GCJ02')
    expect(haversineMeters(lon, lat, TIANANMEN.lon, TIANANMEN.lat)).toBeLessThan(1)
  })

  test('BD-09 round-trips within 1 m and sits further from WGS84 than GCJ-02', () => {
    const [bLon, bLat] = fromWgs84(TIANANMEN.lon, TIANANMEN.lat, 'BD09')
    const [gLon, gLat] = fromWgs84(TIANANMEN.lon, TIANANMEN.lat, 'GCJ02')
    expect(haversineMeters(bLon, bLat, gLon, gLat)).toBeGreaterThan(500)
    const [lon, lat] = toWgs84(bLon, bLat, 'BD09')
    expect(haversineMeters(lon, lat, TIANANMEN.lon, TIANANMEN.lat)).toBeLessThan(1)
  })

  test('CGCS2000 and WGS84 pass through; points outside China are not offset', () => {
    expect(toWgs84(116.4, 39.9, 'CGCS2000')).toEqual([116.4, 39.9])
    expect(toWgs84(BOSTON_CITY_HALL.lon, BOSTON_CITY_HALL.lat, 'GCJ02')).toEqual([BOSTON_CITY_HALL.lon, BOSTON_CITY_HALL.lat])
  })

  test('columns match single points, in place or not', () => {
    const lon = Float64Array.from([116.30, 116.39, 116.45])
    const lat = Float64Array.from([39.85, 39.90, 39.97])
    const gcj = fromWgs84Columns(lon, lat, 'GCJ02')
    for (let i = 0; i < 3; i++) expect([gcj.lon[i], gcj.lat[i]]).toEqual(fromWgs84(lon[i], lat[i], 'GCJ02'))
    const back = toWgs84Columns(gcj.lon, gcj.lat, 'GCJ02', gcj)
    expect(back.lon).toBe(gcj.lon)
    for (let i = 0; i < 3; i++) expect(haversineMeters(back.lon[i], back.lat[i], lon[i], lat[i])).toBeLessThan(1)
    expect(() => toWgs84Columns(lon, lat.subarray(1), 'BD09')).toThrow(/differ in length: 3 vs 2/)
  })

  test('CRS names from users', () => {
    expect(parseSourceCrs('GCJ-02')).toBe('GCJ02')
    expect(parseSourceCrs(' baidu ')).toBe('BD09')
    expect(parseSourceCrs('EPSG:4326')).toBe('WGS84')
    expect(parseSourceCrs('epsg:4490')).toBe('CGCS2000')
    expect(() => parseSourceCrs('mercator')).toThrow(/Unexpected coordinate system "mercator"/)
  })
})
