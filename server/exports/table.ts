/**
 * The one shape every export format writes from: a named layer of features with declared
 * attribute columns. Geometries are WGS84 lon/lat (EPSG:4326) GeoJSON.
 */
import type { Geometry } from 'geojson'

/** An attribute column. Names may be Chinese (编码, 社区 …); formats that limit length truncate safely. */
export interface ExportField {
  name: string
  type: 'string' | 'number' | 'integer'
}

export type ExportValue = string | number | null

/** A layer to export. */
export interface ExportTable {
  /** layer / file base name (ASCII recommended: it names the files inside a zip) */
  name: string
  fields: ExportField[]
  rows: Array<{ geometry: Geometry | null; properties: Record<string, ExportValue> }>
}

/** Export formats. */
export type ExportFormat = 'geojson' | 'csv' | 'shapefile' | 'gpkg'

export const EXPORT_FORMATS: ExportFormat[] = ['geojson', 'csv', 'shapefile', 'gpkg']
