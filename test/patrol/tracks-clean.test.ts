import { describe, expect, test } from 'vitest'
import { cleanTracks, dayLabel, DROP_REASONS, localDay, PATROL_PROFILES } from '../../server/patrol/core/tracks-clean'
import { FixCollector, type Fixes } from '../../server/patrol/core/tracks-fixes'

// Fixtures are laid out in local metres east/north of a Beijing origin; at this scale the
// equirectangular offsets below agree with the haversine distances used by cleaning to 0.3%.
const LON0 = 116.4
const LAT0 = 39.9
const M_PER_DEG_LAT = 111_195
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180)
const T0 = Date.UTC(2025, 2, 1, 1, 0, 0) // 09:00 in Beijing

type Row = { worker?: string; s: number; x: number; y: number; acc?: number }

function fixesOf(rows: Row[]): Fixes {
  const c = new FixCollector()
  rows.forEach((r, k) => c.add(r.worker ?? 'w1', T0 + r.s * 1000, LON0 + r.x / M_PER_DEG_LON, LAT0 + r.y / M_PER_DEG_LAT, k + 1, r.acc ?? NaN))
  return c.finish()
}

/** A walk along x at `speed` m/s with a fix every `dt` s: n fixes starting at (x0, y) and time s0. */
function walk(n: number, opts: { speed?: number; dt?: number; x0?: number; y?: number; s0?: number; worker?: string } = {}): Row[] {
  const { speed = 1.2, dt = 5, x0 = 0, y = 0, s0 = 0, worker } = opts
  return Array.from({ length: n }, (_, i) => ({ worker, s: s0 + i * dt, x: x0 + i * speed * dt, y }))
}

const dropped = (reason: Uint8Array, name: (typeof DROP_REASONS)[number]) =>
  Array.from(reason).flatMap((r, i) => (r === DROP_REASONS.indexOf(name) + 1 ? [i] : []))

describe('speed outliers', () => {
  test('a single spike drops only the spike, and its neighbours are joined in one trip', () => {
    const rows = walk(20)
    rows[10] = { ...rows[10], y: 200 } // 200 m off the path for one fix
    const c = cleanTracks(fixesOf(rows))
    expect(dropped(c.reason, 'speed')).toEqual([10])
    expect(c.report.kept).toBe(19)
    expect(Array.from(c.trips.offsets)).toEqual([0, 19])
    expect(c.report.speedJumps).toBe(0)
  })

  test('a burst of two bad fixes drops both and nothing else', () => {
    const rows = walk(20)
    rows[7] = { ...rows[7], y: 300 }
    rows[8] = { ...rows[8], y: 310 }
    const c = cleanTracks(fixesOf(rows))
    expect(dropped(c.reason, 'speed')).toEqual([7, 8])
    expect(c.trips.worker.length).toBe(1)
  })

  test('a spike as the first or the last fix drops only that fix', () => {
    const first = walk(10)
    first[0] = { ...first[0], x: -500 }
    expect(dropped(cleanTracks(fixesOf(first)).reason, 'speed')).toEqual([0])
    const last = walk(10)
    last[9] = { ...last[9], x: 2000 }
    const c = cleanTracks(fixesOf(last))
    expect(dropped(c.reason, 'speed')).toEqual([9])
    expect(Array.from(c.trips.offsets)).toEqual([0, 9])
  })

  // walk 30 fixes, ride 19 fixes at 40 km/h, walk 31 fixes; a fix every 5 s
  function rideRows(): Row[] {
    const speeds = [...Array(29).fill(1.2), ...Array(20).fill(40 / 3.6), ...Array(30).fill(1.2)]
    const rows: Row[] = [{ s: 0, x: 0, y: 0 }]
    speeds.forEach((v, k) => rows.push({ s: (k + 1) * 5, x: rows[k].x + v * 5, y: 0 }))
    return rows
  }

  test('a vehicle leg is dropped as speed under the walking profile and the path is cut around it', () => {
    const c = cleanTracks(fixesOf(rideRows()))
    // fixes 30…48 sit between two fast legs; 29 and 49 have a walking leg on one side
    expect(dropped(c.reason, 'speed')).toEqual(Array.from({ length: 19 }, (_, k) => 30 + k))
    expect(Array.from(c.trips.offsets)).toEqual([0, 30, 61])
    expect(c.report.speedJumps).toBe(20)
    // 100 s of the 395 s are at 40 km/h (the 25–60 km/h band); the rest at 4.3 km/h
    expect(c.report.speedProfile.edgesKmh).toEqual([1, 7, 15, 25, 60, 120])
    expect(c.report.speedProfile.seconds).toEqual([0, 295, 0, 0, 100, 0, 0])
  })

  test('the vehicle profile keeps the vehicle leg', () => {
    const c = cleanTracks(fixesOf(rideRows()), { maxSpeedKmh: PATROL_PROFILES.vehicle })
    expect(c.report.kept).toBe(80)
    expect(c.trips.worker.length).toBe(1)
  })

  test('a vehicle halt between fast legs is dropped; a long stop is kept', () => {
    const speeds = [...Array(10).fill(1.2), ...Array(5).fill(12), 0, 0, 0, ...Array(5).fill(12), ...Array(10).fill(1.2)]
    const rows: Row[] = [{ s: 0, x: 0, y: 0 }]
    speeds.forEach((v, k) => rows.push({ s: (k + 1) * 5, x: rows[k].x + v * 5, y: 0 }))
    const c = cleanTracks(fixesOf(rows))
    // 11…14 between fast legs, 15…18 halted for 15 s between two fast legs, 19…22 between fast legs;
    // 10 and 23 have a walking leg on one side
    expect(dropped(c.reason, 'speed')).toEqual(Array.from({ length: 12 }, (_, k) => 11 + k))
    expect(c.trips.worker.length).toBe(2)
    // a stop of 3 minutes between two fast legs stays (it may be a patrol on foot near the car)
    const long = [...Array(10).fill(1.2), ...Array(5).fill(12), ...Array(36).fill(0.1), ...Array(5).fill(12), ...Array(10).fill(1.2)]
    const rows2: Row[] = [{ s: 0, x: 0, y: 0 }]
    long.forEach((v, k) => rows2.push({ s: (k + 1) * 5, x: rows2[k].x + v * 5, y: 0 }))
    const c2 = cleanTracks(fixesOf(rows2))
    expect(dropped(c2.reason, 'speed')).toEqual([11, 12, 13, 14, 52, 53, 54, 55])
    expect(c2.trips.worker.length).toBe(3)
  })
})

describe('duplicates, accuracy, district', () => {
  test('exact duplicates and duplicate timestamps keep the first fix', () => {
    const rows = walk(6)
    rows.splice(3, 0, { ...rows[2] }) // exact duplicate of fix 2
    rows.splice(5, 0, { ...rows[4], y: 1 }) // same time as fix 4 (now at 4), another place
    const c = cleanTracks(fixesOf(rows))
    expect(c.report.dropped.exactDuplicate).toBe(1)
    expect(c.report.dropped.duplicateTime).toBe(1)
    expect(dropped(c.reason, 'exactDuplicate')).toEqual([3])
    expect(dropped(c.reason, 'duplicateTime')).toEqual([5])
    expect(c.report.kept).toBe(6)
  })

  test('low accuracy is dropped only where accuracy is known', () => {
    const rows: Row[] = walk(5).map((r, i) => ({ ...r, acc: i === 2 ? 80 : i === 3 ? NaN : 8 }))
    const c = cleanTracks(fixesOf(rows))
    expect(dropped(c.reason, 'lowAccuracy')).toEqual([2])
    expect(cleanTracks(fixesOf(rows), { maxAccuracyMeters: 100 }).report.kept).toBe(5)
  })

  test('fixes outside the district are dropped and the path is cut at the excursion', () => {
    const rows = walk(20) // x from 0 to 114 m
    const inside = (lon: number) => (lon - LON0) * M_PER_DEG_LON < 40 || (lon - LON0) * M_PER_DEG_LON > 80
    const c = cleanTracks(fixesOf(rows), { inside: (lon) => inside(lon) })
    // x = 42, 48, …, 78 lie outside: fixes 7…13
    expect(dropped(c.reason, 'outsideDistrict')).toEqual([7, 8, 9, 10, 11, 12, 13])
    expect(Array.from(c.trips.offsets)).toEqual([0, 7, 13])
  })
})

describe('trips, days and jitter', () => {
  test('a gap over gapMinutes starts a new trip; a shorter one does not', () => {
    const rows = [...walk(10), ...walk(10, { s0: 45 + 11 * 60, x0: 60 })]
    expect(Array.from(cleanTracks(fixesOf(rows)).trips.offsets)).toEqual([0, 10, 20])
    expect(Array.from(cleanTracks(fixesOf(rows), { gapMinutes: 12 }).trips.offsets)).toEqual([0, 20])
  })

  test('local midnight splits trips into days (Beijing midnight is 16:00 UTC)', () => {
    const s0 = (Date.UTC(2025, 2, 1, 15, 59, 30) - T0) / 1000
    const c = cleanTracks(fixesOf(walk(12, { s0 })))
    expect(Array.from(c.trips.offsets)).toEqual([0, 6, 12])
    expect(Array.from(c.trips.day).map(dayLabel)).toEqual(['2025-03-01', '2025-03-02'])
    expect(c.report.byWorkerDay.map((e) => [e.day, e.input, e.trips])).toEqual([['2025-03-01', 6, 1], ['2025-03-02', 6, 1]])
    const utc = cleanTracks(fixesOf(walk(12, { s0 })), { timeZone: 'UTC' })
    expect(Array.from(utc.trips.day).map(dayLabel)).toEqual(['2025-03-01'])
    expect(localDay(Date.UTC(2025, 2, 1, 16, 0, 0), 'Asia/Shanghai')).toBe(localDay(Date.UTC(2025, 2, 2), 'UTC'))
  })

  test('a worker standing still keeps the first and last fix of the stay, so the stay keeps its duration', () => {
    // walk to x = 72 m (fix 12, t = 60 s), stand there 10 minutes with 1–2 m of GPS jitter, walk on
    const stand: Row[] = Array.from({ length: 120 }, (_, i) => ({ s: 65 + i * 5, x: 72 + (i % 3) * 0.8, y: (i % 2) * 0.9 }))
    const rows = [...walk(13), ...stand, ...walk(10, { s0: 65 + 120 * 5, x0: 80 })]
    const c = cleanTracks(fixesOf(rows))
    expect(dropped(c.reason, 'jitter')).toEqual(Array.from({ length: 119 }, (_, k) => 13 + k))
    const k = Array.from(c.kept).indexOf(12)
    expect(c.kept[k + 1]).toBe(132)
    expect(c.fixes.t[k + 1] - c.fixes.t[k]).toBe(600_000) // arrival to the last fix of the stay
    expect(c.trips.worker.length).toBe(1)
    expect(cleanTracks(fixesOf(rows), { jitterMeters: 0 }).report.dropped.jitter).toBe(0)
  })

  test('the report adds up per worker and day, with walked distance', () => {
    const rows = [...walk(31, { worker: 'b' }), ...walk(11, { worker: 'a', speed: 1 })]
    rows[40] = { ...rows[40], s: rows[39].s } // a duplicate time for worker a
    const c = cleanTracks(fixesOf(rows))
    expect(c.fixes.workers).toEqual(['a', 'b'])
    const [a, b] = c.report.byWorkerDay
    expect(a).toMatchObject({ worker: 'a', day: '2025-03-01', input: 11, kept: 10, trips: 1 })
    expect(a.dropped.duplicateTime).toBe(1)
    expect(b).toMatchObject({ worker: 'b', input: 31, kept: 31, trips: 1, durationMinutes: 2.5 })
    expect(b.distanceKm).toBeCloseTo(0.18, 3)
    expect(c.report.input).toBe(42)
    expect(c.report.kept + Object.values(c.report.dropped).reduce((s, v) => s + v, 0)).toBe(42)
    // kept fixes line up with the input rows they came from
    for (let k = 0; k < c.kept.length; k++) expect(c.fixes.t[k]).toBe(fixesOf(rows).t[c.kept[k]])
  })

  test('unsorted fixes and bad options are refused', () => {
    const f = fixesOf(walk(3))
    f.t.reverse()
    expect(() => cleanTracks(f)).toThrow('fixes are not sorted by time at row 1')
    expect(() => cleanTracks(fixesOf(walk(3)), { maxSpeedKmh: 0 })).toThrow('Unexpected maxSpeedKmh value: 0.')
    expect(() => cleanTracks(fixesOf(walk(3)), { gapMinutes: -1 })).toThrow('Unexpected gapMinutes value: -1.')
  })
})
