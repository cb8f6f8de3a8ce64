/**
 * Coordinate systems Wangge meets, and the one way it converts between them.
 *
 * Data arrive in WGS84 (GPS, OpenStreetMap), GCJ-02 (Amap/Tencent exports, most Chinese web maps),
 * BD-09 (Baidu) or CGCS2000 (surveying and government layers). Everything is converted to WGS84
 * lon/lat on import, then projected to a metric CRS (CGCS2000 3-degree Gauss-Krüger in China,
 * UTM elsewhere) for any distance, area or buffer work.
 *
 * CGCS2000 and WGS84 differ by a few centimetres today, far below GPS noise, so CGCS2000 is read
 * as WGS84 and the Gauss-Krüger projections below are applied to WGS84 lon/lat directly.
 */
import gcoord from 'gcoord'
import proj4 from 'proj4'

/** Geographic coordinate systems accepted on import. */
export type SourceCrs = 'WGS84' | 'GCJ02' | 'BD09' | 'CGCS2000'

/** A lon/lat bounding box in degrees: [minLon, minLat, maxLon, maxLat]. */
export type LonLatBbox = readonly [number, number, number, number]

const CRS_ALIASES: Record<string, SourceCrs> = {
  wgs84: 'WGS84', 'wgs-84': 'WGS84', 'epsg:4326': 'WGS84', '4326': 'WGS84', gps: 'WGS84',
  gcj02: 'GCJ02', 'gcj-02': 'GCJ02', amap: 'GCJ02', gaode: 'GCJ02', tencent: 'GCJ02', mars: 'GCJ02',
  bd09: 'BD09', 'bd-09': 'BD09', bd09ll: 'BD09', baidu: 'BD09',
  cgcs2000: 'CGCS2000', 'epsg:4490': 'CGCS2000', '4490': 'CGCS2000',
}

/**
 * Reads a user-supplied CRS name ('wgs84', 'GCJ-02', 'baidu', 'EPSG:4490' …; case-insensitive).
 * @throws RangeError naming the value and the accepted names
 */
export function parseSourceCrs(text: string): SourceCrs {
  const crs = CRS_ALIASES[text.trim().toLowerCase()]
  if (!crs) throw new RangeError(`Unexpected coordinate system "${text}": use WGS84, GCJ02 (Amap/Tencent), BD09 (Baidu) or CGCS2000`)
  return crs
}

/** gcoord's name for each source CRS (CGCS2000 is read as WGS84, see the module note). */
function gcoordCrs(crs: SourceCrs) {
  switch (crs) {
    case 'WGS84': case 'CGCS2000': return gcoord.WGS84
    case 'GCJ02': return gcoord.GCJ02
    case 'BD09': return gcoord.BD09
    default: throw new RangeError(`Unexpected coordinate system "${String(crs)}": use WGS84, GCJ02, BD09 or CGCS2000`)
  }
}

/**
 * One point from `crs` to WGS84 (degrees → degrees). GCJ-02 and BD-09 are only offset inside
 * China's rough bounding box; outside it gcoord returns them unchanged, as the providers do.
 * The GCJ-02 inverse is iterative (gcoord stops at 1e-6°, ~0.1 m).
 * @returns [lon, lat] WGS84 degrees
 */
export function toWgs84(lon: number, lat: number, crs: SourceCrs): [number, number] {
  const from = gcoordCrs(crs)
  if (from === gcoord.WGS84) return [lon, lat]
  const out = gcoord.transform([lon, lat], from, gcoord.WGS84)
  return [out[0], out[1]]
}

/**
 * One point from WGS84 to `crs` (degrees → degrees), e.g. to draw results on a GCJ-02 base map.
 * @returns [lon, lat] in `crs`
 */
export function fromWgs84(lon: number, lat: number, crs: SourceCrs): [number, number] {
  const to = gcoordCrs(crs)
  if (to === gcoord.WGS84) return [lon, lat]
  const out = gcoord.transform([lon, lat], gcoord.WGS84, to)
  return [out[0], out[1]]
}

/** Columns of lon/lat degrees, same length. */
export interface LonLatColumns {
  lon: Float64Array
  lat: Float64Array
}

function convertColumns(
  lon: Float64Array, lat: Float64Array, out: LonLatColumns | undefined,
  one: (lon: number, lat: number) => [number, number] | null,
): LonLatColumns {
  if (lon.length !== lat.length) throw new RangeError(`lon and lat differ in length: ${lon.length} vs ${lat.length}`)
  const res = out ?? { lon: new Float64Array(lon.length), lat: new Float64Array(lon.length) }
  if (res.lon.length < lon.length || res.lat.length < lon.length) throw new RangeError(`output columns hold fewer than ${lon.length} points`)
  for (let i = 0; i < lon.length; i++) {
    const p = one(lon[i], lat[i])
    res.lon[i] = p ? p[0] : lon[i]
    res.lat[i] = p ? p[1] : lat[i]
  }
  return res
}

/**
 * Columns of points from `crs` to WGS84 (degrees). `out` may be the input columns (in place).
 * @returns WGS84 lon/lat columns (new arrays unless `out` is given)
 */
export function toWgs84Columns(lon: Float64Array, lat: Float64Array, crs: SourceCrs, out?: LonLatColumns): LonLatColumns {
  const from = gcoordCrs(crs)
  if (from === gcoord.WGS84) return convertColumns(lon, lat, out, () => null)
  return convertColumns(lon, lat, out, (x, y) => gcoord.transform([x, y], from, gcoord.WGS84) as [number, number])
}

/**
 * Columns of points from WGS84 to `crs` (degrees). `out` may be the input columns (in place).
 * @returns lon/lat columns in `crs`
 */
export function fromWgs84Columns(lon: Float64Array, lat: Float64Array, crs: SourceCrs, out?: LonLatColumns): LonLatColumns {
  const to = gcoordCrs(crs)
  if (to === gcoord.WGS84) return convertColumns(lon, lat, out, () => null)
  return convertColumns(lon, lat, out, (x, y) => gcoord.transform([x, y], gcoord.WGS84, to) as [number, number])
}

/** Mean Earth radius (IUGG), metres: haversine distances are within 0.5% of the ellipsoid. */
const EARTH_RADIUS_M = 6_371_008.8
const RAD = Math.PI / 180

/** Great-circle distance between two WGS84 points, metres (haversine, spherical). */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD
  const dLon = (lon2 - lon1) * RAD
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)))
}

// CGCS2000 3-degree Gauss-Krüger zones without the zone-number prefix on the easting:
// EPSG:4534 is CM 75E, each next code 3° further east, EPSG:4554 is CM 135E.
const GK_FIRST_EPSG = 4534
const GK_LAST_EPSG = 4554
const GK_FIRST_CM = 75
const GK_LAST_CM = 135

/** China's extent for choosing Gauss-Krüger over UTM (degrees). */
const CHINA = { minLon: 73, maxLon: 135, minLat: 18, maxLat: 54 } as const

/**
 * EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (no zone prefix, EPSG:4534–4554) whose
 * central meridian is nearest `lon` (zones span CM ± 1.5°). Longitudes outside 73.5–136.5°E
 * are clamped to the first or last zone.
 */
export function gaussKrugerZoneFor(lon: number): number {
  if (!Number.isFinite(lon)) throw new RangeError(`Unexpected longitude value: ${lon}.`)
  const cm = Math.min(GK_LAST_CM, Math.max(GK_FIRST_CM, 3 * Math.round(lon / 3)))
  return GK_FIRST_EPSG + (cm - GK_FIRST_CM) / 3
}

/**
 * EPSG code of the WGS84 UTM zone holding the point (326xx north, 327xx south), with the
 * Norway (32V) and Svalbard (31X–37X) exceptions.
 */
export function utmZoneFor(lon: number, lat: number): number {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError(`Unexpected lon/lat value: ${lon}, ${lat}.`)
  const l = ((((lon + 180) % 360) + 360) % 360) - 180
  let zone = Math.min(60, Math.floor((l + 180) / 6) + 1)
  if (lat >= 56 && lat < 64 && l >= 3 && l < 12) zone = 32
  if (lat >= 72 && lat < 84) {
    if (l >= 0 && l < 9) zone = 31
    else if (l >= 9 && l < 21) zone = 33
    else if (l >= 21 && l < 33) zone = 35
    else if (l >= 33 && l < 42) zone = 37
  }
  return (lat >= 0 ? 32600 : 32700) + zone
}

function isGaussKruger(epsg: number): boolean {
  return Number.isInteger(epsg) && epsg >= GK_FIRST_EPSG && epsg <= GK_LAST_EPSG
}

function isUtm(epsg: number): boolean {
  const zone = epsg % 100
  return Number.isInteger(epsg) && (Math.floor(epsg / 100) === 326 || Math.floor(epsg / 100) === 327) && zone >= 1 && zone <= 60
}

/** Central meridian of a supported metric CRS, degrees east. */
function centralMeridian(epsg: number): number {
  return isGaussKruger(epsg) ? GK_FIRST_CM + 3 * (epsg - GK_FIRST_EPSG) : -183 + 6 * (epsg % 100)
}

/** Official name of a supported metric CRS, e.g. 'CGCS2000 / 3-degree Gauss-Kruger CM 117E'. */
export function metricCrsName(epsg: number): string {
  assertMetric(epsg)
  if (isGaussKruger(epsg)) return `CGCS2000 / 3-degree Gauss-Kruger CM ${centralMeridian(epsg)}E`
  return `WGS 84 / UTM zone ${epsg % 100}${Math.floor(epsg / 100) === 326 ? 'N' : 'S'}`
}

/**
 * proj4 definition of a supported metric CRS: the CGCS2000 Gauss-Krüger zones EPSG:4534–4554
 * (transverse Mercator, k = 1, false easting 500 000 m, GRS80) and WGS84 UTM 32601–32660 / 32701–32760.
 */
export function metricCrsProj4(epsg: number): string {
  assertMetric(epsg)
  if (isGaussKruger(epsg)) {
    return `+proj=tmerc +lat_0=0 +lon_0=${centralMeridian(epsg)} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`
  }
  const south = Math.floor(epsg / 100) === 327 ? ' +south' : ''
  return `+proj=utm +zone=${epsg % 100}${south} +datum=WGS84 +units=m +no_defs`
}

function assertMetric(epsg: number): void {
  if (!isGaussKruger(epsg) && !isUtm(epsg)) {
    throw new RangeError(`Unexpected EPSG code: ${epsg}. Use 4534–4554 (CGCS2000 3-degree Gauss-Kruger) or 32601–32660 / 32701–32760 (WGS 84 / UTM).`)
  }
}

/** The metric CRS picked for an area. */
export interface MetricCrsChoice {
  epsg: number
  name: string
  proj4: string
  /** set when the bbox spans several zones: says which zone was used and the worst scale error */
  warning?: string
}

/**
 * Picks the metric CRS for work inside `bbox` (WGS84 degrees): the CGCS2000 3-degree
 * Gauss-Krüger zone when the bbox centre lies in China's extent (73–135°E, 18–54°N), the UTM zone
 * otherwise. A bbox spanning several zones gets the zone of its centre and a warning with the
 * largest length distortion at its edges.
 */
export function chooseMetricCrs(bbox: LonLatBbox): MetricCrsChoice {
  const [minLon, minLat, maxLon, maxLat] = bbox
  if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite) || minLon > maxLon || minLat > maxLat) {
    throw new RangeError(`Unexpected bbox value: [${bbox.join(', ')}]. Expected [minLon, minLat, maxLon, maxLat] in degrees.`)
  }
  const cLon = (minLon + maxLon) / 2
  const cLat = (minLat + maxLat) / 2
  const inChina = cLon >= CHINA.minLon && cLon <= CHINA.maxLon && cLat >= CHINA.minLat && cLat <= CHINA.maxLat
  const zoneOf = inChina ? (lon: number) => gaussKrugerZoneFor(lon) : (lon: number, lat: number) => utmZoneFor(lon, lat)
  const epsg = zoneOf(cLon, cLat)
  const corners = [zoneOf(minLon, minLat), zoneOf(maxLon, minLat), zoneOf(minLon, maxLat), zoneOf(maxLon, maxLat)]
  const choice: MetricCrsChoice = { epsg, name: metricCrsName(epsg), proj4: metricCrsProj4(epsg) }
  if (corners.some((z) => z !== epsg)) {
    // Transverse Mercator scale grows as 1 + (Δλ·cos φ)² / 2 away from the central meridian;
    // the worst edge is the farthest longitude at the latitude nearest the equator.
    const cm = centralMeridian(epsg)
    const dLon = Math.max(Math.abs(minLon - cm), Math.abs(maxLon - cm)) * RAD
    const nearEquator = minLat <= 0 && maxLat >= 0 ? 0 : Math.min(Math.abs(minLat), Math.abs(maxLat))
    const k0 = isGaussKruger(epsg) ? 1 : 0.9996
    const stretch = k0 * (1 + (dLon * Math.cos(nearEquator * RAD)) ** 2 / 2) - 1
    const zones = [...new Set(corners)].sort((a, b) => a - b).map((z) => `EPSG:${z}`).join(', ')
    choice.warning = `bbox [${bbox.join(', ')}] spans zones ${zones}; using EPSG:${epsg} (${choice.name}) of its centre, ` +
      `where lengths at the edges are off by up to ${(Math.abs(stretch) * 100).toFixed(3)}%`
  }
  return choice
}

/** Forward and inverse projection between WGS84 lon/lat and one metric CRS. */
export interface Projector {
  epsg: number
  name: string
  proj4: string
  /** lon/lat degrees → x/y metres; `out` may alias the inputs */
  forward(lon: Float64Array, lat: Float64Array, out?: { x: Float64Array; y: Float64Array }): { x: Float64Array; y: Float64Array }
  /** x/y metres → lon/lat degrees; `out` may alias the inputs */
  inverse(x: Float64Array, y: Float64Array, out?: LonLatColumns): LonLatColumns
  /** one point, lon/lat degrees → [x, y] metres */
  forwardPoint(lon: number, lat: number): [number, number]
  /** one point, x/y metres → [lon, lat] degrees */
  inversePoint(x: number, y: number): [number, number]
}

const projectors = new Map<number, Projector>()

/**
 * Projector for a supported metric CRS (see `metricCrsProj4`), built once per EPSG code and cached.
 * Column versions run at roughly 2 million points per second.
 */
export function projector(epsg: number): Projector {
  const cached = projectors.get(epsg)
  if (cached) return cached
  const def = metricCrsProj4(epsg)
  const conv = proj4('EPSG:4326', def)
  // proj4 reads {x, y} objects without allocating arrays; one scratch object serves every call.
  const p = { x: 0, y: 0 }
  const run = (
    dir: 'forward' | 'inverse', a: Float64Array, b: Float64Array, outA: Float64Array | undefined, outB: Float64Array | undefined,
  ): [Float64Array, Float64Array] => {
    if (a.length !== b.length) throw new RangeError(`coordinate columns differ in length: ${a.length} vs ${b.length}`)
    const ra = outA ?? new Float64Array(a.length)
    const rb = outB ?? new Float64Array(a.length)
    for (let i = 0; i < a.length; i++) {
      p.x = a[i]
      p.y = b[i]
      const r = conv[dir](p)
      ra[i] = r.x
      rb[i] = r.y
    }
    return [ra, rb]
  }
  const proj: Projector = {
    epsg,
    name: metricCrsName(epsg),
    proj4: def,
    forward(lon, lat, out) {
      const [x, y] = run('forward', lon, lat, out?.x, out?.y)
      return { x, y }
    },
    inverse(x, y, out) {
      const [lon, lat] = run('inverse', x, y, out?.lon, out?.lat)
      return { lon, lat }
    },
    forwardPoint(lon, lat) {
      const r = conv.forward([lon, lat])
      return [r[0], r[1]]
    },
    inversePoint(x, y) {
      const r = conv.inverse([x, y])
      return [r[0], r[1]]
    },
  }
  projectors.set(epsg, proj)
  return proj
}
