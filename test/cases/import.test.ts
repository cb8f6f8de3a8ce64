import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { Database } from '../../server/db/connect'
import { importCases } from '../../server/cases/import/service'
import { importDistricts } from '../../server/districts/import'
import { readImport } from '../../server/imports/record'
import { fromWgs84 } from '../../server/shared/coords'
import { openTestDatabase, resetData } from '../helpers/db'
import { TINY, tempFile, tinyDistrictGeoJson } from '../helpers/tiny-city'

let db: Database
beforeAll(async () => { db = await openTestDatabase() })
afterAll(async () => { await db.close() })
beforeEach(async () => {
  await resetData(db)
  await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
})

const HEADER = 'case_id,reported_at,category,source,status,closed_at,lon,lat,address'
const row = (id: string, lon = 120.155, lat = 30.265, extra: Partial<Record<'time' | 'cat' | 'source' | 'status' | 'closed', string>> = {}) =>
  [id, extra.time ?? '2025-05-01 18:00:00', extra.cat ?? '0401', extra.source ?? '巡查', extra.status ?? '', extra.closed ?? '', lon, lat, '测试路1号'].join(',')

/** The keys and indexes of `cases`, each with its definition. */
const casesKeys = async () => (await db.knex.raw(`
  SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'cases'::regclass
  UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' ORDER BY 1, 2`)).rows

describe('case import', () => {
  test('good rows are stored with their community; bad rows are reported with row, column and reason', async () => {
    const csv = [HEADER,
      row('A1'), row('A2', 120.165, 30.266, { cat: '非法小广告', source: '12345', closed: '2025-05-02 09:00:00' }),
      row('A3', 120.155, 30.265, { time: '2025-02-30 10:00' }), // impossible date
      row('A4', 121.5, 31.2), // outside the district
      row('A5', 120.155, 30.265, { cat: '不存在的类别' }), // unknown category
      row('A1'), // duplicate id
      row('A6', 30.265, 120.155), // lon/lat swapped
      row('A7', 120.156, 30.264, { status: '已结案', closed: '2025-05-01 20:00:00' }),
    ].join('\n')
    const r = await importCases(db, tempFile('cases.csv', csv), { filename: 'cases.csv' })
    expect(r.counts).toMatchObject({ rows: 8, inserted: 3, rejected: 5 })
    const byRow = Object.fromEntries(r.errors.map((e) => [e.row, e]))
    expect(byRow[3]).toMatchObject({ column: 'reported_at', code: 'WG_BAD_TIME', value: '2025-02-30 10:00' })
    expect(byRow[4]).toMatchObject({ code: 'WG_OUTSIDE_DISTRICT' })
    expect(byRow[5]).toMatchObject({ column: 'category', code: 'WG_UNKNOWN_CATEGORY', value: '不存在的类别' })
    expect(byRow[6]).toMatchObject({ column: 'case_id', code: 'WG_DUPLICATE_ID' })
    expect(byRow[6].reason).toMatch(/row 1/)
    expect(byRow[7]).toMatchObject({ code: 'WG_COORDINATES_OUT_OF_RANGE' })
    expect(byRow[7].reason).toMatch(/swapped/)
    expect(r.unmapped_categories).toEqual([{ name: '不存在的类别', rows: 1 }])
    const stored = await db.knex('cases as k').join('districts as d', 'd.id', 'k.community_id')
      .select('k.external_id', 'k.category_code', 'k.source', 'k.status', 'd.name_zh', 'k.due_at', 'k.reported_at').orderBy('k.external_id')
    expect(stored.map((s) => [s.external_id, s.category_code, s.source, s.status, s.name_zh])).toEqual([
      ['A1', '0401', 'patrol', 'reported', '西社区'],
      ['A2', '0201', '12345', 'closed', '东社区'],
      ['A7', '0401', 'patrol', 'closed', '西社区'],
    ])
    // due time defaults to the category deadline
    const deadline = (await db.knex('categories').where({ code: '0401' }).first()).deadline_hours
    expect(stored[0].due_at.getTime() - stored[0].reported_at.getTime()).toBe(deadline * 3600_000)
    // the import is recorded with every rejected row
    const rec = await readImport(db, r.import_id)
    expect(rec?.status).toBe('done')
    expect(rec?.errors).toEqual(r.errors)
    expect(rec?.errors).toHaveLength(5)
  })

  test('a load larger than the table drops the keys and plain indexes of cases and rebuilds them identically', async () => {
    const before = await casesKeys()
    expect(before.filter((k: { def: string }) => /FOREIGN KEY/.test(k.def))).toHaveLength(3)
    const path = tempFile('cases.csv', [HEADER, row('K1'), row('K2', 120.165, 30.266, { cat: '0201' }), row('K3', 121.5, 31.2)].join('\n'))
    const first = await importCases(db, path, { bulkMinRows: 1 })
    expect(first.counts).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 1 })
    expect(await casesKeys()).toEqual(before)
    const stored = await db.knex('cases as k').join('districts as d', 'd.id', 'k.community_id').join('categories as c', 'c.code', 'k.category_code')
      .select('k.external_id', 'd.name_zh', 'k.import_id').orderBy('k.external_id')
    expect(stored).toEqual([
      { external_id: 'K1', name_zh: '西社区', import_id: first.import_id },
      { external_id: 'K2', name_zh: '东社区', import_id: first.import_id },
    ])
    // the rebuilt keys are enforced again (a literal statement: a failing one with parameters
    // desynchronises the embedded database's wire server, electric-sql/pglite#958)
    await expect(db.knex.raw("UPDATE cases SET category_code = '9999' WHERE external_id = 'K1'")).rejects.toThrow(/foreign key/)
    // importing the same file again changes nothing (and leaves the keys as they were)
    const again = await importCases(db, path, { bulkMinRows: 1 })
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
    expect(await casesKeys()).toEqual(before)
    // more rows than stored again: the bulk path updates the changed case and inserts the new ones
    const more = tempFile('cases.csv', [HEADER, row('K1', 120.155, 30.265, { status: 'closed', closed: '2025-05-02 08:00' }),
      row('K2', 120.165, 30.266, { cat: '0201' }), row('K4'), row('K5', 120.165, 30.266)].join('\n'))
    const third = await importCases(db, more, { bulkMinRows: 1 })
    expect(third.counts).toMatchObject({ inserted: 2, updated: 1, unchanged: 1 })
    expect(await casesKeys()).toEqual(before)
    const after = await db.knex('cases').orderBy('external_id').select('external_id', 'status', 'import_id')
    expect(after.map((c) => [c.external_id, c.status, c.import_id])).toEqual([
      ['K1', 'closed', third.import_id], ['K2', 'reported', first.import_id], ['K4', 'reported', third.import_id], ['K5', 'reported', third.import_id],
    ])
  })

  test('a file written in many small batches stores exactly what one batch does; stacks count across batches and stored cases', async () => {
    const P: [number, number] = [120.1611, 30.2611]
    const lines = [HEADER]
    for (let i = 0; i < 24; i++) {
      if (i === 2 || i === 19) lines.push(row(`O${i}`, 121.5, 31.2)) // outside the district, early and late
      else if (i === 7) lines.push(row(`U${i}`, 120.155, 30.265, { cat: '不存在的类别' }))
      else if (i % 2 === 0) lines.push(row(`S${i}`, ...P)) // one coordinate all through the file
      else lines.push(row(`D${i}`, 120.151 + (i % 5) * 0.002, 30.262 + (i % 3) * 0.002, { cat: i % 3 ? '0401' : '0201' }))
    }
    const path = tempFile('batches.csv', lines.join('\n'))
    const mapping = { stackedMin: 5 }
    const stored = async () => (await db.knex('cases as k').leftJoin('districts as d', 'd.id', 'k.community_id')
      .select('k.external_id', 'k.category_code', 'k.stacked', 'd.name_zh', db.knex.raw('ST_AsText(k.geom) AS wkt')).orderBy('k.external_id'))
    const before = await casesKeys()

    const one = await importCases(db, path, { mapping, batchRows: 1000, bulkMinRows: 1 })
    const oneStored = await stored()
    await resetData(db)
    await importDistricts(db, tempFile('district.geojson', tinyDistrictGeoJson()))
    const many = await importCases(db, path, { mapping, batchRows: 3, bulkMinRows: 1 })
    expect(await stored()).toEqual(oneStored)
    expect(await casesKeys()).toEqual(before)
    for (const r of [one, many]) {
      expect(r.counts).toMatchObject({ rows: 24, inserted: 21, updated: 0, unchanged: 0, rejected: 3 })
      expect(r.errors.map((e) => [e.row, e.code])).toEqual([[3, 'WG_OUTSIDE_DISTRICT'], [8, 'WG_UNKNOWN_CATEGORY'], [20, 'WG_OUTSIDE_DISTRICT']])
      expect(r.stacked_points).toEqual([{ lon: P[0], lat: P[1], cases: 11 }])
    }
    expect(oneStored.filter((c) => c.stacked).map((c) => c.external_id).sort()).toEqual(
      ['S0', 'S4', 'S6', 'S8', 'S10', 'S12', 'S14', 'S16', 'S18', 'S20', 'S22'].sort())
    expect((await readImport(db, many.import_id))?.errors).toEqual(many.errors)

    // again, in batches: nothing changes
    const again = await importCases(db, path, { mapping, batchRows: 3, bulkMinRows: 1 })
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 21, rejected: 3 })
    expect(await stored()).toEqual(oneStored)

    // a later file puts 2 new cases where the dataset holds 3: the coordinate becomes stacked,
    // the stored cases there included
    const Q: [number, number] = [120.1633, 30.2655]
    await importCases(db, tempFile('q1.csv', [HEADER, row('Q1', ...Q), row('Q2', ...Q), row('Q3', ...Q)].join('\n')), { mapping })
    expect(await db.knex('cases').whereIn('external_id', ['Q1', 'Q2', 'Q3']).where({ stacked: true }).count({ n: '*' })).toEqual([{ n: 0 }])
    const q2 = await importCases(db, tempFile('q2.csv', [HEADER, row('Q4', ...Q), row('Q5', ...Q)].join('\n')), { mapping, batchRows: 1 })
    expect(q2.stacked_points).toContainEqual({ lon: Q[0], lat: Q[1], cases: 5 })
    expect(await db.knex('cases').where('external_id', 'like', 'Q%').where({ stacked: true }).count({ n: '*' })).toEqual([{ n: 5 }])
  })

  test('a failure after some batches are written rolls every batch back and records the import as failed', async () => {
    const before = await casesKeys()
    const lines = [HEADER]
    for (let i = 0; i < 30; i++) lines.push(row(`F${i}`, 120.151 + (i % 7) * 0.002, 30.262, { source: i === 25 ? '怪渠道' : '巡查' }))
    await expect(importCases(db, tempFile('fail.csv', lines.join('\n')), {
      mapping: { sources: { 巡查: 'patrol', 怪渠道: 'somewhere' } }, batchRows: 3, bulkMinRows: 1,
    })).rejects.toMatchObject({ code: 'WG_BAD_MAPPING' })
    expect(await db.knex('cases').count({ n: '*' })).toEqual([{ n: 0 }])
    expect(await casesKeys()).toEqual(before)
    const runs = await db.knex('imports').where({ kind: 'cases' }).select('status', 'message')
    expect(runs.every((r) => r.status === 'failed' && /somewhere/.test(r.message))).toBe(true)
  })

  test('a point is inside when a community of the district covers it or else the district does; districtId narrows both', async () => {
    // a second district east of the tiny one, whose only community covers its western half
    const rect = (w: number, e: number) => ({ type: 'MultiPolygon', coordinates: [[[[w, 30.26], [e, 30.26], [e, 30.27], [w, 30.27], [w, 30.26]]]] })
    await importDistricts(db, tempFile('east.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { level: 'district', code: '330199', name_zh: '东邻区' }, geometry: rect(120.17, 120.19) },
        { type: 'Feature', properties: { level: 'street', code: '002', parent_code: '330199', name_zh: '东邻街道' }, geometry: rect(120.17, 120.19) },
        { type: 'Feature', properties: { level: 'community', code: '001', parent_code: '002', name_zh: '东邻社区' }, geometry: rect(120.17, 120.18) },
      ],
    })))
    const csv = [HEADER, row('P1', 120.155, 30.265), row('P2', 120.175, 30.265), row('P3', 120.185, 30.265), row('P4', 120.195, 30.265)].join('\n')
    const placed = async () => Object.fromEntries((await db.knex('cases as k').leftJoin('districts as d', 'd.id', 'k.community_id')
      .select('k.external_id', 'd.name_zh')).map((c) => [c.external_id, c.name_zh]))
    const any = await importCases(db, tempFile('four.csv', csv), { mapping: { dataset: 'any' } })
    expect(any.errors.map((e) => [e.row, e.code])).toEqual([[4, 'WG_OUTSIDE_DISTRICT']])
    expect(await placed()).toEqual({ P1: '西社区', P2: '东邻社区', P3: null })
    const tiny = await db.knex('districts').where({ full_code: '330198' }).first('id')
    await db.knex('cases').del()
    const one = await importCases(db, tempFile('four.csv', csv), { mapping: { dataset: 'tiny' }, districtId: tiny.id })
    expect(one.errors.map((e) => [e.row, e.code])).toEqual([[2, 'WG_OUTSIDE_DISTRICT'], [3, 'WG_OUTSIDE_DISTRICT'], [4, 'WG_OUTSIDE_DISTRICT']])
    expect(await placed()).toEqual({ P1: '西社区' })
  })

  test('tabs, backslashes and line breaks, fractional seconds and extra columns are staged intact', async () => {
    const csv = [
      'case_id,reported_at,category,source,closed_at,lon,lat,address,note',
      'E1,2025-05-01 18:00:00,0401,巡查,,120.155,30.265,"tab\there, back\\slash",',
      'E2,2025-05-02 08:30:15.250,0201,12345,2025-05-02 09:00:00,120.165,30.266,"two\nlines","quoted ""x"""',
    ].join('\n')
    const r = await importCases(db, tempFile('cases.csv', csv), {})
    expect(r.counts).toMatchObject({ rows: 2, inserted: 2, rejected: 0 })
    const stored = await db.knex('cases').orderBy('external_id').select('external_id', 'address', 'attrs', 'reported_at', 'closed_at')
    expect(stored.map((s) => [s.external_id, s.address, s.attrs, s.reported_at.toISOString(), s.closed_at?.toISOString() ?? null])).toEqual([
      ['E1', 'tab\there, back\\slash', {}, '2025-05-01T10:00:00.000Z', null],
      ['E2', 'two\nlines', { note: 'quoted "x"' }, '2025-05-02T00:30:15.250Z', '2025-05-02T01:00:00.000Z'],
    ])
  })

  test('importing the same file twice changes nothing; a changed row is updated', async () => {
    const path = tempFile('cases.csv', [HEADER, row('B1'), row('B2', 120.166, 30.262)].join('\n'))
    const first = await importCases(db, path, {})
    expect(first.counts).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 })
    const again = await importCases(db, path, {})
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
    const changed = tempFile('cases.csv', [HEADER, row('B1', 120.155, 30.265, { status: 'closed', closed: '2025-05-02 08:00' }), row('B2', 120.166, 30.262)].join('\n'))
    const third = await importCases(db, changed, {})
    expect(third.counts).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 })
    expect(await db.knex('cases').count({ n: '*' })).toEqual([{ n: 2 }])
  })

  test('GeoJSON point features are imported with their properties; a feature that is not a point is reported', async () => {
    const feature = (id: string, geometry: object, props: object = {}) => ({
      type: 'Feature', geometry, properties: { case_id: id, reported_at: '2025-05-01 18:00:00', category: '0401', source: '巡查', note: `n${id}`, ...props },
    })
    const fc = {
      type: 'FeatureCollection',
      features: [
        feature('G1', { type: 'Point', coordinates: [120.155, 30.265] }),
        feature('G2', { type: 'LineString', coordinates: [[120.155, 30.265], [120.16, 30.266]] }),
        feature('G3', { type: 'Point', coordinates: [120.165, 30.266] }, { category: '非法小广告' }),
        feature('G4', { type: 'Point', coordinates: [121.5, 31.2] }),
      ],
    }
    const r = await importCases(db, tempFile('cases.geojson', JSON.stringify(fc)), { filename: 'cases.geojson' })
    expect(r.counts).toMatchObject({ rows: 4, inserted: 2, rejected: 2 })
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([[2, 'geometry', 'WG_BAD_GEOMETRY'], [4, 'lon/lat', 'WG_OUTSIDE_DISTRICT']])
    const stored = await db.knex('cases as k').join('districts as d', 'd.id', 'k.community_id')
      .select('k.external_id', 'k.category_code', 'k.attrs', 'd.name_zh').orderBy('k.external_id')
    expect(stored).toEqual([
      { external_id: 'G1', category_code: '0401', attrs: { note: 'nG1' }, name_zh: '西社区' },
      { external_id: 'G3', category_code: '0201', attrs: { note: 'nG3' }, name_zh: '东社区' },
    ])
    expect((await importCases(db, tempFile('cases.geojson', JSON.stringify(fc)), { filename: 'cases.geojson' })).counts)
      .toMatchObject({ inserted: 0, unchanged: 2 })
  })

  test('GBK, semicolons, gzip and Chinese headers are read without a mapping', async () => {
    const csv = ['案件编号;上报时间;小类;来源;经度;纬度;地址', 'C1;2025-06-01 09:00;排水井堵塞;视频;120.152;30.268;低洼路'].join('\r\n')
    const r = await importCases(db, tempFile('gbk.csv.gz', csv, { encoding: 'gbk', gzip: true }), { filename: 'gbk.csv.gz' })
    expect(r.encoding).toBe('gbk')
    expect(r.counts.inserted).toBe(1)
    const c = await db.knex('cases').first()
    expect([c.category_code, c.source, c.address]).toEqual(['0601', 'video', '低洼路'])
  })

  test('GCJ-02 and projected coordinates are converted to WGS84', async () => {
    const [gx, gy] = fromWgs84(120.158, 30.263, 'GCJ02')
    const r = await importCases(db, tempFile('gcj.csv', [HEADER, row('D1', gx, gy)].join('\n')), { mapping: { crs: 'GCJ02', dataset: 'gcj' } })
    expect(r.counts.inserted).toBe(1)
    const p = await db.knex('cases').where({ dataset: 'gcj' }).first(db.knex.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat, declared_crs'))
    expect(p.lon).toBeCloseTo(120.158, 5)
    expect(p.lat).toBeCloseTo(30.263, 5)
    expect(p.declared_crs).toBe('GCJ02')
    // the same point in CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), x/y in metres
    const { projector } = await import('../../server/shared/coords')
    const [x, y] = projector(4549).forwardPoint(120.158, 30.263)
    const csv = ['id,time,category,x,y', `E1,2025-05-01 10:00,0401,${x},${y}`].join('\n')
    const r2 = await importCases(db, tempFile('gk.csv', csv), { mapping: { crs: 'EPSG:4549', dataset: 'gk' } })
    expect(r2.counts.inserted).toBe(1)
    const q = await db.knex('cases').where({ dataset: 'gk' }).first(db.knex.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    expect(q.lon).toBeCloseTo(120.158, 6)
    expect(q.lat).toBeCloseTo(30.263, 6)
  })

  test('projected x/y (Gauss-Krüger, EPSG:4549): each accepted row keeps its own position; out-of-range rows are reported with row and column', async () => {
    const { projector } = await import('../../server/shared/coords')
    const gk = projector(4549)
    const west = [120.1531, 30.2612]
    const east = [120.1677, 30.2688]
    const middle = [120.1612, 30.2655]
    const xy = ([lon, lat]: number[]) => gk.forwardPoint(lon, lat).join(',')
    const csv = ['编号,上报时间,小类,X,Y',
      `G1,2025-05-01 10:00,0401,${xy(west)}`,
      'G2,2025-05-01 10:05,0401,9000000000,9000000000', // converts to no position at all
      `G3,2025-05-01 10:10,0401,${xy(east)}`,
      'G4,2025-05-01 10:15,0401,500000,-9000000', // a position, but far south of the zone's area of use
      `G5,2025-05-01 10:20,0401,${xy(middle)}`,
    ].join('\n')
    const r = await importCases(db, tempFile('gk.csv', csv), { mapping: { crs: 'EPSG:4549', dataset: 'gk' } })
    expect(r.counts).toMatchObject({ rows: 5, inserted: 3, rejected: 2 })
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'X/Y', 'WG_COORDINATES_OUT_OF_RANGE'],
      [4, 'X/Y', 'WG_COORDINATES_OUT_OF_RANGE'],
    ])
    expect(r.errors[1].reason).toMatch(/EPSG:4549.*area of use/)
    const stored = await db.knex('cases as k').leftJoin('districts as d', 'd.id', 'k.community_id').where({ dataset: 'gk' })
      .select('k.external_id', 'd.name_zh', db.knex.raw('ST_X(k.geom) AS lon, ST_Y(k.geom) AS lat')).orderBy('k.external_id')
    expect(stored.map((c) => c.external_id)).toEqual(['G1', 'G3', 'G5'])
    for (const [c, [lon, lat], community] of [[stored[0], west, '西社区'], [stored[1], east, '东社区'], [stored[2], middle, '东社区']] as const) {
      expect(c.lon).toBeCloseTo(lon, 6)
      expect(c.lat).toBeCloseTo(lat, 6)
      expect(c.name_zh).toBe(community)
    }
  })

  test('State Plane feet (EPSG:2249): rows keep their own position; far-off x/y that proj4 still converts are reported, not stored', async () => {
    // a 2 km square district around Boston City Hall
    const square = { type: 'MultiPolygon', coordinates: [[[[-71.07, 42.35], [-71.05, 42.35], [-71.05, 42.37], [-71.07, 42.37], [-71.07, 42.35]]]] }
    await importDistricts(db, tempFile('boston.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { level: 'district', code: '990001', name_zh: '波士顿测试区' }, geometry: square }],
    })))
    const proj4 = (await import('proj4')).default
    const { parseDeclaredCrs } = await import('../../server/imports/crs')
    const crs = parseDeclaredCrs('EPSG:2249')
    const toFeet = (lon: number, lat: number) => proj4('EPSG:4326', crs.kind === 'projected' ? crs.proj4 : '', [lon, lat]).map((v) => v.toFixed(2)).join(',')
    const points = [[-71.0587, 42.3594], [-71.0552, 42.3601], [-71.0663, 42.3662]]
    const csv = ['case_id,reported_at,category,easting,northing',
      `B1,2025-05-01 10:00,0401,${toFeet(points[0][0], points[0][1])}`,
      'B2,2025-05-01 10:05,0401,1000000000,1000000000', // proj4 turns this into a point near the South Pole
      `B3,2025-05-01 10:10,0401,${toFeet(points[1][0], points[1][1])}`,
      'B4,2025-05-01 10:15,0401,-775000,2950000', // sign lost: west of the state
      `B5,2025-05-01 10:20,0401,${toFeet(points[2][0], points[2][1])}`,
    ].join('\n')
    const r = await importCases(db, tempFile('ma.csv', csv), {
      mapping: { crs: 'EPSG:2249', dataset: 'ma', timezone: 'America/New_York', columns: { lon: 'easting', lat: 'northing' } },
    })
    expect(r.counts).toMatchObject({ rows: 5, inserted: 3, rejected: 2 })
    expect(r.errors.map((e) => [e.row, e.column, e.code, e.value])).toEqual([
      [2, 'easting/northing', 'WG_COORDINATES_OUT_OF_RANGE', '1000000000 1000000000'],
      [4, 'easting/northing', 'WG_COORDINATES_OUT_OF_RANGE', '-775000 2950000'],
    ])
    const stored = await db.knex('cases').where({ dataset: 'ma' }).orderBy('external_id')
      .select('external_id', 'declared_crs', db.knex.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    expect(stored.map((c) => [c.external_id, c.declared_crs])).toEqual([['B1', 'EPSG:2249'], ['B3', 'EPSG:2249'], ['B5', 'EPSG:2249']])
    stored.forEach((c, i) => {
      expect(c.lon).toBeCloseTo(points[i][0], 6)
      expect(c.lat).toBeCloseTo(points[i][1], 6)
    })
  })

  test('points all offset outside the district warn that the declared CRS is probably wrong', async () => {
    const rows = [HEADER, row('F1', TINY.west - 0.01, 30.265), row('F2', TINY.east + 0.01, 30.265)]
    const r = await importCases(db, tempFile('off.csv', rows.join('\n')), {})
    expect(r.counts.rejected).toBe(2)
    expect(r.warnings.join(' ')).toMatch(/coordinate system/)
  })

  test('stacked points (one coordinate shared by many cases) are flagged', async () => {
    const rows = [HEADER]
    for (let i = 0; i < 60; i++) rows.push(row(`S${i}`, 120.1611, 30.2611))
    for (let i = 0; i < 10; i++) rows.push(row(`T${i}`, 120.151 + i * 0.001, 30.262))
    const r = await importCases(db, tempFile('stacked.csv', rows.join('\n')), {})
    expect(r.stacked_points).toEqual([{ lon: 120.1611, lat: 30.2611, cases: 60 }])
    const flagged = await db.knex('cases').where({ stacked: true }).count({ n: '*' })
    expect(flagged).toEqual([{ n: 60 }])
  })

  test('files that are not case files are refused up front and nothing is written', async () => {
    await expect(importCases(db, tempFile('x.csv', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10])), { filename: 'x.csv' }))
      .rejects.toMatchObject({ code: 'WG_NOT_TEXT' })
    await expect(importCases(db, tempFile('y.csv', 'name,colour\nfoo,red\n'), { filename: 'y.csv' }))
      .rejects.toMatchObject({ code: 'WG_WRONG_COLUMNS', message: expect.stringMatching(/Found columns: name, colour/) })
    await expect(importCases(db, tempFile('z.csv', [HEADER, row('Z1')].join('\n')), { mapping: { crs: 'EPSG:99999999' } }))
      .rejects.toMatchObject({ code: 'WG_UNKNOWN_CRS' })
    expect(await db.knex('cases').count({ n: '*' })).toEqual([{ n: 0 }])
  })

  test('a mapping file maps columns, categories, sources and statuses', async () => {
    const csv = ['ID,OPENED,KIND,CHANNEL,STATE,LNG,LAT', '9,05/01/2025 06:00:00 PM,Graffiti Removal,Constituent Call,Open,120.161,30.269'].join('\n')
    const r = await importCases(db, tempFile('us.csv', csv), {
      mapping: {
        dataset: 'us', timezone: 'Asia/Shanghai', timeFormat: 'us',
        columns: { id: 'ID', reported_at: 'OPENED', category: 'KIND', source: 'CHANNEL', status: 'STATE', lon: 'LNG', lat: 'LAT' },
        categories: { 'Graffiti Removal': '0106' }, sources: { 'Constituent Call': '12345' }, statuses: { Open: 'dispatched' },
      },
    })
    expect(r.counts.inserted).toBe(1)
    const c = await db.knex('cases').where({ dataset: 'us' }).first()
    expect([c.category_code, c.source, c.status, c.reported_at.toISOString()]).toEqual(['0106', '12345', 'dispatched', '2025-05-01T10:00:00.000Z'])
    await expect(importCases(db, tempFile('us.csv', csv), { mapping: { categories: { 'Graffiti Removal': '9999' } } }))
      .rejects.toMatchObject({ code: 'WG_BAD_MAPPING' })
  })
  test('a new dataset is written straight into cases exactly as through staging: every column, outside rows, stacks, report', async () => {
    // rows with and without due, dispatch and close times, one outside the district, one unknown
    // category, extra columns, a coordinate that becomes stacked after its first cases were written
    const header = 'case_id,reported_at,category,source,status,dispatched_at,due_at,closed_at,lon,lat,address,note'
    const lines = [header]
    for (let i = 0; i < 30; i++) {
      const at = i % 3 === 0 ? [120.1611, 30.2611] : [120.151 + (i % 7) * 0.001, 30.262 + (i % 5) * 0.001]
      if (i === 4) at.splice(0, 2, 121.5, 31.2)
      const cat = i === 9 ? '不存在' : i % 4 ? '0401' : '0201'
      lines.push([`N${i}`, `2025-05-${String(1 + (i % 28)).padStart(2, '0')} 0${i % 10}:15:00`, cat, i % 2 ? '巡查' : '12345', i % 5 ? '' : 'closed',
        i % 2 ? '2025-06-01 10:00' : '', i % 6 ? '' : '2025-06-03 12:00', i % 5 ? '' : '2025-06-02 08:30', ...at,
        i % 3 ? `路${i}号` : '', i % 2 ? `"备注 ${i}\t"` : ''].join(','))
    }
    const path = tempFile('paths.csv', lines.join('\n'))
    const columns = ['external_id', 'category_code', 'source', 'status', 'reported_at', 'dispatched_at', 'due_at', 'closed_at', 'address',
      'declared_crs', 'community_id', 'stacked', 'attrs', db.knex.raw('ST_AsEWKT(geom) AS geom')]
    const stored = (dataset: string) => db.knex('cases').where({ dataset }).select(columns).orderBy('external_id')
    const mapping = { stackedMin: 5, crs: 'EPSG:4490' }
    // into a new dataset: straight into cases on a real server
    const direct = await importCases(db, path, { mapping: { ...mapping, dataset: 'new' }, batchRows: 4 })
    // into a dataset holding one other case: through staging
    await importCases(db, tempFile('one.csv', [HEADER, row('OTHER')].join('\n')), { mapping: { dataset: 'held' } })
    const staged = await importCases(db, path, { mapping: { ...mapping, dataset: 'held' }, batchRows: 4 })
    expect((await stored('new')).length).toBe(28)
    expect(await stored('new')).toEqual((await stored('held')).filter((c: { external_id: string }) => c.external_id !== 'OTHER'))
    const same = (r: typeof direct) => ({ ...r, import_id: 0, dataset: '', errors_csv: '', seconds: 0 })
    expect(same(direct)).toEqual(same(staged))
    expect(direct.counts).toMatchObject({ rows: 30, inserted: 28, rejected: 2, stacked_points: 1 })
    expect(direct.errors.map((e) => [e.row, e.code])).toEqual([[5, 'WG_OUTSIDE_DISTRICT'], [10, 'WG_UNKNOWN_CATEGORY']])
    expect((await readImport(db, direct.import_id))?.errors).toEqual(direct.errors)
    // due times default to the category's deadline
    const deadline = (await db.knex('categories').where({ code: '0201' }).first()).deadline_hours
    const n8 = await db.knex('cases').where({ dataset: 'new', external_id: 'N8' }).first()
    expect(n8.due_at.getTime() - n8.reported_at.getTime()).toBe(deadline * 3600_000)
  })

  test('imports into one dataset take turns: two at once into a new dataset store each case once', async () => {
    const a = tempFile('a.csv', [HEADER, row('T1'), row('T2'), row('T3', 120.165, 30.266)].join('\n'))
    const b = tempFile('b.csv', [HEADER, row('T2'), row('T3', 120.166, 30.266), row('T4')].join('\n'))
    const [ra, rb] = await Promise.all([importCases(db, a, { mapping: { dataset: 'both' } }), importCases(db, b, { mapping: { dataset: 'both' } })])
    const ids = await db.knex('cases').where({ dataset: 'both' }).orderBy('external_id').pluck('external_id')
    expect(ids).toEqual(['T1', 'T2', 'T3', 'T4'])
    // whichever ran second found the first one's cases: one of T2, T3 unchanged, the other updated
    const second = ra.counts.inserted === 3 ? rb : ra
    expect(second.counts).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 })
    expect(ra.counts.inserted + rb.counts.inserted).toBe(4)
  })
})
