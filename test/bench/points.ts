/**
 * Seeded synthetic case locations for benchmarks: a city of `extent` × `extent` metres (origin at
 * 0, 0, any metric CRS) where most cases gather around hotspots of very different sizes (markets,
 * stations, school gates) and the rest are scattered. The same (n, seed, options) always gives the
 * same points, so the PostGIS ST_ClusterDBSCAN comparison and the in-process figures run on one
 * input.
 */
import { seededRandom } from '../../server/shared/random'

export interface CityPointsOptions {
  /** side of the square city, metres (default 10,000) */
  extent?: number
  /** share of points drawn around hotspots, the rest uniform (default 0.95) */
  clusteredShare?: number
  /** number of hotspots (default 400) */
  hotspots?: number
}

// hotspot spreads: a stall pitch or a school gate (10 m) up to a market square or station forecourt (60 m)
const SD_MIN = 10
const SD_MAX = 60
/** The seed used by the benchmarks unless they say otherwise. */
export const BENCH_SEED = 20240611

/**
 * `n` points in metres: hotspot weights follow a Pareto-like tail (a few very busy spots) and
 * spreads (standard deviation) range from SD_MIN to SD_MAX; Box–Muller normals from mulberry32.
 */
export function cityPoints(n: number, seed = BENCH_SEED, options: CityPointsOptions = {}): { x: Float64Array; y: Float64Array } {
  const extent = options.extent ?? 10_000
  const clusteredShare = options.clusteredShare ?? 0.95
  const k = options.hotspots ?? 400
  const rand = seededRandom(seed)
  const cx = new Float64Array(k)
  const cy = new Float64Array(k)
  const sd = new Float64Array(k)
  const cumulative = new Float64Array(k)
  let total = 0
  for (let j = 0; j < k; j++) {
    cx[j] = extent * (0.05 + 0.9 * rand())
    cy[j] = extent * (0.05 + 0.9 * rand())
    sd[j] = SD_MIN + (SD_MAX - SD_MIN) * rand()
    total += 1 / Math.pow(1 - rand() * 0.999, 0.8) // Pareto tail, capped
    cumulative[j] = total
  }
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (rand() < clusteredShare) {
      const u = rand() * total
      let lo = 0
      let hi = k - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cumulative[mid] < u) lo = mid + 1
        else hi = mid
      }
      const r = Math.sqrt(-2 * Math.log(1 - rand()))
      const a = 2 * Math.PI * rand()
      x[i] = Math.min(Math.max(cx[lo] + sd[lo] * r * Math.cos(a), 0), extent)
      y[i] = Math.min(Math.max(cy[lo] + sd[lo] * r * Math.sin(a), 0), extent)
    } else {
      x[i] = extent * rand()
      y[i] = extent * rand()
    }
  }
  return { x, y }
}
