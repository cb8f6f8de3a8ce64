/**
 * Forecast evaluation of hotspot maps: a map drawn on a training window is scored against the
 * cases of the next window, so methods (Gi*, KDE, DBSCAN clusters, last period's counts) can be
 * compared honestly — at equal flagged area, on data they have not seen.
 *
 * With n cases of N falling in flagged cells of area a out of A:
 *  - hit rate  H    = n / N
 *  - PAI            = (n / N) / (a / A)   predictive accuracy index (Chainey, Tompson & Uhlig 2008,
 *                     "The utility of hotspot mapping for predicting spatial patterns of crime",
 *                     Security Journal 21)
 *  - PEI            = n / n*              predictive efficiency index (Hunt 2016, "Do crime hot spots
 *                     move? …", PhD dissertation, American University): PAI over the largest PAI any
 *                     map of the same area a could have scored, n* being the most test-window cases
 *                     that cells of total area ≤ a hold
 *  - PEI*           = (n / a) / (n* / a*) the variant scored in the NIJ Real-Time Crime Forecasting
 *                     Challenge (2017): a* is the area of only those optimal cells that hold cases, so a
 *                     map that flags more area than the cases need is marked down
 * Hit rate, PEI and PEI* lie in [0, 1]; PAI is about 1 for a map no better than a random choice of cells
 * of the same area. The same measures with street length (m) in place of
 * area (Drawve & Wooditch 2019) suit grid cells whose problems sit on streets.
 *
 * n* is found greedily, cells in decreasing case density: exact when cells have equal area (a regular
 * grid) or equal street length, a close lower bound otherwise; when the flagged map itself beats the
 * greedy set, the flagged map is the optimum used.
 */
import { seededRandom } from '../../shared/random'

/** Input of {@link forecastScores}: one entry per cell, cell order. */
export interface ForecastInput {
  /** 1 for cells on the hotspot map (drawn from the training window), 0 otherwise */
  flagged: Uint8Array
  /** cases per cell in the test window */
  cases: Float64Array
  /** cell area, m² */
  area: Float64Array
  /** street length inside the cell, m (optional) */
  streetLength?: Float64Array
}

/** Scores against one measure of size (area in m², or street length in m). */
export interface SizeScores {
  /** flagged size (m² or m) */
  flagged: number
  /** total size of all cells */
  total: number
  /** share of size flagged, 0 … 1 */
  share: number
  /** (n / N) / share */
  pai: number
  /** most test cases cells of total size ≤ flagged size hold */
  nStar: number
  /** size of the optimal cells holding those nStar cases */
  sizeStar: number
  /** n / nStar */
  pei: number
  /** (n / flagged) / (nStar / sizeStar) */
  peiStar: number
}

/** Result of {@link forecastScores}. */
export interface ForecastScores {
  /** test-window cases in flagged cells */
  n: number
  /** all test-window cases */
  N: number
  /** n / N */
  hitRate: number
  /** scores with cell area (m²) */
  area: SizeScores
  /** scores with street length (m), when given */
  streetLength?: SizeScores
}

/**
 * Hit rate, PAI, PEI and PEI* of a hotspot map against the next window's cases.
 * @returns scores by area, and by street length when `streetLength` is given; ratios are NaN when
 *          undefined (no test cases, nothing flagged)
 */
export function forecastScores(input: ForecastInput): ForecastScores {
  const { flagged, cases, area, streetLength } = input
  const m = cases.length
  for (const [name, arr] of [['flagged', flagged], ['area', area], ['streetLength', streetLength]] as const) {
    if (arr && arr.length !== m) throw new RangeError(`Unexpected ${name} length: ${arr.length}; expected ${m} cells like cases.`)
  }
  let n = 0
  let N = 0
  for (let i = 0; i < m; i++) {
    const c = cases[i]
    if (!(c >= 0)) throw new RangeError(`Unexpected case count ${c} in cell ${i}.`)
    N += c
    if (flagged[i]) n += c
  }
  const hitRate = N > 0 ? n / N : NaN
  const out: ForecastScores = { n, N, hitRate, area: sizeScores(flagged, cases, area, n, hitRate) }
  if (streetLength) out.streetLength = sizeScores(flagged, cases, streetLength, n, hitRate)
  return out
}

function sizeScores(flagged: Uint8Array, cases: Float64Array, size: Float64Array, n: number, hitRate: number): SizeScores {
  const m = cases.length
  let a = 0
  let A = 0
  let aHolding = 0 // flagged size of cells that hold cases
  for (let i = 0; i < m; i++) {
    const s = size[i]
    if (!(s >= 0)) throw new RangeError(`Unexpected size ${s} in cell ${i}; areas and lengths must be ≥ 0.`)
    A += s
    if (flagged[i]) {
      a += s
      if (cases[i] > 0) aHolding += s
    }
  }
  const share = A > 0 ? a / A : NaN
  let { nStar, sizeStar } = optimalCapture(cases, size, a)
  if (n > nStar) {
    nStar = n
    sizeStar = aHolding
  }
  return {
    flagged: a,
    total: A,
    share,
    pai: hitRate / share,
    nStar,
    sizeStar,
    pei: nStar > 0 ? n / nStar : NaN,
    peiStar: nStar > 0 && a > 0 ? n / a / (nStar / sizeStar) : NaN,
  }
}

// Most cases that cells of total size ≤ budget hold, taking cells by decreasing density.
function optimalCapture(cases: Float64Array, size: Float64Array, budget: number): { nStar: number; sizeStar: number } {
  const order: number[] = []
  for (let i = 0; i < cases.length; i++) if (cases[i] > 0) order.push(i)
  const density = (i: number) => (size[i] > 0 ? cases[i] / size[i] : Infinity)
  order.sort((x, y) => density(y) - density(x) || cases[y] - cases[x] || x - y)
  const slack = budget * 1e-12 // sums of float areas must not miss an exact fit
  let nStar = 0
  let sizeStar = 0
  for (const i of order) {
    if (sizeStar + size[i] <= budget + slack) {
      sizeStar += size[i]
      nStar += cases[i]
    }
  }
  return { nStar, sizeStar }
}

/** Options of {@link selectByCoverage}. */
export interface CoverageOptions {
  /**
   * seed of the random order among cells of equal score (many cells score 0 with last-period
   * counts; breaking ties by cell index would favour one corner of the district); default 1
   */
  seed?: number
}

/**
 * Flags the highest-scoring cells until they cover `fraction` of the total size, so that methods
 * are compared at equal area (e.g. the top 5 % of the district). The last cell taken may overshoot
 * the target by less than its own size. Cells with a NaN score are never flagged.
 * @param score     ranking score per cell (Gi* z, KDE density, cluster membership, last-period count …)
 * @param size      cell area in m² (or street length in m), cell order
 * @param fraction  share of the total size to flag, in (0, 1]
 * @returns 1 for flagged cells, cell order
 */
export function selectByCoverage(score: ArrayLike<number>, size: Float64Array, fraction: number, options: CoverageOptions = {}): Uint8Array {
  const m = size.length
  if (score.length !== m) throw new RangeError(`Unexpected score length: ${score.length}; expected ${m} cells.`)
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`Unexpected fraction value: ${fraction}; expected a share in (0, 1].`)
  const rand = seededRandom(options.seed ?? 1)
  const tie = new Float64Array(m)
  for (let i = 0; i < m; i++) tie[i] = rand()
  const order: number[] = []
  let total = 0
  for (let i = 0; i < m; i++) {
    total += size[i]
    if (!Number.isNaN(score[i])) order.push(i)
  }
  order.sort((x, y) => score[y] - score[x] || tie[x] - tie[y])
  const target = fraction * total
  const flagged = new Uint8Array(m)
  let covered = 0
  for (const i of order) {
    if (covered >= target) break
    flagged[i] = 1
    covered += size[i]
  }
  return flagged
}

/** A window of whole time steps. */
export interface StepWindow {
  /** first step, inclusive */
  fromStep: number
  /** last step, exclusive */
  toStep: number
  /** epoch ms, inclusive */
  start: number
  /** epoch ms, exclusive */
  end: number
}

/** A training window and the test window right after it. */
export interface WindowPair {
  train: StepWindow
  test: StepWindow
}

/** Options of {@link rollingWindows}. */
export interface RollingOptions {
  /** steps (e.g. months) in each training window */
  trainSteps: number
  /** steps in each test window; default 1 */
  testSteps?: number
  /** steps the pair moves forward each time; default 1 */
  stride?: number
}

/**
 * Rolling train/test window pairs over step boundaries (e.g. month boundaries from
 * `stepBoundaries('month', …)`): train on steps [k, k + trainSteps), test on the following
 * `testSteps`, for k = 0, stride, 2·stride … while the test window fits.
 * @param boundaries  nSteps + 1 increasing epoch ms
 */
export function rollingWindows(boundaries: ArrayLike<number>, options: RollingOptions): WindowPair[] {
  const { trainSteps } = options
  const testSteps = options.testSteps ?? 1
  const stride = options.stride ?? 1
  for (const [name, v] of [['trainSteps', trainSteps], ['testSteps', testSteps], ['stride', stride]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`Unexpected ${name} value: ${v}; expected a whole number ≥ 1.`)
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1])) throw new RangeError(`Unexpected boundaries: entry ${i} (${boundaries[i]}) does not follow ${boundaries[i - 1]}.`)
  }
  const nSteps = boundaries.length - 1
  const win = (fromStep: number, toStep: number): StepWindow => ({ fromStep, toStep, start: boundaries[fromStep], end: boundaries[toStep] })
  const pairs: WindowPair[] = []
  for (let k = 0; k + trainSteps + testSteps <= nSteps; k += stride) {
    pairs.push({ train: win(k, k + trainSteps), test: win(k + trainSteps, k + trainSteps + testSteps) })
  }
  return pairs
}
