/**
 * Patrol coverage of unit cells and street segments by cleaned trips, per local day.
 *
 * The path of a trip is the polyline through its fixes, walked at constant speed between
 * consecutive fixes (trips never join across gaps, jumps or days: see tracks-clean). Everything is
 * in one metric CRS (metres), cells and streets indexed with flatbush.
 *
 * Cells — exact rules, with tolerance `toleranceM` (default 10 m):
 *  - visited: some point of the path lies inside the cell or within `toleranceM` of its boundary
 *    (a fix 5 m outside counts; so does a path passing 8 m from a corner). A one-fix trip is
 *    its point.
 *  - passes: the number of separate stretches of the path within that reach (entering, leaving
 *    and coming back is two passes; walking along a shared boundary is one pass in each cell).
 *    Every trip that reaches the cell starts a new pass.
 *  - dwell: time on the path strictly inside the cell (no tolerance, so dwell over all cells sums
 *    to the trip time spent inside cells); each segment is clipped exactly against the polygon
 *    and contributes the inside fraction of its duration.
 *  - first / last: times at which the path first comes within reach and last leaves it.
 * Streets — covered length: the parts of the street within `bufferM` (default 15 m) of the path
 * of any trip that day, counted once however often they were walked.
 */
import Flatbush from 'flatbush'
import type { Projector } from '../../shared/coords'
import {
  capsuleInterval, insideIntervals, mergeIntervals, pointBoundaryDistance, pointInRings, S_EPS,
} from './coverage-geom'
import type { Trips } from './tracks-clean'
import type { Fixes } from './tracks-fixes'

/** Default reach of a cell visit, metres: GPS error on foot in streets lined by buildings. */
export const CELL_TOLERANCE_M = 10
/** Consecutive path segments per index query: ~100 m of walk at 5 s fixes, a few cells per query. */
const QUERY_CHUNK = 16

/** Items of `index` near fixes c0..c1 (inclusive): one query with their bounding box padded by `pad` metres. */
function chunkCandidates(index: Flatbush, x: Float64Array, y: Float64Array, c0: number, c1: number, pad: number): number[] {
  let qx0 = Infinity, qy0 = Infinity, qx1 = -Infinity, qy1 = -Infinity
  for (let i = c0; i <= c1; i++) {
    if (x[i] < qx0) qx0 = x[i]
    if (x[i] > qx1) qx1 = x[i]
    if (y[i] < qy0) qy0 = y[i]
    if (y[i] > qy1) qy1 = y[i]
  }
  return index.search(qx0 - pad, qy0 - pad, qx1 + pad, qy1 + pad)
}
/** Default half-width of a walked street, metres: carriageway plus pavement on both sides. */
export const STREET_BUFFER_M = 15

/** A unit cell: GeoJSON Polygon coordinates in a metric CRS (first ring outer, then holes). */
export interface CellInput {
  id: string | number
  /** rings of [x, y] in metres; closed or not. Rings are combined even–odd, so a multi-part cell may list all its rings. */
  rings: ArrayLike<ArrayLike<number>>[]
}

/** Cells packed for coverage; build once per layout with `buildCellIndex`. */
export interface CellIndex {
  n: number
  ids: (string | number)[]
  /** rings of cell c: ring ids `cellRingStart[c] .. cellRingStart[c + 1] - 1` */
  cellRingStart: Uint32Array
  /** vertices of ring r: `ringStart[r] .. ringStart[r + 1] - 1` (no closing vertex) */
  ringStart: Uint32Array
  /** vertex k at (coords[2k], coords[2k + 1]), metres */
  coords: Float64Array
  /** largest vertex count of one cell (sizes the scratch buffers) */
  maxVertices: number
  /** box of cell c: bbox[4c .. 4c + 3] = minX, minY, maxX, maxY */
  bbox: Float64Array
  index: Flatbush
}

/** A street segment: a polyline in a metric CRS. */
export interface StreetInput {
  id: string | number
  /** vertices [x, y] in metres, at least two */
  coords: ArrayLike<ArrayLike<number>>
}

/** Streets cut into straight pieces for coverage; build once with `buildStreetIndex`. */
export interface StreetIndex {
  n: number
  ids: (string | number)[]
  /** length of each street, metres */
  lengthM: Float64Array
  /** street of each straight piece */
  pieceStreet: Int32Array
  /** piece k from (pieces[4k], pieces[4k + 1]) to (pieces[4k + 2], pieces[4k + 3]), metres */
  pieces: Float64Array
  index: Flatbush
}

/** Cleaned trips in a metric CRS. */
export interface MetricTrips {
  /** trip k is fixes offsets[k] .. offsets[k + 1] - 1 */
  offsets: Uint32Array
  worker: Int32Array
  /** local day of each trip (see tracks-clean `localDay`) */
  day: Int32Array
  /** metres */
  x: Float64Array
  y: Float64Array
  /** epoch ms */
  t: Float64Array
}

/** Visits per cell and day, sorted by day then cell; only cells visited that day appear. */
export interface CellVisits {
  /** number of cells in the index */
  nCells: number
  cell: Int32Array
  day: Int32Array
  passes: Int32Array
  dwellMinutes: Float64Array
  /** epoch ms of the first and last moment within reach */
  first: Float64Array
  last: Float64Array
}

/** Covered street length per street and day, sorted by day then street; only streets touched that day appear. */
export interface StreetCoverage {
  nStreets: number
  street: Int32Array
  day: Int32Array
  /** metres of the street within the buffer of that day's paths */
  coveredM: Float64Array
  /** coveredM ÷ street length */
  share: Float64Array
}

function vertexList(where: string, pts: ArrayLike<ArrayLike<number>>, minCount: number): number[] {
  const flat: number[] = []
  for (let k = 0; k < pts.length; k++) {
    const x = Number(pts[k][0])
    const y = Number(pts[k][1])
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`${where}: vertex ${k + 1} is not a pair of numbers`)
    flat.push(x, y)
  }
  const m = flat.length
  if (m >= 4 && minCount >= 3 && flat[0] === flat[m - 2] && flat[1] === flat[m - 1]) flat.length -= 2 // closing vertex
  if (flat.length / 2 < minCount) throw new RangeError(`${where}: ${flat.length / 2} vertices; at least ${minCount} needed`)
  return flat
}

/**
 * Packs cells (metric polygons) with a flatbush index over their bounding boxes.
 * @throws RangeError naming the cell and ring with too few or non-numeric vertices
 */
export function buildCellIndex(cells: readonly CellInput[]): CellIndex {
  if (cells.length === 0) throw new RangeError('Unexpected numItems value: 0. Give at least one cell.')
  const index = new Flatbush(cells.length)
  const cellRingStart = new Uint32Array(cells.length + 1)
  const bbox = new Float64Array(4 * cells.length)
  const ringStart: number[] = [0]
  const coords: number[] = []
  let maxVertices = 0
  cells.forEach((cell, c) => {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
    let vertices = 0
    if (!cell.rings?.length) throw new RangeError(`Cell ${c + 1} (${JSON.stringify(cell.id)}): no rings`)
    cell.rings.forEach((ring, r) => {
      const flat = vertexList(`Cell ${c + 1} (${JSON.stringify(cell.id)}), ring ${r + 1}`, ring, 3)
      for (let k = 0; k < flat.length; k += 2) {
        coords.push(flat[k], flat[k + 1])
        minX = Math.min(minX, flat[k]); maxX = Math.max(maxX, flat[k])
        minY = Math.min(minY, flat[k + 1]); maxY = Math.max(maxY, flat[k + 1])
      }
      vertices += flat.length / 2
      ringStart.push(coords.length / 2)
    })
    cellRingStart[c + 1] = ringStart.length - 1
    maxVertices = Math.max(maxVertices, vertices)
    bbox.set([minX, minY, maxX, maxY], 4 * c)
    index.add(minX, minY, maxX, maxY)
  })
  index.finish()
  return {
    n: cells.length,
    ids: cells.map((c) => c.id),
    cellRingStart,
    ringStart: Uint32Array.from(ringStart),
    coords: Float64Array.from(coords),
    maxVertices,
    bbox,
    index,
  }
}

/**
 * Cuts streets (metric polylines) into straight pieces under one flatbush index; zero-length
 * pieces are skipped.
 * @throws RangeError naming a street with fewer than two vertices or non-numeric ones
 */
export function buildStreetIndex(streets: readonly StreetInput[]): StreetIndex {
  if (streets.length === 0) throw new RangeError('Unexpected numItems value: 0. Give at least one street.')
  const pieces: number[] = []
  const pieceStreet: number[] = []
  const lengthM = new Float64Array(streets.length)
  streets.forEach((s, k) => {
    const flat = vertexList(`Street ${k + 1} (${JSON.stringify(s.id)})`, s.coords, 2)
    for (let v = 0; v + 3 < flat.length; v += 2) {
      const len = Math.hypot(flat[v + 2] - flat[v], flat[v + 3] - flat[v + 1])
      if (len === 0) continue
      pieces.push(flat[v], flat[v + 1], flat[v + 2], flat[v + 3])
      pieceStreet.push(k)
      lengthM[k] += len
    }
  })
  if (pieceStreet.length === 0) throw new RangeError('every street has zero length')
  const index = new Flatbush(pieceStreet.length)
  for (let p = 0; p < pieceStreet.length; p++) {
    const [x0, y0, x1, y1] = [pieces[4 * p], pieces[4 * p + 1], pieces[4 * p + 2], pieces[4 * p + 3]]
    index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1))
  }
  index.finish()
  return { n: streets.length, ids: streets.map((s) => s.id), lengthM, pieceStreet: Int32Array.from(pieceStreet), pieces: Float64Array.from(pieces), index }
}

/** Projects cleaned trips (WGS84 fixes) into the projector's metric CRS. */
export function toMetricTrips(cleaned: { fixes: Fixes; trips: Trips }, projector: Projector): MetricTrips {
  const { x, y } = projector.forward(cleaned.fixes.lon, cleaned.fixes.lat)
  return { offsets: cleaned.trips.offsets, worker: cleaned.trips.worker, day: cleaned.trips.day, x, y, t: cleaned.fixes.t }
}

/** Trip ids ordered by day (ties in trip order), and where each day's run begins. */
function tripsByDay(trips: MetricTrips): { order: Uint32Array; dayStart: number[] } {
  const nTrips = trips.day.length
  if (trips.offsets.length !== nTrips + 1) throw new RangeError(`trips.offsets has ${trips.offsets.length} entries for ${nTrips} trips; expected ${nTrips + 1}`)
  const order = Uint32Array.from({ length: nTrips }, (_, k) => k).sort((a, b) => trips.day[a] - trips.day[b] || a - b)
  const dayStart: number[] = []
  for (let k = 0; k < nTrips; k++) if (k === 0 || trips.day[order[k]] !== trips.day[order[k - 1]]) dayStart.push(k)
  dayStart.push(nTrips)
  return { order, dayStart }
}

/**
 * Visits of every cell on every day by the trips (rules in the module note).
 * @param options.toleranceM  reach of a visit beyond the cell boundary, metres (default 10)
 */
export function cellCoverage(cells: CellIndex, trips: MetricTrips, options: { toleranceM?: number } = {}): CellVisits {
  const tol = options.toleranceM ?? CELL_TOLERANCE_M
  if (!(tol >= 0)) throw new RangeError(`Unexpected toleranceM value: ${tol}.`)
  const { cellRingStart: crs, ringStart, coords, bbox, index } = cells
  const { x, y, t, offsets } = trips
  const { order, dayStart } = tripsByDay(trips)

  const slot = new Int32Array(cells.n).fill(-1)
  // lastSeg[c]: start fix of the last segment whose reach of c ran to its end (a pass continuing)
  const lastSeg = new Int32Array(cells.n).fill(-2)
  const touched: number[] = []
  const passes: number[] = []
  const dwell: number[] = []
  const first: number[] = []
  const last: number[] = []
  const out = { cell: [] as number[], day: [] as number[], passes: [] as number[], dwell: [] as number[], first: [] as number[], last: [] as number[] }
  const cuts = new Float64Array(cells.maxVertices + 2)
  const ins = new Float64Array(2 * (cells.maxVertices + 2))
  const vis = new Float64Array(2 * (2 * cells.maxVertices + 2))
  const cap = new Float64Array(2)
  const nearEdges = new Uint32Array(2 * cells.maxVertices)

  const slotOf = (c: number) => {
    let s = slot[c]
    if (s < 0) {
      s = slot[c] = touched.length
      touched.push(c)
      passes.push(0)
      dwell.push(0)
      first.push(Infinity)
      last.push(-Infinity)
    }
    return s
  }

  // Reach (vis) and inside (ins) intervals of segment A→B in cell c; returns the reach count and
  // sets nIn. minX … maxY is the segment's box grown by the tolerance.
  let nIn = 0
  const segmentInCell = (c: number, ax: number, ay: number, bx: number, by: number, minX: number, minY: number, maxX: number, maxY: number): number => {
    const r0 = crs[c], r1 = crs[c + 1]
    const dx = bx - ax, dy = by - ay
    // edges whose box is clear of the grown segment box can neither cross it nor come within reach
    let near = 0
    for (let r = r0; r < r1; r++) {
      for (let a = ringStart[r], end = ringStart[r + 1], b = end - 1; a < end; b = a++) {
        const ex0 = coords[2 * b], ey0 = coords[2 * b + 1], ex1 = coords[2 * a], ey1 = coords[2 * a + 1]
        if ((ex0 < ex1 ? ex0 : ex1) > maxX || (ex0 > ex1 ? ex0 : ex1) < minX || (ey0 < ey1 ? ey0 : ey1) > maxY || (ey0 > ey1 ? ey0 : ey1) < minY) continue
        nearEdges[near++] = b
        nearEdges[near++] = a
      }
    }
    if (near === 0 || (dx === 0 && dy === 0)) {
      // no edge nearby: the segment lies wholly inside or wholly out of reach; a standing worker
      // is all in or all out as well
      const inside = pointInRings(ax, ay, coords, ringStart, r0, r1)
      if (!inside && (near === 0 || pointBoundaryDistance(ax, ay, coords, ringStart, r0, r1) > tol)) return 0
      nIn = inside ? 1 : 0
      ins[0] = vis[0] = 0
      ins[1] = vis[1] = 1
      return 1
    }
    nIn = insideIntervals(ax, ay, bx, by, coords, ringStart, r0, r1, cuts, ins)
    for (let v = 0; v < 2 * nIn; v++) vis[v] = ins[v]
    let nVis = nIn
    if (tol > 0) {
      for (let k = 0; k < near; k += 2) {
        const b = nearEdges[k], a = nearEdges[k + 1]
        if (capsuleInterval(ax, ay, dx, dy, coords[2 * b], coords[2 * b + 1], coords[2 * a], coords[2 * a + 1], tol, cap)) {
          vis[2 * nVis] = cap[0]
          vis[2 * nVis + 1] = cap[1]
          nVis++
        }
      }
      nVis = mergeIntervals(vis, nVis)
    }
    return nVis
  }

  for (let g = 0; g + 1 < dayStart.length; g++) {
    const day = trips.day[order[dayStart[g]]]
    for (let q = dayStart[g]; q < dayStart[g + 1]; q++) {
      const k = order[q]
      const s = offsets[k]
      const e = offsets[k + 1]
      if (e - s === 1) {
        // a one-fix trip: a point visit
        const px = x[s], py = y[s]
        for (const c of index.search(px - tol, py - tol, px + tol, py + tol)) {
          const r0 = crs[c], r1 = crs[c + 1]
          if (!pointInRings(px, py, coords, ringStart, r0, r1) && pointBoundaryDistance(px, py, coords, ringStart, r0, r1) > tol) continue
          const sl = slotOf(c)
          passes[sl]++
          first[sl] = Math.min(first[sl], t[s])
          last[sl] = Math.max(last[sl], t[s])
        }
        continue
      }
      // one index query per chunk of segments (a walk of ~100 m), then a box test per segment
      for (let c0 = s; c0 + 1 < e; c0 += QUERY_CHUNK) {
        const c1 = Math.min(e - 1, c0 + QUERY_CHUNK)
        const candidates = chunkCandidates(index, x, y, c0, c1, tol)
        for (let i = c0; i < c1; i++) {
          const ax = x[i], ay = y[i], bx = x[i + 1], by = y[i + 1]
          const ta = t[i], dt = t[i + 1] - ta
          const minX = Math.min(ax, bx) - tol, maxX = Math.max(ax, bx) + tol
          const minY = Math.min(ay, by) - tol, maxY = Math.max(ay, by) + tol
          for (const c of candidates) {
            if (bbox[4 * c] > maxX || bbox[4 * c + 2] < minX || bbox[4 * c + 1] > maxY || bbox[4 * c + 3] < minY) continue
            const nVis = segmentInCell(c, ax, ay, bx, by, minX, minY, maxX, maxY)
            if (nVis === 0) continue
            const sl = slotOf(c)
            let inside = 0
            for (let v = 0; v < nIn; v++) inside += ins[2 * v + 1] - ins[2 * v]
            dwell[sl] += inside * dt
            for (let v = 0; v < nVis; v++) {
              const s0 = vis[2 * v], s1 = vis[2 * v + 1]
              if (!(v === 0 && s0 <= S_EPS && lastSeg[c] === i - 1)) passes[sl]++
              first[sl] = Math.min(first[sl], ta + s0 * dt)
              last[sl] = Math.max(last[sl], ta + s1 * dt)
            }
            lastSeg[c] = vis[2 * nVis - 1] >= 1 - S_EPS ? i : -2
          }
        }
      }
    }
    // emit the day's cells in cell order and reset the scratch
    const sorted = touched.map((c, sl) => [c, sl]).sort((p, q) => p[0] - q[0])
    for (const [c, sl] of sorted) {
      out.cell.push(c)
      out.day.push(day)
      out.passes.push(passes[sl])
      out.dwell.push(dwell[sl] / 60_000)
      out.first.push(first[sl])
      out.last.push(last[sl])
      slot[c] = -1
    }
    touched.length = passes.length = dwell.length = first.length = last.length = 0
  }
  return {
    nCells: cells.n,
    cell: Int32Array.from(out.cell),
    day: Int32Array.from(out.day),
    passes: Int32Array.from(out.passes),
    dwellMinutes: Float64Array.from(out.dwell),
    first: Float64Array.from(out.first),
    last: Float64Array.from(out.last),
  }
}

/**
 * Covered length of every street on every day: the union over that day's trips of the parts of
 * each street within `bufferM` of the path.
 * @param options.bufferM  half-width of the walked corridor, metres (default 15)
 */
export function streetCoverage(streets: StreetIndex, trips: MetricTrips, options: { bufferM?: number } = {}): StreetCoverage {
  const r = options.bufferM ?? STREET_BUFFER_M
  if (!(r > 0)) throw new RangeError(`Unexpected bufferM value: ${r}.`)
  const { pieces, pieceStreet, index } = streets
  const { x, y, offsets } = trips
  const { order, dayStart } = tripsByDay(trips)
  // covered parameter intervals of each piece touched today, [u0, u1, u0, u1, …]
  const pieceIv: (number[] | undefined)[] = new Array(pieceStreet.length)
  const touchedPieces: number[] = []
  const streetAcc = new Float64Array(streets.n)
  const streetSeen = new Uint8Array(streets.n)
  const touchedStreets: number[] = []
  const out = { street: [] as number[], day: [] as number[], covered: [] as number[], share: [] as number[] }
  const cap = new Float64Array(2)

  // covers piece p by the corridor around segment A→B
  const coverPiece = (p: number, ax: number, ay: number, bx: number, by: number) => {
    const qx = pieces[4 * p], qy = pieces[4 * p + 1]
    if (!capsuleInterval(qx, qy, pieces[4 * p + 2] - qx, pieces[4 * p + 3] - qy, ax, ay, bx, by, r, cap)) return
    let iv = pieceIv[p]
    if (!iv) {
      iv = pieceIv[p] = []
      touchedPieces.push(p)
    }
    const n = iv.length
    // consecutive segments of a walk along a street overlap: extend instead of appending
    if (n > 0 && cap[0] <= iv[n - 1] + S_EPS && cap[1] >= iv[n - 2] - S_EPS) {
      if (cap[0] < iv[n - 2]) iv[n - 2] = cap[0]
      if (cap[1] > iv[n - 1]) iv[n - 1] = cap[1]
    } else iv.push(cap[0], cap[1])
  }

  for (let g = 0; g + 1 < dayStart.length; g++) {
    const day = trips.day[order[dayStart[g]]]
    for (let q = dayStart[g]; q < dayStart[g + 1]; q++) {
      const k = order[q]
      const s = offsets[k]
      const e = offsets[k + 1]
      // one index query per chunk of segments, then a box test per segment (as for cells)
      for (let c0 = s; c0 === s || c0 + 1 < e; c0 += QUERY_CHUNK) {
        const c1 = Math.min(e - 1, c0 + QUERY_CHUNK)
        const candidates = chunkCandidates(index, x, y, c0, c1, r)
        // a one-fix trip is a segment from the fix to itself
        for (let i = c0; i < Math.max(c1, c0 + 1); i++) {
          const j = e - s === 1 ? i : i + 1
          const ax = x[i], ay = y[i], bx = x[j], by = y[j]
          const minX = Math.min(ax, bx) - r, maxX = Math.max(ax, bx) + r
          const minY = Math.min(ay, by) - r, maxY = Math.max(ay, by) + r
          for (const p of candidates) {
            const px0 = pieces[4 * p], py0 = pieces[4 * p + 1], px1 = pieces[4 * p + 2], py1 = pieces[4 * p + 3]
            if ((px0 < px1 ? px0 : px1) > maxX || (px0 > px1 ? px0 : px1) < minX || (py0 < py1 ? py0 : py1) > maxY || (py0 > py1 ? py0 : py1) < minY) continue
            coverPiece(p, ax, ay, bx, by)
          }
        }
      }
    }
    for (const p of touchedPieces) {
      const iv = pieceIv[p]!
      const m = mergeIntervals(iv, iv.length / 2)
      let u = 0
      for (let v = 0; v < m; v++) u += iv[2 * v + 1] - iv[2 * v]
      const st = pieceStreet[p]
      if (!streetSeen[st]) {
        streetSeen[st] = 1
        touchedStreets.push(st)
      }
      streetAcc[st] += u * Math.hypot(pieces[4 * p + 2] - pieces[4 * p], pieces[4 * p + 3] - pieces[4 * p + 1])
      pieceIv[p] = undefined
    }
    touchedPieces.length = 0
    touchedStreets.sort((a, b) => a - b)
    for (const st of touchedStreets) {
      out.street.push(st)
      out.day.push(day)
      out.covered.push(streetAcc[st])
      out.share.push(streetAcc[st] / streets.lengthM[st])
      streetAcc[st] = 0
      streetSeen[st] = 0
    }
    touchedStreets.length = 0
  }
  return {
    nStreets: streets.n,
    street: Int32Array.from(out.street),
    day: Int32Array.from(out.day),
    coveredM: Float64Array.from(out.covered),
    share: Float64Array.from(out.share),
  }
}
