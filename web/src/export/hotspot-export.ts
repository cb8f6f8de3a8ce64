/**
 * Exports of the leader view's hotspot layers as the map shows them: cell statistics, Gi*,
 * emerging hot spots (the layout's cells with each row's values), recurring-problem spots (their
 * hulls) as GeoJSON (RFC 7946, WGS84) and CSV (UTF-8 with BOM, see ./tabular.ts). Lists (the
 * per-step series of an emerging cell) are `;`-joined in CSV and arrays in GeoJSON; objects
 * (cases per category) are JSON text in CSV. The density raster is exported by the server's
 * renderer, which knows its projected grid (`/api/analyses/:id/result.csv|geojson`).
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { ClusterFeature, EmergingTime } from '../api/analyses'
import { type CellGeometry, cellPolygons } from '../layers/cells-layer'
import { EMERGING_NAMES, emergingSwatchCss } from '../layers/emerging-layer'
import { toCsv, UTF8_BOM } from './tabular'

/** One CSV value of a record: lists joined with `;`, objects as JSON, null as empty. */
function csvValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : String(x))).join(';')
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return v
}

/** Records as CSV; the header is `columns`, else the union of the records' keys in first-seen order. */
export function recordsCsv(records: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): string {
  let header = columns
  if (!header) {
    const seen = new Set<string>()
    for (const r of records) for (const k of Object.keys(r)) seen.add(k)
    header = [...seen]
  }
  return toCsv(header, records.map((r) => header.map((k) => csvValue(r[k]))))
}

/** Text with a byte-order mark (once), for CSV the server rendered. */
export function withBom(text: string): string {
  return text.startsWith(UTF8_BOM) ? text : UTF8_BOM + text
}

/** A cell's GeoJSON geometry: Polygon for one part, MultiPolygon for several, null for none. */
export function cellGeometry(geom: CellGeometry, cell: number): Geometry | null {
  if (cell < 0 || cell >= geom.cells) return null
  const polys = cellPolygons(geom, cell)
  if (!polys.length) return null
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys }
}

/** Rows keyed by `cell` as features with the cells' outlines. */
export function cellRowsGeoJson(geom: CellGeometry, rows: ReadonlyArray<Record<string, unknown>>): FeatureCollection<Geometry | null> {
  const features: Array<Feature<Geometry | null>> = rows.map((r) => ({ type: 'Feature', geometry: cellGeometry(geom, Number(r.cell)), properties: { ...r } }))
  return { type: 'FeatureCollection', features }
}

/**
 * Emerging rows with what a reader of the file needs beside the server's columns: the category
 * name in the interface language, the map's swatch colour, and the first day of each
 * significant step (the step indices alone mean nothing outside the map).
 */
export function emergingRecords(rows: ReadonlyArray<Record<string, unknown>>, time: EmergingTime | null, lang: 'zh' | 'en'): Array<Record<string, unknown>> {
  const day = (i: unknown) => time?.step_starts[Number(i)] ?? String(i)
  return rows.map((r) => {
    const code = Number(r.category)
    const { reason_zh, reason_en, hot_steps, cold_steps, series_cases, series_z, ...rest } = r
    return {
      ...rest,
      category_name: EMERGING_NAMES[code]?.[lang] ?? r.category_key,
      map_color: emergingSwatchCss(code),
      reason: lang === 'zh' ? reason_zh : reason_en,
      hot_steps: (hot_steps as unknown[] | undefined)?.map(day) ?? [],
      cold_steps: (cold_steps as unknown[] | undefined)?.map(day) ?? [],
      series_cases,
      series_z,
    }
  })
}

/** Recurring-problem spots as records: their properties (categories become JSON text in CSV). */
export function clusterRecords(features: readonly ClusterFeature[]): Array<Record<string, unknown>> {
  return features.map((f) => ({ ...f.properties }))
}

/** Recurring-problem spots as GeoJSON (hulls, lines or points as the server drew them). */
export function clustersGeoJson(features: readonly ClusterFeature[]): FeatureCollection<Geometry | null> {
  return { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { ...f.properties } })) }
}

/** File name of a layer export, e.g. `wangge-emerging-a12-2025-03-01_2025-04-01.csv`. */
export function hotspotFileName(layer: string, analysisId: number, stamp: string, ext: 'csv' | 'geojson'): string {
  return `wangge-${layer}-a${analysisId}-${stamp}.${ext}`
}

/** What an export starts from (see `LeaderHotspots.exportSource`). */
export interface HotspotExportSource {
  layer: 'density' | 'cells' | 'gi' | 'clusters' | 'emerging'
  analysis: { id: number }
  geom: CellGeometry | null
  rows: ReadonlyArray<Record<string, unknown>>
  time?: EmergingTime | null
  clusters?: readonly ClusterFeature[]
}

/** A file to save. */
export interface ExportFile {
  filename: string
  text: string
  mime: string
}

/**
 * The file of a hotspot layer export built from what the map loaded; null for the density
 * raster, whose cells only the server can outline exactly (fetch `result.csv|geojson` instead).
 */
export function hotspotExportFile(src: HotspotExportSource, format: 'csv' | 'geojson', opts: { lang: 'zh' | 'en'; stamp: string }): ExportFile | null {
  const name = hotspotFileName(src.layer, src.analysis.id, src.layer === 'emerging' && src.time ? `${src.time.start}_${src.time.end}` : opts.stamp, format)
  const csv = (text: string): ExportFile => ({ filename: name, text, mime: 'text/csv' })
  const json = (fc: unknown): ExportFile => ({ filename: name, text: JSON.stringify(fc), mime: 'application/geo+json' })
  if (src.layer === 'density') return null
  if (src.layer === 'clusters') return format === 'csv' ? csv(recordsCsv(clusterRecords(src.clusters ?? []))) : json(clustersGeoJson(src.clusters ?? []))
  const rows = src.layer === 'emerging' ? emergingRecords(src.rows, src.time ?? null, opts.lang) : src.rows
  if (format === 'csv') return csv(recordsCsv(rows))
  const fc = cellRowsGeoJson(src.geom!, rows)
  // the axis of the series, so the file explains itself in any GIS
  return json(src.layer === 'emerging' && src.time ? { ...fc, time: { step: src.time.step, start: src.time.start, end: src.time.end, step_starts: src.time.step_starts } } : fc)
}
