/**
 * One renderer per format for every kind: a stored result table (columns + where its rows sit,
 * see ResultGeometry in ./kind.ts) becomes JSON rows, a GeoJSON FeatureCollection (WGS84), CSV, or
 * for rasters a compact grid (Float32 values + georeference).
 */
import { stringify } from 'csv-stringify/sync'
import type { Database } from '../db/connect'
import { projector } from '../shared/coords'
import { BadParameter } from '../shared/errors'
import type { ResultTable } from './kind'
import { cellGeometries, districtGeometries } from './repository'

export type ResultFormat = 'json' | 'geojson' | 'csv' | 'grid'

/** Rows as objects (the `geometry` column left out unless asked for). */
export function rowsOf(table: ResultTable, withGeometry = false): Array<Record<string, unknown>> {
  const names = (table.order ?? Object.keys(table.columns)).filter((k) => withGeometry || k !== 'geometry')
  const n = names.length ? table.columns[names[0]].length : 0
  const rows: Array<Record<string, unknown>> = new Array(n)
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {}
    for (const k of names) row[k] = table.columns[k][i]
    rows[i] = row
  }
  return rows
}

/** The WGS84 outline of grid cell (row, col): corners inverse-projected, ring counter-clockwise. */
function gridCell(g: Extract<ResultTable['geometry'], { type: 'grid' }>, row: number, col: number) {
  const proj = projector(g.epsg)
  const x0 = g.originX + col * g.cellSize
  const x1 = x0 + g.cellSize
  const y1 = g.originY - row * g.cellSize
  const y0 = y1 - g.cellSize
  const ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(([x, y]) => proj.inversePoint(x, y).map((v) => Math.round(v * 1e7) / 1e7))
  return { type: 'Polygon', coordinates: [ring] }
}

/** Corner (row, col) of the grid's cell lattice (row 0 / col 0 the north-west edge) in WGS84 degrees. */
function gridCorner(g: Extract<ResultTable['geometry'], { type: 'grid' }>, row: number, col: number): [number, number] {
  const [lon, lat] = projector(g.epsg).inversePoint(g.originX + col * g.cellSize, g.originY - row * g.cellSize)
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]
}

/** Centre of grid cell (row, col) in WGS84 degrees. */
function gridCentre(g: Extract<ResultTable['geometry'], { type: 'grid' }>, row: number, col: number): [number, number] {
  const [lon, lat] = projector(g.epsg).inversePoint(g.originX + (col + 0.5) * g.cellSize, g.originY - (row + 0.5) * g.cellSize)
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]
}

export async function toGeoJson(db: Database, table: ResultTable): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
  const rows = rowsOf(table)
  const g = table.geometry
  let geometryOf: (row: Record<string, unknown>, i: number) => unknown
  if (g.type === 'cells') {
    const geoms = await cellGeometries(db, g.layout_id)
    geometryOf = (row) => geoms[row.cell as number]?.geometry ?? null
  } else if (g.type === 'districts') {
    const geoms = await districtGeometries(db, rows.map((r) => r.district_id as number))
    geometryOf = (row) => geoms.get(row.district_id as number)?.geometry ?? null
  } else if (g.type === 'grid') {
    geometryOf = (row) => gridCell(g, row.row as number, row.col as number)
  } else if (g.type === 'none') {
    geometryOf = () => null
  } else {
    const col = table.columns.geometry
    geometryOf = (_row, i) => col[i]
  }
  return {
    type: 'FeatureCollection',
    features: rows.map((properties, i) => ({ type: 'Feature', geometry: geometryOf(properties, i), properties })),
  }
}

/** CSV with a header; objects (per-category counts) as JSON text; grid rows get their centre lon/lat. */
export function toCsv(table: ResultTable): string {
  const rows = rowsOf(table)
  const g = table.geometry
  if (g.type === 'grid') {
    for (const r of rows) {
      const [lon, lat] = gridCentre(g, r.row as number, r.col as number)
      r.lon = lon
      r.lat = lat
    }
  }
  const header = rows.length ? Object.keys(rows[0]) : (table.order ?? Object.keys(table.columns)).filter((k) => k !== 'geometry')
  const cell = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)
  return stringify(rows.map((r) => header.map((k) => cell(r[k]))), { header: true, columns: header })
}

/**
 * A grid result as one raster: values row-major from the north-west corner as little-endian
 * Float32 (base64), 0 where the table has no row.
 */
export function toGrid(table: ResultTable, value?: string) {
  const g = table.geometry
  if (g.type !== 'grid') throw BadParameter('format', 'grid is available for raster results (density, fishnet hot spots); use json, geojson or csv')
  const numeric = Object.keys(table.columns).filter((k) => k !== 'row' && k !== 'col' && typeof table.columns[k][0] === 'number')
  const name = value ?? numeric[numeric.length - 1]
  if (!table.columns[name]) throw BadParameter('value', `"${name}" is not a column; use one of ${numeric.join(', ')}`)
  const values = new Float32Array(g.width * g.height)
  const rows = table.columns.row as number[]
  const cols = table.columns.col as number[]
  const v = table.columns[name] as number[]
  for (let i = 0; i < rows.length; i++) values[rows[i] * g.width + cols[i]] = v[i]
  return {
    value: name, width: g.width, height: g.height,
    georef: {
      epsg: g.epsg, crs: projector(g.epsg).name, origin_x: g.originX, origin_y: g.originY, cell_size: g.cellSize, note: 'origin is the north-west corner; row 0 is the northernmost',
      // the raster's outer corners in WGS84 lon/lat, so a map can place it without a projection library
      corners_wgs84: { nw: gridCorner(g, 0, 0), ne: gridCorner(g, 0, g.width), se: gridCorner(g, g.height, g.width), sw: gridCorner(g, g.height, 0) },
    },
    encoding: 'float32-le-base64',
    values: Buffer.from(values.buffer).toString('base64'),
  }
}
