/**
 * The map: MapLibre draws the base map from our own GeoJSON, deck.gl draws the analytical
 * layers and all labels into the same WebGL context through one interleaved overlay.
 *
 * The overlay is `MapLibreOverlay` from @deck.gl/maplibre, deck.gl's drop-in for
 * `MapboxOverlay` on MapLibre: @deck.gl/mapbox 9.4 reads the private `map.transform`, which
 * maplibre-gl 6 removed, and throws on the first interleaved frame.
 */
import { MapLibreOverlay } from '@deck.gl/maplibre'
import type { Layer, PickingInfo } from '@deck.gl/core'
import { Map as MaplibreMap, ScaleControl, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import 'maplibre-gl/dist/maplibre-gl.css'
import type { FeatureCollection } from 'geojson'
import { addPoiIcons } from './basemap/poi-icons'
import { buildBaseStyle, isRasterTemplate, LAND_OVER_RASTER_OPACITY, RASTER_SOURCE_ID, rasterParts, type BaseSourceId } from './basemap/style'
import type { BBox } from './geo/geometry'
import type { MapPosition } from './state/url-state'

// Bundled builds must say where the worker is: MapLibre's own guess is relative to its module file.
setWorkerUrl(workerUrl)

/** Where the map opens before the district's extent is known (central Beijing, zoom 12). */
export const INITIAL_VIEW_STATE: MapPosition = { zoom: 12, lat: 39.915, lon: 116.404 }

/** Zoom limits: 9 shows a whole city, 19 a single courtyard. */
export const MIN_ZOOM = 9
export const MAX_ZOOM = 19

/** Padding around the district when fitting it, px; the right side leaves room for the legend. */
const FIT_PADDING = { top: 40, bottom: 40, left: 40, right: 280 }

export interface MapHandle {
  map: MaplibreMap
  overlay: MapLibreOverlay
  /** replaces the deck.gl layers (order = drawing order) */
  setLayers(layers: Layer[]): void
  /** fills one of the base map's GeoJSON sources */
  setBaseData(id: BaseSourceId, data: FeatureCollection): void
  /** adds an XYZ raster under the base map's own layers (no-op when one is there or the URL is not a template) */
  setRaster(url: string | null | undefined): void
  /** the camera as `MapPosition` */
  position(): MapPosition
  jumpTo(p: MapPosition): void
  fitBounds(b: BBox, animate?: boolean): void
  /** the WebGL canvas (MapLibre + deck.gl, drawing buffer preserved for export) */
  canvas(): HTMLCanvasElement
  /** resolves after the next fully rendered frame */
  rendered(): Promise<void>
}

export interface MapOptions {
  container: HTMLElement
  rasterUrl: string | null
  start: MapPosition | null
  onHover: (info: PickingInfo) => void
  onClick?: (info: PickingInfo) => void
  /** camera changes: `settled` is true on moveend, false while moving */
  onMove: (p: MapPosition, settled: boolean) => void
  onError: (err: Error) => void
}

/** Creates the map and the deck.gl overlay. */
export function createMap(o: MapOptions): MapHandle {
  const start = o.start ?? INITIAL_VIEW_STATE
  const map = new MaplibreMap({
    container: o.container,
    style: buildBaseStyle({ rasterUrl: o.rasterUrl, rasterAttribution: '' }),
    center: [start.lon, start.lat],
    zoom: start.zoom,
    minZoom: MIN_ZOOM,
    maxZoom: MAX_ZOOM,
    // Labels are screen-aligned deck.gl text; a rotated map would tilt them against the streets.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: false,
    // PNG export reads the canvas after the frame is shown
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  })
  map.touchZoomRotate.disableRotation()
  map.keyboard.disableRotation()
  map.addControl(new ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left')
  map.on('error', (e) => o.onError(new Error(e.error?.message ?? 'map error')))

  const overlay = new MapLibreOverlay({
    interleaved: true,
    layers: [],
    onHover: o.onHover,
    onClick: o.onClick,
    pickingRadius: 4,
  })
  map.addControl(overlay)

  const position = (): MapPosition => {
    const c = map.getCenter()
    return { zoom: map.getZoom(), lat: c.lat, lon: c.lng }
  }
  map.on('move', () => o.onMove(position(), false))
  map.on('moveend', () => o.onMove(position(), true))

  const pendingData = new Map<BaseSourceId, FeatureCollection>()
  const flush = () => {
    // icons first: a POI drawn before its image exists is dropped with a warning
    addPoiIcons(map)
    for (const [id, data] of pendingData) {
      const src = map.getSource(id) as GeoJSONSource | undefined
      if (src) {
        src.setData(data)
        pendingData.delete(id)
      }
    }
  }
  map.on('load', flush)

  return {
    map,
    overlay,
    setLayers: (layers) => overlay.setProps({ layers }),
    setBaseData(id, data) {
      pendingData.set(id, data)
      if (map.isStyleLoaded()) flush()
    },
    setRaster(url) {
      if (!isRasterTemplate(url)) return
      const add = () => {
        if (map.getSource(RASTER_SOURCE_ID)) return
        const { source, layer } = rasterParts(url)
        map.addSource(RASTER_SOURCE_ID, source)
        map.addLayer(layer, 'district-land')
        map.setPaintProperty('district-land', 'fill-opacity', LAND_OVER_RASTER_OPACITY)
      }
      if (map.isStyleLoaded()) add()
      else map.once('load', add)
    },
    position,
    jumpTo: (p) => map.jumpTo({ center: [p.lon, p.lat], zoom: p.zoom }),
    fitBounds: (b, animate = false) => map.fitBounds(b as LngLatBoundsLike, { padding: FIT_PADDING, animate, maxZoom: 16 }),
    canvas: () => map.getCanvas(),
    rendered: () =>
      new Promise<void>((resolve) => {
        map.once('idle', () => resolve())
        map.triggerRepaint()
      }),
  }
}
