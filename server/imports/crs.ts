import { readFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import proj4 from 'proj4'
import { AppError } from '../shared/errors'
import { metricCrsProj4, parseSourceCrs, toWgs84Columns, type LonLatColumns, type SourceCrs } from '../shared/coords'

/** A coordinate system declared for an import: geographic (possibly offset) or projected. */
export type DeclaredCrs =
  | { kind: 'geographic'; crs: SourceCrs; label: string }
  | { kind: 'projected'; epsg: number; proj4: string; label: string }

const require = createRequire(import.meta.url)

/** proj4 text for any EPSG code: the built-in GK/UTM zones first, then the bundled EPSG index. */
function projectedDefinition(epsg: number): string | undefined {
  try {
    return metricCrsProj4(epsg)
  } catch {
    const path = require.resolve('epsg-index/package.json').replace(/package\.json$/, `s/${epsg}.json`)
    if (!existsSync(path)) return undefined
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { proj4?: string; kind?: string }
    return entry.kind === 'CRS-PROJCRS' ? entry.proj4 : undefined
  }
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
    return { kind: 'projected', epsg, proj4: def, label: `EPSG:${epsg}` }
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
