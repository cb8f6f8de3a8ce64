/**
 * Optimized hot spot analysis, after ArcGIS's Optimized Hot Spot Analysis: every parameter of Gi*
 * is chosen from the data and each choice is reported with its reason.
 *  1. Cells: the layout's cells when one is given; otherwise case points are aggregated into a
 *     fishnet of square cells covering the convex hull of the cases.
 *  2. Scale: incremental spatial autocorrelation (global Moran's I over distance bands starting
 *     at the distance giving every cell a neighbour, stepping by the mean nearest-neighbour
 *     distance); the first peak of its z, else the band with the largest significant z, else the
 *     mean distance to the 8th nearest cell.
 *  3. Gi* with that fixed distance band; bins with Benjamini–Hochberg FDR.
 */
import { Type } from 'typebox'
import { convexHull } from '../../hotspots/core/clusters-hull'
import { giBin, giStar } from '../../hotspots/core/gi-star'
import { chooseScale, defaultBands, fallbackDistance, incrementalMoran } from '../../hotspots/core/incremental'
import { distanceBandWeights, weightsSummary } from '../../hotspots/core/weights'
import { BadParameter } from '../../shared/errors'
import type { AnalysisKind, ResultGeometry, RunContext } from '../kind'
import { loadCasePoints } from '../repository'
import { cellValues, metricProjector, requireCases, round } from '../spatial'
import { binCounts } from './gi-star'

/** The national norm for a unit cell (单元网格) is about 10,000 m², so a 100 m fishnet by default. */
const DEFAULT_FISHNET_M = 100
/** ArcGIS refuses fewer incidents: below this, a hot spot map says nothing. */
const MIN_CASES = 30

const Params = Type.Object({
  cell_size_m: Type.Optional(Type.Number({ minimum: 5, maximum: 10_000, description: `fishnet cell side when no layout is given, metres (default ${DEFAULT_FISHNET_M}: a ~10,000 m² unit cell)` })),
  bands: Type.Integer({ minimum: 3, maximum: 30, default: 10, description: 'distance bands tried by the incremental spatial autocorrelation' }),
}, { additionalProperties: false })

interface Choice {
  step: string
  choice: string
  reason: string
}

interface Cells {
  x: Float64Array
  y: Float64Array
  counts: Float64Array
  cases: number
  geometry: ResultGeometry
  /** extra columns identifying the cells (cell idx and code, or fishnet row and col) */
  ids: Record<string, unknown[]>
}

/**
 * Square fishnet cells over the cases: every cell whose centre lies in the convex hull of the
 * cases, and every cell holding a case.
 */
function fishnet(px: Float64Array, py: Float64Array, side: number, epsg: number): Omit<Cells, 'cases'> {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (let i = 0; i < px.length; i++) {
    minX = Math.min(minX, px[i]); maxX = Math.max(maxX, px[i])
    minY = Math.min(minY, py[i]); maxY = Math.max(maxY, py[i])
  }
  const originX = Math.floor(minX / side) * side
  const originY = Math.ceil(maxY / side) * side
  const width = Math.floor((maxX - originX) / side) + 1
  const height = Math.floor((originY - minY) / side) + 1
  const counts = new Float64Array(width * height)
  for (let i = 0; i < px.length; i++) {
    counts[Math.floor((originY - py[i]) / side) * width + Math.floor((px[i] - originX) / side)]++
  }
  const hull = convexHull(px, py)
  // the hull is convex and counter-clockwise, so "inside" is "left of every edge": a cross-product
  // sign test is all that is needed (no general point-in-polygon library)
  const ring = hull.type === 'Polygon' ? hull.coordinates[0] : null
  const inside = (x: number, y: number): boolean => {
    if (!ring) return false
    for (let k = 0; k + 1 < ring.length; k++) {
      const [ax, ay] = ring[k]
      const [bx, by] = ring[k + 1]
      if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) return false
    }
    return true
  }
  const xs: number[] = [], ys: number[] = [], vs: number[] = [], rows: number[] = [], cols: number[] = []
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const cx = originX + (c + 0.5) * side
      const cy = originY - (r + 0.5) * side
      const v = counts[r * width + c]
      if (v === 0 && !inside(cx, cy)) continue
      xs.push(cx); ys.push(cy); vs.push(v); rows.push(r); cols.push(c)
    }
  }
  return {
    x: Float64Array.from(xs), y: Float64Array.from(ys), counts: Float64Array.from(vs),
    geometry: { type: 'grid', epsg, originX, originY, cellSize: side, width, height },
    ids: { row: rows, col: cols },
  }
}

async function aggregate(ctx: RunContext, cellSize: number | undefined, choices: Choice[]): Promise<Cells> {
  if (ctx.layout) {
    if (cellSize !== undefined) throw BadParameter('cell_size_m', 'applies only without a layout; the layout already defines the cells')
    const cv = await cellValues(ctx, 'count')
    requireCases(cv.assigned, ctx.filters as Record<string, unknown>, MIN_CASES, ' for a hot spot analysis')
    choices.push({ step: 'cells', choice: `layout ${cv.layout.id} (${cv.cells.n} ${cv.layout.kind} cells)`, reason: 'the layout given with the request' })
    choices.push({ step: 'crs', choice: cv.proj.name, reason: cv.crsReason })
    return {
      x: cv.x, y: cv.y, counts: cv.counts, cases: cv.assigned,
      geometry: { type: 'cells', layout_id: cv.layout.id },
      ids: { cell: Array.from({ length: cv.cells.n }, (_, i) => i), code: cv.cells.code },
    }
  }
  const pts = await loadCasePoints(ctx.db, ctx.filters, ctx.asOf)
  requireCases(pts.n, ctx.filters as Record<string, unknown>, MIN_CASES, ' for a hot spot analysis')
  const { proj, reason } = metricProjector(null, pts.lon, pts.lat)
  const { x, y } = proj.forward(pts.lon, pts.lat)
  const side = cellSize ?? DEFAULT_FISHNET_M
  const net = fishnet(x, y, side, proj.epsg)
  choices.push({ step: 'crs', choice: proj.name, reason })
  choices.push({
    step: 'cells',
    choice: `fishnet of ${net.x.length} square cells of ${side} m`,
    reason: (cellSize === undefined ? `no layout given: cases aggregated into ${side} m cells, the ~10,000 m² unit cell of grid management` : `no layout given: cases aggregated into the requested ${side} m cells`) +
      '; cells whose centre lies in the convex hull of the cases, plus every cell holding a case',
  })
  return { ...net, cases: pts.n }
}

export const optimizedHotspotsKind: AnalysisKind<typeof Params> = {
  kind: 'optimized-hotspots',
  title: { zh: '优化热点分析', en: 'Optimized hot spots' },
  description: 'Gi* with every parameter chosen from the data: cells (layout, or a fishnet when none is given), distance band by incremental spatial autocorrelation, FDR-corrected bins; the summary lists each choice and why.',
  layout: 'optional',
  params: Params,
  async run(ctx, p, progress) {
    const choices: Choice[] = []
    progress({ phase: 'cells' })
    const cells = await aggregate(ctx, p.cell_size_m, choices)
    const { x, y, counts } = cells
    const n = x.length
    if (n < 3) throw BadParameter('cell_size_m', `the cases fill only ${n} cell(s); use smaller cells`)
    progress({ phase: 'scale' })
    const bands = defaultBands(x, y, p.bands)
    const inc = incrementalMoran(x, y, counts, bands.distances)
    const scale = chooseScale(inc, { fallbackDistance: fallbackDistance(x, y) })
    choices.push({ step: 'distance bands', choice: `${p.bands} bands from ${round(bands.start)} m every ${round(bands.increment)} m`, reason: bands.reason })
    choices.push({ step: 'scale', choice: `${round(scale.distance)} m (${scale.rule})`, reason: scale.reason })
    progress({ phase: 'gi*' })
    const w = distanceBandWeights(x, y, scale.distance)
    const s = weightsSummary(w)
    choices.push({ step: 'weights', choice: `fixed distance band ${round(scale.distance)} m, binary, cell itself included`, reason: `neighbours per cell: min ${s.min}, median ${s.median}, max ${s.max}; ${s.islands.length} cell(s) without neighbours` })
    const gi = giStar(counts, w)
    const bins = giBin(gi.z, gi.p_two, { fdr: true })
    choices.push({ step: 'multiple testing', choice: 'Benjamini–Hochberg FDR', reason: 'corrects the confidence bins for testing every cell and for the dependence between overlapping neighbourhoods' })
    return {
      summary: {
        cells: n, cases: cells.cases, choices, distance_m: round(scale.distance), rule: scale.rule,
        incremental: inc.map((b) => ({ distance_m: round(b.distance), I: round(b.I, 6), z: round(b.z_norm, 4), p: Number(b.p_norm.toPrecision(4)) })),
        bins: binCounts(bins), fdr: true,
      },
      table: {
        geometry: cells.geometry,
        columns: {
          ...cells.ids,
          cases: Array.from(counts),
          z: Array.from(gi.z, (v) => round(v, 6)),
          p: Array.from(gi.p_two, (v) => Number(v.toPrecision(6))),
          bin: Array.from(bins),
        },
      },
    }
  },
}
