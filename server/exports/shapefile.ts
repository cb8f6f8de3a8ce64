/**
 * Zipped ESRI Shapefile (.shp, .shx, .dbf, .prj, .cpg) of polygon or point layers, WGS84.
 *
 * Written here because no maintained JavaScript writer keeps Chinese attribute names: the dbf
 * module behind @mapbox/shp-write stores each name character's low byte, and geojson2shp writes
 * names as ASCII. This writer stores names and text as UTF-8 (cut at character boundaries to
 * the format's 10-byte name and 254-byte text limits) and says so in the .cpg, which QGIS, ArcGIS
 * and GDAL honour. Format: ESRI Shapefile Technical Description (1998) and dBASE III.
 */
import { zipSync } from 'fflate'
import type { Geometry, Position } from 'geojson'
import type { ExportField, ExportTable } from './table'

/** ESRI WKT of WGS84 geographic coordinates, as ArcGIS writes it. */
export const WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
const SHP_NULL = 0
const SHP_POINT = 1
const SHP_POLYGON = 5
/** dBASE limits */
const NAME_BYTES = 10
const TEXT_BYTES = 254
const NUMBER_WIDTH = 19
const NUMBER_DECIMALS = 6
const INTEGER_WIDTH = 11

/** Builds the zip; the layer's files are named `<table.name>.shp` etc. */
export function toShapefileZip(table: ExportTable): Uint8Array {
  const kinds = new Set(table.rows.map((r) => r.geometry?.type).filter(Boolean))
  const point = kinds.size > 0 && [...kinds].every((k) => k === 'Point')
  if (!point && [...kinds].some((k) => k !== 'Polygon' && k !== 'MultiPolygon')) {
    throw new RangeError(`A shapefile holds one geometry type; layer ${table.name} mixes ${[...kinds].join(', ')}`)
  }
  const { shp, shx } = writeShp(table, point ? SHP_POINT : SHP_POLYGON)
  const enc = new TextEncoder()
  return zipSync({
    [`${table.name}.shp`]: shp,
    [`${table.name}.shx`]: shx,
    [`${table.name}.dbf`]: writeDbf(table),
    [`${table.name}.prj`]: enc.encode(WGS84_PRJ),
    [`${table.name}.cpg`]: enc.encode('UTF-8'),
  })
}

/** Twice the signed area of a ring, positive when the ring runs clockwise (x east, y north). */
function ringArea(r: Position[]): number {
  let s = 0
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[i][0] - r[j][0]) * (r[i][1] + r[j][1])
  return s
}

/** Rings in shapefile order: outer rings clockwise, holes counter-clockwise. */
function shpRings(g: Geometry): Position[][] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
  const out: Position[][] = []
  for (const rings of polys) {
    rings.forEach((ring, k) => {
      const clockwise = ringArea(ring) > 0
      out.push((k === 0) === clockwise ? ring : [...ring].reverse())
    })
  }
  return out
}

function writeShp(table: ExportTable, type: number): { shp: Uint8Array; shx: Uint8Array } {
  const records = table.rows.map((r) => (r.geometry ? (type === SHP_POINT ? [[(r.geometry as { coordinates: Position }).coordinates]] : shpRings(r.geometry)) : null))
  // content length of each record in bytes (without its 8-byte header)
  const sizes = records.map((rings) => {
    if (!rings || rings.length === 0) return 4
    if (type === SHP_POINT) return 20
    const points = rings.reduce((n, r) => n + r.length, 0)
    return 44 + 4 * rings.length + 16 * points
  })
  const shpLen = 100 + sizes.reduce((a, s) => a + 8 + s, 0)
  const shp = new DataView(new ArrayBuffer(shpLen))
  const shx = new DataView(new ArrayBuffer(100 + 8 * records.length))
  const box = [Infinity, Infinity, -Infinity, -Infinity]
  for (const rings of records) for (const r of rings ?? []) for (const p of r) {
    box[0] = Math.min(box[0], p[0]); box[1] = Math.min(box[1], p[1]); box[2] = Math.max(box[2], p[0]); box[3] = Math.max(box[3], p[1])
  }
  if (!Number.isFinite(box[0])) box.fill(0)
  for (const [view, len] of [[shp, shpLen], [shx, 100 + 8 * records.length]] as const) {
    view.setInt32(0, 9994) // file code, big-endian
    view.setInt32(24, len / 2) // length in 16-bit words, big-endian
    view.setInt32(28, 1000, true)
    view.setInt32(32, type, true)
    box.forEach((v, i) => view.setFloat64(36 + 8 * i, v, true))
  }
  let off = 100
  records.forEach((rings, i) => {
    shx.setInt32(100 + 8 * i, off / 2)
    shx.setInt32(104 + 8 * i, sizes[i] / 2)
    shp.setInt32(off, i + 1)
    shp.setInt32(off + 4, sizes[i] / 2)
    let o = off + 8
    if (!rings || rings.length === 0) shp.setInt32(o, SHP_NULL, true)
    else if (type === SHP_POINT) {
      shp.setInt32(o, SHP_POINT, true)
      shp.setFloat64(o + 4, rings[0][0][0], true)
      shp.setFloat64(o + 12, rings[0][0][1], true)
    } else {
      const b = [Infinity, Infinity, -Infinity, -Infinity]
      for (const r of rings) for (const p of r) { b[0] = Math.min(b[0], p[0]); b[1] = Math.min(b[1], p[1]); b[2] = Math.max(b[2], p[0]); b[3] = Math.max(b[3], p[1]) }
      shp.setInt32(o, SHP_POLYGON, true)
      b.forEach((v, k) => shp.setFloat64(o + 4 + 8 * k, v, true))
      shp.setInt32(o + 36, rings.length, true)
      shp.setInt32(o + 40, rings.reduce((n, r) => n + r.length, 0), true)
      o += 44
      let start = 0
      for (const r of rings) { shp.setInt32(o, start, true); o += 4; start += r.length }
      for (const r of rings) for (const p of r) { shp.setFloat64(o, p[0], true); shp.setFloat64(o + 8, p[1], true); o += 16 }
    }
    off += 8 + sizes[i]
  })
  return { shp: new Uint8Array(shp.buffer), shx: new Uint8Array(shx.buffer) }
}

const enc = new TextEncoder()

/** UTF-8 bytes of `s`, cut at a character boundary to at most `max` bytes. */
export function utf8Prefix(s: string, max: number): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    const b = enc.encode(ch)
    if (out.length + b.length > max) break
    out.push(...b)
  }
  return Uint8Array.from(out)
}

interface DbfColumn { field: ExportField; name: Uint8Array; type: 'C' | 'N'; width: number; decimals: number }

function dbfColumns(table: ExportTable): DbfColumn[] {
  const used = new Set<string>()
  return table.fields.map((field, k) => {
    let name = utf8Prefix(field.name, NAME_BYTES)
    // names cut to 10 bytes may collide: replace the tail with the column number
    let key = Buffer.from(name).toString('hex')
    if (used.has(key) || name.length === 0) {
      const suffix = `_${k}`
      name = Uint8Array.from([...utf8Prefix(field.name, NAME_BYTES - suffix.length), ...enc.encode(suffix)])
      key = Buffer.from(name).toString('hex')
    }
    used.add(key)
    if (field.type === 'string') {
      const width = Math.max(1, ...table.rows.map((r) => utf8Prefix(String(r.properties[field.name] ?? ''), TEXT_BYTES).length))
      return { field, name, type: 'C', width, decimals: 0 }
    }
    return { field, name, type: 'N', width: field.type === 'integer' ? INTEGER_WIDTH : NUMBER_WIDTH, decimals: field.type === 'integer' ? 0 : NUMBER_DECIMALS }
  })
}

function writeDbf(table: ExportTable): Uint8Array {
  const cols = dbfColumns(table)
  const headerLen = 32 + 32 * cols.length + 1
  const recordLen = 1 + cols.reduce((a, c) => a + c.width, 0)
  const buf = new Uint8Array(headerLen + recordLen * table.rows.length + 1)
  const view = new DataView(buf.buffer)
  const now = new Date()
  view.setUint8(0, 0x03) // dBASE III without memo
  view.setUint8(1, now.getUTCFullYear() - 1900)
  view.setUint8(2, now.getUTCMonth() + 1)
  view.setUint8(3, now.getUTCDate())
  view.setUint32(4, table.rows.length, true)
  view.setUint16(8, headerLen, true)
  view.setUint16(10, recordLen, true)
  view.setUint8(29, 0x00) // language driver: none (the .cpg says UTF-8)
  cols.forEach((c, k) => {
    const o = 32 + 32 * k
    buf.set(c.name, o)
    buf[o + 11] = c.type.charCodeAt(0)
    buf[o + 16] = c.width
    buf[o + 17] = c.decimals
  })
  buf[headerLen - 1] = 0x0d
  let o = headerLen
  for (const r of table.rows) {
    buf[o++] = 0x20 // not deleted
    for (const c of cols) {
      const v = r.properties[c.field.name]
      let bytes: Uint8Array
      if (c.type === 'C') {
        bytes = utf8Prefix(v === null || v === undefined ? '' : String(v), c.width)
        buf.fill(0x20, o, o + c.width)
        buf.set(bytes, o)
      } else {
        const n = typeof v === 'number' && Number.isFinite(v) ? v : null
        const text = n === null ? '' : c.decimals ? n.toFixed(c.decimals) : String(Math.round(n))
        bytes = enc.encode(text.length > c.width ? n!.toExponential(c.width - 8) : text)
        buf.fill(0x20, o, o + c.width)
        buf.set(bytes.subarray(0, c.width), o + Math.max(0, c.width - bytes.length)) // right-aligned
      }
      o += c.width
    }
  }
  buf[o] = 0x1a
  return buf
}
