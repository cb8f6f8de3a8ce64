/**
 * GeoJSON geometry → WKT text. Written here because the formats are tiny and fixed (OGC simple
 * features); a dependency for six string templates is not worth it.
 */
import type { Geometry, Position } from 'geojson'

const pt = (p: Position) => `${p[0]} ${p[1]}`
const line = (ps: Position[]) => `(${ps.map(pt).join(', ')})`
const poly = (rings: Position[][]) => `(${rings.map(line).join(', ')})`

/** WKT of a GeoJSON geometry (2D; extra ordinates dropped). */
export function toWkt(g: Geometry): string {
  switch (g.type) {
    case 'Point': return `POINT (${pt(g.coordinates)})`
    case 'MultiPoint': return `MULTIPOINT (${g.coordinates.map((p) => `(${pt(p)})`).join(', ')})`
    case 'LineString': return `LINESTRING ${line(g.coordinates)}`
    case 'MultiLineString': return `MULTILINESTRING (${g.coordinates.map(line).join(', ')})`
    case 'Polygon': return `POLYGON ${poly(g.coordinates)}`
    case 'MultiPolygon': return `MULTIPOLYGON (${g.coordinates.map(poly).join(', ')})`
    case 'GeometryCollection': return `GEOMETRYCOLLECTION (${g.geometries.map(toWkt).join(', ')})`
    default: throw new RangeError(`Unexpected geometry type: ${(g as { type: string }).type}.`)
  }
}
