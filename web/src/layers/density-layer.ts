/**
 * Kernel density of cases as a raster from the server (quartic kernel, bandwidth in metres in
 * the district's metric CRS): the surface means the same at every zoom, unlike a heatmap
 * blurred in screen pixels. The raster is coloured here on inferno (light = few, dark = many
 * cases per km²) on a square-root scale so the shoulders of the peaks stay visible, and placed
 * by its four WGS84 corners (the metric grid is slightly rotated against web mercator).
 */
import { BitmapLayer } from '@deck.gl/layers'
import { inferno, type RGB } from '../colors/ramps'
import type { GridResult } from '../api/analyses'

export const DENSITY_LAYER_ID = 'hotspot-density'

/** Values below this share of the maximum are left clear (the long faint tail hides the map). */
export const DENSITY_FLOOR = 0.05

/** Position on the colour scale of a density `v` (cases per km²) for a maximum `max`: square root. */
export function densityT(v: number, max: number): number {
  return max > 0 && v > 0 ? Math.min(1, Math.sqrt(v / max)) : 0
}

/** The density at scale position `t` (inverse of `densityT`). */
export function densityAt(t: number, max: number): number {
  return max * t * t
}

/** Colour at scale position t: inferno from pale yellow (low) to deep purple (high), the black end left out. */
export function densityColor(t: number): RGB {
  return inferno(0.97 - 0.8 * t)
}

/** Alpha at scale position t: clear below the floor, rising so peaks are nearly opaque. */
export function densityAlpha(t: number): number {
  return t * t < DENSITY_FLOOR ? 0 : Math.round(50 + 190 * t ** 0.7)
}

/** RGBA pixels (row 0 north) of a density raster, for an ImageData. */
export function densityPixels(values: Float32Array, width: number, height: number, max: number): Uint8ClampedArray {
  if (values.length !== width * height) throw new Error(`Unexpected raster size: ${values.length} values for ${width} × ${height}`)
  const out = new Uint8ClampedArray(width * height * 4)
  // colours of 256 scale steps, so a million pixels cost a table lookup each
  const lut = new Uint8ClampedArray(256 * 4)
  for (let k = 0; k < 256; k++) {
    const t = k / 255
    const [r, g, b] = densityColor(t)
    lut.set([r, g, b, densityAlpha(t)], k * 4)
  }
  for (let i = 0; i < values.length; i++) {
    const k = Math.round(densityT(values[i], max) * 255) * 4
    out[i * 4] = lut[k]
    out[i * 4 + 1] = lut[k + 1]
    out[i * 4 + 2] = lut[k + 2]
    out[i * 4 + 3] = lut[k + 3]
  }
  return out
}

/** Largest value of the raster. */
export function rasterMax(values: Float32Array): number {
  let m = 0
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i]
  return m
}

/** BitmapLayer corner order: [[left, bottom], [left, top], [right, top], [right, bottom]]. */
export function densityBounds(g: GridResult['georef']): [[number, number], [number, number], [number, number], [number, number]] {
  const c = g.corners_wgs84
  return [c.sw, c.nw, c.ne, c.se]
}

export interface DensityLayerInput {
  /** the coloured raster (ImageData or canvas) */
  image: ImageData | HTMLCanvasElement | null
  bounds: ReturnType<typeof densityBounds> | null
  visible: boolean
}

/** Builds the density layer (not pickable: the tooltip reads the raster under the pointer itself). */
export function densityLayer(input: DensityLayerInput): BitmapLayer {
  return new BitmapLayer({
    id: DENSITY_LAYER_ID,
    image: input.image as never,
    bounds: (input.bounds ?? [0, 0, 0, 0]) as never,
    visible: input.visible && !!input.image && !!input.bounds,
    pickable: false,
    // smooth between raster cells: the surface is continuous
    textureParameters: { minFilter: 'linear', magFilter: 'linear' },
  })
}

/**
 * The raster value under a WGS84 point, by inverse bilinear mapping of the four corners
 * (null outside the raster).
 */
export function sampleDensity(grid: GridResult, lon: number, lat: number): number | null {
  const { nw, ne, sw } = grid.georef.corners_wgs84
  // the grid is a parallelogram in lon/lat to well under a metre over a district: solve the affine map
  const ax = ne[0] - nw[0], ay = ne[1] - nw[1]
  const bx = sw[0] - nw[0], by = sw[1] - nw[1]
  const px = lon - nw[0], py = lat - nw[1]
  const det = ax * by - ay * bx
  if (det === 0) return null
  const u = (px * by - py * bx) / det
  const v = (ax * py - ay * px) / det
  if (u < 0 || u >= 1 || v < 0 || v >= 1) return null
  const col = Math.floor(u * grid.width)
  const row = Math.floor(v * grid.height)
  return grid.values[row * grid.width + col]
}
