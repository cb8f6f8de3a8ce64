/**
 * The shape of truth.json (what was planted, for tests and demos) and the workload summary of
 * today's grids.
 */
import { type Pt, pointInRing } from './geom'
import type { HotspotTruth } from './cases'
import type { TrackStats } from './tracks'

/** The planted truth written to truth.json. */
export interface Truth {
  seed: number
  frame: { crs: string; proj4: string; origin_en: readonly [number, number]; center_lonlat: readonly [number, number] }
  district: { code: string; area_km2: number }
  hotspots: HotspotTruth[]
  stacked_point: { lon: number; lat: number; cases: number }
  grids_workload: { cases_min: number; cases_max: number; ratio: number }
  counts: Record<string, number | Record<string, number>>
  tracks: TrackStats & { first_day: string; days: number; workers: number }
}

/**
 * Cases per grid (by published point) → min, max and their ratio.
 * @param csv    cases CSV text (lon, lat in columns 11 and 12)
 * @param grids  MultiPolygon coordinates of each grid, WGS84
 */
export function gridWorkload(csv: string, grids: Pt[][][][]): Truth['grids_workload'] {
  const boxes = grids.map((polys) => {
    const pts = polys.flatMap((poly) => poly[0])
    return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))]
  })
  const counts = new Array(grids.length).fill(0)
  const lines = csv.split('\n')
  for (let k = 1; k < lines.length; k++) {
    if (!lines[k]) continue
    const f = lines[k].split(',')
    const lon = Number(f[10])
    const lat = Number(f[11])
    const g = grids.findIndex((polys, gi) => {
      const [x0, y0, x1, y1] = boxes[gi]
      return lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1 && polys.some((poly) => pointInRing(lon, lat, poly[0]))
    })
    if (g >= 0) counts[g]++
  }
  const min = Math.min(...counts)
  const max = Math.max(...counts)
  return { cases_min: min, cases_max: max, ratio: Math.round((max / Math.max(1, min)) * 100) / 100 }
}
