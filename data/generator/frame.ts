/**
 * The coordinate frames of the sample city.
 *
 * - design space: a flat plan in metres (x east, y north) over the box [0, 5700]², where the
 *   district is laid out on a 75 m lattice and every boundary is exact and axis-aligned;
 * - local metric frame: design space bent by a smooth warp (so streets curve and the river
 *   meanders) and shifted so that it is EPSG:4549 easting/northing minus a fixed origin;
 * - WGS84 lon/lat degrees: the published files, rounded to 7 decimals (~1 cm).
 *
 * CGCS2000 and WGS84 differ by centimetres, so EPSG:4549 (CGCS2000 / 3-degree Gauss-Krüger
 * CM 120E) is applied to WGS84 lon/lat directly.
 */
import proj4 from 'proj4'

/** proj4 definition of EPSG:4549, CGCS2000 / 3-degree Gauss-Krüger CM 120E (no zone prefix). */
export const EPSG_4549 = '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'

/** Side of the design box, metres. */
export const DESIGN_SIZE = 5700

/** Where the centre of the design box lands, WGS84 [lon, lat]. */
export const CENTER_LONLAT: readonly [number, number] = [120.16, 30.27]

/** Decimals kept on published lon/lat (1e-7° ≈ 1 cm). */
export const LONLAT_DECIMALS = 7

const converter = proj4('WGS84', EPSG_4549)

/**
 * EPSG:4549 easting/northing of the local frame's origin, whole metres, chosen so that the
 * design centre (2850, 2850) maps to CENTER_LONLAT.
 */
export const ORIGIN_EN: readonly [number, number] = (() => {
  const [e, n] = converter.forward([CENTER_LONLAT[0], CENTER_LONLAT[1]])
  return [Math.round(e - DESIGN_SIZE / 2), Math.round(n - DESIGN_SIZE / 2)] as const
})()

const TAU = 2 * Math.PI
/** Row of the river in design space (metres north), where the meander is strongest. */
export const RIVER_Y = 2100

/**
 * Smooth warp from design space to the local metric frame (metres → metres).
 *
 * A broad sway bends every street a little; a meander term, strongest along the river and fading
 * within ~1 km of it, makes the river and its bank roads wind. The Jacobian stays within
 * roughly 0.8–1.2 everywhere, so the warp never folds the plan.
 */
export function warp(x: number, y: number): [number, number] {
  const dx = 60 * Math.sin((TAU * y) / 4200 + 0.7) + 30 * Math.sin((TAU * (x + y)) / 2900)
  const near = Math.exp(-(((y - RIVER_Y) / 900) ** 2))
  const dy = 140 * Math.sin((TAU * x) / 3600 + 0.4) * near + 50 * Math.sin((TAU * x) / 5200 + 1.9)
  return [x + dx, y + dy]
}

/** Rounds degrees to the published precision. */
export function roundDeg(v: number): number {
  const f = 10 ** LONLAT_DECIMALS
  return Math.round(v * f) / f
}

/** Local metric frame (metres) → WGS84 [lon, lat], rounded to 7 decimals. */
export function metricToLonLat(x: number, y: number): [number, number] {
  const [lon, lat] = converter.inverse([x + ORIGIN_EN[0], y + ORIGIN_EN[1]])
  return [roundDeg(lon), roundDeg(lat)]
}

/** WGS84 [lon, lat] → local metric frame (metres), unrounded. */
export function lonLatToMetric(lon: number, lat: number): [number, number] {
  const [e, n] = converter.forward([lon, lat])
  return [e - ORIGIN_EN[0], n - ORIGIN_EN[1]]
}

/** Design space (metres) → WGS84 [lon, lat], rounded to 7 decimals. */
export function designToLonLat(x: number, y: number): [number, number] {
  const [mx, my] = warp(x, y)
  return metricToLonLat(mx, my)
}
