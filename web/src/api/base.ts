/** Reference data: health, boundaries, base map layers and the category table. */
import { getJson } from './client'
import type { Category, DistrictCollection, DistrictLevel, Health, PoiCollection, StreetCollection, WaterCollection } from './types'

/** `GET /api/health`. */
export function fetchHealth(signal?: AbortSignal): Promise<Health> {
  return getJson<Health>('/api/health', {}, signal)
}

/** `GET /api/districts?level=…&format=geojson`: boundaries of one level, WGS84 MultiPolygons. */
export function fetchDistricts(level: DistrictLevel, signal?: AbortSignal): Promise<DistrictCollection> {
  return getJson<DistrictCollection>('/api/districts', { level, format: 'geojson' }, signal)
}

/** `GET /api/basemap/streets?format=geojson`. */
export function fetchStreets(signal?: AbortSignal): Promise<StreetCollection> {
  return getJson<StreetCollection>('/api/basemap/streets', { format: 'geojson' }, signal)
}

/** `GET /api/basemap/water?format=geojson`. */
export function fetchWater(signal?: AbortSignal): Promise<WaterCollection> {
  return getJson<WaterCollection>('/api/basemap/water', { format: 'geojson' }, signal)
}

/** `GET /api/basemap/pois?format=geojson`. */
export function fetchPois(signal?: AbortSignal): Promise<PoiCollection> {
  return getJson<PoiCollection>('/api/basemap/pois', { format: 'geojson' }, signal)
}

/** `GET /api/categories`: the category table (codes, names, deadlines). */
export async function fetchCategories(signal?: AbortSignal): Promise<Category[]> {
  return (await getJson<{ items: Category[] }>('/api/categories', {}, signal)).items
}
