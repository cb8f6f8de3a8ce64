/**
 * GeoPackage export: the file read back with SQLite (sql.js) has the tables, pragmas and rows
 * OGC GeoPackage 1.3 requires, GeoPackage binary geometries that decode to the exported
 * coordinates, and Chinese names and values intact; a layout's cells download as
 * application/geopackage+sqlite3 through the API. Checked with GDAL's ogrinfo as well when it is
 * installed.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import initSqlJs from 'sql.js'
import type { Geometry, Position } from 'geojson'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/http/context'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { renderExport, type ExportTable } from '../../server/exports'
import { createLayout } from '../../server/layouts/service'
import { openTestDatabase } from '../helpers/db'
import { settled, testApp } from '../helpers/http'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'

const SQL = await initSqlJs()

const table: ExportTable = {
  name: 'layout-7',
  fields: [{ name: '编码', type: 'string' }, { name: '社区名称', type: 'string' }, { name: '面积_m2', type: 'number' }, { name: '序号', type: 'integer' }],
  rows: [
    {
      geometry: { type: 'Polygon', coordinates: [[[116.4, 39.9], [116.41, 39.9], [116.41, 39.91], [116.4, 39.91], [116.4, 39.9]], [[116.402, 39.902], [116.402, 39.908], [116.408, 39.908], [116.408, 39.902], [116.402, 39.902]]] },
      properties: { 编码: '110101001001001', 社区名称: '东华门社区', 面积_m2: 10000.5, 序号: 1 },
    },
    {
      geometry: { type: 'MultiPolygon', coordinates: [[[[116.42, 39.9], [116.43, 39.9], [116.43, 39.92], [116.42, 39.9]]], [[[116.44, 39.89], [116.45, 39.89], [116.45, 39.9], [116.44, 39.89]]]] },
      properties: { 编码: '110101001001002', 社区名称: null, 面积_m2: 3.25, 序号: 2 },
    },
    { geometry: null, properties: { 编码: '110101001001003', 社区名称: '景山社区', 面积_m2: 1, 序号: 3 } },
  ],
}

/** Decodes little-endian ISO WKB (Polygon, MultiPolygon) independently of the writer. */
function readWkb(bytes: Uint8Array): Geometry {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let o = 0
  const u32 = () => { const x = v.getUint32(o, true); o += 4; return x }
  const ring = (): Position[] => Array.from({ length: u32() }, () => { const p = [v.getFloat64(o, true), v.getFloat64(o + 8, true)]; o += 16; return p })
  const polygon = (): Position[][] => { expect(v.getUint8(o)).toBe(1); o += 1; expect(u32()).toBe(3); return Array.from({ length: u32() }, ring) }
  expect(v.getUint8(0)).toBe(1)
  const type = v.getUint32(1, true)
  if (type === 3) return { type: 'Polygon', coordinates: polygon() }
  expect(type).toBe(6)
  o = 5
  return { type: 'MultiPolygon', coordinates: Array.from({ length: u32() }, polygon) }
}

/** GeoPackage binary → header fields and the geometry. */
function readGp(blob: Uint8Array) {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  const flags = blob[3]
  const envelope = ((flags >> 1) & 7) === 1 ? [8, 16, 24, 32].map((k) => v.getFloat64(k, true)) : null
  return { magic: String.fromCharCode(blob[0], blob[1]), version: blob[2], littleEndian: (flags & 1) === 1, empty: (flags & 16) !== 0, srsId: v.getInt32(4, true), envelope, geometry: readWkb(blob.subarray(envelope ? 40 : 8)) }
}

const VALIDATE_GPKG = '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py'
const ogrinfo = (() => { try { execFileSync('ogrinfo', ['--version'], { stdio: 'pipe' }); return true } catch { return false } })()

function rows(db: InstanceType<typeof SQL.Database>, sql: string): Array<Record<string, unknown>> {
  const [res] = db.exec(sql)
  return res ? res.values.map((r) => Object.fromEntries(res.columns.map((c, k) => [c, r[k]]))) : []
}

const out = await renderExport(table, 'gpkg')

describe('GeoPackage export', () => {
  const bytes = out.body as Uint8Array
  const db = new SQL.Database(bytes)
  afterAll(() => db.close())

  test('is a GeoPackage 1.3 file: header, pragmas, required tables and rows', () => {
    expect(out.contentType).toBe('application/geopackage+sqlite3')
    expect(out.filename).toBe('layout-7.gpkg')
    expect(new TextDecoder().decode(bytes.subarray(0, 15))).toBe('SQLite format 3')
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(68)).toBe(0x47504b47) // application id 'GPKG' at offset 68
    expect(rows(db, 'PRAGMA application_id')[0].application_id).toBe(0x47504b47)
    expect(rows(db, 'PRAGMA user_version')[0].user_version).toBe(10300)
    expect(rows(db, 'PRAGMA integrity_check')[0].integrity_check).toBe('ok')
    expect(rows(db, 'PRAGMA foreign_key_check')).toEqual([])
    expect(rows(db, 'SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id')).toEqual([
      { srs_id: -1, organization: 'NONE', organization_coordsys_id: -1 },
      { srs_id: 0, organization: 'NONE', organization_coordsys_id: 0 },
      { srs_id: 4326, organization: 'EPSG', organization_coordsys_id: 4326 },
    ])
    const [contents] = rows(db, 'SELECT * FROM gpkg_contents')
    expect(contents).toMatchObject({ table_name: 'layout_7', data_type: 'features', identifier: 'layout-7', srs_id: 4326, min_x: 116.4, min_y: 39.89, max_x: 116.45, max_y: 39.92 })
    expect(String(contents.last_change)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(rows(db, 'SELECT * FROM gpkg_geometry_columns')).toEqual([
      { table_name: 'layout_7', column_name: 'geom', geometry_type_name: 'MULTIPOLYGON', srs_id: 4326, z: 0, m: 0 },
    ])
  })

  test('features: Chinese column names and values in UTF-8, types kept, geometries round-trip', () => {
    const cols = rows(db, "SELECT name, type FROM pragma_table_info('layout_7')")
    expect(cols).toEqual([
      { name: 'fid', type: 'INTEGER' }, { name: 'geom', type: 'MULTIPOLYGON' }, { name: '编码', type: 'TEXT' },
      { name: '社区名称', type: 'TEXT' }, { name: '面积_m2', type: 'DOUBLE' }, { name: '序号', type: 'INTEGER' },
    ])
    const got = rows(db, 'SELECT fid, geom, "编码", "社区名称", "面积_m2", "序号" FROM layout_7 ORDER BY fid')
    expect(got.map((r) => [r.fid, r['编码'], r['社区名称'], r['面积_m2'], r['序号']])).toEqual([
      [1, '110101001001001', '东华门社区', 10000.5, 1], [2, '110101001001002', null, 3.25, 2], [3, '110101001001003', '景山社区', 1, 3],
    ])
    const first = readGp(got[0].geom as Uint8Array)
    expect(first).toMatchObject({ magic: 'GP', version: 0, littleEndian: true, empty: false, srsId: 4326, envelope: [116.4, 116.41, 39.9, 39.91] })
    // a polygon in a MULTIPOLYGON layer is written as a one-part multipolygon
    expect(first.geometry).toEqual({ type: 'MultiPolygon', coordinates: [(table.rows[0].geometry as GeoJSON.Polygon).coordinates] })
    expect(readGp(got[1].geom as Uint8Array).geometry).toEqual(table.rows[1].geometry)
    expect(got[2].geom).toBeNull()
  })

  test.skipIf(!ogrinfo)(`GDAL reads it as a valid GeoPackage${ogrinfo ? '' : ' (ogrinfo not installed; skipped)'}`, () => {
    const path = tempFile('cells.gpkg', Buffer.from(bytes))
    const info = execFileSync('ogrinfo', ['-al', '-so', path], { encoding: 'utf8', env: { ...process.env, OGR_GPKG_INTEGRITY_CHECK: 'YES' } })
    expect(info).toContain('Layer name: layout_7')
    expect(info).toContain('Geometry: Multi Polygon')
    expect(info).toContain('Feature Count: 3')
    expect(info).toMatch(/社区名称: String/)
    expect(info).toMatch(/Extent: \(116\.400000, 39\.890000\) - \(116\.450000, 39\.920000\)/)
    // GDAL's own GeoPackage validator (python3-gdal), when present: exits non-zero on any violation
    if (existsSync(VALIDATE_GPKG)) execFileSync('python3', [VALIDATE_GPKG, path], { stdio: 'pipe' })
  })
})

describe('layout cells as GeoPackage through the API', () => {
  let db: Database
  let app: App
  beforeAll(async () => {
    db = await openTestDatabase()
    await importDistricts(db, tempFile('tiny.geojson', tinyDistrictGeoJson()))
    app = await testApp(db)
  })
  afterAll(async () => {
    await app?.close()
    await db?.close()
  })

  test('format=gpkg: one feature per cell with code, community and area', async () => {
    const l = await createLayout(db, { kind: 'h3', scope: '330198', resolution: 9 })
    const res = await app.inject({ method: 'GET', url: `/api/layouts/${l.id}/export?format=gpkg` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/geopackage+sqlite3')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="layout-${l.id}.gpkg"`)
    const gpkg = new SQL.Database(res.rawPayload)
    try {
      const got = rows(gpkg, `SELECT geom, "编码", "社区", "面积_m2" FROM layout_${l.id} ORDER BY "序号"`)
      expect(got).toHaveLength(l.cell_count)
      const stored = (await db.knex.raw('SELECT code, area_m2, ST_AsGeoJSON(geom, 7) AS g FROM cells WHERE layout_id = ? ORDER BY idx', [l.id])).rows as Array<{ code: string; area_m2: number; g: string }>
      expect(got.map((r) => r['编码'])).toEqual(stored.map((s) => s.code))
      expect(got.every((r) => typeof r['社区'] === 'string' && (r['社区'] as string).length > 0)).toBe(true)
      expect(readGp(got[0].geom as Uint8Array).geometry).toEqual(JSON.parse(stored[0].g))
    } finally { gpkg.close() }
    const bad = await app.inject({ method: 'GET', url: `/api/layouts/${l.id}/export?format=gpx` })
    expect(bad.statusCode).toBe(400)
  })

  test('responsibility grids: /api/zones/:id.gpkg holds one polygon per zone', async () => {
    const l = await createLayout(db, { kind: 'square', scope: '330198', target_area_m2: 40_000 })
    await db.knex.raw(`INSERT INTO cases (external_id, category_code, source, reported_at, status, geom)
      SELECT 'G' || g, '0401', 'patrol', timestamptz '2026-02-01', 'closed',
             ST_SetSRID(ST_MakePoint(${TINY.west} + (g % 97) / 97.0 * 0.02, ${TINY.south} + (g % 89) / 89.0 * 0.01), 4326)
      FROM generate_series(1, 300) g`)
    const zoning = await settled(app, await app.inject({ method: 'POST', url: '/api/zones', payload: { layout_id: l.id, k: 2, time_budget_s: 1 } }))
    expect(zoning.statusCode, JSON.stringify(zoning.body)).toBe(201)
    const res = await app.inject({ url: `/api/zones/${zoning.body.id}.gpkg` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/geopackage+sqlite3')
    const gpkg = new SQL.Database(res.rawPayload)
    try {
      const [contents] = rows(gpkg, 'SELECT table_name FROM gpkg_contents')
      const zones = rows(gpkg, `SELECT geom FROM "${String(contents.table_name)}"`)
      expect(zones).toHaveLength(2)
      for (const z of zones) expect(readGp(z.geom as Uint8Array).magic).toBe('GP')
    } finally { gpkg.close() }
  })
})
