import { stringify } from 'csv-stringify/sync'
import type { ExportTable } from './table'
import { toWkt } from './wkt'

/**
 * CSV with the geometry as WKT in the first column `wkt` (EPSG:4326), then the attributes.
 * UTF-8 with a byte-order mark so spreadsheet programs read Chinese text correctly.
 */
export function toCsvWkt(table: ExportTable): string {
  const header = ['wkt', ...table.fields.map((f) => f.name)]
  const rows = table.rows.map((r) => [r.geometry ? toWkt(r.geometry) : '', ...table.fields.map((f) => r.properties[f.name] ?? '')])
  return '\uFEFF' + stringify([header, ...rows])
}
