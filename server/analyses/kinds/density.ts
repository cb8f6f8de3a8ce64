/**
 * Case density surface: quartic kernel density (ArcGIS Kernel Density, planar) on a north-up
 * raster in the run's metric CRS. Default bandwidth: the spatially robust Silverman rule, whose
 * parts are reported. Cells with zero density are left out of the table; the raster's
 * georeference lets the grid be rebuilt (?format=grid gives it as one Float32 array).
 */
import { Type } from 'typebox'
import { kernelDensity } from '../../hotspots/core/kde'
import { silvermanBandwidth } from '../../hotspots/core/kde-bandwidth'
import { BadParameter } from '../../shared/errors'
import { projectedPoints } from '../clusters'
import type { AnalysisKind } from '../kind'
import { round } from '../spatial'

/** Rasters beyond this many cells make responses of hundreds of megabytes. */
const MAX_CELLS = 4_000_000

const Params = Type.Object({
  bandwidth_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 50_000, description: 'search radius, metres (default: spatially robust Silverman rule)' })),
  cell_size_m: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'raster cell side, metres (default: shorter side of the cases\' extent / 250, as ArcGIS)' })),
}, { additionalProperties: false })

export const densityKind: AnalysisKind<typeof Params> = {
  kind: 'density',
  title: { zh: '核密度', en: 'Kernel density' },
  description: 'Quartic kernel density of case points (cases per km²) on a raster of chosen cell size; default bandwidth by the spatially robust Silverman rule.',
  layout: 'none',
  params: Params,
  async run(ctx, p, progress) {
    progress({ phase: 'cases' })
    const pp = await projectedPoints(ctx)
    const { x, y } = pp
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
    for (let i = 0; i < x.length; i++) {
      minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i])
      minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i])
    }
    const short = Math.min(maxX - minX, maxY - minY) || Math.max(maxX - minX, maxY - minY)
    const cellSize = p.cell_size_m ?? short / 250
    if (!(cellSize > 0)) throw BadParameter('cell_size_m', 'the cases all sit on one point; give a cell size in metres')
    const cellsNeeded = Math.ceil((maxX - minX) / cellSize) * Math.ceil((maxY - minY) / cellSize)
    if (cellsNeeded > MAX_CELLS) throw BadParameter('cell_size_m', `${round(cellSize)} m makes ${cellsNeeded} raster cells over the cases' extent (at most ${MAX_CELLS}); choose a larger cell`)
    const silverman = p.bandwidth_m === undefined ? silvermanBandwidth(x, y) : null
    if (silverman && !(silverman.bandwidth > 0)) throw BadParameter('bandwidth_m', 'the default rule gives 0 because the cases all sit on one point; give a bandwidth in metres')
    progress({ phase: 'density', total: pp.pts.n })
    const r = kernelDensity(x, y, { bandwidth: p.bandwidth_m ?? silverman!.bandwidth, cellSize })
    const rows: number[] = [], cols: number[] = [], dens: number[] = []
    let max = 0
    for (let k = 0; k < r.height; k++) {
      for (let c = 0; c < r.width; c++) {
        const v = r.values[k * r.width + c]
        if (v <= 0) continue
        rows.push(k); cols.push(c); dens.push(Number(v.toPrecision(6)))
        if (v > max) max = v
      }
    }
    return {
      summary: {
        cases: pp.pts.n, crs: pp.crsReason, unit: 'cases per km²', kernel: 'quartic',
        bandwidth_m: round(r.bandwidth), bandwidth_rule: p.bandwidth_m === undefined ? 'silverman-spatial' : 'given',
        silverman: silverman && {
          standard_distance_m: round(silverman.standardDistance), median_distance_m: round(silverman.medianDistance), count: silverman.count,
          reason: 'bandwidth = 0.9 × min(standard distance, √(1/ln 2) × median distance to the mean centre) × n^−0.2',
        },
        cell_size_m: round(r.cellSize, 4), width: r.width, height: r.height, nonzero_cells: dens.length, max_density: Number(max.toPrecision(6)),
      },
      table: {
        geometry: { type: 'grid', epsg: pp.proj.epsg, originX: r.originX, originY: r.originY, cellSize: r.cellSize, width: r.width, height: r.height },
        columns: { row: rows, col: cols, density: dens },
      },
    }
  },
}
