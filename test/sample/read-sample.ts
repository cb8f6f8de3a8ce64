/**
 * Readers for the committed sample city (data/sample), shared by the sample tests.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import type { FeatureCollection, Geometry } from 'geojson'
import { projectRoot } from '../helpers/paths'

/** Folder of the committed sample. */
export const sampleDir = resolve(projectRoot, 'data/sample')

/** Raw bytes of a sample file. */
export function sampleBytes(name: string): Buffer {
  return readFileSync(resolve(sampleDir, name))
}

/** A parsed GeoJSON FeatureCollection of the sample. */
export function sampleGeoJson<G extends Geometry = Geometry, P = Record<string, unknown>>(name: string): FeatureCollection<G, P> {
  return JSON.parse(sampleBytes(name).toString('utf8')) as FeatureCollection<G, P>
}

/** A parsed JSON file of the sample. */
export function sampleJson<T>(name: string): T {
  return JSON.parse(sampleBytes(name).toString('utf8')) as T
}

/** Text of a gzipped sample file. */
export function sampleGzText(name: string): string {
  return gunzipSync(sampleBytes(name)).toString('utf8')
}

/** One row of cases.csv.gz. */
export interface CaseRow {
  case_id: string
  reported_at: string
  dispatched_at: string
  due_at: string
  closed_at: string
  status: string
  category_code: string
  category_zh: string
  source: string
  address: string
  lon: string
  lat: string
}

/** The header of cases.csv.gz, exactly. */
export const CASES_HEADER = 'case_id,reported_at,dispatched_at,due_at,closed_at,status,category_code,category_zh,source,address,lon,lat'

/** Parses cases CSV text with csv-parse (header row → object keys). */
export function parseCases(text: string): CaseRow[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as CaseRow[]
}

/** Track fixes as columns: worker ids, epoch ms, lon, lat. */
export interface TrackColumns {
  worker: string[]
  time: Float64Array
  lon: Float64Array
  lat: Float64Array
  /** the raw row text, same order */
  lines: string[]
}

/** Parses tracks CSV text (`worker_id,time,lon,lat`). */
export function parseTracks(text: string): TrackColumns {
  const lines = text.split('\n')
  if (lines[0] !== 'worker_id,time,lon,lat') throw new Error(`Unexpected tracks header "${lines[0]}".`)
  const rows = lines.slice(1).filter((l) => l.length > 0)
  const out: TrackColumns = { worker: new Array(rows.length), time: new Float64Array(rows.length), lon: new Float64Array(rows.length), lat: new Float64Array(rows.length), lines: rows }
  rows.forEach((r, k) => {
    const f = r.split(',')
    out.worker[k] = f[0]
    out.time[k] = Date.parse(f[1])
    out.lon[k] = Number(f[2])
    out.lat[k] = Number(f[3])
  })
  return out
}

/** Local planar metres around a reference latitude (equirectangular; fine within a district). */
export function localMetres(lon: number, lat: number, lat0: number): [number, number] {
  const R = 6_371_008.8
  const rad = Math.PI / 180
  return [lon * rad * R * Math.cos(lat0 * rad), lat * rad * R]
}
