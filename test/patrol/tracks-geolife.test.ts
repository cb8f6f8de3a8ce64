import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { cleanTracks, PATROL_PROFILES } from '../../server/patrol/core/tracks-clean'
import { parseCsvTracks } from '../../server/patrol/core/tracks-parse'
import { realDataDir, REAL_DATA_SKIP } from '../helpers/paths'

// GeoLife: 217,653 fixes of two people in Beijing, 1–5 s apart, WGS84, times in UTC. They walk,
// cycle, take buses and cars: a walking-patrol profile must drop the vehicle legs as `speed`,
// and the vehicle profile must keep them.
describe.skipIf(!realDataDir)(`GeoLife tracks (${REAL_DATA_SKIP})`, () => {
  const load = () => {
    const text = gunzipSync(readFileSync(resolve(realDataDir!, 'beijing/geolife-tracks.csv.gz'))).toString('utf8')
    return parseCsvTracks(text, { timeZone: 'UTC', columns: { worker: 'uid', time: 'datetime', lon: 'lng', lat: 'lat' } }).fixes
  }

  test('parse, clean with the walking and vehicle profiles, and report plausible numbers', () => {
    const fixes = load()
    expect(fixes.t.length).toBe(217_653)
    expect(fixes.workers).toEqual(['001', '005'])
    // nearly all in Beijing municipality (a few trips leave town)
    let inBeijing = 0
    for (let i = 0; i < fixes.t.length; i++) {
      if (fixes.lon[i] > 115.4 && fixes.lon[i] < 117.6 && fixes.lat[i] > 39.4 && fixes.lat[i] < 41.1) inBeijing++
    }
    expect(inBeijing / fixes.t.length).toBeGreaterThan(0.95)

    const walking = cleanTracks(fixes, { maxSpeedKmh: PATROL_PROFILES.walking }).report
    const vehicle = cleanTracks(fixes, { maxSpeedKmh: PATROL_PROFILES.vehicle }).report
    const share = (k: number) => k / fixes.t.length
    const summary = (r: typeof walking) => ({
      kept: +share(r.kept).toFixed(3), speed: +share(r.dropped.speed).toFixed(3), jitter: +share(r.dropped.jitter).toFixed(3),
      trips: r.trips, workerDays: r.byWorkerDay.length,
    })
    console.log(JSON.stringify({ geolife: { walking: summary(walking), vehicle: summary(vehicle), speedProfile: walking.speedProfile } }))

    // the logger never repeats a timestamp and reports no accuracy
    expect(walking.dropped.exactDuplicate + walking.dropped.duplicateTime + walking.dropped.lowAccuracy).toBe(0)
    // speed profile (same for both profiles: it is measured before the speed step): walking is the
    // commonest way of moving, and a sizeable share of time is spent faster than anyone walks
    const [still, walk, jog, bike, car, fast, faster] = walking.speedProfile.seconds
    const moving = walk + jog + bike + car + fast + faster
    expect(walk).toBe(Math.max(walk, jog, bike, car, fast, faster))
    expect((bike + car + fast + faster) / moving).toBeGreaterThan(0.1)
    expect(still).toBeGreaterThan(0)
    // vehicle legs: dropped as speed under walking, kept under the vehicle profile
    expect(share(walking.dropped.speed)).toBeGreaterThan(0.25)
    expect(share(vehicle.dropped.speed)).toBeLessThan(0.1)
    expect(walking.dropped.speed).toBeGreaterThan(5 * vehicle.dropped.speed)
    expect(share(vehicle.kept)).toBeGreaterThan(0.7)
    // cutting out vehicle legs splits days into more trips
    expect(walking.trips).toBeGreaterThan(vehicle.trips)
    // stays at 1–5 s sampling collapse, but never most of the data
    expect(share(walking.dropped.jitter)).toBeGreaterThan(0.05)
    expect(share(walking.dropped.jitter)).toBeLessThan(0.35)
    // a day of the vehicle profile: tens of km at most per person
    for (const d of vehicle.byWorkerDay) expect(d.distanceKm).toBeLessThan(400)
  })
})
