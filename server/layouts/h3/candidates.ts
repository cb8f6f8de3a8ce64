/**
 * A superset of the H3 cells of one resolution that touch a scope, cheaply: the children of the
 * cells COVER_COARSE_STEPS resolutions coarser overlapping the scope, plus their ring, so no
 * child whose outline reaches just past its parent's is missed. polygonToCells at the fine
 * resolution tests every cell against the scope's often long boundary inside h3-js, which took
 * seconds at res 11 over 100 km²; the coarse call does 1/49 of that. Callers keep the cells
 * they need (centre inside, outline overlapping) with their own test.
 */
import type { MultiPolygon, Polygon } from 'geojson'
import { cellToChildren, gridDisk, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js'

export const COVER_COARSE_STEPS = 2

/** Candidate H3 cells (resolution `res`) of a WGS84 (multi)polygon; no duplicates, no order promised. */
export function h3Candidates(scope: Polygon | MultiPolygon, res: number): string[] {
  const polygons = scope.type === 'Polygon' ? [scope.coordinates] : scope.coordinates
  const coarse = Math.max(0, res - COVER_COARSE_STEPS)
  const parents = new Set<string>()
  for (const p of polygons) {
    for (const h of polygonToCellsExperimental(p, coarse, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) for (const g of gridDisk(h, 1)) parents.add(g)
  }
  const ids: string[] = []
  for (const h of parents) for (const c of coarse === res ? [h] : cellToChildren(h, res)) ids.push(c)
  return ids
}
