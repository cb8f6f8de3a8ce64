/**
 * One year of urban-management cases: planted hotspots with known places, rhythms and trends
 * (street stalls by markets and metro exits, illegal adverts on residential lanes, drains on
 * low-lying streets in the rainy season, an intensifying, a new and a diminishing hotspot),
 * background cases along the streets, and ~3% stacked on the geocoder's fallback point.
 */
import type { Pt } from './geom'
import { warp, metricToLonLat, roundDeg, RIVER_Y } from './frame'
import { STALL_SITES, ADVERT_SITES, LOW_LYING, TREND_SITES, FALLBACK_POI, placeXY } from './layout'
import type { Category } from './taxonomy'
import type { CityIndex, StreetHit } from './places'
import type { Poi } from './pois'
import type { StreetSegment } from './streets'
import { handleCase } from './handling'
import {
  type HourProfile, type WeekdayProfile, DAYS, at, dayOf, dayTable, drawDay, drawTimeOfDay, isoShanghai,
} from './time'
import { streamFor, normal, weightedIndex, cumulative, drawCumulative, type Random } from './rand'

/** Cases in the sample year. */
export const TOTAL_CASES = 50_000
/** Share of cases a geocoder could not place and put on the fallback point. */
export const STACKED_SHARE = 0.03

/** Monthly counts of the intensifying hotspot: a steady climb. */
const INTENSIFYING_MONTHLY = Array.from({ length: 12 }, (_, m) => 15 * (m + 1))
/** Monthly counts of the diminishing hotspot: strong in winter, fading after a spring campaign. */
const DIMINISHING_MONTHLY = [210, 170, 130, 90, 60, 40, 25, 15, 10, 6, 4, 2]
/** The new hotspot: first day (a mall opens on 5 November) and its number of cases. */
const NEW_FROM: readonly [number, number] = [11, 5]
const NEW_CASES = 720

/** Report channels. 巡查 = patrol, 视频 = video analytics, 群众 = walk-in/phone, app = citizen app. */
export const SOURCES = ['巡查', '12345', '12319', '视频', '群众', 'app'] as const
type Source = (typeof SOURCES)[number]
/** Channel shares by kind of case (same order as SOURCES). */
const SOURCE_SHARES: Record<'background' | 'stall' | 'advert' | 'drain', readonly number[]> = {
  background: [0.5, 0.2, 0.04, 0.12, 0.06, 0.08],
  stall: [0.55, 0.12, 0.0, 0.25, 0.03, 0.05],
  advert: [0.7, 0.1, 0.0, 0.05, 0.05, 0.1],
  drain: [0.25, 0.35, 0.25, 0.0, 0.05, 0.1],
}

/** Background weight of each category (relative; planted patterns come on top). */
const BACKGROUND_WEIGHTS: Record<string, number> = {
  '0101': 8, '0102': 4, '0103': 6, '0104': 1, '0105': 3, '0106': 2, '0107': 4, '0108': 1.5, '0109': 3, '0110': 6,
  '0111': 0.5, '0112': 0.3, '0113': 1, '0114': 2, '0201': 4, '0202': 2, '0203': 1, '0204': 1.5, '0205': 1,
  '0301': 1, '0302': 0.5, '0303': 1.5, '0304': 1, '0305': 1, '0306': 1, '0401': 4, '0402': 2, '0403': 6, '0404': 8,
  '0405': 5, '0406': 1, '0407': 0.5, '0408': 1, '0501': 0.6, '0502': 0.1, '0503': 0.3, '0504': 0.3, '0505': 0.4,
  '0506': 0.3, '0507': 0.05, '0601': 1.5, '0602': 1, '0603': 2, '0604': 2, '0605': 0.5, '0606': 1, '0607': 3,
  '0608': 1, '0609': 1, '0610': 2, '0611': 0.5, '0701': 1.5, '0702': 1, '0703': 0.6, '0704': 1, '0705': 1,
  '0801': 1, '0802': 0.5, '0803': 1, '0804': 0.5,
}

const FLAT = Array(12).fill(1)
/** Month weights (Jan … Dec) of seasonal categories; others are flat. */
const SEASONS: Record<string, readonly number[]> = {
  rain: [0.3, 0.3, 0.5, 0.8, 1.2, 3, 3.5, 3, 1.5, 0.8, 0.4, 0.3],
  summer: [0.4, 0.4, 0.6, 0.9, 1.3, 1.6, 1.8, 1.8, 1.4, 1, 0.6, 0.4],
  winter: [1.5, 1.5, 1.2, 0.8, 0.5, 0.4, 0.4, 0.4, 0.6, 1, 1.5, 1.6],
  snow: [1, 0.6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5],
  typhoon: [0.2, 0.2, 0.3, 0.4, 0.5, 0.8, 1.5, 2.5, 2.5, 0.6, 0.3, 0.2],
  stall: [0.7, 0.6, 0.9, 1, 1.1, 1.2, 1.3, 1.3, 1.2, 1.1, 0.9, 0.8],
}
const CATEGORY_SEASON: Record<string, keyof typeof SEASONS> = {
  '0501': 'rain', '0601': 'rain', '0602': 'rain', '0406': 'summer', '0113': 'summer', '0111': 'winter',
  '0503': 'snow', '0505': 'typhoon', '0701': 'typhoon', '0401': 'stall', '0402': 'stall',
}

/** Where background cases fall: street length weighted by class (busy roads draw more reports). */
const CLASS_WEIGHT: Record<StreetSegment['cls'], number> = { arterial: 1.5, secondary: 1.3, local: 1, lane: 1.4, bridge: 0.3 }

/** A planted pattern as recorded in truth.json. */
export interface HotspotTruth {
  id: string
  kind: 'stall' | 'advert' | 'drain' | 'intensifying' | 'new' | 'diminishing'
  category_codes: string[]
  center: Pt
  radius_m: number
  cases: number
  peak_hours?: [number, number]
  peak_months?: number[]
  first_seen: string
  last_seen: string
  expected_pattern?: 'intensifying' | 'new' | 'diminishing' | 'persistent'
  note: string
}

/** What cases.ts hands back. */
export interface CaseSet {
  /** CSV text, header first, rows ordered by reported_at */
  csv: string
  hotspots: HotspotTruth[]
  stacked: { lon: number; lat: number; cases: number }
  counts: { cases: number; background: number; stacked: number; planted: number; late_closed: number; closed: number; open: number; rejected: number; by_status: Record<string, number>; by_source: Record<string, number> }
}

interface Draft {
  t: number
  category: string
  source: Source
  /** true location, local metric frame */
  x: number
  y: number
  /** published lon/lat (the fallback point for stacked cases) */
  ll: Pt
  pattern: number
  /** the street the case was placed beside, when known */
  hit?: StreetHit
}

/** Inputs of `generateCases`: seed, taxonomy, spatial look-ups (local metric frame) and POIs. */
export interface CaseContext {
  seed: number
  taxonomy: Map<string, Category>
  index: CityIndex
  pois: Poi[]
  /** storm days of 2025 (rainy-season downpours): day → multiplier */
  storms?: Map<number, number>
}

/** Storm days: 梅雨 downpours mid-June to mid-July, summer thunderstorms and typhoon rain. */
export function stormDays(seed: number): Map<number, number> {
  const rand = streamFor(seed, 'storms')
  const storms = new Map<number, number>()
  const add = (from: number, to: number, n: number, factor: number) => {
    for (let k = 0; k < n; k++) storms.set(from + Math.floor(rand() * (to - from + 1)), factor)
  }
  add(dayOf(4, 10), dayOf(5, 31), 2, 4)
  add(dayOf(6, 10), dayOf(7, 12), 10, 8)
  add(dayOf(7, 13), dayOf(8, 31), 6, 8)
  add(dayOf(9, 1), dayOf(9, 30), 2, 6)
  return storms
}

/** Generates the year of cases. */
export function generateCases(ctx: CaseContext): CaseSet {
  const { seed, taxonomy, index, pois } = ctx
  const storms = ctx.storms ?? stormDays(seed)
  for (const code of Object.keys(BACKGROUND_WEIGHTS)) if (!taxonomy.has(code)) throw new Error(`Background category ${code} is missing from the taxonomy.`)
  const drafts: Draft[] = []
  const hotspots: HotspotTruth[] = []
  const tables = new Map<string, Float64Array>()
  const table = (key: string, make: () => Float64Array) => {
    let t = tables.get(key)
    if (!t) tables.set(key, (t = make()))
    return t
  }
  const poi = (id: string) => {
    const p = pois.find((q) => q.id === id)
    if (!p) throw new Error(`Unknown POI ${id}.`)
    return p
  }

  const sourceOf = (rand: Random, kind: keyof typeof SOURCE_SHARES): Source => SOURCES[weightedIndex(rand, SOURCE_SHARES[kind])]
  const hourOf = (source: Source): HourProfile => (source === '巡查' ? 'patrol' : source === '视频' ? 'video' : 'hotline')
  const weekOf = (source: Source): WeekdayProfile => (source === '巡查' || source === '视频' ? 'patrol' : 'hotline')

  /** A point near `centre` (Gaussian, truncated inside the radius), moved to the kerb of the nearest suitable street when that keeps it inside. */
  const nearPoint = (rand: Random, centre: Pt, radius: number, snap: (s: StreetSegment) => boolean): { x: number; y: number; ll: Pt; hit?: StreetHit } => {
    const r = radius * 0.97 // haversine vs projected metres differ by < 0.5%: keep the claim safe
    for (let attempt = 0; attempt < 1000; attempt++) {
      const dx = normal(rand) * (r / 2.2)
      const dy = normal(rand) * (r / 2.2)
      if (dx * dx + dy * dy > r * r) continue
      let p: Pt = [centre[0] + dx, centre[1] + dy]
      let at: StreetHit | undefined
      const hit = index.nearestStreet(p[0], p[1], snap)
      if (hit && hit.dist < 40) {
        const offset = 2 + rand() * 6
        const q = index.besideStreet(hit.seg, hit.piece, hit.t, hit.side * offset)
        if (Math.hypot(q[0] - centre[0], q[1] - centre[1]) <= r) {
          p = q
          at = { ...hit, dist: offset }
        }
      }
      const ll = index.accept(p[0], p[1])
      if (ll) return { x: p[0], y: p[1], ll, hit: at }
    }
    throw new Error(`No valid point within ${radius} m of (${centre[0].toFixed(0)}, ${centre[1].toFixed(0)}): move the site inside the district.`)
  }

  const plant = (h: Omit<HotspotTruth, 'cases' | 'first_seen' | 'last_seen'>, make: (pattern: number) => void) => {
    const pattern = hotspots.length
    const before = drafts.length
    hotspots.push({ ...h, cases: 0, first_seen: '', last_seen: '' })
    make(pattern)
    const mine = drafts.slice(before)
    const ts = mine.map((d) => d.t)
    hotspots[pattern].cases = mine.length
    hotspots[pattern].first_seen = isoShanghai(Math.min(...ts))
    hotspots[pattern].last_seen = isoShanghai(Math.max(...ts))
  }
  const centreLonLat = (c: Pt): Pt => metricToLonLat(c[0], c[1])

  // street stalls (占道经营 / 无照经营游商): markets and metro exits, evening peak
  const stallRand = streamFor(seed, 'stalls')
  for (const site of STALL_SITES) {
    const p = poi(site.poi)
    const marketShare = p.kind === 'market' ? 0.7 : 0.35
    plant({
      id: `stall-${site.poi}`, kind: 'stall', category_codes: ['0401', '0402'], center: p.lonlat, radius_m: site.radius_m,
      peak_hours: [17, 21], expected_pattern: 'persistent', note: `street stalls at ${p.name_en}`,
    }, (pattern) => {
      const days = table('stall', () => dayTable(SEASONS.stall, 'stall'))
      for (let k = 0; k < site.cases; k++) {
        const pt = nearPoint(stallRand, p.metric, site.radius_m, (s) => s.cls !== 'bridge')
        const t = at(drawDay(stallRand, days), drawTimeOfDay(stallRand, 'stall'))
        drafts.push({ t, category: stallRand() < marketShare ? '0401' : '0402', source: sourceOf(stallRand, 'stall'), ...pt, pattern })
      }
    })
  }

  // illegal small adverts (非法小广告): persistent spots on residential lanes
  const advertRand = streamFor(seed, 'adverts')
  ADVERT_SITES.forEach((site, k) => {
    const [cx, cy] = placeXY(site)
    const centre = warp(cx, cy)
    plant({
      id: `advert-${k + 1}`, kind: 'advert', category_codes: ['0201'], center: centreLonLat(centre), radius_m: site.radius_m,
      expected_pattern: 'persistent', note: 'illegal small adverts on residential lanes',
    }, (pattern) => {
      for (let n = 0; n < site.cases; n++) {
        const source = sourceOf(advertRand, 'advert')
        const days = table(`flat:${weekOf(source)}`, () => dayTable(FLAT, weekOf(source)))
        const pt = nearPoint(advertRand, centre, site.radius_m, (s) => s.cls === 'lane' || s.cls === 'local')
        drafts.push({ t: at(drawDay(advertRand, days), drawTimeOfDay(advertRand, hourOf(source))), category: '0201', source, ...pt, pattern })
      }
    })
  })

  // blocked drains (排水井堵塞) along low-lying streets, June–August and on storm days
  const drainRand = streamFor(seed, 'drains')
  LOW_LYING.forEach((area, k) => {
    const segs = index.streets.filter((s) => s.lowArea === k)
    if (segs.length === 0) throw new Error(`Low-lying area ${area.name} holds no street.`)
    const { centre, radius } = circleAround(segs)
    plant({
      id: `drain-${k + 1}`, kind: 'drain', category_codes: ['0601'], center: centreLonLat(centre), radius_m: radius,
      peak_months: [6, 7, 8], note: `blocked storm drains on the low-lying streets of the ${area.name}`,
    }, (pattern) => {
      const lens = cumulative(segs.map((s) => lengthOf(s.metric)))
      const days = table('drain', () => dayTable(SEASONS.rain, 'hotline', storms))
      for (let n = 0; n < area.cases; n++) {
        let pt: { x: number; y: number; ll: Pt; hit: StreetHit } | null = null
        while (!pt) {
          const { p: [x, y], hit } = index.alongStreet(drainRand, segs[drawCumulative(drainRand, lens)], 1.5 + drainRand() * 4)
          const ll = index.accept(x, y)
          if (ll) pt = { x, y, ll, hit }
        }
        const source = sourceOf(drainRand, 'drain')
        drafts.push({ t: at(drawDay(drainRand, days), drawTimeOfDay(drainRand, hourOf(source))), category: '0601', source, ...pt, pattern })
      }
    })
  })

  // the three space-time trends
  const trendRand = streamFor(seed, 'trends')
  const trend = (kind: 'intensifying' | 'new' | 'diminishing', monthly: readonly number[] | null, note: string, hour?: HourProfile) => {
    const site = TREND_SITES[kind]
    const [cx, cy] = placeXY(site)
    const centre = warp(cx, cy)
    plant({
      id: `trend-${kind}`, kind, category_codes: [site.category], center: centreLonLat(centre), radius_m: site.radius_m,
      expected_pattern: kind, note,
    }, (pattern) => {
      const emit = (days: Float64Array) => {
        const source = sourceOf(trendRand, 'background')
        const pt = nearPoint(trendRand, centre, site.radius_m, (s) => s.cls !== 'bridge')
        drafts.push({ t: at(drawDay(trendRand, days), drawTimeOfDay(trendRand, hour ?? hourOf(source))), category: site.category, source, ...pt, pattern })
      }
      if (monthly) {
        monthly.forEach((n, m) => {
          const only = FLAT.map((_, q) => (q === m ? 1 : 0))
          const days = dayTable(only, 'patrol')
          for (let k = 0; k < n; k++) emit(days)
        })
      } else {
        const days = dayTable(FLAT, 'stall', undefined, [dayOf(NEW_FROM[0], NEW_FROM[1]), DAYS - 1])
        for (let k = 0; k < NEW_CASES; k++) emit(days)
      }
    })
  }
  trend('intensifying', INTENSIFYING_MONTHLY, 'material piles at an urban-village redevelopment, growing every month')
  trend('new', null, 'shared bikes piling up at a mall opened on 5 November')
  trend('diminishing', DIMINISHING_MONTHLY, 'night barbecue street cleared by a spring campaign', 'night')

  // background and stacked cases
  const planted = drafts.length
  const stackedN = Math.round(TOTAL_CASES * STACKED_SHARE)
  const backgroundN = TOTAL_CASES - planted - stackedN
  if (backgroundN < 0) throw new Error(`Planted cases (${planted}) exceed the total of ${TOTAL_CASES}.`)
  const bgRand = streamFor(seed, 'background')
  const codes = Object.keys(BACKGROUND_WEIGHTS).sort()
  const codeCum = cumulative(codes.map((c) => BACKGROUND_WEIGHTS[c]))
  const streets = index.streets
  const streetCum = cumulative(streets.map((s) => lengthOf(s.metric) * CLASS_WEIGHT[s.cls]))
  const lowStreets = streets.filter((s) => s.low_lying)
  const lowCum = cumulative(lowStreets.map((s) => lengthOf(s.metric)))
  const background = (pattern: number): Draft => {
    const category = codes[drawCumulative(bgRand, codeCum)]
    const source = sourceOf(bgRand, 'background')
    const season = CATEGORY_SEASON[category]
    const special = season === 'rain' ? storms : undefined
    const key = `${season ?? 'flat'}:${weekOf(source)}`
    const days = table(key, () => dayTable(season ? SEASONS[season] : FLAT, weekOf(source), special))
    const hour: HourProfile = category === '0406' ? 'night' : category === '0401' || category === '0402' ? 'stall' : hourOf(source)
    const t = at(drawDay(bgRand, days), drawTimeOfDay(bgRand, hour))
    for (;;) {
      let p: Pt
      let hit: StreetHit | undefined
      let water = false
      if (category === '0104') {
        // dirty water: on the river or its banks
        const x = 300 + bgRand() * 5100
        p = warp(x, RIVER_Y + (bgRand() - 0.5) * 120)
        water = true
      } else if ((category === '0501' || category === '0601') && bgRand() < 0.35) {
        ;({ p, hit } = index.alongStreet(bgRand, lowStreets[drawCumulative(bgRand, lowCum)], 2 + bgRand() * 4))
      } else {
        ;({ p, hit } = index.alongStreet(bgRand, streets[drawCumulative(bgRand, streetCum)], 2 + bgRand() * 13))
      }
      const ll = index.accept(p[0], p[1], water)
      if (ll) return { t, category, source, x: p[0], y: p[1], ll, pattern, hit }
    }
  }
  for (let k = 0; k < backgroundN; k++) drafts.push(background(-1))
  const fallback = poi(FALLBACK_POI)
  for (let k = 0; k < stackedN; k++) {
    const d = background(-2)
    drafts.push({ ...d, ll: fallback.lonlat })
  }

  // handling, addresses and the CSV
  const handleRand = streamFor(seed, 'handling')
  const order = drafts.map((_, k) => k).sort((a, b) => drafts[a].t - drafts[b].t || a - b)
  const lines = ['case_id,reported_at,dispatched_at,due_at,closed_at,status,category_code,category_zh,source,address,lon,lat']
  const byStatus: Record<string, number> = {}
  const bySource: Record<string, number> = {}
  let lateClosed = 0
  order.forEach((k, n) => {
    const d = drafts[k]
    const cat = taxonomy.get(d.category)!
    const h = handleCase(handleRand, d.t, cat.deadline_hours, d.source === '巡查')
    byStatus[h.status] = (byStatus[h.status] ?? 0) + 1
    bySource[d.source] = (bySource[d.source] ?? 0) + 1
    if (h.status === 'closed' && h.late) lateClosed++
    const opt = (ms: number | null) => (ms === null ? '' : isoShanghai(ms))
    lines.push([
      `WG2025${String(n + 1).padStart(6, '0')}`, isoShanghai(d.t), opt(h.dispatched), isoShanghai(h.due), opt(h.closed), h.status,
      d.category, cat.minor_zh, d.source, index.address(d.x, d.y, d.hit), roundDeg(d.ll[0]).toFixed(7), roundDeg(d.ll[1]).toFixed(7),
    ].join(','))
  })
  const closed = byStatus.closed ?? 0
  return {
    csv: lines.join('\n') + '\n',
    hotspots,
    stacked: { lon: fallback.lonlat[0], lat: fallback.lonlat[1], cases: stackedN },
    counts: {
      cases: drafts.length, background: backgroundN, stacked: stackedN, planted, late_closed: lateClosed, closed,
      open: (byStatus.reported ?? 0) + (byStatus.dispatched ?? 0) + (byStatus.handled ?? 0), rejected: byStatus.rejected ?? 0,
      by_status: byStatus, by_source: bySource,
    },
  }
}

function lengthOf(line: readonly Pt[]): number {
  let s = 0
  for (let i = 1; i < line.length; i++) s += Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1])
  return s
}

/** Length-weighted centre of some segments and a radius (m, rounded up to 10) that holds them all with 20 m to spare. */
function circleAround(segs: readonly StreetSegment[]): { centre: Pt; radius: number } {
  let sx = 0, sy = 0, sw = 0
  for (const s of segs) {
    for (let i = 1; i < s.metric.length; i++) {
      const w = Math.hypot(s.metric[i][0] - s.metric[i - 1][0], s.metric[i][1] - s.metric[i - 1][1])
      sx += ((s.metric[i][0] + s.metric[i - 1][0]) / 2) * w
      sy += ((s.metric[i][1] + s.metric[i - 1][1]) / 2) * w
      sw += w
    }
  }
  const centre: Pt = [sx / sw, sy / sw]
  let r = 0
  for (const s of segs) for (const p of s.metric) r = Math.max(r, Math.hypot(p[0] - centre[0], p[1] - centre[1]))
  return { centre, radius: Math.ceil((r + 20) / 10) * 10 }
}
