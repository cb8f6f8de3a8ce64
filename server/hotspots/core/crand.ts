/**
 * Conditional randomisation shared by the local statistics (Gi*, local Moran), after esda's
 * `crand`: cell i keeps its own value and its deg(i) neighbours are replaced by deg(i) cells drawn
 * without replacement from the other n − 1; p_sim folds the count of draws at least as extreme.
 *
 * As in esda, one table of draws is made up front and shared by all cells. Row p holds
 * m = maxCard + 1 distinct cell ids in uniformly random order; cell i takes the first deg(i) ids of
 * the row that are not i itself, a uniform sample of the other cells. Because cells of equal degree
 * then read the same prefix of every row, the drawn sums Σ_{j<k} y(row_p[j]) are computed once per
 * degree k, sorted, and each cell's count comes from a binary search; the rows where cell i itself
 * sits among the first k ids (about k·permutations/n of them) are corrected one by one. Cost:
 * O(permutations · maxCard · log) to set up plus O(log permutations) per cell, so 10^6 cells with
 * 999 permutations take well under a second instead of 10^10 operations.
 */
import { seededRandom } from '../../shared/random'

/** Default number of permutations for pseudo p-values when a statistic asks for them (esda's 999). */
export const DEFAULT_PERMUTATIONS = 999

/**
 * esda's folded pseudo p-value: with `larger` permutations at or above the observed value,
 * the smaller tail is used, p_sim = (min(larger, permutations − larger) + 1) / (permutations + 1).
 */
export function foldedPseudoP(larger: number, permutations: number): number {
  const tail = permutations - larger < larger ? permutations - larger : larger
  return (tail + 1) / (permutations + 1)
}

/** Draw table and per-degree sorted sums for conditional randomisation over fixed cell values. */
export class ConditionalDraws {
  readonly permutations: number
  /** mean and mean square of the drawn sums, set by `moments` */
  mean = 0
  meanSq = 0
  private readonly values: Float64Array
  /** ids per row */
  private readonly m: number
  private readonly draws: Uint32Array
  /** prefix[p·(m + 1) + j] = Σ_{t<j} values[draws[p·m + t]] */
  private readonly prefix: Float64Array
  private readonly sorted: Array<Float64Array | undefined> = []
  private readonly colSum: Float64Array
  private readonly colSumSq: Float64Array
  /** occurrences of each cell in the table: rows occRow and positions occPos for occStart[c] .. occStart[c + 1] */
  private readonly occStart: Uint32Array
  private readonly occRow: Uint32Array
  private readonly occPos: Uint32Array

  /**
   * @param values        one value per cell
   * @param maxCard       largest number of neighbours of any cell
   * @param permutations  draws per cell (≥ 1)
   * @param seed          PRNG seed; equal seeds give equal draws
   */
  constructor(values: Float64Array, maxCard: number, permutations: number, seed: number) {
    const n = values.length
    if (!Number.isInteger(permutations) || permutations < 1) throw new Error(`Unexpected permutations value: ${permutations}.`)
    if (maxCard > n - 1) throw new Error(`A cell has ${maxCard} neighbours but only ${n - 1} other cells exist.`)
    this.values = values
    this.permutations = permutations
    const m = Math.min(maxCard + 1, n)
    this.m = m
    this.draws = drawTable(n, m, permutations, seed)
    const stride = m + 1
    this.prefix = new Float64Array(permutations * stride)
    for (let p = 0; p < permutations; p++) {
      let s = 0
      for (let j = 0; j < m; j++) {
        s += values[this.draws[p * m + j]]
        this.prefix[p * stride + j + 1] = s
      }
    }
    this.colSum = new Float64Array(m + 1)
    this.colSumSq = new Float64Array(m + 1)
    for (let p = 0; p < permutations; p++) {
      for (let k = 1; k <= m; k++) {
        const v = this.prefix[p * stride + k]
        this.colSum[k] += v
        this.colSumSq[k] += v * v
      }
    }
    this.occStart = new Uint32Array(n + 1)
    for (let e = 0; e < this.draws.length; e++) this.occStart[this.draws[e] + 1]++
    for (let c = 0; c < n; c++) this.occStart[c + 1] += this.occStart[c]
    const fill = this.occStart.slice(0, n)
    this.occRow = new Uint32Array(this.draws.length)
    this.occPos = new Uint32Array(this.draws.length)
    for (let e = 0; e < this.draws.length; e++) {
      const at = fill[this.draws[e]]++
      this.occRow[at] = Math.floor(e / m)
      this.occPos[at] = e % m
    }
  }

  /** Drawn sums for degree k over all rows, sorted ascending (built on first use). */
  private column(k: number): Float64Array {
    let col = this.sorted[k]
    if (!col) {
      col = new Float64Array(this.permutations)
      const stride = this.m + 1
      for (let p = 0; p < this.permutations; p++) col[p] = this.prefix[p * stride + k]
      col.sort()
      this.sorted[k] = col
    }
    return col
  }

  /** Sum of the first k ids of row p other than cell i (i sits at position t < k). */
  private correctedSum(p: number, k: number, t: number): number {
    let s = 0
    const base = p * this.m
    for (let j = 0; j <= k; j++) if (j !== t) s += this.values[this.draws[base + j]]
    return s
  }

  /**
   * Number of permutations in which cell i's k drawn neighbours sum to ≥ obs (atLeast) or ≤ obs.
   * @param i    the cell (never drawn for itself)
   * @param k    its number of neighbours, 1 ≤ k ≤ maxCard
   * @param obs  the observed neighbour sum
   */
  count(i: number, k: number, obs: number, atLeast: boolean): number {
    const col = this.column(k)
    let cnt = atLeast ? this.permutations - lowerBound(col, obs) : upperBound(col, obs)
    const stride = this.m + 1
    for (let e = this.occStart[i]; e < this.occStart[i + 1]; e++) {
      const t = this.occPos[e]
      if (t >= k) continue
      const p = this.occRow[e]
      const was = this.prefix[p * stride + k]
      const now = this.correctedSum(p, k, t)
      if (atLeast ? was >= obs : was <= obs) cnt--
      if (atLeast ? now >= obs : now <= obs) cnt++
    }
    return cnt
  }

  /** Sets `mean` and `meanSq` of cell i's drawn sums over all permutations (k neighbours). */
  moments(i: number, k: number): void {
    let s = this.colSum[k]
    let sq = this.colSumSq[k]
    const stride = this.m + 1
    for (let e = this.occStart[i]; e < this.occStart[i + 1]; e++) {
      const t = this.occPos[e]
      if (t >= k) continue
      const p = this.occRow[e]
      const was = this.prefix[p * stride + k]
      const now = this.correctedSum(p, k, t)
      s += now - was
      sq += now * now - was * was
    }
    this.mean = s / this.permutations
    this.meanSq = sq / this.permutations
  }
}

/** First index with a[idx] ≥ v. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index with a[idx] > v. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `permutations` rows of m distinct ids in [0, n), each row in uniformly random order. */
function drawTable(n: number, m: number, permutations: number, seed: number): Uint32Array {
  const rand = seededRandom(seed)
  const draws = new Uint32Array(permutations * m)
  if (2 * m > n) {
    // dense: partial Fisher–Yates over a reusable identity array
    const pool = new Uint32Array(n)
    for (let p = 0; p < permutations; p++) {
      for (let r = 0; r < n; r++) pool[r] = r
      for (let j = 0; j < m; j++) {
        const pick = j + Math.floor(rand() * (n - j))
        const t = pool[j]
        pool[j] = pool[pick]
        pool[pick] = t
        draws[p * m + j] = pool[j]
      }
    }
    return draws
  }
  // sparse: rejection sampling, duplicates spotted by a stamp per id (no clearing between rows)
  const stamp = new Uint32Array(n)
  for (let p = 0; p < permutations; p++) {
    const mark = p + 1
    for (let j = 0; j < m; ) {
      const r = Math.floor(rand() * n)
      if (stamp[r] === mark) continue
      stamp[r] = mark
      draws[p * m + j++] = r
    }
  }
  return draws
}
