/**
 * Default search radius of the kernel density: the spatial variant of Silverman's rule of thumb
 * used by ArcGIS Kernel Density and Optimized Hot Spot Analysis, robust to outlying points
 * because it also looks at the median distance to the mean centre.
 */

/** The rule's parts, so analysts can see why the radius came out as it did. */
export interface SilvermanBandwidth {
  /** search radius, metres */
  bandwidth: number
  /** (weighted) mean centre, metres */
  meanX: number
  meanY: number
  /** (weighted) standard distance, metres */
  standardDistance: number
  /** (weighted) median distance to the mean centre, metres */
  medianDistance: number
  /** number of points, or the sum of weights when weights are given */
  count: number
}

/**
 * bandwidth = 0.9 × min(SD, √(1 / ln 2) × Dm) × n^(−0.2), where SD is the standard distance
 * √(Σ w (x − x̄)² / W + Σ w (y − ȳ)² / W), Dm the median distance to the mean centre and n the
 * number of points; with weights (population), every statistic is weighted and n = W = Σ w.
 * @param x  easting per point, metres
 * @param y  northing per point, metres
 * @param weights  population per point (≥ 0), optional
 */
export function silvermanBandwidth(x: Float64Array, y: Float64Array, weights?: Float64Array): SilvermanBandwidth {
  const n = x.length
  let W = 0
  let sx = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    W += w
    sx += w * x[i]
    sy += w * y[i]
  }
  if (!(W > 0)) throw new RangeError(`Cannot derive a bandwidth from ${n} points of total weight ${W}; give one explicitly.`)
  const meanX = sx / W
  const meanY = sy / W
  const dist = new Float64Array(n)
  let ss = 0
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    const dx = x[i] - meanX
    const dy = y[i] - meanY
    ss += w * (dx * dx + dy * dy)
    dist[i] = Math.sqrt(dx * dx + dy * dy)
  }
  const standardDistance = Math.sqrt(ss / W)
  const medianDistance = weightedMedian(dist, weights)
  const bandwidth = 0.9 * Math.min(standardDistance, Math.sqrt(1 / Math.LN2) * medianDistance) * Math.pow(W, -0.2)
  return { bandwidth, meanX, meanY, standardDistance, medianDistance, count: W }
}

/**
 * Weighted median: the value m with at most half the total weight strictly below it and at most
 * half strictly above. When the cumulative weight reaches exactly half between two values, the
 * midpoint of the two is returned, so unit weights give the ordinary median (mean of the two
 * middle values for an even count); values of weight 0 are ignored. Expected O(n) (quickselect
 * on copies; inputs are untouched).
 * @param values  any finite numbers
 * @param weights  weight per value (≥ 0), all 1 when omitted
 */
export function weightedMedian(values: Float64Array, weights?: Float64Array): number {
  if (values.length === 0) throw new RangeError('Cannot take the median of no values.')
  // zero-weight values take no part (they must not become an end of the middle interval)
  let n = 0
  const v = new Float64Array(values.length)
  const w = new Float64Array(values.length)
  let total = 0
  for (let i = 0; i < values.length; i++) {
    const wi = weights ? weights[i] : 1
    if (!(wi >= 0)) throw new RangeError(`Weight ${i} is ${wi}; weights must be ≥ 0.`)
    if (wi === 0) continue
    v[n] = values[i]
    w[n++] = wi
    total += wi
  }
  if (!(total > 0)) throw new RangeError(`Cannot take a weighted median with total weight ${total}.`)
  const half = total / 2
  let lo = 0
  let hi = n - 1
  let below = 0 // weight of values already known to lie left of [lo, hi]
  let leftMax = -Infinity // largest value left of [lo, hi]
  let rightMin = Infinity // smallest value right of [lo, hi]
  while (true) {
    const mid = (lo + hi) >> 1
    const pivot = median3(v[lo], v[mid], v[hi])
    // three-way partition of [lo, hi]: < pivot | = pivot | > pivot
    let lt = lo
    let gt = hi
    let i = lo
    while (i <= gt) {
      if (v[i] < pivot) swap2(v, w, lt++, i++)
      else if (v[i] > pivot) swap2(v, w, i, gt--)
      else i++
    }
    let wl = 0
    let we = 0
    for (let k = lo; k < lt; k++) wl += w[k]
    for (let k = lt; k <= gt; k++) we += w[k]
    if (below + wl > half) {
      hi = lt - 1
      rightMin = pivot
    } else if (below + wl + we < half) {
      below += wl + we
      lo = gt + 1
      leftMax = pivot
    } else if (below + wl === half && wl + below > 0) {
      // half the weight lies strictly below the pivot: between the largest of it and the pivot
      let m = leftMax
      for (let k = lo; k < lt; k++) if (v[k] > m) m = v[k]
      return (m + pivot) / 2
    } else if (below + wl + we === half) {
      let m = rightMin
      for (let k = gt + 1; k <= hi; k++) if (v[k] < m) m = v[k]
      return m === Infinity ? pivot : (pivot + m) / 2
    } else {
      return pivot
    }
  }
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
}

function swap2(v: Float64Array, w: Float64Array, i: number, j: number): void {
  const tv = v[i]
  v[i] = v[j]
  v[j] = tv
  const tw = w[i]
  w[i] = w[j]
  w[j] = tw
}
