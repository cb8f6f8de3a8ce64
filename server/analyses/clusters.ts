/**
 * What the density clusterings (DBSCAN, space-time DBSCAN, HDBSCAN) share: case points in metres,
 * clustering all together or per category, and the ranked table of clusters ("top recurring
 * problem spots") with hulls and centroids back in WGS84.
 */
import { Type } from 'typebox'
import { summarizeClusters, SHANGHAI_UTC_OFFSET_MINUTES } from '../hotspots/core/clusters'
import type { HullGeometry } from '../hotspots/core/clusters-hull'
import type { Projector } from '../shared/coords'
import type { RunContext } from './kind'
import { loadCasePoints, type CasePoints } from './repository'
import { metricProjector, requireCases, round } from './spatial'

/** Parameters every clustering kind takes. */
export const ClusterParams = {
  by_category: Type.Boolean({ default: false, description: 'cluster each minor category on its own (a stall spot and an advert spot in the same lane stay apart)' }),
  utc_offset_minutes: Type.Integer({ minimum: -720, maximum: 840, default: SHANGHAI_UTC_OFFSET_MINUTES, description: 'local time as minutes east of UTC, for calendar days and weeks (480: Asia/Shanghai)' }),
  top: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'length of the ranked list of recurring spots in the summary' }),
}

/** Case points projected to metres. */
export interface ProjectedPoints {
  pts: CasePoints
  x: Float64Array
  y: Float64Array
  proj: Projector
  crsReason: string
}

export async function projectedPoints(ctx: RunContext, minimum = 1): Promise<ProjectedPoints> {
  const pts = await loadCasePoints(ctx.db, ctx.filters, ctx.asOf)
  requireCases(pts.n, ctx.filters as Record<string, unknown>, minimum)
  const { proj, reason } = metricProjector(ctx.layout, pts.lon, pts.lat)
  const { x, y } = proj.forward(pts.lon, pts.lat)
  return { pts, x, y, proj, crsReason: reason }
}

/**
 * Runs `cluster` on all points, or on each category's points separately, and returns one label
 * per point (−1 noise), cluster numbers unique across categories.
 */
export function clusterPoints(
  pp: ProjectedPoints, byCategory: boolean,
  cluster: (x: Float64Array, y: Float64Array, t: Float64Array) => { labels: Int32Array; clusters: number },
): { labels: Int32Array; clusters: number } {
  if (!byCategory) return cluster(pp.x, pp.y, pp.pts.t)
  const groups = new Map<string, number[]>()
  pp.pts.category.forEach((c, i) => {
    const g = groups.get(c)
    if (g) g.push(i)
    else groups.set(c, [i])
  })
  const labels = new Int32Array(pp.pts.n).fill(-1)
  let next = 0
  for (const code of [...groups.keys()].sort()) {
    const ids = groups.get(code)!
    const pick = (a: Float64Array) => Float64Array.from(ids, (i) => a[i])
    const r = cluster(pick(pp.x), pick(pp.y), pick(pp.pts.t))
    ids.forEach((id, k) => { if (r.labels[k] >= 0) labels[id] = r.labels[k] + next })
    next += r.clusters
  }
  return { labels, clusters: next }
}

function toWgs84(g: HullGeometry, proj: Projector): unknown {
  const pt = ([x, y]: readonly number[]) => proj.inversePoint(x, y).map((v) => round(v, 7))
  if (g.type === 'Point') return { type: 'Point', coordinates: pt(g.coordinates) }
  if (g.type === 'LineString') return { type: 'LineString', coordinates: g.coordinates.map(pt) }
  return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(pt)) }
}

/**
 * Ranked clusters (recurrence score, highest first) as a result table with inline hull
 * geometries, and the summary's top list.
 */
export function clusterTable(pp: ProjectedPoints, labels: Int32Array, utcOffsetMinutes: number, top: number) {
  const codes = [...new Set(pp.pts.category)].sort()
  const codeIndex = new Map(codes.map((c, i) => [c, i]))
  const summaries = summarizeClusters({
    labels, x: pp.x, y: pp.y, t: pp.pts.t,
    category: pp.pts.category.map((c) => codeIndex.get(c)!),
    closedOnTime: pp.pts.onTime,
  }, { utcOffsetMinutes, categoryCount: codes.length })
  const iso = (ms: number) => new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 19) + offsetText(utcOffsetMinutes)
  const rows = summaries.map((s, r) => {
    const [lon, lat] = pp.proj.inversePoint(s.centroid[0], s.centroid[1])
    const categories: Record<string, number> = {}
    s.categoryCounts.forEach((k, i) => { if (k > 0) categories[codes[i]] = k })
    return {
      rank: r + 1, cluster: s.id, cases: s.cases, categories,
      lon: round(lon, 7), lat: round(lat, 7),
      first_seen: iso(s.firstSeen), last_seen: iso(s.lastSeen),
      distinct_days: s.distinctDays, distinct_weeks: s.distinctWeeks,
      median_days_between: s.medianGapDays, busiest_day_share: round(s.busiestDayShare, 4),
      effective_weeks: round(s.effectiveWeeks, 3), regularity: round(s.regularity, 4),
      closed_on_time_share: s.closedOnTimeShare === null ? null : round(s.closedOnTimeShare, 4),
      recurrence_score: round(s.recurrenceScore, 4),
      geometry: toWgs84(s.hull, pp.proj),
    }
  })
  const columns: Record<string, unknown[]> = {}
  const keys = ['rank', 'cluster', 'cases', 'categories', 'lon', 'lat', 'first_seen', 'last_seen', 'distinct_days', 'distinct_weeks',
    'median_days_between', 'busiest_day_share', 'effective_weeks', 'regularity', 'closed_on_time_share', 'recurrence_score', 'geometry'] as const
  for (const k of keys) columns[k] = rows.map((row) => row[k])
  let noise = 0
  for (const l of labels) if (l < 0) noise++
  return {
    summary: {
      points: pp.pts.n, clusters: summaries.length, noise, crs: pp.crsReason,
      top: rows.slice(0, top).map(({ geometry: _g, ...rest }) => rest),
    },
    table: { geometry: { type: 'inline' as const }, columns },
  }
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const m = Math.abs(minutes)
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}
