/**
 * Kernel density of case points as ArcGIS Kernel Density (planar method) computes it, with the
 * quartic (biweight) kernel of Silverman (1986, eq. 4.5):
 *
 *   density(cell) = 1/r² · Σ_i 3/π · pop_i · (1 − (d_i / r)²)²   for d_i < r
 *
 * where d_i is the distance from point i to the cell centre and r the search radius (bandwidth).
 * Each kernel integrates to pop_i over the plane, so with coordinates in metres the sum is cases
 * per square metre, and the surface integrates to Σ pop_i (minus what spills past the raster).
 * ArcGIS reports per square kilometre for metre inputs by default, and so do we (× 10⁶).
 */
import { silvermanBandwidth } from './kde-bandwidth'

/** Planar extent, metres. */
export interface Extent {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/** Options of {@link kernelDensity}. */
export interface KdeOptions {
  /** search radius r, metres; default: ArcGIS's spatial-variant Silverman rule (kde-bandwidth.ts) */
  bandwidth?: number
  /** raster cell side, metres; default: the extent's shorter side / 250, as ArcGIS */
  cellSize?: number
  /** area to cover, metres; default: bounding box of the points, as ArcGIS */
  extent?: Extent
  /** population per point (≥ 0), e.g. reports merged into one case; default 1 each */
  weights?: Float64Array
  /** unit of the output density: 'km2' per square kilometre (default) or 'm2' per square metre */
  areaUnit?: 'km2' | 'm2'
}

/** A north-up density raster. */
export interface KdeRaster {
  /** columns */
  width: number
  /** rows */
  height: number
  /** top-left (north-west) corner of the raster, metres: cell (row, col) spans x from originX + col·cellSize, y down from originY − row·cellSize */
  originX: number
  originY: number
  /** cell side, metres */
  cellSize: number
  /** density at each cell centre, row-major from the top (north) row; cases (or population) per areaUnit */
  values: Float32Array
  areaUnit: 'km2' | 'm2'
  /** search radius used, metres */
  bandwidth: number
  /** where the radius came from */
  bandwidthRule: 'given' | 'silverman-spatial'
}

// ArcGIS's default cell size: the shorter side of the output extent divided by this
const DEFAULT_CELLS_ON_SHORT_SIDE = 250

/**
 * Quartic kernel density on a raster.
 *
 * Each point is stamped onto the cells whose centres lie within r: per row the kernel's
 * 1 − (dy/r)² and the span of columns inside the disc are computed once, and (dx/r)² once per
 * column, so the inner loop is a subtraction and two multiplications per cell. Cell centres are
 * exact (no snapping of points to cells, which a precomputed stamp image would need), so small
 * radii stay accurate. Points are visited row band by row band, so the stamps of consecutive
 * points overlap in cache instead of landing anywhere in a raster larger than it.
 * The raster covers the extent from its top-left corner in whole cells, to the right and down
 * (it may reach past maxX and below minY by less than one cell). Points outside the extent still
 * count where their kernel reaches into it.
 * @param x  easting per point, metres (metric CRS)
 * @param y  northing per point, metres
 */
export function kernelDensity(x: Float64Array, y: Float64Array, options: KdeOptions = {}): KdeRaster {
  const n = x.length
  const { weights } = options
  if (y.length !== n) throw new RangeError(`x and y differ in length: ${n} and ${y.length}.`)
  if (weights && weights.length !== n) throw new RangeError(`weights has ${weights.length} values for ${n} points.`)
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError(`Point ${i} has a non-finite coordinate: (${x[i]}, ${y[i]}).`)
    if (weights && !(weights[i] >= 0)) throw new RangeError(`Point ${i} has weight ${weights[i]}; weights must be ≥ 0.`)
  }
  const areaUnit = options.areaUnit ?? 'km2'
  if (areaUnit !== 'km2' && areaUnit !== 'm2') throw new RangeError(`Unexpected areaUnit value: ${String(areaUnit)} ('km2' or 'm2').`)

  const extent = options.extent ?? boundingBox(x, y)
  const spanX = extent.maxX - extent.minX
  const spanY = extent.maxY - extent.minY
  if (!(spanX >= 0 && spanY >= 0)) throw new RangeError(`Unexpected extent: ${JSON.stringify(extent)}.`)
  const cellSize = options.cellSize ?? (Math.min(spanX, spanY) > 0 ? Math.min(spanX, spanY) : Math.max(spanX, spanY)) / DEFAULT_CELLS_ON_SHORT_SIDE
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) throw new RangeError(`Unexpected cellSize value: ${cellSize} (metres, > 0; give one when all points coincide).`)

  const bandwidthRule = options.bandwidth === undefined ? 'silverman-spatial' : 'given'
  const r = options.bandwidth ?? silvermanBandwidth(x, y, weights).bandwidth
  if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`Unexpected bandwidth value: ${r} (metres, > 0; the default rule gives 0 when all points coincide).`)

  const width = Math.max(1, Math.ceil(spanX / cellSize - 1e-9))
  const height = Math.max(1, Math.ceil(spanY / cellSize - 1e-9))
  if (width * height > 2 ** 28) throw new RangeError(`A raster of ${width} × ${height} cells is too large; choose a larger cellSize.`)
  const originX = extent.minX
  const originY = extent.maxY

  const acc = new Float64Array(width * height)
  const invR2 = 1 / (r * r)
  const rc = r / cellSize
  // (dx / r)² per column of the current point's disc, reused by all of its rows
  const q = new Float64Array(Math.min(width, 2 * Math.ceil(rc) + 2))
  const order = byRow(y, originY, cellSize, height)
  for (let s = 0; s < n; s++) {
    const i = order[s]
    const w = weights ? weights[i] : 1
    if (w === 0) continue
    // cell centre of column c: originX + (c + 0.5)·cellSize; of row k: originY − (k + 0.5)·cellSize
    const fx = (x[i] - originX) / cellSize - 0.5
    const fy = (originY - y[i]) / cellSize - 0.5
    const row0 = Math.max(0, Math.ceil(fy - rc))
    const row1 = Math.min(height - 1, Math.floor(fy + rc))
    const col0 = Math.max(0, Math.ceil(fx - rc))
    const col1 = Math.min(width - 1, Math.floor(fx + rc))
    if (row0 > row1 || col0 > col1) continue
    for (let c = col0; c <= col1; c++) {
      const dx = (c - fx) / rc
      q[c - col0] = dx * dx
    }
    for (let k = row0; k <= row1; k++) {
      const dy = (k - fy) / rc
      const a = 1 - dy * dy
      if (a <= 0) continue
      const half = Math.sqrt(a) * rc
      const c0 = Math.max(col0, Math.ceil(fx - half))
      const c1 = Math.min(col1, Math.floor(fx + half))
      const base = k * width
      for (let c = c0; c <= c1; c++) {
        const u = a - q[c - col0]
        if (u > 0) acc[base + c] += w * u * u
      }
    }
  }

  const scale = (3 / Math.PI) * invR2 * (areaUnit === 'km2' ? 1e6 : 1)
  const values = new Float32Array(width * height)
  for (let j = 0; j < values.length; j++) values[j] = acc[j] * scale
  return { width, height, originX, originY, cellSize, values, areaUnit, bandwidth: r, bandwidthRule }
}

/** Point ids ordered by the raster row they fall in (counting sort; rows outside are clamped). */
function byRow(y: Float64Array, originY: number, cellSize: number, height: number): Int32Array {
  const n = y.length
  const row = new Int32Array(n)
  const count = new Int32Array(height + 1)
  for (let i = 0; i < n; i++) {
    row[i] = Math.min(height - 1, Math.max(0, Math.floor((originY - y[i]) / cellSize)))
    count[row[i] + 1]++
  }
  for (let k = 0; k < height; k++) count[k + 1] += count[k]
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[count[row[i]]++] = i
  return order
}

function boundingBox(x: Float64Array, y: Float64Array): Extent {
  if (x.length === 0) throw new RangeError('No points and no extent: nothing to cover.')
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < x.length; i++) {
    if (x[i] < minX) minX = x[i]
    if (x[i] > maxX) maxX = x[i]
    if (y[i] < minY) minY = y[i]
    if (y[i] > maxY) maxY = y[i]
  }
  return { minX, minY, maxX, maxY }
}
