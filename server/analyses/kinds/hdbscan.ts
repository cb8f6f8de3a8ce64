/**
 * Recurring-problem spots by HDBSCAN: density clusters without a single radius, for districts
 * where one eps cannot fit both a dense old town and a sparse edge. Ranked like DBSCAN's.
 */
import { Type } from 'typebox'
import { hdbscan } from '../../hotspots/core/hdbscan'
import { BadParameter } from '../../shared/errors'
import { clusterPoints, clusterTable, ClusterParams, projectedPoints } from '../clusters'
import type { AnalysisKind } from '../kind'

const Params = Type.Object({
  min_cluster_size: Type.Integer({ minimum: 2, default: 20, description: 'smallest group of cases called a spot (20 for a district map, 5 for a street one)' }),
  min_samples: Type.Optional(Type.Integer({ minimum: 1, description: 'cases around a case, itself included, for it to count as dense (default: min_cluster_size)' })),
  ...ClusterParams,
}, { additionalProperties: false })

export const hdbscanKind: AnalysisKind<typeof Params> = {
  kind: 'hdbscan',
  title: { zh: '反复发生问题点（HDBSCAN）', en: 'Recurring problem spots (HDBSCAN)' },
  description: 'Hierarchical density clusters of case points (min_cluster_size, min_samples), optionally per category, ranked by recurrence score.',
  layout: 'none',
  params: Params,
  async run(ctx, p, progress) {
    progress({ phase: 'cases' })
    const pp = await projectedPoints(ctx)
    if (pp.pts.n < p.min_cluster_size) throw BadParameter('min_cluster_size', `${p.min_cluster_size} is more than the ${pp.pts.n} cases the filters select`)
    progress({ phase: 'clusters', total: pp.pts.n })
    const { labels } = clusterPoints(pp, p.by_category, (x, y) => hdbscan(x, y, { minClusterSize: p.min_cluster_size, minSamples: p.min_samples }))
    progress({ phase: 'summaries' })
    const out = clusterTable(pp, labels, p.utc_offset_minutes, p.top)
    return { summary: { ...out.summary, method: 'hdbscan', min_cluster_size: p.min_cluster_size, min_samples: p.min_samples ?? p.min_cluster_size }, table: out.table }
  },
}
