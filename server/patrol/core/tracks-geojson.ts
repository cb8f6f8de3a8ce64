/**
 * GeoJSON track features → fixes. Used for GeoJSON uploads and for GPX after togeojson.
 *
 * Two shapes carry tracks: Point features with worker and time properties (one fix each), and
 * LineString / MultiLineString features with one time per coordinate in `coordTimes` (Mapbox and
 * toGeoJSON KML), `coordinateProperties.times` (toGeoJSON GPX) or `times`.
 */
import type { Feature, Geometry } from 'geojson'
import type { FixCollector } from './tracks-fixes'
import { FIELD_ALIASES, readLonLat, readOptional, readTime, readWorker, TrackInputError, type TimeReader } from './tracks-input'

/** Property names of the worker and time; by default the first of FIELD_ALIASES present on each feature. */
export interface TrackProperties {
  worker?: string
  time?: string
  accuracy?: string
  speed?: string
}

/** How features are read. */
export interface GeoJsonReadContext {
  collector: FixCollector
  readTime: TimeReader
  properties: TrackProperties
  /** worker for features that carry none */
  worker?: string
  /** location label of feature `k` (0-based), e.g. 'Feature 3' or 'Track 2 "morning"' */
  label: (k: number) => string
}

function pick(props: Record<string, unknown>, name: string | undefined, aliases: readonly string[]): unknown {
  if (name !== undefined) return props[name]
  for (const a of aliases) if (props[a] !== undefined) return props[a]
  // property names from Excel-made files often differ in case only
  const lower = new Map(Object.keys(props).map((k) => [k.toLowerCase(), k]))
  for (const a of aliases) {
    const k = lower.get(a)
    if (k !== undefined) return props[k]
  }
  return undefined
}

function lineTimes(props: Record<string, unknown>): unknown {
  const cp = props.coordinateProperties as Record<string, unknown> | undefined
  return props.coordTimes ?? cp?.times ?? props.times
}

/**
 * Adds the fixes of `features` to the collector; points are numbered 1, 2, … across all features
 * (the `source` of each fix).
 * @throws TrackInputError naming the feature, point and field
 */
export function addGeoJsonFeatures(features: readonly Feature<Geometry | null>[], ctx: GeoJsonReadContext): void {
  let ordinal = 0
  for (let k = 0; k < features.length; k++) {
    const f = features[k]
    const where = ctx.label(k)
    const props = (f.properties ?? {}) as Record<string, unknown>
    const g = f.geometry
    if (!g) throw TrackInputError(where, 'geometry is empty', { where, field: 'geometry', value: null })
    const workerValue = pick(props, ctx.properties.worker, FIELD_ALIASES.worker) ?? ctx.worker
    const worker = readWorker(workerValue, where)
    if (g.type === 'Point') {
      const [lon, lat] = readLonLat(g.coordinates[0], g.coordinates[1], where)
      const t = readTime(ctx.readTime, pick(props, ctx.properties.time, FIELD_ALIASES.time), where)
      const acc = readOptional(pick(props, ctx.properties.accuracy, FIELD_ALIASES.accuracy), where, 'accuracy')
      const spd = readOptional(pick(props, ctx.properties.speed, FIELD_ALIASES.speed), where, 'speed')
      ctx.collector.add(worker, t, lon, lat, ++ordinal, acc, spd)
    } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
      const parts = g.type === 'LineString' ? [g.coordinates] : g.coordinates
      const times = lineTimes(props)
      const timeParts = g.type === 'LineString' ? [times] : times
      if (!Array.isArray(timeParts) || timeParts.length !== parts.length || !timeParts.every(Array.isArray)) {
        throw TrackInputError(where, `${g.type} has no time per coordinate (coordTimes or coordinateProperties.times)`,
          { where, field: 'coordTimes', value: times })
      }
      for (let p = 0; p < parts.length; p++) {
        const coords = parts[p]
        const ts = timeParts[p] as unknown[]
        const part = parts.length > 1 ? `, line ${p + 1}` : ''
        if (ts.length !== coords.length) {
          throw TrackInputError(`${where}${part}`, `${coords.length} coordinates but ${ts.length} times`,
            { where, field: 'coordTimes', value: ts.length })
        }
        for (let i = 0; i < coords.length; i++) {
          const at = `${where}${part}, point ${i + 1}`
          const [lon, lat] = readLonLat(coords[i][0], coords[i][1], at)
          ctx.collector.add(worker, readTime(ctx.readTime, ts[i], at), lon, lat, ++ordinal)
        }
      }
    } else {
      throw TrackInputError(where, `geometry ${g.type} is not a track (use Point features or LineStrings with coordTimes)`,
        { where, field: 'geometry', value: g.type })
    }
  }
}
