/**
 * Cleaning patrol fixes: drop duplicates, inaccurate and out-of-district fixes, speed outliers and
 * vehicle legs, collapse stationary jitter, and cut what is left into trips (per worker and local
 * day, split at gaps) whose consecutive fixes may be joined by straight lines for coverage.
 *
 * Steps, per worker in time order:
 *  1. same timestamp as the previous fix → `exactDuplicate` (same position) or `duplicateTime`
 *     (the first fix of the timestamp is kept); accuracy above `maxAccuracyMeters` → `lowAccuracy`;
 *     `inside(lon, lat)` false → `outsideDistrict` (and the path is cut there, never drawn across).
 *  2. speed: a fix that cannot be reached from the last accepted fix at `maxSpeedKmh` is either a
 *     spike or the start of a real jump. If one of the next `maxSpikeFixes` fixes is reachable
 *     from the last accepted fix but not from the fix just before it, the fixes in between were a
 *     spike and only they are dropped — the neighbours on both sides stay and are joined.
 *     Otherwise the track really jumped: the path is cut there (no line is drawn across a jump).
 *  3. pieces between jumps that cannot be patrol on foot are dropped as `speed`: a lone fix next
 *     to a jump (nothing confirms it), and a piece with jumps on both sides lasting under
 *     VEHICLE_HALT_MS (a vehicle halting at a light or stop, between two fast legs).
 *  4. trips: a new trip starts at a new worker, a new local day, a gap over `gapMinutes`, a jump,
 *     an excursion outside the district, or after a piece dropped in step 3.
 *  5. jitter: within a trip, fixes closer than `jitterMeters` to the last kept fix add no path;
 *     of each such run only the first and last are kept, so a stay keeps its duration and the
 *     path moves by at most `jitterMeters`.
 * Distances are haversine metres on WGS84 lon/lat.
 */
import { zoneOffsetMs } from '../../imports/time'
import { haversineMeters } from '../../shared/coords'
import { selectFixes, type Fixes } from './tracks-fixes'

/** Speed limits of patrol modes, km/h: above them a fix is not patrol in that mode. */
export const PATROL_PROFILES = {
  /** brisk walking is ~6 km/h; 15 leaves room for GPS noise and a short jog */
  walking: 15,
  /** e-bikes are limited to 25 km/h in China (GB 17761-2018) */
  cycling: 25,
  /** patrol cars in town */
  vehicle: 60,
} as const

/** Reasons a fix is dropped; `reason[i] = k + 1` for DROP_REASONS[k], 0 for kept. */
export const DROP_REASONS = ['exactDuplicate', 'duplicateTime', 'lowAccuracy', 'outsideDistrict', 'speed', 'jitter'] as const
export type DropReason = typeof DROP_REASONS[number]

const EXACT = 1
const DUP_TIME = 2
const LOW_ACC = 3
const OUTSIDE = 4
const SPEED = 5
const JITTER = 6

// cut flags: why the path may not be drawn from the previous fix to this one
const CUT_JUMP = 1
const CUT_OUTSIDE = 2
const CUT_DROPPED = 4 // a piece before it was dropped in step 3

/** A piece between two speed jumps shorter than this is a vehicle halt, not patrol on foot, ms. */
const VEHICLE_HALT_MS = 120_000
const DAY_MS = 86_400_000

/** Cleaning options; every field has a default. */
export interface CleanOptions {
  /** fastest plausible movement, km/h; default 15 (walking, see PATROL_PROFILES) */
  maxSpeedKmh?: number
  /** a trip ends when fixes are further apart than this, minutes; default 10 */
  gapMinutes?: number
  /** movements under this are jitter of a standing worker, metres; default 3 */
  jitterMeters?: number
  /** fixes with reported accuracy worse than this are dropped, metres; default 50 (unknown accuracy passes) */
  maxAccuracyMeters?: number
  /** longest run of consecutive fixes treated as one spike; default 3 */
  maxSpikeFixes?: number
  /** IANA time zone whose midnight separates patrol days; default 'Asia/Shanghai' */
  timeZone?: string
  /** district test on WGS84 lon/lat; fixes where it returns false are dropped */
  inside?: (lon: number, lat: number) => boolean
}

/** Trips over the kept fixes: trip k is kept fixes `offsets[k] .. offsets[k + 1] - 1`. */
export interface Trips {
  /** trip count + 1 offsets into the kept fixes */
  offsets: Uint32Array
  /** worker of each trip (index into `fixes.workers`) */
  worker: Int32Array
  /** local day of each trip (days since 1970-01-01 in the cleaning time zone, see `dayLabel`) */
  day: Int32Array
}

/** Counts of one worker on one local day. */
export interface WorkerDayReport {
  worker: string
  /** local date, YYYY-MM-DD */
  day: string
  input: number
  kept: number
  dropped: Record<DropReason, number>
  trips: number
  /** length of the kept trips, km */
  distanceKm: number
  /** summed duration of the kept trips, minutes */
  durationMinutes: number
}

/** What cleaning did. */
export interface CleanReport {
  input: number
  kept: number
  dropped: Record<DropReason, number>
  trips: number
  /** places where the track jumped faster than `maxSpeedKmh` and the path was cut */
  speedJumps: number
  /**
   * Time spent moving at each speed between consecutive fixes (after duplicates, accuracy and
   * district; gaps excluded): `seconds[k]` is time at speeds in [edgesKmh[k-1], edgesKmh[k]).
   */
  speedProfile: { edgesKmh: number[]; seconds: number[] }
  /** one entry per worker and local day, workers in order, days ascending */
  byWorkerDay: WorkerDayReport[]
}

/** Cleaned fixes, trips and the report. */
export interface CleanedTracks {
  /** the kept fixes (same `workers` list as the input) */
  fixes: Fixes
  trips: Trips
  /** input row of each kept fix */
  kept: Uint32Array
  /** per input fix: 0 kept, else 1 + index into DROP_REASONS */
  reason: Uint8Array
  report: CleanReport
}

const SPEED_EDGES_KMH = [1, 7, 15, 25, 60, 120]

/** Local day number (days since 1970-01-01) of epoch time `t` (ms) in `timeZone`. */
export function localDay(t: number, timeZone: string): number {
  return Math.floor((t + zoneOffsetMs(timeZone, t)) / DAY_MS)
}

/** YYYY-MM-DD of a local day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

function zeroCounts(): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>
}

/**
 * Cleans fixes sorted by worker then time (as parsers return them) and cuts them into trips.
 * @returns kept fixes, trips over them, the drop reason of every input fix, and a report
 */
export function cleanTracks(fixes: Fixes, options: CleanOptions = {}): CleanedTracks {
  const maxSpeedKmh = options.maxSpeedKmh ?? PATROL_PROFILES.walking
  const gapMs = (options.gapMinutes ?? 10) * 60_000
  const jitterM = options.jitterMeters ?? 3
  const maxAcc = options.maxAccuracyMeters ?? 50
  const maxSpike = options.maxSpikeFixes ?? 3
  const tz = options.timeZone ?? 'Asia/Shanghai'
  const positive = { maxSpeedKmh, gapMinutes: gapMs, maxAccuracyMeters: maxAcc }
  for (const [name, v] of Object.entries(positive)) {
    if (!(v > 0)) throw new RangeError(`Unexpected ${name} value: ${name === 'gapMinutes' ? options.gapMinutes : v}.`)
  }
  if (!(jitterM >= 0)) throw new RangeError(`Unexpected jitterMeters value: ${jitterM}.`)
  if (!Number.isInteger(maxSpike) || maxSpike < 0) throw new RangeError(`Unexpected maxSpikeFixes value: ${maxSpike}.`)
  const vmax = maxSpeedKmh / 3.6 / 1000 // metres per millisecond

  const { worker, t, lon, lat, accuracy } = fixes
  const n = t.length
  const reason = new Uint8Array(n)
  const cut = new Uint8Array(n)
  const dist = (a: number, b: number) => haversineMeters(lon[a], lat[a], lon[b], lat[b])
  const reach = (a: number, b: number) => dist(a, b) <= vmax * (t[b] - t[a])
  const speedSeconds = new Array<number>(SPEED_EDGES_KMH.length + 1).fill(0)
  let speedJumps = 0
  const cand: number[] = []

  for (let a = 0; a < n;) {
    let b = a + 1
    while (b < n && worker[b] === worker[a]) b++
    if (b < n && worker[b] < worker[a]) throw new RangeError(`fixes are not sorted by worker at row ${b}`)

    // 1. duplicates, accuracy, district
    cand.length = 0
    let groupFirst = a
    let pendingOutside = false
    for (let i = a; i < b; i++) {
      if (i > a && t[i] < t[i - 1]) throw new RangeError(`fixes are not sorted by time at row ${i}`)
      if (i > a && t[i] === t[i - 1]) {
        reason[i] = lon[i] === lon[groupFirst] && lat[i] === lat[groupFirst] ? EXACT : DUP_TIME
        continue
      }
      groupFirst = i
      if (accuracy && accuracy[i] > maxAcc) reason[i] = LOW_ACC
      else if (options.inside && !options.inside(lon[i], lat[i])) {
        reason[i] = OUTSIDE
        pendingOutside = true
      } else {
        if (pendingOutside) cut[i] |= CUT_OUTSIDE
        pendingOutside = false
        const prev = cand[cand.length - 1]
        if (prev !== undefined && !(cut[i] & CUT_OUTSIDE) && t[i] - t[prev] <= gapMs) {
          const kmh = (dist(prev, i) / (t[i] - t[prev])) * 3_600_000 / 1000
          let k = 0
          while (k < SPEED_EDGES_KMH.length && kmh >= SPEED_EDGES_KMH[k]) k++
          speedSeconds[k] += (t[i] - t[prev]) / 1000
        }
        cand.push(i)
      }
    }

    // 2. spikes and jumps
    const m = cand.length
    let anchor = m > 0 ? cand[0] : -1
    for (let q = 1; q < m; q++) {
      const i = cand[q]
      if (cut[i] & CUT_OUTSIDE || t[i] - t[anchor] > gapMs || reach(anchor, i)) {
        anchor = i
        continue
      }
      let found = -1
      for (let r = q + 1; r < m && r <= q + maxSpike; r++) {
        const j = cand[r]
        if (cut[j] & CUT_OUTSIDE || t[j] - t[anchor] > gapMs) break
        // fixes i … j-1 were a spike if j continues from the anchor but not from them; when j also
        // continues from j-1, the track simply moved on (e.g. walking again after a ride)
        if (reach(anchor, j) && !reach(cand[r - 1], j)) {
          found = r
          break
        }
      }
      if (found >= 0) {
        for (let r = q; r < found; r++) reason[cand[r]] = SPEED
        anchor = cand[found]
        q = found
      } else {
        cut[i] |= CUT_JUMP
        speedJumps++
        anchor = i
      }
    }

    // 3. lone fixes at jumps and vehicle halts between jumps
    let runStart = -1
    let prev = -1
    const closeRun = (first: number, last: number, len: number, next: number) => {
      const jumpBefore = (cut[cand[first]] & CUT_JUMP) !== 0
      const jumpAfter = next >= 0 && (cut[cand[next]] & CUT_JUMP) !== 0
      const lone = len === 1 && (jumpBefore || jumpAfter)
      const halt = jumpBefore && jumpAfter && t[cand[last]] - t[cand[first]] < VEHICLE_HALT_MS
      if (!lone && !halt) return
      for (let r = first; r <= last; r++) if (reason[cand[r]] === 0) reason[cand[r]] = SPEED
      // the path must not be drawn across the dropped piece (not a jump: the next piece is judged on its own)
      if (next >= 0) cut[cand[next]] |= CUT_DROPPED
    }
    let len = 0
    for (let q = 0; q < m; q++) {
      const i = cand[q]
      if (reason[i] !== 0) continue
      const starts = prev < 0 || (cut[i] & (CUT_JUMP | CUT_OUTSIDE)) !== 0 || t[i] - t[cand[prev]] > gapMs
      if (starts && runStart >= 0) closeRun(runStart, prev, len, q)
      if (starts) {
        runStart = q
        len = 0
      }
      len++
      prev = q
    }
    if (runStart >= 0) closeRun(runStart, prev, len, -1)
    a = b
  }

  // 4. trips over the fixes still kept; 5. jitter within each trip
  const tripStart: number[] = []
  let last = -1
  let lastDay = 0
  let pendingCut = false
  const day = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    day[i] = localDay(t[i], tz)
    if (reason[i] !== 0) {
      // a cut on a dropped fix passes to the next kept one; a spike dropped in step 2 carries none,
      // so its neighbours are joined (they are reachable from each other at walking speed)
      if (cut[i] || reason[i] === OUTSIDE) pendingCut = true
      continue
    }
    if (last < 0 || worker[i] !== worker[last] || day[i] !== lastDay || t[i] - t[last] > gapMs || cut[i] || pendingCut) tripStart.push(i)
    last = i
    lastDay = day[i]
    pendingCut = false
  }
  for (let k = 0; k < tripStart.length; k++) {
    const s = tripStart[k]
    const e = k + 1 < tripStart.length ? tripStart[k + 1] : n
    let anchorFix = s
    let lastStill = -1
    for (let i = s + 1; i < e; i++) {
      if (reason[i] !== 0) continue
      if (dist(anchorFix, i) < jitterM) {
        if (lastStill >= 0) reason[lastStill] = JITTER
        lastStill = i
      } else {
        anchorFix = i
        lastStill = -1
      }
    }
  }

  const keptRows: number[] = []
  const offsets: number[] = []
  const tripWorker: number[] = []
  const tripDay: number[] = []
  let tk = 0
  for (let i = 0; i < n; i++) {
    if (tk < tripStart.length && tripStart[tk] === i) {
      offsets.push(keptRows.length)
      tripWorker.push(worker[i])
      tripDay.push(day[i])
      tk++
    }
    if (reason[i] === 0) keptRows.push(i)
  }
  offsets.push(keptRows.length)
  const kept = Uint32Array.from(keptRows)
  const trips: Trips = { offsets: Uint32Array.from(offsets), worker: Int32Array.from(tripWorker), day: Int32Array.from(tripDay) }
  const report = buildReport(fixes, reason, day, kept, trips, dist, speedSeconds, speedJumps)
  return { fixes: selectFixes(fixes, kept), trips, kept, reason, report }
}

function buildReport(
  fixes: Fixes, reason: Uint8Array, day: Int32Array, kept: Uint32Array, trips: Trips,
  dist: (a: number, b: number) => number, speedSeconds: number[], speedJumps: number,
): CleanReport {
  const n = reason.length
  const byWorkerDay: WorkerDayReport[] = []
  const index = new Map<string, WorkerDayReport>()
  const entry = (w: number, d: number) => {
    const key = `${w}|${d}`
    let e = index.get(key)
    if (!e) {
      e = { worker: fixes.workers[w], day: dayLabel(d), input: 0, kept: 0, dropped: zeroCounts(), trips: 0, distanceKm: 0, durationMinutes: 0 }
      index.set(key, e)
      byWorkerDay.push(e)
    }
    return e
  }
  const dropped = zeroCounts()
  // fixes are sorted by worker then time, so each worker-day is one contiguous block
  for (let i = 0; i < n;) {
    const e = entry(fixes.worker[i], day[i])
    let j = i
    for (; j < n && fixes.worker[j] === fixes.worker[i] && day[j] === day[i]; j++) {
      e.input++
      if (reason[j] === 0) e.kept++
      else {
        e.dropped[DROP_REASONS[reason[j] - 1]]++
        dropped[DROP_REASONS[reason[j] - 1]]++
      }
    }
    i = j
  }
  for (let k = 0; k + 1 < trips.offsets.length; k++) {
    const e = entry(trips.worker[k], trips.day[k])
    const s = trips.offsets[k]
    const end = trips.offsets[k + 1]
    let m = 0
    for (let r = s + 1; r < end; r++) m += dist(kept[r - 1], kept[r])
    e.trips++
    e.distanceKm += m / 1000
    e.durationMinutes += (fixes.t[kept[end - 1]] - fixes.t[kept[s]]) / 60_000
  }
  return {
    input: n,
    kept: kept.length,
    dropped,
    trips: trips.worker.length,
    speedJumps,
    speedProfile: { edgesKmh: [...SPEED_EDGES_KMH], seconds: speedSeconds },
    byWorkerDay,
  }
}
