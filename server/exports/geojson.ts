import type { ExportTable } from './table'

/** GeoJSON FeatureCollection text (RFC 7946, WGS84), attributes in the table's column order. */
export function toGeoJson(table: ExportTable): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    name: table.name,
    features: table.rows.map((r) => ({
      type: 'Feature',
      geometry: r.geometry,
      properties: Object.fromEntries(table.fields.map((f) => [f.name, r.properties[f.name] ?? null])),
    })),
  })
}
