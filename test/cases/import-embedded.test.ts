import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { importCases } from '../../server/cases/import/service'
import { importDistricts } from '../../server/districts/import'
import { seedTaxonomy } from '../../server/sample/load'
import { tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'

// The embedded database booted by this process stages rows with a direct COPY into PGlite (the
// shared test database is served by another process and takes the unnest path instead).
let db: Database
const dir = mkdtempSync(join(tmpdir(), 'wangge-import-embedded-'))
beforeAll(async () => {
  db = await openDatabase({ dataDir: dir })
  await migrate(db.knex)
  await seedTaxonomy(db)
  await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
})
afterAll(async () => {
  await db?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('case import on an embedded database of this process', () => {
  test('rows go through COPY with their text, times and extra columns intact; re-importing changes nothing', async () => {
    expect(db.copyFromText).toBeTypeOf('function')
    const csv = [
      'case_id,reported_at,category,source,closed_at,lon,lat,address,note',
      'E1,2025-05-01 18:00:00,0401,巡查,,120.155,30.265,"tab\there, back\\slash",',
      'E2,2025-05-02 08:30:15.250,0201,12345,2025-05-02 09:00:00,120.165,30.266,"two\nlines","quoted ""x"""',
      'E3,2025-05-03 10:00:00,0401,巡查,,120.156,30.264,,',
    ].join('\n')
    const path = tempFile('cases.csv', csv)
    const first = await importCases(db, path, { bulkMinRows: 1 })
    expect(first.counts).toMatchObject({ rows: 3, inserted: 3, rejected: 0 })
    const stored = await db.knex('cases').orderBy('external_id')
      .select('external_id', 'address', 'attrs', 'reported_at', 'closed_at', 'status', 'community_id')
    expect(stored.map((s) => [s.external_id, s.address, s.attrs, s.reported_at.toISOString(), s.closed_at?.toISOString() ?? null, s.status]))
      .toEqual([
        ['E1', 'tab\there, back\\slash', {}, '2025-05-01T10:00:00.000Z', null, 'reported'],
        ['E2', 'two\nlines', { note: 'quoted "x"' }, '2025-05-02T00:30:15.250Z', '2025-05-02T01:00:00.000Z', 'closed'],
        ['E3', null, {}, '2025-05-03T02:00:00.000Z', null, 'reported'],
      ])
    expect(stored.every((s) => s.community_id !== null)).toBe(true)
    const again = await importCases(db, path, {})
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 })
  })
})
