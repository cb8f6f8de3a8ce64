/**
 * H3 candidate cells → the cells ready to store (hexagons wholly inside the scope whose centre
 * lies clearly inside one community: measured here, in TypeScript) and the cells PostGIS must
 * look at (near the scope's boundary, to clip or drop; centre within a centimetre of a community
 * boundary, to home exactly). Most cells of a district are of the first kind, so PostGIS parses,
 * clips and homes a few thousand cells instead of every one (16 s → see the layouts benchmark).
 * Hexagons come from cellToBoundary as flat lon/lat arrays, are projected once in a batch and
 * written straight to hex EWKB: no GeoJSON on the way.
 */
import KDBush from 'kdbush'
import { cellToBoundary } from 'h3-js'
import type { Projector } from '../../shared/coords'
import { ringEwkbHex } from '../../shared/wkb'
import type { CellOutline } from '../core/cell-graph'
import type { RingIndex } from '../core/ring-index'
import type { ReadyCells } from '../types'

/**
 * A hexagon counts as wholly inside the scope when its centre lies this far (m) plus its radius
 * from the scope's boundary: covers the difference between edges straight in degrees (PostGIS
 * clips in EPSG:4326) and straight in metres (the test here), which is micrometres at H3 sizes.
 */
const SCOPE_MARGIN_M = 0.5
/** centres closer than this (m) to a community boundary are homed by PostGIS, as the SQL path does */
const UNIT_MARGIN_M = 0.01
/**
 * Edge neighbours of a hexagon have their centres 2 apothems apart, the next ring 2√3 apothems:
 * pairs closer than this many apothems share an edge.
 */
const NEIGHBOUR_APOTHEMS = 2.5

export interface H3Split {
  /** measures the ready cells (EWKB, outlines, neighbour pairs): CPU work a caller may overlap with the PostGIS cells' query */
  ready(): ReadyCells
  /** positions in `ids` of the cells PostGIS decides */
  postgis: number[]
  /** lon/lat vertices of every candidate (closed rings): cell i holds vertices start[i] .. start[i + 1] - 1 */
  lon: Float64Array
  lat: Float64Array
  start: Uint32Array
}

/**
 * Splits candidate cells (see h3Candidates).
 * @param ids     H3 indexes
 * @param scope   the scope's outline (metric CRS), one polygon
 * @param units   layout_units outlines (metric CRS), ids = unit_id
 * @param proj    WGS84 ↔ the metric CRS
 * Containment needs no say here: far from the scope's boundary 'center' and 'overlap' keep the
 * same cells, and the boundary cells go to PostGIS, which applies it.
 */
export function splitH3Cells(ids: string[], scope: RingIndex, units: RingIndex, proj: Projector): H3Split {
  const n = ids.length
  const start = new Uint32Array(n + 1)
  let lon = new Float64Array(n * 7)
  let lat = new Float64Array(n * 7)
  let v = 0
  for (let i = 0; i < n; i++) {
    start[i] = v
    const b = cellToBoundary(ids[i], true)
    if (v + b.length > lon.length) {
      const grow = (a: Float64Array) => { const c = new Float64Array(Math.max(2 * a.length, v + b.length)); c.set(a); return c }
      lon = grow(lon); lat = grow(lat)
    }
    for (const p of b) { lon[v] = p[0]; lat[v] = p[1]; v++ }
  }
  start[n] = v
  lon = lon.subarray(0, v); lat = lat.subarray(0, v)
  const { x, y } = proj.forward(lon, lat)

  const keep: number[] = []
  const unit: number[] = []
  const area: number[] = []
  const cxs: number[] = []
  const cys: number[] = []
  const postgis: number[] = []
  for (let i = 0; i < n; i++) {
    const v0 = start[i], v1 = start[i + 1]
    // shoelace about the first vertex: metric coordinates are ~10⁶ m, whose products would
    // cancel to centimetres in the centroid
    const x0 = x[v0], y0 = y[v0]
    let a2 = 0, sx = 0, sy = 0
    for (let k = v0; k + 1 < v1; k++) {
      const ax = x[k] - x0, ay = y[k] - y0, bx = x[k + 1] - x0, by = y[k + 1] - y0
      const cr = ax * by - bx * ay
      a2 += cr; sx += (ax + bx) * cr; sy += (ay + by) * cr
    }
    const cx = sx / (3 * a2) + x0, cy = sy / (3 * a2) + y0
    let r = 0
    for (let k = v0; k < v1; k++) r = Math.max(r, Math.hypot(x[k] - cx, y[k] - cy))
    if (scope.near(cx, cy, r + SCOPE_MARGIN_M)) { postgis.push(i); continue }
    // units lie in the scope: a centre in a unit is in the scope
    const u = units.locate(cx, cy)
    if (u < 0) {
      // wholly outside, whatever the containment; inside: a piece too small to be a unit
      if (scope.locate(cx, cy) >= 0) postgis.push(i)
      continue
    }
    if (units.near(cx, cy, UNIT_MARGIN_M)) { postgis.push(i); continue }
    keep.push(i); unit.push(u); area.push(Math.abs(a2) / 2); cxs.push(cx); cys.push(cy)
  }
  return { ready: () => readyCells(ids, keep, unit, area, cxs, cys, lon, lat, x, y, start, proj), postgis, lon, lat, start }
}

function readyCells(
  ids: string[], keep: number[], unit: number[], area: number[], cxs: number[], cys: number[],
  lon: Float64Array, lat: Float64Array, x: Float64Array, y: Float64Array, start: Uint32Array, proj: Projector,
): ReadyCells {
  const m = keep.length
  const cx = Float64Array.from(cxs), cy = Float64Array.from(cys)
  const centre = proj.inverse(cx, cy)
  let nv = 0
  for (const i of keep) nv += start[i + 1] - start[i]
  const coords = new Float64Array(2 * nv)
  const ringStarts = new Map<number, Uint32Array>()
  const outlines: CellOutline[] = new Array(m)
  const geom: string[] = new Array(m)
  const code: string[] = new Array(m)
  let o = 0
  keep.forEach((i, k) => {
    const v0 = start[i], v1 = start[i + 1]
    const len = v1 - v0
    for (let q = v0; q < v1; q++) { coords[o++] = x[q]; coords[o++] = y[q] }
    let rs = ringStarts.get(len)
    if (!rs) ringStarts.set(len, rs = Uint32Array.of(0, len))
    outlines[k] = { coords: coords.subarray(o - 2 * len, o), ringStart: rs }
    geom[k] = ringEwkbHex(lon, lat, v0, v1, 4326)
    code[k] = ids[i]
  })
  const areas = Float64Array.from(area)
  return { unit: Int32Array.from(unit), code, geom, outlines, area: areas, cx, cy, lon: centre.lon, lat: centre.lat, pairs: hexagonPairs(cx, cy, areas) }
}

/** Edge-neighbour pairs (a < b) of whole hexagons of one resolution, from centre distances. */
function hexagonPairs(cx: Float64Array, cy: Float64Array, area: Float64Array): { a: Int32Array; b: Int32Array } {
  const n = cx.length
  const a: number[] = []
  const b: number[] = []
  if (n === 0) return { a: new Int32Array(0), b: new Int32Array(0) }
  const index = new KDBush(n)
  for (let i = 0; i < n; i++) index.add(cx[i], cy[i])
  index.finish()
  for (let i = 0; i < n; i++) {
    const apothem = Math.sqrt(area[i] / (2 * Math.sqrt(3))) // regular hexagon: area = 2√3 · apothem²
    for (const j of index.within(cx[i], cy[i], NEIGHBOUR_APOTHEMS * apothem)) if (j > i) { a.push(i); b.push(j) }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b) }
}
