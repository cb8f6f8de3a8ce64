import { readFile } from 'node:fs/promises'
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson'
import shp from 'shpjs'
import { AppError } from '../shared/errors'
import { declaredToWgs84, type DeclaredCrs } from './crs'

/**
 * Reads a GeoJSON FeatureCollection, or a zipped Shapefile (its .prj is honoured and .cpg decides
 * the attribute encoding), into WGS84-or-declared-CRS features.
 */
export async function readFeatureFile(path: string, label: string, expected: string): Promise<FeatureCollection> {
  const bytes = await readFile(path)
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    try {
      const out = await shp(bytes)
      const fcs = Array.isArray(out) ? out : [out]
      return { type: 'FeatureCollection', features: fcs.flatMap((fc) => fc.features) as Feature[] }
    } catch (err) {
      throw new AppError('WG_BAD_SHAPEFILE', `${label} is a zip but not a readable Shapefile (${(err as Error).message}); expected ${expected}`, 422)
    }
  }
  if (bytes.subarray(0, 8192).includes(0)) throw new AppError('WG_NOT_TEXT', `${label} is binary; expected ${expected}`, 415)
  let fc: FeatureCollection
  try {
    fc = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new AppError('WG_BAD_GEOJSON', `${label} is not valid JSON (${(err as Error).message}); expected ${expected}`, 422)
  }
  if (fc?.type === 'Feature' as string) fc = { type: 'FeatureCollection', features: [fc as unknown as Feature] }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError('WG_BAD_GEOJSON', `${label} is JSON but not a GeoJSON FeatureCollection; expected ${expected}`, 422)
  }
  return fc
}

function mapPositions(g: Geometry, fn: (p: Position[]) => Position[]): Geometry {
  switch (g.type) {
    case 'Point': return { ...g, coordinates: fn([g.coordinates])[0] }
    case 'MultiPoint': case 'LineString': return { ...g, coordinates: fn(g.coordinates) } as Geometry
    case 'MultiLineString': case 'Polygon': return { ...g, coordinates: g.coordinates.map(fn) } as Geometry
    case 'MultiPolygon': return { ...g, coordinates: g.coordinates.map((poly) => poly.map(fn)) }
    case 'GeometryCollection': return { ...g, geometries: g.geometries.map((x) => mapPositions(x, fn)) }
  }
}

/** The geometry with every vertex converted from the declared CRS to WGS84. */
export function geometryToWgs84(g: Geometry, crs: DeclaredCrs): Geometry {
  if (crs.kind === 'geographic' && (crs.crs === 'WGS84' || crs.crs === 'CGCS2000')) return g
  return mapPositions(g, (ring) => {
    const { lon, lat } = declaredToWgs84(crs, Float64Array.from(ring, (p) => p[0]), Float64Array.from(ring, (p) => p[1]))
    return ring.map((_, i) => [lon[i], lat[i]])
  })
}

/** A feature property as trimmed text ('' when absent). */
export function prop(f: Feature, name: string | undefined): string {
  if (!name) return ''
  const v = f.properties?.[name]
  return v === undefined || v === null ? '' : String(v).trim()
}
