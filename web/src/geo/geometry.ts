/**
 * Small planar geometry helpers on WGS84 lon/lat GeoJSON. Distances are in degrees, which is
 * adequate inside one city (a few tens of km) for containment tests and label placement —
 * nothing here measures lengths or areas.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson'

/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type BBox = [number, number, number, number]

/** Bounding box of every coordinate in a feature collection; null when it has none. */
export function bboxOf(fc: FeatureCollection | Feature[] | null | undefined): BBox | null {
  if (!fc) return null
  const feats = Array.isArray(fc) ? fc : fc.features
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const p = c as number[]
      if (p[0] < b[0]) b[0] = p[0]
      if (p[1] < b[1]) b[1] = p[1]
      if (p[0] > b[2]) b[2] = p[0]
      if (p[1] > b[3]) b[3] = p[1]
    } else for (const x of c as unknown[]) visit(x)
  }
  for (const f of feats) {
    const g = f.geometry as Geometry | null
    if (!g) continue
    if (g.type === 'GeometryCollection') for (const gg of g.geometries) if ('coordinates' in gg) visit(gg.coordinates)
    if ('coordinates' in g) visit(g.coordinates)
  }
  return Number.isFinite(b[0]) ? b : null
}

/** Even–odd ray casting on one ring (closed or not). */
function inRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0]
    const yi = ring[i][1]
    const xj = ring[j][0]
    const yj = ring[j][1]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** True when lon/lat lies inside a Polygon or MultiPolygon (holes respected). */
export function pointInPolygon(lon: number, lat: number, g: Polygon | MultiPolygon): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
  for (const rings of polys) {
    if (!rings.length || !inRing(lon, lat, rings[0])) continue
    let inHole = false
    for (let h = 1; h < rings.length; h++) if (inRing(lon, lat, rings[h])) inHole = true
    if (!inHole) return true
  }
  return false
}

/** Signed shoelace area of a ring in square degrees (positive counter-clockwise). */
function ringArea(ring: Position[]): number {
  let a = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
  return a / 2
}

/**
 * A point to hang a polygon's label on: the area centroid of its largest part when that lies
 * inside; otherwise the middle of the widest horizontal run through the part's centroid
 * latitude (crescent-shaped communities along a river have centroids outside themselves).
 */
export function labelPoint(g: Polygon | MultiPolygon): [number, number] | null {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
  let best: Position[][] | null = null
  let bestArea = -1
  for (const rings of polys) {
    if (!rings.length) continue
    const a = Math.abs(ringArea(rings[0]))
    if (a > bestArea) {
      bestArea = a
      best = rings
    }
  }
  if (!best) return null
  const outer = best[0]
  let cx = 0
  let cy = 0
  let a6 = 0
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const f = outer[j][0] * outer[i][1] - outer[i][0] * outer[j][1]
    cx += (outer[j][0] + outer[i][0]) * f
    cy += (outer[j][1] + outer[i][1]) * f
    a6 += f * 3
  }
  if (a6 === 0) return [outer[0][0], outer[0][1]]
  const c: [number, number] = [cx / a6, cy / a6]
  const part: Polygon = { type: 'Polygon', coordinates: best }
  if (pointInPolygon(c[0], c[1], part)) return c
  // widest inside run along the centroid's latitude
  const xs: number[] = []
  for (const ring of best) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j]
      const [x2, y2] = ring[i]
      if (y1 > c[1] !== y2 > c[1]) xs.push(x1 + ((c[1] - y1) * (x2 - x1)) / (y2 - y1))
    }
  }
  xs.sort((p, q) => p - q)
  let run: [number, number] | null = null
  for (let i = 0; i + 1 < xs.length; i += 2) if (!run || xs[i + 1] - xs[i] > run[1] - run[0]) run = [xs[i], xs[i + 1]]
  return run ? [(run[0] + run[1]) / 2, c[1]] : c
}

/** Finds which polygon of a collection holds a point; bounding boxes first, then exact tests. */
export class PolygonLookup<P> {
  private readonly boxes: BBox[]
  private readonly features: Array<Feature<Polygon | MultiPolygon, P>>

  constructor(features: ReadonlyArray<Feature<Polygon | MultiPolygon, P>>) {
    this.features = features.filter((f) => f.geometry)
    this.boxes = this.features.map((f) => bboxOf([f as Feature])!)
  }

  /** The first polygon containing lon/lat, or undefined. */
  find(lon: number, lat: number): Feature<Polygon | MultiPolygon, P> | undefined {
    for (let i = 0; i < this.features.length; i++) {
      const b = this.boxes[i]
      if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) continue
      if (pointInPolygon(lon, lat, this.features[i].geometry)) return this.features[i]
    }
    return undefined
  }
}
