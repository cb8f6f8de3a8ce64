/**
 * Layer exports as text: GeoJSON (RFC 7946, WGS84) and CSV (UTF-8 with BOM so Excel on a
 * Chinese-locale Windows opens the names correctly; RFC 4180 quoting).
 */
import type { Feature, FeatureCollection, Point, Polygon } from 'geojson'
import { cellToBoundary } from 'h3-js'
import type { CaseFeature } from '../api/types'
import type { HexBin } from '../layers/hex-bins'

/** Byte-order mark: Excel reads a BOM-less CSV as the ANSI code page and garbles 中文. */
export const UTF8_BOM = '\uFEFF'

/** One CSV field, quoted when it holds a comma, quote, CR or LF. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? v : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Rows → CSV text with CRLF line ends and a BOM. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const lines = [header.map(csvField).join(',')]
  for (const r of rows) lines.push(r.map(csvField).join(','))
  return UTF8_BOM + lines.join('\r\n') + '\r\n'
}

/** Case points as CSV: one row per case, lon/lat in WGS84 degrees (6 decimals ≈ 0.1 m). */
export function casesCsv(cases: readonly CaseFeature[], categoryName: (code: string) => string): string {
  const header = ['id', 'external_id', 'category_code', 'category_name', 'source', 'status', 'reported_at', 'due_at', 'closed_at', 'stacked', 'lon', 'lat']
  const rows = cases.map((f) => {
    const p = f.properties
    const [lon, lat] = f.geometry.coordinates
    return [p.id, p.external_id, p.category_code, categoryName(p.category_code), p.source, p.status, p.reported_at, p.due_at, p.closed_at, p.stacked ? 1 : 0, lon.toFixed(6), lat.toFixed(6)]
  })
  return toCsv(header, rows)
}

/** Case points as a GeoJSON FeatureCollection (properties as served, plus the category name). */
export function casesGeoJson(cases: readonly CaseFeature[], categoryName: (code: string) => string): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: cases.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { ...f.properties, category_name: categoryName(f.properties.category_code) } })),
  }
}

/** Hexagon counts as GeoJSON polygons (closed rings, [lon, lat] order). */
export function hexGeoJson(bins: readonly HexBin[], res: number): FeatureCollection<Polygon> {
  const features: Array<Feature<Polygon>> = bins.map((b) => {
    const ring = cellToBoundary(b.hex, true) // true → [lng, lat] as GeoJSON wants
    if (ring.length && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1])) ring.push(ring[0])
    return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { h3: b.hex, res, n: b.n } }
  })
  return { type: 'FeatureCollection', features }
}

/** Hexagon counts as CSV (H3 index, resolution, count). */
export function hexCsv(bins: readonly HexBin[], res: number): string {
  return toCsv(['h3', 'res', 'n'], bins.map((b) => [b.hex, res, b.n]))
}
