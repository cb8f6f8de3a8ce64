/**
 * Client-side H3 binning of case points for the count layer. H3 cells have (nearly) equal
 * areas, so counts per cell compare fairly across the district, unlike counts per community.
 */
import { getHexagonAreaAvg, latLngToCell } from 'h3-js'

/** One occupied hexagon: H3 index and number of cases in it. */
export interface HexBin {
  hex: string
  n: number
}

/**
 * H3 resolution for a map zoom: cells about 20–60 px across so the pattern is readable
 * (res 9 ≈ 0.105 km², edge ≈ 200 m, the scale of a few unit cells; res 7 for the whole city).
 */
export function hexResolutionForZoom(zoom: number): number {
  if (zoom < 11.5) return 7
  if (zoom < 13) return 8
  if (zoom < 15) return 9
  return 10
}

/** Mean area of a resolution's hexagons, km². */
export function hexAreaKm2(res: number): number {
  return getHexagonAreaAvg(res, 'km2')
}

/**
 * Counts points per H3 cell.
 * @param lonLat  positions as [lon, lat] (WGS84 degrees)
 * @param res     H3 resolution 0–15
 * @returns occupied cells, sorted by count descending then index (stable order for tests and exports)
 */
export function binPoints(lonLat: ReadonlyArray<readonly [number, number] | readonly number[]>, res: number): HexBin[] {
  const counts = new Map<string, number>()
  for (const p of lonLat) {
    const h = latLngToCell(p[1], p[0], res)
    counts.set(h, (counts.get(h) ?? 0) + 1)
  }
  return [...counts].map(([hex, n]) => ({ hex, n })).sort((a, b) => b.n - a.n || (a.hex < b.hex ? -1 : 1))
}
