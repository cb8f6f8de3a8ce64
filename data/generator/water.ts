/**
 * The river (望格河) that crosses the district west to east between the two embankment roads.
 * Its centre line is the partition line that separates the southern subdistrict from the
 * northern ones, so both carry the same vertices.
 */
import type { Pt } from './geom'
import { warp, RIVER_Y, DESIGN_SIZE } from './frame'
import { LATTICE } from './layout'

/** Sample step along the river, metres (half the lattice, so every lattice point is a sample). */
const STEP = LATTICE / 2

/** Half-width of the river at design x, metres: 33–43 m, narrowing and widening slowly. */
function halfWidth(x: number): number {
  return 38 + 5 * Math.sin((2 * Math.PI * x) / 1700 + 1.1)
}

/** The river in the local metric frame: centre line west → east and the water polygon (counter-clockwise, closed). */
export function buildRiver(): { centerline: Pt[]; polygon: Pt[] } {
  const xs: number[] = []
  for (let k = 0; k * STEP <= DESIGN_SIZE; k++) xs.push(k * STEP)
  const centerline = xs.map((x) => warp(x, RIVER_Y))
  const south = xs.map((x) => warp(x, RIVER_Y - halfWidth(x)))
  const north = xs.map((x) => warp(x, RIVER_Y + halfWidth(x))).reverse()
  const polygon = [...south, ...north]
  polygon.push(polygon[0])
  return { centerline, polygon }
}

/** Names of the river. */
export const RIVER_NAME = { name_zh: '望格河', name_en: 'Wangge River' } as const
