/**
 * The committed sample city (data/sample) parses, nests, and holds the patterns truth.json claims.
 */
import { describe, expect, test } from 'vitest'
import { readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { area, booleanPointInPolygon, pointOnFeature } from '@turf/turf'
import type { Feature, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson'
import Flatbush from 'flatbush'
import { loadTaxonomy, parseTaxonomy, TAXONOMY_PATH } from '../../data/generator/taxonomy'
import { readFileSync } from 'node:fs'
import {
  sampleDir, sampleGeoJson, sampleJson, sampleGzText, parseCases, parseTracks, localMetres, CASES_HEADER,
} from './read-sample'

interface AreaProps { level: 'district' | 'street' | 'community'; code: string; parent_code: string; name_zh: string; name_en: string }
interface Truth {
  seed: number
  district: { code: string; area_km2: number }
  hotspots: { id: string; kind: string; category_codes: string[]; center: [number, number]; radius_m: number; cases: number; peak_hours?: [number, number]; peak_months?: number[]; first_seen: string; last_seen: string; expected_pattern?: string }[]
  stacked_point: { lon: number; lat: number; cases: number }
  grids_workload: { cases_min: number; cases_max: number; ratio: number }
  counts: Record<string, number>
}
interface WorkerJson { id: string; name_zh: string; community_codes: string[]; office: [number, number]; shift_hours: string[]; rest_weekdays: number[] }

const districts = sampleGeoJson<MultiPolygon, AreaProps>('districts.geojson')
const district = districts.features.filter((f) => f.properties.level === 'district')
const subdistricts = districts.features.filter((f) => f.properties.level === 'street')
const communities = districts.features.filter((f) => f.properties.level === 'community')
const truth = sampleJson<Truth>('truth.json')
const taxonomy = loadTaxonomy()
const cases = parseCases(sampleGzText('cases.csv.gz'))
const LAT0 = 30.27
const HOUR = 3_600_000

const key = (p: Position) => `${p[0]},${p[1]}`
const vertices = (f: Feature<MultiPolygon>) => new Set(f.geometry.coordinates.flat(2).map(key))
const relDiff = (a: number, b: number) => Math.abs(a - b) / b
/** Hour of day in Shanghai from an ISO string with +08:00. */
const hourOf = (iso: string) => Number(iso.slice(11, 13))
const monthOf = (iso: string) => Number(iso.slice(5, 7))

describe('taxonomy', () => {
  test('has the header, 40–60 well-formed minors under majors 01–08, and realistic deadlines', () => {
    const text = readFileSync(TAXONOMY_PATH, 'utf8')
    expect(text.split('\n')[0]).toBe('major_code,major_zh,major_en,minor_code,minor_zh,minor_en,kind,deadline_hours')
    const rows = parseTaxonomy(text)
    expect(rows.length).toBeGreaterThanOrEqual(40)
    expect(rows.length).toBeLessThanOrEqual(60)
    expect(new Set(rows.map((r) => r.minor_code)).size).toBe(rows.length)
    expect([...new Set(rows.map((r) => r.major_code))].sort()).toEqual(['01', '02', '03', '04', '05', '06', '07', '08'])
    expect(rows.filter((r) => r.major_code === '06').every((r) => r.kind === 'component')).toBe(true)
    const byZh = new Map(rows.map((r) => [r.minor_zh, r]))
    for (const name of ['暴露垃圾', '非法小广告', '占道经营', '无照经营游商', '道路积水', '排水井堵塞', '井盖丢失', '私搭乱建']) expect(byZh.has(name), name).toBe(true)
    expect(byZh.get('道路积水')!.deadline_hours).toBe(2)
    expect(byZh.get('无证施工')!.deadline_hours).toBe(120)
  })

  test('rejects a malformed line', () => {
    const bad = 'major_code,major_zh,major_en,minor_code,minor_zh,minor_en,kind,deadline_hours\n01,市容环境,City,0201,x,y,event,24\n'
    expect(() => parseTaxonomy(bad)).toThrow(/minor starting with major/)
  })
})

describe('administrative areas', () => {
  test('one district, three subdistricts, 12–15 communities with unique codes and existing parents', () => {
    expect(district).toHaveLength(1)
    expect(district[0].properties).toMatchObject({ code: '330199', name_zh: '望格区' })
    expect(subdistricts.map((s) => s.properties.code)).toEqual(['001', '002', '003'])
    expect(subdistricts.every((s) => s.properties.parent_code === '330199')).toBe(true)
    expect(communities.length).toBeGreaterThanOrEqual(12)
    expect(communities.length).toBeLessThanOrEqual(15)
    const codes = communities.map((c) => c.properties.code)
    expect(new Set(codes).size).toBe(codes.length)
    for (const c of communities) expect(subdistricts.some((s) => s.properties.code === c.properties.parent_code), c.properties.code).toBe(true)
  })

  test('areas add up: communities = subdistrict, subdistricts = district (0.01%), district ≈ 25 km², not a rectangle', () => {
    const districtArea = area(district[0])
    expect(districtArea / 1e6).toBeGreaterThan(22)
    expect(districtArea / 1e6).toBeLessThan(28)
    expect(relDiff(districtArea / 1e6, truth.district.area_km2)).toBeLessThan(1e-3)
    expect(district[0].geometry.coordinates[0][0].length).toBeGreaterThan(20)
    for (const s of subdistricts) {
      const sum = communities.filter((c) => c.properties.parent_code === s.properties.code).reduce((a, c) => a + area(c), 0)
      expect(relDiff(sum, area(s)), s.properties.code).toBeLessThan(1e-4)
    }
    expect(relDiff(subdistricts.reduce((a, s) => a + area(s), 0), districtArea)).toBeLessThan(1e-4)
    expect(relDiff(communities.reduce((a, c) => a + area(c), 0), districtArea)).toBeLessThan(1e-4)
  })

  test('shared boundaries are vertex-identical and every community lies in its subdistrict', () => {
    const districtV = vertices(district[0])
    const count = new Map<string, number>()
    for (const c of communities) for (const v of vertices(c)) count.set(v, (count.get(v) ?? 0) + 1)
    // a community vertex off the district outline must be shared with a neighbour
    for (const [v, n] of count) if (!districtV.has(v)) expect(n, v).toBeGreaterThanOrEqual(2)
    for (const s of subdistricts) {
      const mine = new Set(communities.filter((c) => c.properties.parent_code === s.properties.code).flatMap((c) => [...vertices(c)]))
      for (const v of vertices(s)) expect(mine.has(v), `${s.properties.code} ${v}`).toBe(true)
    }
    const subV = new Set(subdistricts.flatMap((s) => [...vertices(s)]))
    for (const v of districtV) expect(subV.has(v)).toBe(true)
    for (const c of communities) {
      const parent = subdistricts.find((s) => s.properties.code === c.properties.parent_code)!
      expect(booleanPointInPolygon(pointOnFeature(c), parent), c.properties.code).toBe(true)
    }
  })

  test('grids: ~40, each inside one community, tiling the district, workers assigned, deliberately unbalanced', () => {
    const grids = sampleGeoJson<MultiPolygon, { code: string; name_zh: string; worker_id: string }>('grids.geojson').features
    const workers = sampleJson<WorkerJson[]>('workers.json')
    expect(grids.length).toBeGreaterThanOrEqual(35)
    expect(grids.length).toBeLessThanOrEqual(50)
    expect(new Set(grids.map((g) => g.properties.code)).size).toBe(grids.length)
    for (const c of communities) {
      const mine = grids.filter((g) => g.properties.code.slice(0, 3) === c.properties.code)
      expect(mine.length, c.properties.code).toBeGreaterThan(0)
      expect(relDiff(mine.reduce((a, g) => a + area(g), 0), area(c)), c.properties.code).toBeLessThan(1e-4)
      for (const g of mine) expect(booleanPointInPolygon(pointOnFeature(g), c), g.properties.code).toBe(true)
    }
    for (const g of grids) {
      expect(g.properties.code).toMatch(/^\d{5}$/)
      expect(workers.some((w) => w.id === g.properties.worker_id)).toBe(true)
    }
    expect(truth.grids_workload.ratio).toBeGreaterThan(3)
  })
})

describe('streets, water, POIs', () => {
  const streets = sampleGeoJson<LineString, { id: number; class: string; name_zh: string; name_en: string; low_lying: boolean }>('streets.geojson').features
  const water = sampleGeoJson<Polygon | LineString, { kind: string }>('water.geojson').features
  const river = water.find((f) => f.properties.kind === 'river') as Feature<Polygon>

  test('segments meet at identical endpoints and form one walkable network', () => {
    expect(streets.length).toBeGreaterThan(500)
    expect(streets.length).toBeLessThan(5000)
    expect(new Set(streets.map((s) => s.properties.id)).size).toBe(streets.length)
    for (const s of streets) expect(['arterial', 'secondary', 'local', 'lane', 'bridge']).toContain(s.properties.class)
    const parent = new Map<string, string>()
    const find = (x: string): string => { while (parent.get(x) !== x) x = parent.get(x)!; return x }
    for (const s of streets) {
      const c = s.geometry.coordinates
      const a = key(c[0])
      const b = key(c[c.length - 1])
      if (!parent.has(a)) parent.set(a, a)
      if (!parent.has(b)) parent.set(b, b)
      parent.set(find(a), find(b))
    }
    expect(new Set([...parent.keys()].map(find)).size).toBe(1)
    // inner vertices are never shared: segments end at every junction
    const ends = new Set(parent.keys())
    const inner = new Set<string>()
    for (const s of streets) for (const p of s.geometry.coordinates.slice(1, -1)) {
      const k = key(p)
      expect(ends.has(k) || inner.has(k), k).toBe(false)
      inner.add(k)
    }
  })

  test('no two segments cross; only the two bridges cross the river; some streets are low-lying', () => {
    const pieces: [Position, Position][] = []
    for (const s of streets) for (let k = 1; k < s.geometry.coordinates.length; k++) pieces.push([s.geometry.coordinates[k - 1], s.geometry.coordinates[k]])
    const index = new Flatbush(pieces.length)
    for (const [a, b] of pieces) index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))
    index.finish()
    let crossings = 0
    pieces.forEach(([a, b], i) => {
      for (const j of index.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))) {
        if (j > i && properCross(a, b, pieces[j][0], pieces[j][1])) crossings++
      }
    })
    expect(crossings).toBe(0)
    const ring = river.geometry.coordinates[0]
    const crossesRiver = (s: Feature<LineString>) => s.geometry.coordinates.some((p) => booleanPointInPolygon(p, river)) ||
      s.geometry.coordinates.slice(1).some((p, k) => ring.slice(1).some((q, m) => properCross(s.geometry.coordinates[k], p, ring[m], q)))
    const bridges = streets.filter((s) => s.properties.class === 'bridge')
    expect(bridges).toHaveLength(2)
    for (const b of bridges) expect(crossesRiver(b)).toBe(true)
    const box = bbox(ring)
    const near = streets.filter((s) => s.properties.class !== 'bridge' && s.geometry.coordinates.some((p) => p[1] >= box[1] && p[1] <= box[3]))
    expect(near.filter(crossesRiver)).toHaveLength(0)
    const low = streets.filter((s) => s.properties.low_lying)
    expect(low.length).toBeGreaterThan(5)
    expect(low.length).toBeLessThan(streets.length * 0.1)
    expect(water.find((f) => f.properties.kind === 'river_centerline')!.geometry.type).toBe('LineString')
  })

  test('POIs: 4 markets, 6 metro exits, 8 schools, 3 subdistrict offices and the command centre, all inside', () => {
    const pois = sampleGeoJson<Point, { id: string; kind: string; name_zh: string }>('pois.geojson').features
    const countOf = (k: string) => pois.filter((p) => p.properties.kind === k).length
    expect([countOf('market'), countOf('metro_exit'), countOf('school'), countOf('office')]).toEqual([4, 6, 8, 4])
    expect(pois.filter((p) => p.properties.name_zh.endsWith('街道办事处'))).toHaveLength(3)
    expect(pois.filter((p) => p.properties.name_zh.includes('城市管理'))).toHaveLength(1)
    for (const p of pois) expect(booleanPointInPolygon(p, district[0]), p.properties.id).toBe(true)
  })
})

describe('cases', () => {
  test('header, ids, times and statuses are well formed; due = reported + the category deadline', () => {
    expect(sampleGzText('cases.csv.gz').split('\n')[0]).toBe(CASES_HEADER)
    expect(cases.length).toBeGreaterThanOrEqual(45_000)
    expect(cases.length).toBeLessThanOrEqual(55_000)
    expect(cases.length).toBe(truth.counts.cases)
    expect(new Set(cases.map((c) => c.case_id)).size).toBe(cases.length)
    const iso = /^2025-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/
    const address = /^望格区(古城|东湖|南江)街道\S+?(\d+号)?附近$/
    const status: Record<string, number> = {}
    const problems: string[] = []
    const fail = (c: { case_id: string }, what: string) => { if (problems.length < 20) problems.push(`${c.case_id}: ${what}`) }
    let late = 0
    for (const c of cases) {
      if (!iso.test(c.reported_at)) fail(c, `reported_at ${c.reported_at}`)
      const cat = taxonomy.get(c.category_code)
      if (!cat) { fail(c, `unknown category ${c.category_code}`); continue }
      if (c.category_zh !== cat.minor_zh) fail(c, `category_zh ${c.category_zh}`)
      const r = Date.parse(c.reported_at)
      if (Date.parse(c.due_at) - r !== cat.deadline_hours * HOUR) fail(c, `due_at ${c.due_at}`)
      if (c.dispatched_at && !(Date.parse(c.dispatched_at) > r)) fail(c, 'dispatched before reported')
      if (c.closed_at && !(Date.parse(c.closed_at) > Date.parse(c.dispatched_at || c.reported_at))) fail(c, 'closed before dispatched')
      status[c.status] = (status[c.status] ?? 0) + 1
      if (c.status === 'closed') {
        if (!c.dispatched_at || !c.closed_at) fail(c, 'closed without times')
        if (Date.parse(c.closed_at) > Date.parse(c.due_at)) late++
      } else if (c.status === 'rejected') {
        if (c.dispatched_at) fail(c, 'rejected but dispatched')
      } else if (!['reported', 'dispatched', 'handled'].includes(c.status) || c.closed_at) {
        fail(c, `status ${c.status} with closed_at ${c.closed_at}`)
      } else if (c.reported_at < '2025-12-2') {
        fail(c, 'still open though reported before the last days of the year')
      }
      if (!address.test(c.address)) fail(c, `address ${c.address}`)
    }
    expect(problems).toEqual([])
    expect(late / status.closed).toBeGreaterThan(0.1)
    expect(late / status.closed).toBeLessThan(0.15)
    expect(status.rejected / cases.length).toBeGreaterThan(0.01)
    expect(status.rejected / cases.length).toBeLessThan(0.05)
    expect((status.reported ?? 0) + (status.dispatched ?? 0) + (status.handled ?? 0)).toBeGreaterThan(0)
  })

  test('sources have realistic shares, patrols first', () => {
    const n: Record<string, number> = {}
    for (const c of cases) n[c.source] = (n[c.source] ?? 0) + 1
    expect(Object.keys(n).sort()).toEqual(['12319', '12345', 'app', '巡查', '群众', '视频'].sort())
    expect(n['巡查'] / cases.length).toBeGreaterThan(0.4)
    expect(n['12345'] / cases.length).toBeGreaterThan(0.1)
  })

  test('every case lies inside the district, and the taxonomy covers every category used', () => {
    const poly = district[0]
    for (const c of cases) {
      const p = [Number(c.lon), Number(c.lat)]
      if (!booleanPointInPolygon(p, poly)) throw new Error(`case ${c.case_id} at ${p} lies outside the district`)
    }
    for (const code of new Set(cases.map((c) => c.category_code))) expect(taxonomy.has(code), code).toBe(true)
  })

  test('the stacked fallback point holds exactly the claimed cases, at the command centre', () => {
    const { lon, lat, cases: n } = truth.stacked_point
    const at = cases.filter((c) => Number(c.lon) === lon && Number(c.lat) === lat)
    expect(at).toHaveLength(n)
    expect(n / cases.length).toBeCloseTo(0.03, 2)
    const centre = sampleGeoJson<Point, { name_zh: string }>('pois.geojson').features.find((p) => p.properties.name_zh.includes('城市管理'))!
    expect(centre.geometry.coordinates).toEqual([lon, lat])
  })

  const within = (h: Truth['hotspots'][number]) => {
    const [cx, cy] = localMetres(h.center[0], h.center[1], LAT0)
    return cases.filter((c) => {
      if (!h.category_codes.includes(c.category_code)) return false
      const [x, y] = localMetres(Number(c.lon), Number(c.lat), LAT0)
      return Math.hypot(x - cx, y - cy) <= h.radius_m
    })
  }

  test('every planted hotspot concentrates its cases where truth.json says', () => {
    const districtKm2 = truth.district.area_km2
    for (const h of truth.hotspots) {
      const inside = within(h)
      const all = cases.filter((c) => h.category_codes.includes(c.category_code)).length
      expect(inside.length, h.id).toBeGreaterThanOrEqual(h.cases)
      expect(inside.length, h.id).toBeLessThan(h.cases * 1.5)
      // density inside the circle vs the category's density over the district
      const circleKm2 = (Math.PI * h.radius_m ** 2) / 1e6
      expect(inside.length / circleKm2 / (all / districtKm2), h.id).toBeGreaterThan(5)
    }
  })

  test('stalls peak 17:00–21:00, drains in June–August, and the three trends run as claimed', () => {
    for (const h of truth.hotspots) {
      const inside = within(h)
      if (h.kind === 'stall') {
        const [from, to] = h.peak_hours!
        expect(inside.filter((c) => hourOf(c.reported_at) >= from && hourOf(c.reported_at) < to).length / inside.length, h.id).toBeGreaterThan(0.55)
      }
      if (h.kind === 'drain') {
        expect(inside.filter((c) => h.peak_months!.includes(monthOf(c.reported_at))).length / inside.length, h.id).toBeGreaterThan(0.5)
      }
      const monthly = Array.from({ length: 12 }, (_, m) => inside.filter((c) => monthOf(c.reported_at) === m + 1).length)
      if (h.kind === 'intensifying') {
        let rises = 0
        for (let m = 1; m < 12; m++) if (monthly[m] > monthly[m - 1]) rises++
        expect(rises, monthly.join(',')).toBeGreaterThanOrEqual(10)
        expect(monthly[11]).toBeGreaterThan(5 * monthly[0])
      }
      if (h.kind === 'new') {
        expect(h.first_seen >= '2025-10-25').toBe(true)
        expect(monthly.slice(0, 10).reduce((a, b) => a + b, 0)).toBeLessThan(0.05 * (monthly[10] + monthly[11]))
      }
      if (h.kind === 'diminishing') {
        expect(monthly[0] + monthly[1] + monthly[2], monthly.join(',')).toBeGreaterThan(8 * (monthly[9] + monthly[10] + monthly[11]))
      }
    }
    expect(truth.hotspots.map((h) => h.kind).filter((k) => ['intensifying', 'new', 'diminishing'].includes(k)).sort()).toEqual(['diminishing', 'intensifying', 'new'])
  })
})

describe('patrol tracks and workers', () => {
  const tracks = parseTracks(sampleGzText('tracks.csv.gz'))
  const workers = sampleJson<WorkerJson[]>('workers.json')

  test('20 workers with communities, offices and two shifts each', () => {
    expect(workers).toHaveLength(20)
    const codes = new Set(communities.map((c) => c.properties.code))
    for (const w of workers) {
      expect(w.community_codes.length).toBeGreaterThan(0)
      for (const c of w.community_codes) expect(codes.has(c)).toBe(true)
      expect(booleanPointInPolygon(w.office, district[0])).toBe(true)
      expect(w.shift_hours).toHaveLength(2)
      for (const s of w.shift_hours) expect(s).toMatch(/^\d\d:\d\d-\d\d:\d\d$/)
    }
  })

  test('fixes: June 2025, sorted per worker, 10–15 s apart, with gaps, outliers and stops', () => {
    const n = tracks.time.length
    expect(n).toBe(truth.counts.fixes)
    expect(new Set(tracks.worker).size).toBe(20)
    expect(tracks.time[0]).toBeGreaterThanOrEqual(Date.parse('2025-06-01T00:00:00+08:00'))
    let regular = 0, steps = 0, gaps = 0, outliers = 0, disorder = 0
    const end = Date.parse('2025-07-01T00:00:00+08:00')
    const xy = Array.from({ length: n }, (_, k) => localMetres(tracks.lon[k], tracks.lat[k], LAT0))
    for (let k = 1; k < n; k++) {
      if (tracks.worker[k] !== tracks.worker[k - 1]) {
        if (tracks.worker[k] < tracks.worker[k - 1]) disorder++
        continue
      }
      const dt = (tracks.time[k] - tracks.time[k - 1]) / 1000
      if (!(dt > 0) || tracks.time[k] >= end) disorder++
      steps++
      if (dt >= 10 && dt <= 15) regular++
      if (dt >= 120 && dt <= 16 * 60) gaps++
      if (k + 1 < n && tracks.worker[k + 1] === tracks.worker[k]) {
        const d1 = Math.hypot(xy[k][0] - xy[k - 1][0], xy[k][1] - xy[k - 1][1])
        const d2 = Math.hypot(xy[k + 1][0] - xy[k][0], xy[k + 1][1] - xy[k][1])
        if (d1 > 250 && d2 > 250 && dt < 60) outliers++
      }
    }
    expect(disorder).toBe(0)
    expect(regular / steps).toBeGreaterThan(0.95)
    expect(gaps).toBeGreaterThan(50)
    expect(outliers).toBeGreaterThan(10)
    expect(outliers / n).toBeLessThan(0.002)
  })

  test('speeds over one-minute windows are mostly walking speeds, with some stops', () => {
    const speeds: number[] = []
    let still = 0
    let prev: { w: string; bin: number; x: number; y: number } | null = null
    let acc = { w: '', bin: -1, x: 0, y: 0, n: 0 }
    const flush = () => {
      if (acc.n === 0) return
      const cur = { w: acc.w, bin: acc.bin, x: acc.x / acc.n, y: acc.y / acc.n }
      if (prev && prev.w === cur.w && cur.bin === prev.bin + 1) {
        const kmh = (Math.hypot(cur.x - prev.x, cur.y - prev.y) / 60) * 3.6
        if (kmh > 1.5) speeds.push(kmh)
        else still++
      }
      prev = cur
    }
    for (let k = 0; k < tracks.time.length; k++) {
      const bin = Math.floor(tracks.time[k] / 60000)
      if (tracks.worker[k] !== acc.w || bin !== acc.bin) {
        flush()
        acc = { w: tracks.worker[k], bin, x: 0, y: 0, n: 0 }
      }
      const [x, y] = localMetres(tracks.lon[k], tracks.lat[k], LAT0)
      acc.x += x
      acc.y += y
      acc.n++
    }
    flush()
    speeds.sort((a, b) => a - b)
    const median = speeds[Math.floor(speeds.length / 2)]
    expect(median).toBeGreaterThan(3.3)
    expect(median).toBeLessThan(5.7)
    expect(speeds.filter((s) => s >= 2.5 && s <= 6.5).length / speeds.length).toBeGreaterThan(0.75)
    expect(still).toBeGreaterThan(100)
  })
})

test('the sample stays small: under 8 MB in all, tracks under ~4 MB', () => {
  const sizes = readdirSync(sampleDir).map((f) => statSync(resolve(sampleDir, f)).size)
  expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(8e6)
  expect(statSync(resolve(sampleDir, 'tracks.csv.gz')).size).toBeLessThan(4.2e6)
})

function properCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o = (p: Position, q: Position, r: Position) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))
  return o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0
}

function bbox(ring: Position[]): [number, number, number, number] {
  const xs = ring.map((p) => p[0])
  const ys = ring.map((p) => p[1])
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}
