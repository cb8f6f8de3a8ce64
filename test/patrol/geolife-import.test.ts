import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importDistricts } from '../../server/districts/import'
import { importTracks } from '../../server/patrol/track-import'
import { openTestDatabase } from '../helpers/db'
import { realDataDir, REAL_DATA_SKIP } from '../helpers/paths'

// GeoLife (WGS84, UTC) through the import service against the Dongcheng boundary, which comes in
// GCJ-02 and is converted on import: only the fixes inside 东城区 stay, walking legs become trips.
describe.skipIf(!realDataDir)(`GeoLife import against Dongcheng (${REAL_DATA_SKIP})`, () => {
  let db: Database
  beforeAll(async () => {
    db = await openTestDatabase()
    await importDistricts(db, resolve(realDataDir!, 'beijing/dongcheng-boundary.geojson'), { crs: 'GCJ02' })
  }, 300_000)
  afterAll(async () => { await db?.close() })

  test('fixes outside the district and vehicle legs are dropped with their reason; the rest are stored as trips', async () => {
    const r = await importTracks(db, resolve(realDataDir!, 'beijing/geolife-tracks.csv.gz'), {
      timeZone: 'UTC', columns: { worker: 'uid', time: 'datetime', lon: 'lng', lat: 'lat' },
    })
    console.log(JSON.stringify({ counts: r.counts, warnings: r.warnings }))
    expect(r.counts.fixes).toBe(217_653)
    // "a few thousand fixes fall in or near Dongcheng"; most of the data is elsewhere in Beijing
    const inside = r.counts.fixes - r.counts.dropped.outsideDistrict
    expect(inside).toBeGreaterThan(1000)
    expect(inside).toBeLessThan(5000)
    // the two people mostly pass through Dongcheng by bike, bus or car: those legs go as speed, walks stay
    expect(r.counts.dropped.speed).toBeGreaterThan(r.counts.kept)
    expect(r.counts.kept).toBeGreaterThan(100)
    expect(r.counts.trips).toBeGreaterThan(0)
    expect(r.errors.length).toBe(10_000) // listed up to the cap, the rest counted
    expect(r.warnings.some((w) => /first 10000 are listed/.test(w))).toBe(true)
    // every stored vertex lies inside the converted (WGS84) boundary
    const [{ outside }] = (await db.knex.raw(
      `SELECT count(*)::int AS outside FROM patrol_trips t, LATERAL ST_DumpPoints(t.geom) p, districts d
       WHERE d.level = 'district' AND NOT ST_Intersects(d.geom, ST_Force2D(p.geom))`)).rows
    expect(outside).toBe(0)
    const [{ fixes }] = (await db.knex.raw('SELECT sum(fixes)::int AS fixes FROM patrol_trips')).rows
    expect(fixes).toBe(r.counts.kept)
  }, 600_000)
})
