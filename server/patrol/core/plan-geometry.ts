/**
 * Route geometry: each worker's walk as one LineString along the streets, start → stops → end,
 * following the edge geometries (projected metres, the graph's CRS).
 */
import type { StreetGraph } from './graph'
import { positionPoint, type GraphPosition, type XY } from './graph-geometry'
import type { PatrolPlan, RouteGeometry } from './plan-types'
import { createShortestPathWorkspace, shortestPath } from './shortest-path'

/**
 * One LineString per worker along the streets of `graph` (the graph the plan's matrix came from).
 * Legs between unreachable positions are drawn as straight jumps and left out of `lengthM`.
 */
export function routeGeometry(plan: PatrolPlan, graph: StreetGraph): RouteGeometry[] {
  const ws = createShortestPathWorkspace(graph)
  return plan.workers.map((w) => {
    const positions: GraphPosition[] = [w.start, ...w.stops.map((s) => s.node), w.end]
    const coordinates: XY[] = []
    let lengthM = 0
    const push = (p: XY): void => {
      const last = coordinates[coordinates.length - 1]
      if (!last || last[0] !== p[0] || last[1] !== p[1]) coordinates.push(p)
    }
    push(positionPoint(graph, positions[0]))
    for (let i = 1; i < positions.length; i++) {
      const leg = shortestPath(graph, positions[i - 1], positions[i], ws)
      if (!leg) {
        push(positionPoint(graph, positions[i]))
        continue
      }
      lengthM += leg.lengthM
      for (const p of leg.coordinates) push(p)
    }
    if (coordinates.length === 1) coordinates.push([coordinates[0][0], coordinates[0][1]])
    return { worker: w.worker, coordinates, lengthM }
  })
}
