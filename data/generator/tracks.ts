/**
 * Patrol GPS tracks for June 2025: each worker walks the streets of their own grids in two
 * shifts a day, at walking speed, preferring streets walked least so far, stopping at the
 * hotspots on the way. The phone logs a fix every 10–15 s with ~5 m noise, loses the signal now
 * and then for 2–15 minutes and, rarely, reports a jump of several hundred metres.
 */
import { type Pt, pointInRing, distToRing } from './geom'
import { metricToLonLat } from './frame'
import type { StreetSegment } from './streets'
import type { Worker } from './workers'
import { normal, uniform, streamFor, type Random } from './rand'
import { at, dayOf, isoShanghai, weekdayOfDay, MINUTE } from './time'

/** Days of tracks: 2025-06-01 … 2025-06-30. */
export const TRACK_FIRST_DAY: readonly [number, number] = [6, 1]
/** Number of days of tracks. */
export const TRACK_DAYS = 30
/** Walking speed range per shift, km/h. */
export const WALK_KMH: readonly [number, number] = [3.5, 5.5]
/** Seconds between fixes (patrol apps log every 10–15 s to spare the battery). */
const FIX_EVERY_S: readonly [number, number] = [10, 15]
/** GPS noise per axis, m (radial mean ≈ 5 m). */
const GPS_SIGMA = 4
/** Per fix: chance the signal drops (then 2–15 min without fixes) and chance of a wild jump. */
const GAP_CHANCE = 0.0015
const OUTLIER_CHANCE = 0.0006
/** Connected pieces of a worker's streets shorter than this (m) are not patrolled on their own. */
const MIN_PIECE_M = 300
/** Streets this close to a grid's edge (m) are walked by its worker too. */
const EDGE_REACH = 15
/** A worker lingers at a hotspot passed within this distance, m. */
const HOTSPOT_REACH = 80

/** Counts of what the tracks hold. */
export interface TrackStats {
  fixes: number
  shifts: number
  gaps: number
  outliers: number
  hotspot_stops: number
  other_stops: number
}

interface AreaGraph {
  nodes: Pt[]
  /** per node: [edge, other node] */
  adj: [number, number][][]
  /** edge polylines from node a to node b */
  edges: { a: number; b: number; pts: Pt[] }[]
  /** per node: index of the hotspot within reach, or -1 */
  hotspot: Int32Array
  /** connected pieces: total street length (m) and the nodes a shift may start from */
  pieces: { length: number; nodes: number[] }[]
}

/**
 * The walkable streets of a worker's grids, largest connected piece: segments whose middle lies
 * inside or on the edge (grids are bounded by roads, and the boundary road belongs to both sides).
 */
function areaGraph(streets: readonly StreetSegment[], areas: readonly Pt[][][], hotspots: readonly Pt[]): AreaGraph {
  const inside = (p: Pt) => areas.some((poly) =>
    (pointInRing(p[0], p[1], poly[0]) && !poly.slice(1).some((h) => pointInRing(p[0], p[1], h))) ||
    poly.some((ring) => distToRing(p[0], p[1], ring) <= EDGE_REACH))
  const segs = streets.filter((s) => {
    const m = s.metric
    const mid: Pt = m.length % 2 === 1 ? m[(m.length - 1) / 2] : [(m[m.length / 2 - 1][0] + m[m.length / 2][0]) / 2, (m[m.length / 2 - 1][1] + m[m.length / 2][1]) / 2]
    return inside(mid)
  })
  const key = new Map<string, number>()
  const nodes: Pt[] = []
  const node = (p: Pt) => {
    const k = `${p[0]},${p[1]}`
    let id = key.get(k)
    if (id === undefined) { id = nodes.length; key.set(k, id); nodes.push(p) }
    return id
  }
  const all = segs.map((s) => ({ a: node(s.metric[0]), b: node(s.metric[s.metric.length - 1]), pts: s.metric }))
  // connected pieces (grids far apart are reached by e-bike between shifts, not walked)
  const comp = new Int32Array(nodes.length).fill(-1)
  const nbrs: number[][] = nodes.map(() => [])
  for (const e of all) { nbrs[e.a].push(e.b); nbrs[e.b].push(e.a) }
  let pieces = 0
  for (let s = 0; s < nodes.length; s++) {
    if (comp[s] >= 0) continue
    const stack = [s]
    comp[s] = pieces
    while (stack.length) {
      const v = stack.pop()!
      for (const w of nbrs[v]) if (comp[w] < 0) { comp[w] = pieces; stack.push(w) }
    }
    pieces++
  }
  const pieceLength = new Float64Array(pieces)
  for (const e of all) pieceLength[comp[e.a]] += lengthOf(e.pts)
  // pieces shorter than a block's walk are stubs cut by the grid edge: skip them
  const keep = (c: number) => pieceLength[c] >= MIN_PIECE_M
  const edges = all.filter((e) => keep(comp[e.a]))
  const adj: [number, number][][] = nodes.map(() => [])
  edges.forEach((e, k) => { adj[e.a].push([k, e.b]); adj[e.b].push([k, e.a]) })
  const starts: number[][] = Array.from({ length: pieces }, () => [])
  nodes.forEach((_, k) => { if (adj[k].length > 0) starts[comp[k]].push(k) })
  const pieceList = [...Array(pieces).keys()].filter(keep).map((c) => ({ length: pieceLength[c], nodes: starts[c] }))
  const hotspot = new Int32Array(nodes.length).fill(-1)
  nodes.forEach((p, k) => {
    hotspots.forEach((h, hi) => { if (hotspot[k] < 0 && Math.hypot(p[0] - h[0], p[1] - h[1]) <= HOTSPOT_REACH) hotspot[k] = hi })
  })
  return { nodes, adj, edges, hotspot, pieces: pieceList }
}

function lengthOf(line: readonly Pt[]): number {
  let s = 0
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1])
  return s
}

/** Emits fixes for one worker: the phone's clock, noise, gaps and jumps. */
class Phone {
  lines: string[] = []
  nextFix = 0
  gapUntil = 0
  gaps = 0
  outliers = 0
  constructor(private readonly rand: Random, private readonly workerId: string) {}

  /** Schedules the first fix of a shift. */
  start(t: number): void {
    this.nextFix = t + uniform(this.rand, FIX_EVERY_S[0], FIX_EVERY_S[1]) * 1000
  }

  /** Emits every fix due while moving from a to b during [t, t + dur) ms; stops at `end`. */
  move(a: Pt, b: Pt, t: number, dur: number, end: number): void {
    while (this.nextFix < t + dur && this.nextFix < end) {
      const f = (this.nextFix - t) / dur
      this.fix(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
    }
  }

  private fix(x: number, y: number): void {
    const r = this.rand
    const time = this.nextFix
    this.nextFix += uniform(r, FIX_EVERY_S[0], FIX_EVERY_S[1]) * 1000
    if (time < this.gapUntil) return
    if (r() < GAP_CHANCE) {
      this.gapUntil = time + uniform(r, 2, 15) * MINUTE
      this.gaps++
      return
    }
    let px = x + normal(r) * GPS_SIGMA
    let py = y + normal(r) * GPS_SIGMA
    if (r() < OUTLIER_CHANCE) {
      const d = uniform(r, 300, 800)
      const a = r() * 2 * Math.PI
      px += d * Math.cos(a)
      py += d * Math.sin(a)
      this.outliers++
    }
    const [lon, lat] = metricToLonLat(px, py)
    this.lines.push(`${this.workerId},${isoShanghai(time)},${lon.toFixed(7)},${lat.toFixed(7)}`)
  }
}

const parseHm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5))

/**
 * Generates the tracks CSV (header `worker_id,time,lon,lat`, rows by worker then time).
 * @param gridPolygons  polygons of every grid in the local metric frame, Partition.grids order
 * @param hotspots      centres (local metric frame) where workers linger
 */
export function generateTracks(seed: number, workers: readonly Worker[], streets: readonly StreetSegment[], gridPolygons: readonly Pt[][][][], hotspots: readonly Pt[]): { csv: string; stats: TrackStats } {
  // each worker draws from their own stream, so any subset of workers yields the same rows
  const lines = ['worker_id,time,lon,lat']
  const stats: TrackStats = { fixes: 0, shifts: 0, gaps: 0, outliers: 0, hotspot_stops: 0, other_stops: 0 }
  const firstDay = dayOf(TRACK_FIRST_DAY[0], TRACK_FIRST_DAY[1])
  for (const w of workers) {
    const rand = streamFor(seed, `track:${w.id}`)
    const g = areaGraph(streets, w.grids.flatMap((k) => gridPolygons[k]), hotspots)
    if (g.edges.length === 0) throw new Error(`Worker ${w.id} has no street to patrol.`)
    const phone = new Phone(rand, w.id)
    const visits = new Uint32Array(g.edges.length)
    const walked = new Float64Array(g.pieces.length)
    for (let d = 0; d < TRACK_DAYS; d++) {
      if (w.rest_weekdays.includes(weekdayOfDay(firstDay + d) + 1)) continue
      for (const shift of w.shift_hours) {
        const [from, to] = shift.split('-').map(parseHm)
        let t = at(firstDay + d, from * MINUTE) + uniform(rand, 0, 8) * MINUTE
        const end = at(firstDay + d, to * MINUTE) - uniform(rand, 0, 8) * MINUTE
        const speed = uniform(rand, WALK_KMH[0], WALK_KMH[1]) / 3.6
        const stopped = new Set<number>()
        // each shift patrols the piece of the worker's area that is most behind (time per metre of street)
        let piece = 0
        for (let c = 1; c < g.pieces.length; c++) if (walked[c] / g.pieces[c].length < walked[piece] / g.pieces[piece].length) piece = c
        walked[piece] += end - t
        let at_ = g.pieces[piece].nodes[Math.floor(rand() * g.pieces[piece].nodes.length)]
        let cameBy = -1
        phone.start(t)
        stats.shifts++
        while (t < end) {
          // least-walked street first; no U-turn unless at a dead end
          const options = g.adj[at_].filter(([e]) => e !== cameBy || g.adj[at_].length === 1)
          let pick = options[0]
          let bestScore = Infinity
          for (const o of options) {
            const score = visits[o[0]] + rand() * 0.9
            if (score < bestScore) { bestScore = score; pick = o }
          }
          const [e, next] = pick
          visits[e]++
          const edge = g.edges[e]
          const pts = edge.a === at_ ? edge.pts : edge.pts.slice().reverse()
          const v = speed * uniform(rand, 0.93, 1.07)
          for (let k = 1; k < pts.length && t < end; k++) {
            const dur = (Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]) / v) * 1000
            phone.move(pts[k - 1], pts[k], t, dur, end)
            t += dur
          }
          at_ = next
          cameBy = e
          // linger at a hotspot once a shift, and now and then elsewhere (a case to handle)
          const h = g.hotspot[at_]
          let dwell = 0
          if (h >= 0 && !stopped.has(h) && rand() < 0.6) {
            stopped.add(h)
            dwell = uniform(rand, 3, 10) * MINUTE
            stats.hotspot_stops++
          } else if (rand() < 0.02) {
            dwell = uniform(rand, 1, 4) * MINUTE
            stats.other_stops++
          }
          if (dwell > 0 && t < end) {
            const p = g.nodes[at_]
            const q: Pt = [p[0] + normal(rand) * 3, p[1] + normal(rand) * 3]
            phone.move(q, q, t, dwell, end)
            t += dwell
          }
        }
      }
    }
    for (const l of phone.lines) lines.push(l)
    stats.fixes += phone.lines.length
    stats.gaps += phone.gaps
    stats.outliers += phone.outliers
  }
  return { csv: lines.join('\n') + '\n', stats }
}
