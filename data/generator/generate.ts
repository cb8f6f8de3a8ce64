/**
 * Generates the deterministic sample city 望格区 into data/sample/ (or any folder):
 *
 *   npx tsx data/generator/generate.ts [--out DIR] [--seed N]
 *
 * The same seed gives byte-identical files on the same Node/zlib build.
 */
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { area as turfArea } from '@turf/turf'
import type { Pt } from './geom'
import { warp, metricToLonLat, lonLatToMetric, EPSG_4549, ORIGIN_EN, CENTER_LONLAT } from './frame'
import { DISTRICT, STREETS, COMMUNITIES } from './layout'
import { buildPartition, regionOf, type Partition } from './district'
import { buildStreets, type StreetSegment } from './streets'
import { buildRiver, RIVER_NAME } from './water'
import { buildPois, type Poi } from './pois'
import { loadTaxonomy } from './taxonomy'
import { CityIndex, type CommunityShape } from './places'
import { generateCases } from './cases'
import { type Truth, gridWorkload } from './truth'
import { assignWorkers, type Worker } from './workers'
import { generateTracks, TRACK_FIRST_DAY, TRACK_DAYS, type TrackStats } from './tracks'

export type { Truth }
import { featureCollection, writeOut, gzipText, type OutFeature } from './io'

/** Seed of the committed sample. */
export const DEFAULT_SEED = 20250101

/** Files of the sample, in the order they are written. */
export const SAMPLE_FILES = [
  'districts.geojson', 'grids.geojson', 'streets.geojson', 'water.geojson', 'pois.geojson',
  'workers.json', 'cases.csv.gz', 'tracks.csv.gz', 'truth.json',
] as const
/** Name of one sample file. */
export type SampleFile = (typeof SAMPLE_FILES)[number]

/** Options of `generateSampleCity`. */
export interface GenerateOptions {
  /** folder to write into (created when missing) */
  outDir: string
  /** PRNG seed; DEFAULT_SEED reproduces the committed files */
  seed?: number
  /** workers whose tracks are generated (default: all); [] leaves tracks.csv.gz out, e.g. for quick checks */
  trackWorkers?: readonly string[]
}

/** What a run produced: file contents and their SHA-256. */
export interface GenerateResult {
  files: Map<SampleFile, Buffer>
  sha256: Map<SampleFile, string>
  truth: Truth
}

const closeRing = (ring: Pt[]): Pt[] => [...ring, ring[0]]
const toLonLatPolys = (polys: Pt[][][]): Pt[][][] =>
  polys.map((poly) => poly.map((ring) => closeRing(ring.map((p) => { const m = warp(p[0], p[1]); return metricToLonLat(m[0], m[1]) }))))
const toMetricPolys = (polys: Pt[][][]): Pt[][][] => polys.map((poly) => poly.map((ring) => ring.map((p) => warp(p[0], p[1]))))

function districtFeatures(p: Partition): OutFeature[] {
  const zero = new Int32Array(p.graph.faces.length)
  const streetOf = Int32Array.from(p.community, (c) => STREETS.findIndex((s) => s.code === COMMUNITIES[c].parent_code))
  const feature = (props: Record<string, unknown>, polys: Pt[][][]): OutFeature => ({ properties: props, geometry: { type: 'MultiPolygon', coordinates: toLonLatPolys(polys) } })
  return [
    feature({ level: 'district', ...DISTRICT }, regionOf(p, zero, 0)),
    ...STREETS.map((s, k) => feature({ level: 'street', code: s.code, parent_code: DISTRICT.code, name_zh: s.name_zh, name_en: s.name_en }, regionOf(p, streetOf, k))),
    ...COMMUNITIES.map((c, k) => feature({ level: 'community', code: c.code, parent_code: c.parent_code, name_zh: c.name_zh, name_en: c.name_en }, regionOf(p, p.community, k))),
  ]
}

function streetFeatures(streets: readonly StreetSegment[]): OutFeature[] {
  return streets.map((s) => ({
    properties: { id: s.id, class: s.cls, name_zh: s.name_zh, name_en: s.name_en, low_lying: s.low_lying },
    geometry: { type: 'LineString', coordinates: s.lonlat },
  }))
}

function poiFeatures(pois: readonly Poi[]): OutFeature[] {
  return pois.map((p) => ({ properties: { id: p.id, kind: p.kind, name_zh: p.name_zh, name_en: p.name_en }, geometry: { type: 'Point', coordinates: p.lonlat } }))
}

/**
 * Builds every sample file in memory.
 * @param options.trackWorkers  workers whose tracks to generate (default all; [] = no tracks file).
 *   Each worker's fixes come from their own random stream, so a subset reproduces exactly their
 *   rows of the full file.
 */
export function buildSampleCity(seed = DEFAULT_SEED, options: { trackWorkers?: readonly string[] } = {}): GenerateResult {
  const files = new Map<SampleFile, Buffer>()
  const taxonomy = loadTaxonomy()
  const partition = buildPartition()
  const streets = buildStreets(seed)
  const river = buildRiver()
  const pois = buildPois()

  const districts = districtFeatures(partition)
  files.set('districts.geojson', Buffer.from(featureCollection(districts)))
  files.set('streets.geojson', Buffer.from(featureCollection(streetFeatures(streets))))
  files.set('water.geojson', Buffer.from(featureCollection([
    { properties: { kind: 'river', ...RIVER_NAME }, geometry: { type: 'Polygon', coordinates: [river.polygon.map((p) => metricToLonLat(p[0], p[1]))] } },
    { properties: { kind: 'river_centerline', ...RIVER_NAME }, geometry: { type: 'LineString', coordinates: river.centerline.map((p) => metricToLonLat(p[0], p[1])) } },
  ])))
  files.set('pois.geojson', Buffer.from(featureCollection(poiFeatures(pois))))

  // spatial look-ups for cases: outline and communities in the local metric frame
  const zero = new Int32Array(partition.graph.faces.length)
  const outlineDesign = regionOf(partition, zero, 0)
  if (outlineDesign.length !== 1 || outlineDesign[0].length !== 1) throw new Error('Unexpected district: it must be one polygon without holes.')
  const outline = outlineDesign[0][0].map((p) => warp(p[0], p[1]))
  const outlineLonLat = outline.map((p) => metricToLonLat(p[0], p[1]))
  const communities: CommunityShape[] = COMMUNITIES.map((c, k) => {
    const polygons = toMetricPolys(regionOf(partition, partition.community, k))
    const xs = polygons.flatMap((poly) => poly[0].map((p) => p[0]))
    const ys = polygons.flatMap((poly) => poly[0].map((p) => p[1]))
    const street = STREETS.find((s) => s.code === c.parent_code)!
    return { code: c.code, street_zh: street.name_zh, polygons, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] }
  })
  const index = new CityIndex(streets, communities, outline, outlineLonLat, river.polygon)
  const cases = generateCases({ seed, taxonomy, index, pois })
  files.set('cases.csv.gz', gzipText(cases.csv))

  // grids and their workers; workload = cases whose published point falls in the grid
  const workers = assignWorkers(seed, partition, pois)
  const workerOf = new Map<number, string>()
  for (const w of workers) for (const g of w.grids) workerOf.set(g, w.id)
  const gridPolysDesign = partition.grids.map((_, g) => regionOf(partition, partition.grid, g))
  const gridPolysMetric = gridPolysDesign.map(toMetricPolys)
  files.set('grids.geojson', Buffer.from(featureCollection(partition.grids.map((g, k) => ({
    properties: { code: g.code, name_zh: g.name_zh, worker_id: workerOf.get(k)! },
    geometry: { type: 'MultiPolygon', coordinates: toLonLatPolys(gridPolysDesign[k]) },
  })))))
  const workload = gridWorkload(cases.csv, partition.grids.map((_, k) => toLonLatPolys(gridPolysDesign[k])))
  files.set('workers.json', Buffer.from(JSON.stringify(workers.map((w: Worker) => ({
    id: w.id, name_zh: w.name_zh, community_codes: w.community_codes, office: w.office, shift_hours: w.shift_hours, rest_weekdays: w.rest_weekdays,
  })), null, 2) + '\n'))

  let trackStats: TrackStats = { fixes: 0, shifts: 0, gaps: 0, outliers: 0, hotspot_stops: 0, other_stops: 0 }
  const trackWorkers = options.trackWorkers ? workers.filter((w) => options.trackWorkers!.includes(w.id)) : workers
  if (trackWorkers.length > 0) {
    // workers linger where the cases are: every planted hotspot except the drains
    const lingerAt = cases.hotspots.filter((h) => h.kind !== 'drain').map((h) => lonLatToMetric(h.center[0], h.center[1]))
    const tracks = generateTracks(seed, trackWorkers, streets, gridPolysMetric, lingerAt)
    files.set('tracks.csv.gz', gzipText(tracks.csv))
    trackStats = tracks.stats
  }

  const districtPoly = districts[0].geometry as { type: 'MultiPolygon'; coordinates: Pt[][][] }
  const truth: Truth = {
    seed,
    frame: { crs: 'EPSG:4549', proj4: EPSG_4549, origin_en: ORIGIN_EN, center_lonlat: CENTER_LONLAT },
    district: { code: DISTRICT.code, area_km2: Math.round(turfArea({ type: 'MultiPolygon', coordinates: districtPoly.coordinates }) / 1e3) / 1e3 },
    hotspots: cases.hotspots,
    stacked_point: cases.stacked,
    grids_workload: workload,
    counts: {
      ...cases.counts,
      fixes: trackStats.fixes,
      subdistricts: STREETS.length,
      communities: COMMUNITIES.length,
      grids: partition.grids.length,
      workers: workers.length,
      street_segments: streets.length,
      low_lying_segments: streets.filter((s) => s.low_lying).length,
      bridges: streets.filter((s) => s.cls === 'bridge').length,
      pois: pois.length,
    },
    tracks: { ...trackStats, first_day: `2025-${String(TRACK_FIRST_DAY[0]).padStart(2, '0')}-${String(TRACK_FIRST_DAY[1]).padStart(2, '0')}`, days: TRACK_DAYS, workers: workers.length },
  }
  files.set('truth.json', Buffer.from(JSON.stringify(truth, null, 2) + '\n'))
  const sha256 = new Map<SampleFile, string>()
  for (const [name, buf] of files) sha256.set(name, createHash('sha256').update(buf).digest('hex'))
  return { files, sha256, truth }
}

/** Generates the sample city into `outDir` and returns what was written. */
export function generateSampleCity(options: GenerateOptions): GenerateResult {
  const result = buildSampleCity(options.seed ?? DEFAULT_SEED, { trackWorkers: options.trackWorkers })
  for (const [name, buf] of result.files) writeOut(resolve(options.outDir, name), buf)
  return result
}

/** Default output folder: data/sample beside the generator. */
export const SAMPLE_DIR = fileURLToPath(new URL('../sample/', import.meta.url))

function main(argv: string[]): void {
  let outDir = SAMPLE_DIR
  let seed = DEFAULT_SEED
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = resolve(argv[++i])
    else if (argv[i] === '--seed') seed = Number(argv[++i])
    else throw new Error(`Unexpected argument "${argv[i]}": use --out DIR and --seed N.`)
  }
  if (!Number.isInteger(seed)) throw new Error(`Unexpected seed value: ${seed}.`)
  const t0 = performance.now()
  const { files, truth } = generateSampleCity({ outDir, seed })
  for (const [name, buf] of files) process.stdout.write(`${name.padEnd(18)} ${(buf.length / 1024).toFixed(0).padStart(6)} KiB\n`)
  process.stdout.write(`cases ${truth.counts.cases}, fixes ${truth.counts.fixes}, ${((performance.now() - t0) / 1000).toFixed(1)} s → ${outDir}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
