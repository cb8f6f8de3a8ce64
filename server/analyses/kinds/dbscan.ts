/**
 * Recurring-problem spots by DBSCAN on case points (metres): places where at least min_pts cases
 * lie within eps of each other. With window_days, the space-time variant (ST-DBSCAN): cases must
 * also be reported within that many days of each other, so one busy afternoon and a stall that
 * returns every market day become different clusters. Clusters are ranked by recurrence score
 * (persistent, regular spots first; server/hotspots/core/clusters.ts).
 */
import { Type } from 'typebox'
import { dbscan } from '../../hotspots/core/dbscan'
import { stDbscan } from '../../hotspots/core/space-time'
import { clusterPoints, clusterTable, ClusterParams, projectedPoints } from '../clusters'
import type { AnalysisKind } from '../kind'

const DAY_MS = 86_400_000

const Params = Type.Object({
  eps_m: Type.Number({ exclusiveMinimum: 0, maximum: 5000, default: 50, description: 'neighbourhood radius, metres (distance ≤ eps)' }),
  min_pts: Type.Integer({ minimum: 1, default: 5, description: 'cases within eps, the case itself included, for a core case' }),
  window_days: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 366, description: 'space-time variant: cases must also lie within this many days of each other (e.g. 7)' })),
  ...ClusterParams,
}, { additionalProperties: false })

export const dbscanKind: AnalysisKind<typeof Params> = {
  kind: 'dbscan',
  title: { zh: '反复发生问题点（DBSCAN）', en: 'Recurring problem spots (DBSCAN)' },
  description: 'Density clusters of case points (eps metres, min_pts), optionally per category or in space and time (window_days); clusters ranked by a recurrence score that puts "keeps coming back" above "one busy day".',
  layout: 'none',
  params: Params,
  async run(ctx, p, progress) {
    progress({ phase: 'cases' })
    const pp = await projectedPoints(ctx)
    progress({ phase: 'clusters', total: pp.pts.n })
    const window = p.window_days === undefined ? undefined : p.window_days * DAY_MS
    const { labels } = clusterPoints(pp, p.by_category, (x, y, t) =>
      window === undefined ? dbscan(x, y, p.eps_m, p.min_pts) : stDbscan(x, y, t, p.eps_m, window, p.min_pts))
    progress({ phase: 'summaries' })
    const out = clusterTable(pp, labels, p.utc_offset_minutes, p.top)
    return { summary: { ...out.summary, method: window === undefined ? 'dbscan' : 'st-dbscan', eps_m: p.eps_m, min_pts: p.min_pts, window_days: p.window_days ?? null }, table: out.table }
  },
}
