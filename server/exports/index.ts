/**
 * File-format writers shared by every capability that exports features (unit-cell layouts,
 * responsibility grids …): build an ExportTable, then `renderExport(table, format)`.
 */
import { toCsvWkt } from './csv'
import { toGeoPackage } from './geopackage'
import { toGeoJson } from './geojson'
import { toShapefileZip } from './shapefile'
import { EXPORT_FORMATS, type ExportFormat, type ExportTable } from './table'

export type { ExportField, ExportFormat, ExportTable, ExportValue } from './table'
export { EXPORT_FORMATS }
export { toCsvWkt, toGeoJson, toGeoPackage, toShapefileZip }

/** A rendered file: bytes or text, its media type and a file name. */
export interface RenderedExport {
  body: string | Uint8Array
  contentType: string
  filename: string
}

export async function renderExport(table: ExportTable, format: ExportFormat): Promise<RenderedExport> {
  switch (format) {
    case 'geojson': return { body: toGeoJson(table), contentType: 'application/geo+json; charset=utf-8', filename: `${table.name}.geojson` }
    case 'csv': return { body: toCsvWkt(table), contentType: 'text/csv; charset=utf-8', filename: `${table.name}.csv` }
    case 'shapefile': return { body: toShapefileZip(table), contentType: 'application/zip', filename: `${table.name}.zip` }
    case 'gpkg': return { body: await toGeoPackage(table), contentType: 'application/geopackage+sqlite3', filename: `${table.name}.gpkg` }
    default: throw new RangeError(`Unexpected export format: ${String(format)}. Use ${EXPORT_FORMATS.join(', ')}.`)
  }
}
