import type { Feature, LineString, Position } from 'geojson'
import type { Database } from '../db/connect'
import { parseDeclaredCrs } from '../imports/crs'
import { geometryToWgs84, prop, readFeatureFile } from '../imports/geojson'
import { ImportReport } from '../imports/report'
import { finishImport, type SimpleImportResult } from '../imports/record'

export type BasemapLayer = 'streets' | 'water' | 'pois'

/** OSM highway values grouped into the classes the map and routing use. */
const OSM_CLASS: Record<string, string> = {
  motorway: 'arterial', trunk: 'arterial', primary: 'arterial', secondary: 'secondary', tertiary: 'secondary',
  residential: 'local', unclassified: 'local', living_street: 'lane', service: 'lane', pedestrian: 'lane',
  footway: 'lane', path: 'lane', steps: 'lane', track: 'lane', cycleway: 'lane',
}

/**
 * Imports street lines (GeoJSON or zipped Shapefile; MultiLineStrings split into parts), water
 * bodies or points of interest into the base-map tables. A street network replaces the previous
 * network of the same name; lengths are metres on the spheroid.
 */
export async function importBasemap(
  db: Database, layer: BasemapLayer, path: string,
  opts: { filename?: string; crs?: string; network?: string } = {},
): Promise<SimpleImportResult> {
  const filename = opts.filename ?? path
  const fc = await readFeatureFile(path, filename, `GeoJSON of ${layer}`)
  const crs = parseDeclaredCrs(opts.crs)
  const report = new ImportReport()
  const rows: Record<string, unknown>[] = []
  fc.features.forEach((f: Feature, k) => {
    const row = k + 1
    if (!f.geometry) return report.reject(row, 'geometry', 'null', 'WG_BAD_GEOMETRY', 'feature has no geometry')
    const g = geometryToWgs84(f.geometry, crs)
    const name_zh = prop(f, 'name_zh') || prop(f, 'name') || null
    const name_en = prop(f, 'name_en') || null
    if (layer === 'streets') {
      const parts: Position[][] = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : []
      if (!parts.length) return report.reject(row, 'geometry', g.type, 'WG_BAD_GEOMETRY', 'a street must be a LineString or MultiLineString')
      const cls = prop(f, 'class') || OSM_CLASS[prop(f, 'highway')] || prop(f, 'highway') || null
      for (const coords of parts) {
        if (coords.length < 2) continue
        rows.push({
          external_id: prop(f, 'id') || prop(f, 'osm_id') || null, class: cls, name_zh, name_en,
          low_lying: f.properties?.low_lying === true, geom: JSON.stringify({ type: 'LineString', coordinates: coords } as LineString),
          attrs: JSON.stringify(f.properties ?? {}),
        })
      }
    } else if (layer === 'pois') {
      if (g.type !== 'Point') return report.reject(row, 'geometry', g.type, 'WG_BAD_GEOMETRY', 'a point of interest must be a Point')
      rows.push({ external_id: prop(f, 'id') || null, kind: prop(f, 'kind') || 'other', name_zh, name_en, geom: JSON.stringify(g), attrs: JSON.stringify(f.properties ?? {}) })
    } else {
      rows.push({ kind: prop(f, 'kind') || 'water', name_zh, name_en, geom: JSON.stringify(g) })
    }
  })
  const [{ id }] = await db.knex('imports').insert({ kind: `basemap-${layer}`, filename }).returning('id')
  const network = opts.network ?? 'default'
  await db.knex.transaction(async (trx) => {
    if (layer === 'streets') await trx('streets').where({ network }).delete()
    else await trx(layer).delete()
    const BATCH = 2000
    for (let a = 0; a < rows.length; a += BATCH) {
      const batch = rows.slice(a, a + BATCH)
      const geomExpr = "ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326)"
      if (layer === 'streets') {
        await trx.raw(
          `INSERT INTO streets (network, external_id, class, name_zh, name_en, low_lying, geom, length_m, attrs)
           SELECT ?, r.external_id, r.class, r.name_zh, r.name_en, r.low_lying, g, ST_Length(g::geography), r.attrs
           FROM jsonb_to_recordset(?::jsonb) AS r(external_id text, class text, name_zh text, name_en text, low_lying boolean, geom text, attrs jsonb)
           CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326) AS g) x`,
          [network, JSON.stringify(batch)])
      } else if (layer === 'pois') {
        await trx.raw(
          `INSERT INTO pois (external_id, kind, name_zh, name_en, geom, attrs)
           SELECT r.external_id, r.kind, r.name_zh, r.name_en, ${geomExpr.replace('geojson', 'r.geom')}, r.attrs
           FROM jsonb_to_recordset(?::jsonb) AS r(external_id text, kind text, name_zh text, name_en text, geom text, attrs jsonb)`,
          [JSON.stringify(batch)])
      } else {
        await trx.raw(
          `INSERT INTO water (kind, name_zh, name_en, geom)
           SELECT r.kind, r.name_zh, r.name_en, ${geomExpr.replace('geojson', 'r.geom')}
           FROM jsonb_to_recordset(?::jsonb) AS r(kind text, name_zh text, name_en text, geom text)`,
          [JSON.stringify(batch)])
      }
    }
  })
  const counts = { rows: fc.features.length, stored: rows.length, rejected: report.rejectedRows }
  return finishImport(db, id, report, counts)
}
