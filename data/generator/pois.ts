/**
 * Points of interest: markets, metro exits, schools, subdistrict offices and the district's
 * urban-management command centre, placed beside the roads of the plan.
 */
import type { Pt } from './geom'
import { warp, metricToLonLat } from './frame'
import { POIS, placeXY } from './layout'

/** A POI in the local metric frame and in WGS84. */
export interface Poi {
  id: string
  kind: 'market' | 'metro_exit' | 'school' | 'office'
  name_zh: string
  name_en: string
  /** local metric frame, metres */
  metric: Pt
  /** WGS84 [lon, lat], 7 decimals */
  lonlat: Pt
}

/** All POIs of the plan. */
export function buildPois(): Poi[] {
  return POIS.map((p) => {
    const [x, y] = placeXY(p)
    const metric = warp(x, y)
    return { id: p.id, kind: p.kind, name_zh: p.name_zh, name_en: p.name_en, metric, lonlat: metricToLonLat(metric[0], metric[1]) }
  })
}
