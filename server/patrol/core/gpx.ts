/**
 * GPX tracks → GeoJSON features ready for `addGeoJsonFeatures`.
 *
 * togeojson does the conversion, but it silently skips points without lat/lon, keeps a times
 * array that shifts when a point has no <time>, and drops one-point segments. A patrol record
 * must not lose or misdate fixes quietly, so every <trkpt> is checked on the DOM first (errors
 * carry its line number) and one-point segments come back as Point features.
 */
import { gpx } from '@tmcw/togeojson'
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom'
import type { Feature, Geometry } from 'geojson'
import { readLonLat, readTime, TrackInputError, type TimeReader } from './tracks-input'

/** Track features of one GPX file, with a location label per feature for messages. */
export interface GpxFeatures {
  features: Feature<Geometry>[]
  labels: string[]
  warnings: string[]
}

function childText(el: XmlElement, tag: string): string | undefined {
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as XmlElement).localName === tag) return (c.textContent ?? '').trim()
  }
  return undefined
}

/**
 * Parses GPX text and returns its tracks (<trk>) as LineString/MultiLineString features with
 * `coordinateProperties.times`, plus Point features for one-point segments. Each feature's
 * `worker` property is `worker` when given, else the track's <name>. Waypoints and routes carry no
 * patrol times and are skipped with a warning.
 * @throws TrackInputError for malformed XML, a non-GPX root, a point without valid lat/lon/time
 *   (naming its line), or a track without a worker
 */
export function gpxTrackFeatures(text: string, read: TimeReader, worker?: string): GpxFeatures {
  let doc
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message)
      },
    }).parseFromString(text, 'text/xml')
  } catch (e) {
    throw TrackInputError('GPX', `not well-formed XML: ${(e as Error).message}`, { where: 'GPX', field: 'xml', value: null })
  }
  const root = doc.documentElement
  if (!root || root.localName !== 'gpx') {
    throw TrackInputError('GPX', `root element is <${root?.nodeName ?? ''}>, not <gpx>`, { where: 'GPX', field: 'root', value: root?.nodeName })
  }

  const features: Feature<Geometry>[] = []
  const labels: string[] = []
  const warnings: string[] = []
  const lineLabels: string[] = []
  const lineWorkers: string[] = []
  const trks = root.getElementsByTagName('trk')
  for (let k = 0; k < trks.length; k++) {
    const trk = trks[k]
    const name = childText(trk, 'name')
    const label = `GPX track ${k + 1}${name ? ` "${name}"` : ''}`
    const w = worker ?? name
    if (!w) throw TrackInputError(label, 'has no <name> to use as worker; give the worker with the upload', { where: label, field: 'worker', value: null })
    let longSegments = 0
    const segs = trk.getElementsByTagName('trkseg')
    for (let s = 0; s < segs.length; s++) {
      const pts = segs[s].getElementsByTagName('trkpt')
      for (let i = 0; i < pts.length; i++) {
        const pt = pts[i]
        const at = `GPX line ${pt.lineNumber} (track ${k + 1}, point ${i + 1})`
        const [lon, lat] = readLonLat(pt.getAttribute('lon'), pt.getAttribute('lat'), at)
        const time = childText(pt, 'time')
        const t = readTime(read, time, at)
        if (pts.length === 1) {
          features.push({ type: 'Feature', properties: { worker: w, time: t }, geometry: { type: 'Point', coordinates: [lon, lat] } })
          labels.push(at)
        }
      }
      if (pts.length >= 2) longSegments++
    }
    if (longSegments > 0) {
      lineLabels.push(label)
      lineWorkers.push(w)
    }
  }

  // togeojson emits one feature per <trk> holding a segment of two or more points, in document order.
  const lines = gpx(doc).features.filter((f) => f.properties?._gpxType === 'trk')
  if (lines.length !== lineLabels.length) throw new Error(`GPX converter returned ${lines.length} tracks, expected ${lineLabels.length}`)
  lines.forEach((f, j) => {
    features.push({ ...f, properties: { ...f.properties, worker: lineWorkers[j] } } as Feature<Geometry>)
    labels.push(lineLabels[j])
  })

  const wpts = root.getElementsByTagName('wpt').length
  const rtes = root.getElementsByTagName('rte').length
  if (wpts || rtes) warnings.push(`GPX has ${wpts} waypoint(s) and ${rtes} route(s) without patrol times; only tracks (<trk>) are read`)
  return { features, labels, warnings }
}
