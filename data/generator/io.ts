/**
 * Writers for the sample files: GeoJSON with one feature per line (readable diffs, streamable),
 * gzip with fixed settings so the bytes depend on the content alone.
 */
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Pt } from './geom'

/** A GeoJSON feature as written (geometry coordinates already in lon/lat). */
export interface OutFeature {
  properties: Record<string, unknown>
  geometry: { type: 'Point'; coordinates: Pt } | { type: 'LineString'; coordinates: Pt[] } | { type: 'Polygon'; coordinates: Pt[][] } | { type: 'MultiPolygon'; coordinates: Pt[][][] }
}

/** FeatureCollection text, one feature per line. */
export function featureCollection(features: readonly OutFeature[]): string {
  const lines = features.map((f) => JSON.stringify({ type: 'Feature', properties: f.properties, geometry: f.geometry }))
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`
}

/** Writes text (UTF-8) or bytes, creating the folder. */
export function writeOut(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

/** Gzip of a text at level 9; Node writes no file name and a zero mtime, so output is reproducible. */
export function gzipText(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 })
}
