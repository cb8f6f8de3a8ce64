/**
 * Trips travel between TypeScript and PostGIS as WKB LineStringM (x = lon, y = lat, m = epoch
 * seconds): binary in both directions, so 15 M fixes never pass through text. Written by hand
 * because only this one geometry type is needed, and a WKB library would allocate an object per
 * vertex where these loops fill typed arrays directly.
 */

const WKB_LINESTRING = 2
const ISO_M = 2000 // ISO WKB type offset for geometries with M
const EWKB_M = 0x40000000 // PostGIS extended WKB flag for M
const EWKB_Z = 0x80000000
const EWKB_SRID = 0x20000000

/**
 * Encodes fixes `from .. to - 1` as ISO WKB LineStringM (little-endian). A single fix is written
 * twice, since a LineString needs two vertices.
 * @param t  epoch milliseconds (stored as seconds in M)
 */
export function encodeTripWkb(lon: Float64Array, lat: Float64Array, t: Float64Array, from: number, to: number): Buffer {
  const n = to - from
  if (!(n >= 1)) throw new RangeError(`Unexpected fix range: ${from}..${to}.`)
  const m = Math.max(2, n)
  const buf = Buffer.allocUnsafe(9 + 24 * m)
  buf.writeUInt8(1, 0)
  buf.writeUInt32LE(WKB_LINESTRING + ISO_M, 1)
  buf.writeUInt32LE(m, 5)
  for (let k = 0; k < m; k++) {
    const i = from + Math.min(k, n - 1)
    const o = 9 + 24 * k
    buf.writeDoubleLE(lon[i], o)
    buf.writeDoubleLE(lat[i], o + 8)
    buf.writeDoubleLE(t[i] / 1000, o + 16)
  }
  return buf
}

/** Vertices of a LineStringM: lon, lat (degrees) and t (epoch ms, rounded to whole milliseconds). */
export interface TripVertices {
  lon: Float64Array
  lat: Float64Array
  t: Float64Array
}

/**
 * Decodes a WKB or EWKB LineString with M (as ST_AsBinary / ST_AsEWKB return it) into `out` at
 * `offset`, keeping only the first `keep` vertices (a one-fix trip stores its fix twice).
 * @returns the number of vertices written
 * @throws RangeError when the geometry is not a LineString with M
 */
export function decodeTripWkb(wkb: Uint8Array, out: TripVertices, offset: number, keep = Infinity): number {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  const le = view.getUint8(0) === 1
  const type = view.getUint32(1, le)
  let o = 5
  let hasM: boolean
  let hasZ: boolean
  let base: number
  if (type & (EWKB_M | EWKB_Z | EWKB_SRID)) {
    hasM = (type & EWKB_M) !== 0
    hasZ = (type & EWKB_Z) !== 0
    base = type & 0xffff
    if (type & EWKB_SRID) o += 4
  } else {
    base = type % 1000
    const dims = Math.floor(type / 1000)
    hasZ = dims === 1 || dims === 3
    hasM = dims === 2 || dims === 3
  }
  if (base !== WKB_LINESTRING || !hasM) throw new RangeError(`Unexpected WKB geometry type ${type}: expected a LineString with M.`)
  const n = Math.min(view.getUint32(o, le), keep)
  o += 4
  const stride = hasZ ? 32 : 24
  const mOffset = hasZ ? 24 : 16
  for (let k = 0; k < n; k++, o += stride) {
    out.lon[offset + k] = view.getFloat64(o, le)
    out.lat[offset + k] = view.getFloat64(o + 8, le)
    out.t[offset + k] = Math.round(view.getFloat64(o + mOffset, le) * 1000) // back to whole ms
  }
  return n
}
