/**
 * The columnar shape of patrol GPS fixes shared by parsing, cleaning and coverage.
 *
 * One row per fix, one typed array per field, sorted by worker then time so that each worker's
 * track is a contiguous slice and consecutive rows are consecutive fixes.
 */

/** Patrol GPS fixes in WGS84, sorted by worker then time (ties keep source order). */
export interface Fixes {
  /** worker ids, sorted (code-unit order); `worker[i]` indexes this list */
  workers: string[]
  /** worker of each fix (index into `workers`) */
  worker: Int32Array
  /** time of each fix, epoch milliseconds (UTC) */
  t: Float64Array
  /** longitude, WGS84 degrees */
  lon: Float64Array
  /** latitude, WGS84 degrees */
  lat: Float64Array
  /** horizontal accuracy reported by the device, metres; NaN where unknown; null when the source has none */
  accuracy: Float64Array | null
  /** speed reported by the device, m/s; NaN where unknown; null when the source has none */
  speed: Float64Array | null
  /** 1-based position in the source: CSV line number (header = 1) or point ordinal in a GPX/GeoJSON file */
  source: Int32Array
}

/** Number of fixes. */
export function fixCount(f: Fixes): number {
  return f.t.length
}

/**
 * Collects fixes row by row (any order, any worker) and packs them into sorted `Fixes`.
 * Coordinates are stored as given; parsers convert them to WGS84 before `add`, or in bulk after.
 */
export class FixCollector {
  private readonly ids = new Map<string, number>()
  private readonly names: string[] = []
  private readonly w: number[] = []
  private readonly t: number[] = []
  private readonly lon: number[] = []
  private readonly lat: number[] = []
  private readonly acc: number[] = []
  private readonly spd: number[] = []
  private readonly src: number[] = []
  private hasAcc = false
  private hasSpd = false

  /** Number of fixes added so far. */
  get size(): number {
    return this.t.length
  }

  /**
   * Adds one fix. `accuracy` (metres) and `speed` (m/s) may be NaN when unknown.
   * @param t  epoch milliseconds
   */
  add(worker: string, t: number, lon: number, lat: number, source: number, accuracy = NaN, speed = NaN): void {
    let id = this.ids.get(worker)
    if (id === undefined) {
      id = this.names.length
      this.ids.set(worker, id)
      this.names.push(worker)
    }
    this.w.push(id)
    this.t.push(t)
    this.lon.push(lon)
    this.lat.push(lat)
    this.acc.push(accuracy)
    this.spd.push(speed)
    this.src.push(source)
    if (!Number.isNaN(accuracy)) this.hasAcc = true
    if (!Number.isNaN(speed)) this.hasSpd = true
  }

  /** Packs the fixes, sorted by worker (ids in code-unit order) then time then source position. */
  finish(): Fixes {
    const n = this.t.length
    const workers = [...this.names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const rank = new Int32Array(this.names.length)
    workers.forEach((name, r) => { rank[this.ids.get(name)!] = r })
    const worker = new Int32Array(n)
    for (let i = 0; i < n; i++) worker[i] = rank[this.w[i]]
    const order = sortOrder(worker, this.t, this.src)
    const pick = (src: number[]) => {
      const out = new Float64Array(n)
      for (let k = 0; k < n; k++) out[k] = src[order[k]]
      return out
    }
    const sortedWorker = new Int32Array(n)
    const source = new Int32Array(n)
    for (let k = 0; k < n; k++) {
      sortedWorker[k] = worker[order[k]]
      source[k] = this.src[order[k]]
    }
    return {
      workers,
      worker: sortedWorker,
      t: pick(this.t),
      lon: pick(this.lon),
      lat: pick(this.lat),
      accuracy: this.hasAcc ? pick(this.acc) : null,
      speed: this.hasSpd ? pick(this.spd) : null,
      source,
    }
  }
}

/** Permutation sorting rows by (worker, t, source); the identity when already sorted (the usual case). */
function sortOrder(worker: Int32Array, t: ArrayLike<number>, source: ArrayLike<number>): Uint32Array {
  const n = worker.length
  const order = new Uint32Array(n)
  let sorted = true
  for (let i = 0; i < n; i++) {
    order[i] = i
    if (i > 0 && sorted && compare(worker, t, source, i - 1, i) > 0) sorted = false
  }
  if (sorted) return order
  return Uint32Array.from(Array.from(order).sort((a, b) => compare(worker, t, source, a, b)))
}

function compare(worker: Int32Array, t: ArrayLike<number>, source: ArrayLike<number>, a: number, b: number): number {
  return worker[a] - worker[b] || t[a] - t[b] || source[a] - source[b]
}

/** The fixes at `rows` (ascending input rows keep the sort order), same worker list. */
export function selectFixes(f: Fixes, rows: ArrayLike<number>): Fixes {
  const n = rows.length
  const take = (a: Float64Array) => {
    const out = new Float64Array(n)
    for (let k = 0; k < n; k++) out[k] = a[rows[k]]
    return out
  }
  const worker = new Int32Array(n)
  const source = new Int32Array(n)
  for (let k = 0; k < n; k++) {
    worker[k] = f.worker[rows[k]]
    source[k] = f.source[rows[k]]
  }
  return {
    workers: f.workers,
    worker,
    t: take(f.t),
    lon: take(f.lon),
    lat: take(f.lat),
    accuracy: f.accuracy ? take(f.accuracy) : null,
    speed: f.speed ? take(f.speed) : null,
    source,
  }
}
