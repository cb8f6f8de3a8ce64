/**
 * OGC GeoPackage 1.3 (a SQLite file) of one feature layer, WGS84: the tables the standard
 * requires (gpkg_spatial_ref_sys with EPSG:4326 and the undefined -1 and 0 systems,
 * gpkg_contents with the layer's extent, gpkg_geometry_columns), then the features with
 * GeoPackage binary geometries (header, envelope, little-endian WKB) and the attribute columns
 * under their own names, Chinese included (SQLite text is UTF-8). No spatial index: the standard
 * makes it optional and layers of a district load in a moment without one.
 * SQLite is sql.js (SQLite compiled to WebAssembly): no native build, no install scripts.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import type { Geometry } from 'geojson'
import { toWkb } from '../shared/wkb'
import type { ExportField, ExportTable } from './table'

/** 'GPKG' as the SQLite header's application id */
const GPKG_APPLICATION_ID = 0x47504b47
/** GeoPackage 1.3.0 */
const GPKG_USER_VERSION = 10300
const WGS84_WKT = 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]'
const SRS_ID = 4326

// compiled on the first GeoPackage export (~50 ms) and kept: servers and CLI commands that never
// write one do not pay for it
let sqlJs: Promise<SqlJsStatic> | undefined
const loadSqlJs = (): Promise<SqlJsStatic> => (sqlJs ??= initSqlJs())

/** GeoPackage's geometry type name for a layer: one type, single parts promoted to multi when mixed. */
function layerType(table: ExportTable): { name: string; promote: boolean } {
  const kinds = new Set(table.rows.map((r) => r.geometry?.type).filter((k): k is Geometry['type'] => k !== undefined))
  const only = [...kinds]
  if (only.length === 1) return { name: only[0].toUpperCase(), promote: false }
  for (const base of ['Point', 'LineString', 'Polygon']) {
    if (only.every((k) => k === base || k === `Multi${base}`)) return { name: `MULTI${base.toUpperCase()}`, promote: true }
  }
  return { name: 'GEOMETRY', promote: false }
}

function promoted(g: Geometry): Geometry {
  switch (g.type) {
    case 'Point': return { type: 'MultiPoint', coordinates: [g.coordinates] }
    case 'LineString': return { type: 'MultiLineString', coordinates: [g.coordinates] }
    case 'Polygon': return { type: 'MultiPolygon', coordinates: [g.coordinates] }
    default: return g
  }
}

/** [minX, minY, maxX, maxY] of a geometry's coordinates, or null when it has none. */
function envelope(g: Geometry): [number, number, number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[]
      if (x < minX) minX = x
      if (x > maxX) maxX = x
      if (y < minY) minY = y
      if (y > maxY) maxY = y
    } else for (const d of c as unknown[]) visit(d)
  }
  if (g.type === 'GeometryCollection') for (const x of g.geometries) { const e = envelope(x); if (e) visit([[e[0], e[1]], [e[2], e[3]]]) }
  else visit(g.coordinates)
  return minX <= maxX ? [minX, minY, maxX, maxY] : null
}

/**
 * GeoPackage binary geometry: 'GP', version 0, flags (little-endian, envelope [minx, maxx, miny,
 * maxy] or the empty flag), SRS id, envelope (`env`, from `envelope(g)`), then ISO WKB.
 */
function gpkgGeometry(g: Geometry, env: [number, number, number, number] | null): Uint8Array {
  const wkb = toWkb(g)
  const head = env ? 8 + 32 : 8
  const out = new Uint8Array(head + wkb.length)
  const view = new DataView(out.buffer)
  out[0] = 0x47; out[1] = 0x50; out[2] = 0
  // bit 0: little-endian; bits 1–3: envelope kind (1 = xy); bit 4: empty geometry
  out[3] = env ? 0b0000_0011 : 0b0001_0001
  view.setInt32(4, SRS_ID, true)
  if (env) {
    view.setFloat64(8, env[0], true); view.setFloat64(16, env[2], true)
    view.setFloat64(24, env[1], true); view.setFloat64(32, env[3], true)
  }
  out.set(wkb, head)
  return out
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
const SQL_TYPE: Record<ExportField['type'], string> = { string: 'TEXT', number: 'DOUBLE', integer: 'INTEGER' }

/** The layer as a GeoPackage file; its table is named after the layer (`-` → `_`). */
export async function toGeoPackage(table: ExportTable): Promise<Uint8Array> {
  const db = new (await loadSqlJs()).Database()
  try {
    const layer = table.name.replace(/-/g, '_')
    const type = layerType(table)
    db.run(`PRAGMA application_id = ${GPKG_APPLICATION_ID}`)
    db.run(`PRAGMA user_version = ${GPKG_USER_VERSION}`)
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (
      srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
      definition TEXT NOT NULL, description TEXT)`)
    db.run('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', [
      'Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system',
      'Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system',
      'WGS 84 geodetic', SRS_ID, 'EPSG', 4326, WGS84_WKT, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
    ])
    db.run(`CREATE TABLE gpkg_contents (
      table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
      CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`)
    db.run(`CREATE TABLE gpkg_geometry_columns (
      table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
      z TINYINT NOT NULL, m TINYINT NOT NULL,
      CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
      CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
      CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`)
    const columns = table.fields.map((f) => `${quote(f.name)} ${SQL_TYPE[f.type]}`)
    db.run(`CREATE TABLE ${quote(layer)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${type.name}${columns.map((c) => `, ${c}`).join('')})`)

    let ext: [number, number, number, number] | null = null
    db.run('BEGIN')
    const insert = db.prepare(`INSERT INTO ${quote(layer)} (geom${table.fields.map((f) => `, ${quote(f.name)}`).join('')}) VALUES (?${', ?'.repeat(table.fields.length)})`)
    try {
      for (const row of table.rows) {
        let geom: Uint8Array | null = null
        if (row.geometry) {
          const g = type.promote ? promoted(row.geometry) : row.geometry
          const e = envelope(g)
          geom = gpkgGeometry(g, e)
          if (e) ext = ext ? [Math.min(ext[0], e[0]), Math.min(ext[1], e[1]), Math.max(ext[2], e[2]), Math.max(ext[3], e[3])] : e
        }
        insert.run([geom, ...table.fields.map((f) => row.properties[f.name] ?? null)])
      }
    } finally { insert.free() }
    db.run('COMMIT')
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [layer, 'features', table.name, '', ...(ext ?? [null, null, null, null]), SRS_ID])
    db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)', [layer, 'geom', type.name, SRS_ID])
    return db.export()
  } finally { db.close() }
}
