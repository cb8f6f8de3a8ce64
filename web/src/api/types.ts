/**
 * Types of the Wangge HTTP API as the front end uses them (same origin, JSON, WGS84 lon/lat).
 * They mirror the server's contract; a field the server adds later is simply ignored.
 */
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson'

/** `GET /api/health`. `basemap_url` is optional: an XYZ raster template the server may advertise. */
export interface Health {
  status: 'ok'
  database: { kind: 'embedded' | 'postgres'; postgres: string; postgis: string }
  version: string
  sample: boolean
  basemap_url?: string | null
}

/** Administrative level of a boundary. */
export type DistrictLevel = 'district' | 'street' | 'community'

/** Properties of `GET /api/districts` features. */
export interface DistrictProps {
  id: number | string
  level: DistrictLevel
  code: string
  full_code: string
  parent_id: number | string | null
  name_zh: string
  name_en: string
  /** area in km² */
  area_km2: number
}
export type DistrictFeature = Feature<MultiPolygon | Polygon, DistrictProps>
export type DistrictCollection = FeatureCollection<MultiPolygon | Polygon, DistrictProps>

/** Road classes, widest first. */
export type StreetClass = 'arterial' | 'secondary' | 'local' | 'lane' | 'bridge'
export interface StreetProps {
  id: number | string
  class: StreetClass
  name_zh: string | null
  name_en: string | null
}
export type StreetCollection = FeatureCollection<LineString | MultiLineString, StreetProps>

export interface WaterProps {
  kind: string
  name_zh: string | null
  name_en: string | null
}
export type WaterCollection = FeatureCollection<Polygon | MultiPolygon | LineString | MultiLineString, WaterProps>

export type PoiKind = 'market' | 'metro_exit' | 'school' | 'office'
export interface PoiProps {
  id: number | string
  kind: PoiKind
  name_zh: string | null
  name_en: string | null
}
export type PoiCollection = FeatureCollection<Point, PoiProps>

/** One row of `GET /api/categories`. */
export interface Category {
  /** 4-digit minor code, e.g. `0401` */
  code: string
  /** 2-digit major code */
  major_code: string
  name_zh: string
  name_en: string
  major_zh: string
  major_en: string
  kind: 'event' | 'component'
  /** hours allowed from registration to closure */
  deadline_hours: number
}

/** Properties of `GET /api/cases?format=geojson` features. Times are ISO 8601. */
export interface CaseProps {
  id: number | string
  external_id: string | null
  category_code: string
  source: string
  status: string
  reported_at: string
  due_at: string | null
  closed_at: string | null
  /** community (districts id) the server assigned the case to, when it did */
  community_id?: number | string | null
  /** geocoder fallback: the address was not located and the point sits at the community centre */
  stacked: boolean
}
export type CaseFeature = Feature<Point, CaseProps>
/** `format=geojson` answers carry the number of matching cases beside the page. */
export type CaseCollection = FeatureCollection<Point, CaseProps> & { total?: number }

/** `GET /api/cases/timeseries`. */
export interface TimeSeries {
  step: 'day' | 'week' | 'month'
  items: Array<{ t: string; n: number }>
}

/** `GET /api/cases/summary`; rates are ratios in [0, 1] or null when nothing is due. */
export interface CaseSummary {
  total: number
  closed: number
  closed_on_time: number
  due: number
  rate_closed: number | null
  rate_on_time: number | null
  by_category: Array<{ code: string; n: number }>
  by_source: Array<{ source: string; n: number }>
  /** open cases past their deadline */
  open_overdue?: number
  /** median hours from report to closure, null when nothing closed */
  median_hours_to_close?: number | null
  /** stacked (geocoder-fallback) cases the filter left out */
  stacked_excluded?: number
}

/** The filters every case endpoint accepts. */
export interface CaseFilter {
  /** ISO 8601 instant, inclusive */
  from?: string
  /** ISO 8601 instant, exclusive */
  to?: string
  categories?: readonly string[]
  sources?: readonly string[]
  community?: string | number
  /** [minLon, minLat, maxLon, maxLat], WGS84 */
  bbox?: readonly [number, number, number, number]
  /** include geocoder-fallback (stacked) points; the server leaves them out by default */
  includeStacked?: boolean
}
