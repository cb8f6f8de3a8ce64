/**
 * The base map's MapLibre style, built in code from Wangge's own data: land, water, boundaries
 * of the three administrative levels, streets by class and POI symbols. It has no text layers
 * (labels are deck.gl TextLayers, see layers/basemap-labels.ts), hence no glyphs URL, and no
 * remote source unless a raster template is configured — the map works with no internet.
 */
import type { FeatureCollection } from 'geojson'
import type { ExpressionSpecification, LayerSpecification, RasterSourceSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec'

/** GeoJSON source ids of the style; `setData` on these fills the map as data arrives. */
export const BASE_SOURCES = ['district', 'streets-admin', 'communities', 'water', 'roads', 'pois'] as const
export type BaseSourceId = (typeof BASE_SOURCES)[number]

/** Palette of the base map: warm greys so the analytical colours on top carry the meaning. */
export const BASE_COLORS = {
  outside: '#e6e4df',
  land: '#f7f6f2',
  water: '#bcd6e8',
  waterLine: '#8fb6d3',
  roadFill: '#ffffff',
  roadCasing: '#d6d2c8',
  arterialCasing: '#c9c3b6',
  laneFill: '#fbfaf7',
  districtLine: '#5c6470',
  streetAdminLine: '#9b978e',
  communityLine: '#cfcbc2',
  poi: { market: '#b07d48', metro_exit: '#3d6fb0', school: '#7d6aa8', office: '#7a7f87' },
} as const

/** Options of `buildBaseStyle`. */
export interface BaseStyleOptions {
  /**
   * Optional XYZ raster template (`https://…/{z}/{x}/{y}.png`) drawn under our own layers,
   * desaturated; from `VITE_WANGGE_BASEMAP_URL` at build time or `basemap_url` in /api/health.
   */
  rasterUrl?: string | null
  /** attribution shown for the raster source */
  rasterAttribution?: string
  /** initial data per source; omitted sources start empty and are filled with `setData` */
  data?: Partial<Record<BaseSourceId, FeatureCollection>>
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }

/** Line width in pixels interpolated exponentially between zoom 12 and 18 (roads widen as you zoom in). */
function width(z12: number, z18: number): ExpressionSpecification {
  return ['interpolate', ['exponential', 1.6], ['zoom'], 12, z12, 18, z18]
}

function roadClass(...classes: string[]): ExpressionSpecification {
  return ['in', ['get', 'class'], ['literal', classes]]
}

/** True when a string is an XYZ template MapLibre can use: absolute http(s) or same-origin path with {z}, {x}, {y}. */
export function isRasterTemplate(url: string | null | undefined): url is string {
  if (!url) return false
  const u = url.trim()
  return /^(https?:\/\/|\/)/.test(u) && u.includes('{z}') && u.includes('{x}') && u.includes('{y}')
}

export const RASTER_SOURCE_ID = 'raster'
/** Land is drawn semi-transparent over a raster so the imagery shows while the study area still reads. */
export const LAND_OVER_RASTER_OPACITY = 0.55

/**
 * The raster source and layer for an XYZ template: desaturated so it stays a backdrop to the
 * analytical colours. Used by `buildBaseStyle` and when the template arrives at run time.
 */
export function rasterParts(url: string, attribution = ''): { source: RasterSourceSpecification; layer: LayerSpecification } {
  return {
    source: { type: 'raster', tiles: [url.trim()], tileSize: 256, attribution },
    layer: { id: 'raster', type: 'raster', source: RASTER_SOURCE_ID, paint: { 'raster-saturation': -0.7, 'raster-opacity': 0.85 } },
  }
}

/** Zoom from which POI symbols are drawn (below it they are clutter). */
export const POI_MIN_ZOOM = 13.5

/** Builds the style. Pure: the same options give the same style. */
export function buildBaseStyle(opts: BaseStyleOptions = {}): StyleSpecification {
  const sources: StyleSpecification['sources'] = {}
  for (const id of BASE_SOURCES) sources[id] = { type: 'geojson', data: opts.data?.[id] ?? EMPTY }
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': BASE_COLORS.outside } }]

  const raster = isRasterTemplate(opts.rasterUrl) ? rasterParts(opts.rasterUrl, opts.rasterAttribution) : null
  if (raster) {
    sources[RASTER_SOURCE_ID] = raster.source
    layers.push(raster.layer)
  }

  const filterPolygon: ExpressionSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false]
  const filterLine: ExpressionSpecification = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false]

  layers.push(
    // Land only inside the district: outside stays grey so the study area reads at a glance.
    { id: 'district-land', type: 'fill', source: 'district', paint: { 'fill-color': BASE_COLORS.land, 'fill-opacity': raster ? LAND_OVER_RASTER_OPACITY : 1 } },
    { id: 'water-fill', type: 'fill', source: 'water', filter: filterPolygon, paint: { 'fill-color': BASE_COLORS.water } },
    { id: 'water-outline', type: 'line', source: 'water', filter: filterPolygon, paint: { 'line-color': BASE_COLORS.waterLine, 'line-width': 0.8 } },
    { id: 'water-line', type: 'line', source: 'water', filter: filterLine, minzoom: 11, paint: { 'line-color': BASE_COLORS.waterLine, 'line-width': 1, 'line-dasharray': [4, 3], 'line-opacity': 0.5 } },
    { id: 'community-line', type: 'line', source: 'communities', paint: { 'line-color': BASE_COLORS.communityLine, 'line-width': 0.8 } },
    // casings first, then fills, so crossings merge cleanly
    { id: 'road-lane', type: 'line', source: 'roads', minzoom: 14, filter: roadClass('lane'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadCasing, 'line-width': width(0.4, 3) } },
    { id: 'road-local-casing', type: 'line', source: 'roads', minzoom: 12, filter: roadClass('local'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadCasing, 'line-width': width(1.6, 9) } },
    { id: 'road-secondary-casing', type: 'line', source: 'roads', filter: roadClass('secondary'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadCasing, 'line-width': width(2.6, 14) } },
    { id: 'road-arterial-casing', type: 'line', source: 'roads', filter: roadClass('arterial', 'bridge'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.arterialCasing, 'line-width': width(3.6, 20) } },
    { id: 'road-local', type: 'line', source: 'roads', minzoom: 12, filter: roadClass('local'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadFill, 'line-width': width(0.8, 7) } },
    { id: 'road-secondary', type: 'line', source: 'roads', filter: roadClass('secondary'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadFill, 'line-width': width(1.6, 11.5) } },
    { id: 'road-arterial', type: 'line', source: 'roads', filter: roadClass('arterial'), layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': BASE_COLORS.roadFill, 'line-width': width(2.4, 17) } },
    // bridges last among roads: they pass over the river and the streets below
    { id: 'road-bridge-casing', type: 'line', source: 'roads', filter: roadClass('bridge'), layout: { 'line-cap': 'butt' }, paint: { 'line-color': '#a9a397', 'line-width': width(4.2, 22) } },
    { id: 'road-bridge', type: 'line', source: 'roads', filter: roadClass('bridge'), layout: { 'line-cap': 'butt' }, paint: { 'line-color': BASE_COLORS.roadFill, 'line-width': width(2.4, 17) } },
    { id: 'streets-admin-line', type: 'line', source: 'streets-admin', paint: { 'line-color': BASE_COLORS.streetAdminLine, 'line-width': 1.2, 'line-dasharray': [3, 2] } },
    { id: 'district-line-halo', type: 'line', source: 'district', paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.8 } },
    { id: 'district-line', type: 'line', source: 'district', paint: { 'line-color': BASE_COLORS.districtLine, 'line-width': 2 } },
    {
      // icon-only symbols (images registered at run time by poi-icons.ts): no text, so no glyphs
      id: 'poi',
      type: 'symbol',
      source: 'pois',
      minzoom: POI_MIN_ZOOM,
      layout: {
        'icon-image': ['concat', 'poi-', ['get', 'kind']],
        'icon-size': ['interpolate', ['linear'], ['zoom'], POI_MIN_ZOOM, 0.75, 17, 1.1],
        // few POIs and no text to collide with: place them all
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        // metro exits win space over other places
        'symbol-sort-key': ['match', ['get', 'kind'], 'metro_exit', 0, 'school', 1, 'market', 2, 3],
      },
      paint: { 'icon-opacity': 0.92 },
    },
  )
  return { version: 8, name: 'Wangge base map', sources, layers }
}
