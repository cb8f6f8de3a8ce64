import { readFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import proj4 from 'proj4'
import { AppError } from '../shared/errors'
import { metricCrsProj4, parseSourceCrs, toWgs84Columns, type LonLatColumns, type SourceCrs } from '../shared/coords'

/** WGS84 degrees; west > east when the box crosses the antimeridian. */
export interface AreaOfUse { west: number; south: number; east: number; north: number }

/** A coordinate system declared for an import: geographic (possibly offset) or projected. */
export type DeclaredCrs =
  | { kind: 'geographic'; crs: SourceCrs; label: string }
  | { kind: 'projected'; epsg: number; proj4: string; label: string; area?: AreaOfUse }

const require = createRequire(import.meta.url)

/**
 * Degrees a converted point may lie beyond its CRS's published area of use: the areas are drawn
 * along land borders for accuracy statements, and real exports stray a little past them.
 */
const AREA_MARGIN_DEG = 1

function epsgEntry(epsg: number): { proj4?: string; kind?: string; bbox?: number[] } | undefined {
  const path = require.resolve('epsg-index/package.json').replace(/package\.json$/, `s/${epsg}.json`)
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined
}

/** proj4 text and area of use for any EPSG code: the built-in GK/UTM zones first, then the bundled EPSG index. */
function projectedDefinition(epsg: number): { proj4: string; area?: AreaOfUse } | undefined {
  const entry = epsgEntry(epsg)
  const b = entry?.bbox // [north, west, south, east]
  const area = b?.length === 4 ? { north: b[0], west: b[1], south: b[2], east: b[3] } : undefined
  try {
    return { proj4: metricCrsProj4(epsg), area }
  } catch {
    return entry?.kind === 'CRS-PROJCRS' && entry.proj4 ? { proj4: entry.proj4, area } : undefined
  }
}

/**
 * True when a converted point can be a position in the declared CRS: finite, on the globe and, for a
 * projected CRS with a known area of use, within AREA_MARGIN_DEG of it. Far-off x/y do not always
 * fail to convert: a Lambert conic maps them to some lon/lat, often near a pole.
 */
export function plausiblePosition(crs: DeclaredCrs, lon: number, lat: number): boolean {
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return false
  if (crs.kind !== 'projected' || !crs.area) return true
  const { west, south, east, north } = crs.area
  if (lat < south - AREA_MARGIN_DEG || lat > north + AREA_MARGIN_DEG) return false
  const w = west - AREA_MARGIN_DEG
  const e = east + AREA_MARGIN_DEG
  return west <= east ? lon >= w && lon <= e : lon >= w || lon <= e
}

/** The area of use as text for messages, e.g. "73.5°W–69.86°W, 41.46°N–42.89°N". */
export function describeArea(a: AreaOfUse): string {
  const lon = (v: number) => `${Math.abs(v)}°${v < 0 ? 'W' : 'E'}`
  const lat = (v: number) => `${Math.abs(v)}°${v < 0 ? 'S' : 'N'}`
  return `${lon(a.west)}–${lon(a.east)}, ${lat(a.south)}–${lat(a.north)}`
}

/**
 * Reads the CRS a user declared: WGS84 (default), GCJ02, BD09, CGCS2000, EPSG:4326/4490, or a
 * projected EPSG:nnnn (Gauss-Krüger 4534–4554, UTM, State Plane …) whose x/y are converted.
 */
export function parseDeclaredCrs(text: string | undefined): DeclaredCrs {
  const t = (text ?? 'WGS84').trim()
  const m = /^EPSG:(\d{4,6})$/i.exec(t)
  if (m && !['4326', '4490'].includes(m[1])) {
    const epsg = Number(m[1])
    const def = projectedDefinition(epsg)
    if (!def) {
      throw new AppError('WG_UNKNOWN_CRS', `EPSG:${epsg} is not a projected coordinate system Wangge knows; ` +
        'use WGS84, GCJ02, BD09, CGCS2000 or a projected EPSG code', 422)
    }
    return { kind: 'projected', epsg, proj4: def.proj4, area: def.area, label: `EPSG:${epsg}` }
  }
  try {
    const crs = parseSourceCrs(t)
    return { kind: 'geographic', crs, label: crs }
  } catch (err) {
    throw new AppError('WG_UNKNOWN_CRS', (err as Error).message + ', or a projected EPSG:nnnn', 422)
  }
}

/** Converts coordinate columns in the declared CRS to WGS84 lon/lat. */
export function declaredToWgs84(crs: DeclaredCrs, x: Float64Array, y: Float64Array): LonLatColumns {
  if (crs.kind === 'geographic') return toWgs84Columns(x, y, crs.crs)
  const conv = proj4(crs.proj4, 'EPSG:4326')
  const lon = new Float64Array(x.length)
  const lat = new Float64Array(x.length)
  const p = { x: 0, y: 0 }
  for (let i = 0; i < x.length; i++) {
    p.x = x[i]
    p.y = y[i]
    const r = conv.forward(p)
    lon[i] = r.x
    lat[i] = r.y
  }
  return { lon, lat }
}
