import { describe, expect, test } from 'vitest'
import { fromWgs84, haversineMeters } from '../../server/shared/coords'
import { detectTrackFormat, parseCsvTracks, parseGeoJsonTracks, parseGpxTracks, parseTracks } from '../../server/patrol/core/tracks-parse'

const CSV = [
  'worker,time,lon,lat,accuracy',
  'w2,2025-03-01 08:00:10,116.400,39.900,5',
  'w1,2025-03-01 08:00:05,116.401,39.901,',
  'w1,2025-03-01T00:00:00Z,116.402,39.902,12.5',
  '',
  'w2,2025-03-01 08:00:00,116.403,39.903,4',
].join('\n')

describe('CSV tracks', () => {
  test('columns, sorting by worker then time, local time zone and accuracy', () => {
    const { fixes, warnings } = parseCsvTracks(CSV)
    expect(warnings).toEqual([])
    expect(fixes.workers).toEqual(['w1', 'w2'])
    expect(Array.from(fixes.worker)).toEqual([0, 0, 1, 1])
    // 08:00 in Asia/Shanghai is 00:00 UTC: the Z row comes first for w1
    expect(Array.from(fixes.t)).toEqual([
      Date.UTC(2025, 2, 1, 0, 0, 0), Date.UTC(2025, 2, 1, 0, 0, 5), Date.UTC(2025, 2, 1, 0, 0, 0), Date.UTC(2025, 2, 1, 0, 0, 10),
    ])
    expect(Array.from(fixes.lon)).toEqual([116.402, 116.401, 116.403, 116.400])
    expect(Array.from(fixes.source)).toEqual([4, 3, 6, 2]) // spreadsheet line numbers, blank line counted
    expect(Array.from(fixes.accuracy!)).toEqual([12.5, NaN, 4, 5])
    expect(fixes.speed).toBeNull()
  })

  test('errors name the row, field and value', () => {
    const bad = (row: string) => () => parseCsvTracks(`worker,time,lon,lat\nw1,2025-03-01 08:00:00,116.4,39.9\n${row}`)
    expect(bad('w1,2025-13-01,116.4,39.9')).toThrow('Row 3: time "2025-13-01" is not a date')
    expect(bad('w1,2025-02-30 08:00,116.4,39.9')).toThrow('Row 3: time "2025-02-30 08:00" is not a date')
    expect(bad('w1,2025-03-01 08:00,abc,39.9')).toThrow('Row 3: lon "abc" is not a number')
    expect(bad('w1,2025-03-01 08:00,39.9,116.4')).toThrow('Row 3: lat 116.4 is outside -90…90 (are lon and lat swapped?)')
    expect(bad(',2025-03-01 08:00,116.4,39.9')).toThrow('Row 3: worker is empty')
    expect(bad('w1,2025-03-01 08:00,116.4')).toThrow(/^Row 3: Invalid Record Length/)
    try {
      bad('w1,,116.4,39.9')()
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'WG_TRACK_INPUT', status: 422, details: { where: 'Row 3', field: 'time' } })
    }
  })

  test('named columns, aliases and a fixed worker', () => {
    const geolife = 'lat,lng,datetime,uid\n39.984094,116.319236,2008-10-23 05:53:05,001\n39.984198,116.319322,2008-10-23 05:53:06,001\n'
    const a = parseCsvTracks(geolife, { timeZone: 'UTC' }).fixes
    expect(a.workers).toEqual(['001'])
    expect(a.t[0]).toBe(Date.UTC(2008, 9, 23, 5, 53, 5))
    expect(a.lat[1]).toBe(39.984198)
    const b = parseCsvTracks('纬度;经度;定位时间;速度\n39.9;116.4;1740787200;1.2\n', { delimiter: ';', worker: '张三' }).fixes
    expect(b.workers).toEqual(['张三'])
    expect(b.t[0]).toBe(1740787200_000) // 10-digit epoch seconds
    expect(b.speed![0]).toBe(1.2)
    const c = parseCsvTracks('who,when,x1,y1\nw,2025-03-01 08:00,116.4,39.9\n', { columns: { worker: 'who', time: 'when', lon: 'x1', lat: 'y1' } }).fixes
    expect(c.lon[0]).toBe(116.4)
    expect(() => parseCsvTracks('who,when,lon,lat\nw,2025-03-01,116.4,39.9\n')).toThrow(/^Header: no worker column \(tried worker, /)
    expect(() => parseCsvTracks(CSV, { columns: { time: 'stamp' } })).toThrow('Header: no time column "stamp" (columns: worker, time, lon, lat, accuracy)')
  })

  test('GCJ-02 and BD-09 input come out in WGS84', () => {
    const [gLon, gLat] = fromWgs84(116.391, 39.907, 'GCJ02')
    const [bLon, bLat] = fromWgs84(116.391, 39.907, 'BD09')
    const g = parseCsvTracks(`worker,time,lon,lat\nw,2025-03-01 08:00,${gLon},${gLat}\n`, { crs: 'GCJ02' }).fixes
    const b = parseCsvTracks(`worker,time,lon,lat\nw,2025-03-01 08:00,${bLon},${bLat}\n`, { crs: 'BD09' }).fixes
    expect(haversineMeters(g.lon[0], g.lat[0], 116.391, 39.907)).toBeLessThan(1)
    expect(haversineMeters(b.lon[0], b.lat[0], 116.391, 39.907)).toBeLessThan(1)
  })

  test('quoted fields and blank lines keep row numbers right', () => {
    const text = 'worker,time,lon,lat\n"w1","2025-03-01 08:00",116.4,39.9\n\n"w1","2025-13-01",116.4,39.9\n'
    expect(() => parseCsvTracks(text)).toThrow('Row 4: time "2025-13-01" is not a date')
    const ok = parseCsvTracks(new TextEncoder().encode('\uFEFFworker,time,lon,lat\n\n"a, b",2025-03-01 08:00,116.4,39.9\n'))
    expect(ok.fixes.workers).toEqual(['a, b'])
    expect(Array.from(ok.fixes.source)).toEqual([3])
  })

  test('a header-only file gives no fixes and says so', () => {
    const { fixes, warnings } = parseCsvTracks('worker,time,lon,lat\n')
    expect(fixes.t.length).toBe(0)
    expect(warnings).toEqual(['the file holds no fixes'])
  })
})

const GPX = `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="patrol-app" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="39.9" lon="116.4"><name>井盖</name></wpt>
  <trk>
    <name>李四</name>
    <trkseg>
      <trkpt lat="39.9000" lon="116.4000"><ele>45</ele><time>2025-03-01T00:00:00Z</time></trkpt>
      <trkpt lat="39.9001" lon="116.4001"><time>2025-03-01T00:00:05Z</time></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="39.9010" lon="116.4010"><time>2025-03-01T00:10:00Z</time></trkpt>
    </trkseg>
  </trk>
  <trk>
    <name>王五</name>
    <trkseg>
      <trkpt lat="39.95" lon="116.45"><time>2025-03-01T01:00:00Z</time></trkpt>
      <trkpt lat="39.95" lon="116.4501"><time>2025-03-01T01:00:10Z</time></trkpt>
      <trkpt lat="39.95" lon="116.4502"><time>2025-03-01T01:00:20Z</time></trkpt>
    </trkseg>
  </trk>
</gpx>`

describe('GPX tracks', () => {
  test('tracks, segments and times; one-point segments kept; waypoints skipped with a warning', () => {
    const { fixes, warnings } = parseGpxTracks(GPX)
    expect(fixes.workers).toEqual(['李四', '王五'])
    expect(Array.from(fixes.worker)).toEqual([0, 0, 0, 1, 1, 1])
    expect(Array.from(fixes.t)).toEqual([0, 5_000, 600_000, 3_600_000, 3_610_000, 3_620_000].map((d) => Date.UTC(2025, 2, 1) + d))
    expect(fixes.lon[2]).toBe(116.401)
    expect(fixes.lat[2]).toBe(39.901)
    expect(warnings).toEqual(['GPX has 1 waypoint(s) and 0 route(s) without patrol times; only tracks (<trk>) are read'])
  })

  test('the uploading worker overrides track names', () => {
    expect(parseGpxTracks(GPX, { worker: 'w9' }).fixes.workers).toEqual(['w9'])
  })

  test('a point without time or with a bad one is named by its line', () => {
    const noTime = GPX.replace('<time>2025-03-01T00:00:05Z</time>', '')
    expect(() => parseGpxTracks(noTime)).toThrow('GPX line 8 (track 1, point 2): time is empty')
    const badTime = GPX.replace('2025-03-01T01:00:10Z', '2025-03-01T25:00:10Z')
    expect(() => parseGpxTracks(badTime)).toThrow('GPX line 18 (track 2, point 2): time "2025-03-01T25:00:10Z" is not a date')
    const badLat = GPX.replace('lat="39.9010"', 'lat="north"')
    expect(() => parseGpxTracks(badLat)).toThrow('GPX line 11 (track 1, point 1): lat "north" is not a number')
  })

  test('malformed XML, other roots and nameless tracks', () => {
    expect(() => parseGpxTracks('<gpx><trk></gpx>')).toThrow(/^GPX: not well-formed XML/)
    expect(() => parseGpxTracks('<kml></kml>')).toThrow('GPX: root element is <kml>, not <gpx>')
    expect(() => parseGpxTracks(GPX.replace('<name>王五</name>', ''))).toThrow('GPX track 2: has no <name> to use as worker')
  })
})

describe('GeoJSON tracks', () => {
  test('Point features with worker/time and LineStrings with coordTimes', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { worker: 'a', time: '2025-03-01T08:00:05+08:00', accuracy: 3 }, geometry: { type: 'Point', coordinates: [116.4, 39.9] } },
        { type: 'Feature', properties: { worker: 'a', time: Date.UTC(2025, 2, 1) }, geometry: { type: 'Point', coordinates: [116.41, 39.91] } },
        {
          type: 'Feature', properties: { uid: 'b', coordTimes: ['2025-03-01 08:00:00', '2025-03-01 08:00:10'] },
          geometry: { type: 'LineString', coordinates: [[116.5, 39.8], [116.5001, 39.8]] },
        },
        {
          type: 'Feature', properties: { worker: 'b', coordinateProperties: { times: [['2025-03-01T01:00:00Z'], ['2025-03-01T02:00:00Z', '2025-03-01T02:00:05Z']] } },
          geometry: { type: 'MultiLineString', coordinates: [[[116.6, 39.8]], [[116.7, 39.8], [116.7001, 39.8]]] },
        },
      ],
    }
    const { fixes } = parseGeoJsonTracks(JSON.stringify(fc))
    expect(fixes.workers).toEqual(['a', 'b'])
    expect(Array.from(fixes.t)).toEqual([0, 5_000, 0, 10_000, 3_600_000, 7_200_000, 7_205_000].map((d) => Date.UTC(2025, 2, 1) + d))
    expect(Array.from(fixes.lon)).toEqual([116.41, 116.4, 116.5, 116.5001, 116.6, 116.7, 116.7001])
    expect(Array.from(fixes.source)).toEqual([2, 1, 3, 4, 5, 6, 7])
    expect(fixes.accuracy![1]).toBe(3)
  })

  test('errors name the feature and point', () => {
    const line = (times: unknown[]) => ({ type: 'Feature', properties: { worker: 'a', coordTimes: times }, geometry: { type: 'LineString', coordinates: [[116.5, 39.8], [116.6, 39.8]] } })
    expect(() => parseGeoJsonTracks({ type: 'FeatureCollection', features: [line(['2025-03-01 08:00', '2025-03-01 08:99'])] }))
      .toThrow('Feature 1, point 2: time "2025-03-01 08:99" is not a date')
    expect(() => parseGeoJsonTracks({ type: 'FeatureCollection', features: [line(['2025-03-01 08:00'])] }))
      .toThrow('Feature 1: 2 coordinates but 1 times')
    expect(() => parseGeoJsonTracks({ type: 'Feature', properties: { worker: 'a' }, geometry: { type: 'Polygon', coordinates: [] } }))
      .toThrow('Feature 1: geometry Polygon is not a track')
    expect(() => parseGeoJsonTracks({ type: 'Feature', properties: { time: '2025-03-01 08:00' }, geometry: { type: 'Point', coordinates: [116, 39] } }))
      .toThrow('Feature 1: worker is empty')
    expect(() => parseGeoJsonTracks('{"type":')).toThrow(/^GeoJSON: not valid JSON/)
  })
})

describe('format detection', () => {
  test('by file name, else by first character', () => {
    expect(detectTrackFormat('', 'day1.GPX')).toBe('gpx')
    expect(detectTrackFormat('\uFEFF  <?xml')).toBe('gpx')
    expect(detectTrackFormat('[{"type":"Feature"}]')).toBe('geojson')
    expect(detectTrackFormat('worker,time')).toBe('csv')
    expect(parseTracks(CSV, 'csv').fixes.t.length).toBe(4)
  })
})
