/**
 * GeoJSON geometries → ISO WKB (little-endian, 2D) and PostGIS hex EWKB. Written here because
 * only the simple-feature types GeoJSON carries are needed, and the writers fill one buffer per
 * geometry where WKB libraries build an object per vertex (layouts store tens of thousands of
 * cells per request, exports write whole layouts).
 */
import type { Geometry, Position } from 'geojson'

const TYPE: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7 }
/** PostGIS extended WKB flag: an SRID follows the type */
const EWKB_SRID = 0x20000000

function size(g: Geometry): number {
  switch (g.type) {
    case 'Point': return 5 + 16
    case 'LineString': return 9 + 16 * g.coordinates.length
    case 'Polygon': return 9 + g.coordinates.reduce((s, r) => s + 4 + 16 * r.length, 0)
    case 'MultiPoint': return 9 + 21 * g.coordinates.length
    case 'MultiLineString': return 9 + g.coordinates.reduce((s, l) => s + 9 + 16 * l.length, 0)
    case 'MultiPolygon': return 9 + g.coordinates.reduce((s, p) => s + 9 + p.reduce((t, r) => t + 4 + 16 * r.length, 0), 0)
    case 'GeometryCollection': return 9 + g.geometries.reduce((s, x) => s + size(x), 0)
  }
}

/** ISO WKB (little-endian, 2D: a third coordinate is dropped) of a GeoJSON geometry. */
export function toWkb(g: Geometry): Uint8Array {
  const buf = new Uint8Array(size(g))
  const view = new DataView(buf.buffer)
  let o = 0
  const head = (type: number, count?: number) => {
    view.setUint8(o, 1); view.setUint32(o + 1, type, true); o += 5
    if (count !== undefined) { view.setUint32(o, count, true); o += 4 }
  }
  const pts = (ps: Position[], counted = true) => {
    if (counted) { view.setUint32(o, ps.length, true); o += 4 }
    for (const p of ps) { view.setFloat64(o, p[0], true); view.setFloat64(o + 8, p[1], true); o += 16 }
  }
  const write = (x: Geometry): void => {
    switch (x.type) {
      case 'Point': head(1); pts([x.coordinates], false); break
      case 'LineString': head(2); pts(x.coordinates); break
      case 'Polygon': head(3, x.coordinates.length); for (const r of x.coordinates) pts(r); break
      case 'MultiPoint': head(4, x.coordinates.length); for (const p of x.coordinates) { head(1); pts([p], false) } break
      case 'MultiLineString': head(5, x.coordinates.length); for (const l of x.coordinates) { head(2); pts(l) } break
      case 'MultiPolygon':
        head(6, x.coordinates.length)
        for (const p of x.coordinates) { head(3, p.length); for (const r of p) pts(r) }
        break
      case 'GeometryCollection': head(7, x.geometries.length); for (const y of x.geometries) write(y); break
    }
  }
  write(g)
  return buf
}

/** PostGIS hex EWKB of a GeoJSON geometry with an SRID (`'…'::geometry` reads it; so does COPY). */
export function toEwkbHex(g: Geometry, srid: number): string {
  const wkb = toWkb(g)
  const buf = Buffer.allocUnsafe(wkb.length + 4)
  buf[0] = 1
  buf.writeUInt32LE((TYPE[g.type] | EWKB_SRID) >>> 0, 1)
  buf.writeUInt32LE(srid, 5)
  buf.set(wkb.subarray(5), 9)
  return buf.toString('hex')
}

/**
 * Hex EWKB of a one-ring MultiPolygon from vertices `from .. to - 1` of flat lon/lat arrays (the
 * ring must be closed: first vertex repeated last). The hot path of H3 layouts, without GeoJSON.
 */
export function ringEwkbHex(lon: Float64Array, lat: Float64Array, from: number, to: number, srid: number): string {
  const n = to - from
  const buf = Buffer.allocUnsafe(13 + 13 + 16 * n)
  buf[0] = 1
  buf.writeUInt32LE((TYPE.MultiPolygon | EWKB_SRID) >>> 0, 1)
  buf.writeUInt32LE(srid, 5)
  buf.writeUInt32LE(1, 9)
  buf[13] = 1
  buf.writeUInt32LE(TYPE.Polygon, 14)
  buf.writeUInt32LE(1, 18)
  buf.writeUInt32LE(n, 22)
  for (let k = 0; k < n; k++) {
    buf.writeDoubleLE(lon[from + k], 26 + 16 * k)
    buf.writeDoubleLE(lat[from + k], 34 + 16 * k)
  }
  return buf.toString('hex')
}

/** Hex EWKB of a point. */
export function pointEwkbHex(lon: number, lat: number, srid: number): string {
  const buf = Buffer.allocUnsafe(25)
  buf[0] = 1
  buf.writeUInt32LE((TYPE.Point | EWKB_SRID) >>> 0, 1)
  buf.writeUInt32LE(srid, 5)
  buf.writeDoubleLE(lon, 9)
  buf.writeDoubleLE(lat, 17)
  return buf.toString('hex')
}
