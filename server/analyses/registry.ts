/**
 * The analysis kinds Wangge knows. Adding one is adding its module to this list (see the note on
 * AnalysisKind in ./kind.ts); the API, the OpenAPI kind list and the CLI read from here.
 */
import { BadParameter } from '../shared/errors'
import type { AnalysisKind } from './kind'
import { cellStatsKind } from './kinds/cell-stats'
import { dbscanKind } from './kinds/dbscan'
import { densityKind } from './kinds/density'
import { emergingHotspotsKind } from './kinds/emerging-hotspots'
import { forecastEvaluationKind } from './kinds/forecast-evaluation'
import { giStarKind } from './kinds/gi-star'
import { hdbscanKind } from './kinds/hdbscan'
import { localMoranKind } from './kinds/local-moran'
import { optimizedHotspotsKind } from './kinds/optimized-hotspots'
import { patrolEffectKind } from './kinds/patrol-effect'

export const KINDS: readonly AnalysisKind[] = [
  cellStatsKind, giStarKind, optimizedHotspotsKind, localMoranKind, dbscanKind, hdbscanKind, densityKind,
  emergingHotspotsKind, forecastEvaluationKind, patrolEffectKind,
] as unknown as readonly AnalysisKind[]

const byName = new Map(KINDS.map((k) => [k.kind, k]))

/** The kind called `name`, or a 400 naming the known kinds. */
export function findKind(name: string): AnalysisKind {
  const kind = byName.get(name)
  if (!kind) throw BadParameter('kind', `"${name}" is not an analysis kind; use one of ${KINDS.map((k) => k.kind).join(', ')}`)
  return kind
}
