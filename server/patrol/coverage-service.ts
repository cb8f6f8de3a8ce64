/**
 * Patrol coverage of a layout's cells and of a street network over a day range, with roll-ups per
 * day, responsibility grid, community and worker (见巡率 = share of cells visited), cells left
 * unvisited for N days and hotspot cells visited fewer times than required.
 *
 * Flow: cells, trips and streets from PostGIS (trips as WKB straight into typed arrays) → one
 * metric CRS → core/coverage per worker (visits merge exactly: every trip starts its own pass, so
 * per-worker passes and dwell add up to the all-worker figures) → core/coverage-rollup.
 */
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import { chooseMetricCrs, projector, type Projector } from '../shared/coords'
import { AppError, NotFound } from '../shared/errors'
import {
  buildCellIndex, buildStreetIndex, cellCoverage, streetCoverage, type CellInput, type CellVisits, type MetricTrips,
} from './core/coverage'
import { cellsNotVisitedFor, daysSinceVisit, underVisitedCells, visitRate } from './core/coverage-rollup'
import { dayLabel } from './core/tracks-clean'
import {
  caseCountsPerCell, cellOwners, communities, largestNetwork, layoutCells, layoutExists, listWorkers, networkStreets, readTrips,
  type CellRow, type StoredTrips,
} from './repository'

const DAY_MS = 86_400_000
/** Longest range one coverage request may span, days (a quarter). */
export const MAX_RANGE_DAYS = 92
/** Cases in this many days before the range end decide which cells are hotspots. */
export const HOTSPOT_LOOKBACK_DAYS = 90

/** A coverage request. */
export interface CoverageQuery {
  layout: number
  /** first and last local day, YYYY-MM-DD (inclusive) */
  from: string
  to: string
  /** only these workers' tracks; default all */
  workers?: string[]
  /** street network for street coverage; default the network with the most streets */
  network?: string
  /** reach of a cell visit beyond the boundary, metres; default 10 */
  toleranceM?: number
  /** half-width of a walked street, metres; default 15 */
  bufferM?: number
  /** report cells not visited for this many days as of `to`; default 3 */
  notVisitedDays?: number
  /** share of cells (by case count over the 90 days before `to`) that are hotspots; default 0.1 */
  hotShare?: number
  /** passes a hotspot cell needs per day; default 2 */
  hotPasses?: number
  /** include one entry per cell */
  cells?: boolean
}

export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS)

/** Parses a MultiPolygon's GeoJSON into projected rings (all parts, combined even–odd). */
function projectedRings(geom: string, proj: Projector): number[][][] {
  const g = JSON.parse(geom) as { type: string; coordinates: number[][][][] | number[][][] }
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
  return polys.flatMap((rings) => rings.map((ring) => ring.map(([x, y]) => proj.forwardPoint(x, y))))
}

/** The trips of workers `w0 .. w1` as metric trips (views, offsets rebased). */
function sliceTrips(st: StoredTrips, x: Float64Array, y: Float64Array, k0: number, k1: number): MetricTrips {
  const f0 = st.offsets[k0]
  const f1 = st.offsets[k1]
  const offsets = new Uint32Array(k1 - k0 + 1)
  for (let k = k0; k <= k1; k++) offsets[k - k0] = st.offsets[k] - f0
  return {
    offsets, worker: st.worker.subarray(k0, k1), day: st.day.subarray(k0, k1),
    x: x.subarray(f0, f1), y: y.subarray(f0, f1), t: st.t.subarray(f0, f1),
  }
}

/** Adds `v` into the accumulator keyed by day then cell. */
function mergeVisits(acc: Map<number, [number, number, number, number]>, v: CellVisits): void {
  for (let k = 0; k < v.cell.length; k++) {
    const key = v.day[k] * v.nCells + v.cell[k]
    const a = acc.get(key)
    if (!a) acc.set(key, [v.passes[k], v.dwellMinutes[k], v.first[k], v.last[k]])
    else {
      a[0] += v.passes[k]
      a[1] += v.dwellMinutes[k]
      a[2] = Math.min(a[2], v.first[k])
      a[3] = Math.max(a[3], v.last[k])
    }
  }
}

function visitsFrom(acc: Map<number, [number, number, number, number]>, nCells: number): CellVisits {
  const keys = [...acc.keys()].sort((a, b) => a - b)
  const out: CellVisits = {
    nCells, cell: new Int32Array(keys.length), day: new Int32Array(keys.length), passes: new Int32Array(keys.length),
    dwellMinutes: new Float64Array(keys.length), first: new Float64Array(keys.length), last: new Float64Array(keys.length),
  }
  keys.forEach((key, k) => {
    const a = acc.get(key)!
    out.day[k] = Math.floor(key / nCells)
    out.cell[k] = key - out.day[k] * nCells
    out.passes[k] = a[0]
    out.dwellMinutes[k] = a[1]
    out.first[k] = a[2]
    out.last[k] = a[3]
  })
  return out
}

const round = (v: number, digits = 4) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : null)

/** Groups cells by a key; returns the group index per cell (-1 for none) and the keys. */
function groupBy<K>(n: number, keyOf: (c: number) => K | null): { group: Int32Array; keys: K[] } {
  const index = new Map<K, number>()
  const keys: K[] = []
  const group = new Int32Array(n).fill(-1)
  for (let c = 0; c < n; c++) {
    const k = keyOf(c)
    if (k === null) continue
    let g = index.get(k)
    if (g === undefined) {
      g = keys.length
      index.set(k, g)
      keys.push(k)
    }
    group[c] = g
  }
  return { group, keys }
}

/**
 * Coverage of the layout's cells and the network's streets by the stored trips of [from, to].
 * @throws AppError WG_NOT_FOUND for an unknown layout, WG_BAD_PARAMETER for a bad range
 */
export async function patrolCoverage(db: Database, q: CoverageQuery, progress?: ProgressFn) {
  const t0 = performance.now()
  const d0 = dayNumber(q.from)
  const d1 = dayNumber(q.to)
  if (!Number.isFinite(d0) || !Number.isFinite(d1)) throw new AppError('WG_BAD_PARAMETER', `Parameter from/to: "${q.from}"…"${q.to}" are not dates (YYYY-MM-DD)`, 400)
  if (d1 < d0) throw new AppError('WG_BAD_PARAMETER', `Parameter to: ${q.to} is before from ${q.from}`, 400)
  if (d1 - d0 + 1 > MAX_RANGE_DAYS) throw new AppError('WG_BAD_PARAMETER', `Parameter to: the range spans ${d1 - d0 + 1} days; ask for at most ${MAX_RANGE_DAYS}`, 400)
  const notVisitedDays = q.notVisitedDays ?? 3
  const hotShare = q.hotShare ?? 0.1
  const hotPasses = q.hotPasses ?? 2
  if (!(hotShare >= 0 && hotShare <= 1)) throw new AppError('WG_BAD_PARAMETER', `Parameter hot_share: ${hotShare} is not a share between 0 and 1`, 400)
  if (!(await layoutExists(db.knex, q.layout))) throw NotFound('layout', q.layout)

  progress?.({ phase: 'loading cells' })
  const cells = await layoutCells(db.knex, q.layout)
  if (!cells.length) throw new AppError('WG_EMPTY_LAYOUT', `layout ${q.layout} has no cells yet; wait for it to finish building`, 422)
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (const c of cells) {
    minX = Math.min(minX, c.lon); maxX = Math.max(maxX, c.lon)
    minY = Math.min(minY, c.lat); maxY = Math.max(maxY, c.lat)
  }
  const proj = projector(chooseMetricCrs([minX, minY, maxX, maxY]).epsg)
  const cellIndex = buildCellIndex(cells.map((c): CellInput => ({ id: c.idx, rings: projectedRings(c.geom, proj) })))

  progress?.({ phase: 'loading tracks' })
  const st = await readTrips(db.knex, q.from, q.to, q.workers)
  const { x, y } = proj.forward(st.lon, st.lat)

  // cells: per worker, then merged
  progress?.({ phase: 'cells', done: 0, total: st.workers.length })
  const perWorker: CellVisits[] = []
  const acc = new Map<number, [number, number, number, number]>()
  for (let w = 0, k0 = 0; w < st.workers.length; w++) {
    let k1 = k0
    while (k1 < st.worker.length && st.worker[k1] === w) k1++
    const v = cellCoverage(cellIndex, sliceTrips(st, x, y, k0, k1), { toleranceM: q.toleranceM })
    perWorker.push(v)
    mergeVisits(acc, v)
    k0 = k1
    progress?.({ phase: 'cells', done: w + 1, total: st.workers.length })
  }
  const visits = visitsFrom(acc, cells.length)

  // streets
  progress?.({ phase: 'streets' })
  const network = q.network ?? await largestNetwork(db.knex)
  const streets = network ? await networkStreets(db.knex, network) : []
  if (q.network && !streets.length) throw new AppError('WG_NO_STREETS', `street network "${q.network}" has no streets`, 422)
  const days = Array.from({ length: d1 - d0 + 1 }, (_, k) => d0 + k)
  const streetByDay = new Map<number, number>()
  let streetTotalM = 0
  if (streets.length) {
    const sIndex = buildStreetIndex(streets.map((s) => ({ id: s.id, coords: (JSON.parse(s.geom).coordinates as number[][]).map(([a, b]) => proj.forwardPoint(a, b)) })))
    for (let k = 0; k < sIndex.n; k++) streetTotalM += sIndex.lengthM[k]
    const all = sliceTrips(st, x, y, 0, st.worker.length)
    const sc = streetCoverage(sIndex, all, { bufferM: q.bufferM })
    for (let k = 0; k < sc.street.length; k++) streetByDay.set(sc.day[k], (streetByDay.get(sc.day[k]) ?? 0) + sc.coveredM[k])
  }

  // roll-ups
  progress?.({ phase: 'roll-ups' })
  const owners = await cellOwners(db.knex, q.layout)
  const ownerOf = new Array<{ grid: string | null; worker: string | null }>(cells.length)
  for (const o of owners) ownerOf[o.idx] = o
  const comms = await communities(db.knex)
  const workerRows = new Map((await listWorkers(db.knex)).map((w) => [w.code, w]))

  const all = new Int32Array(cells.length)
  const dayRate = visitRate(visits, all, days)
  const passesByDay = new Map<number, { passes: number; dwell: number }>()
  for (let k = 0; k < visits.cell.length; k++) {
    const e = passesByDay.get(visits.day[k]) ?? { passes: 0, dwell: 0 }
    e.passes += visits.passes[k]
    e.dwell += visits.dwellMinutes[k]
    passesByDay.set(visits.day[k], e)
  }
  const byDay = days.map((d, i) => ({
    day: dayLabel(d), cells: cells.length, visited: dayRate.visited[i], rate: round(dayRate.rate[i]),
    passes: passesByDay.get(d)?.passes ?? 0, dwell_minutes: round(passesByDay.get(d)?.dwell ?? 0, 1),
    street_covered_km: round((streetByDay.get(d) ?? 0) / 1000, 3), street_share: streetTotalM > 0 ? round((streetByDay.get(d) ?? 0) / streetTotalM) : null,
  }))

  const rollup = <K>(keyOf: (c: number) => K | null, describe: (k: K) => object) => {
    const { group, keys } = groupBy(cells.length, keyOf)
    const r = visitRate(visits, group, days)
    return keys.map((k, g) => {
      const perDay = days.map((d, i) => ({ day: dayLabel(d), visited: r.visited[i * r.nGroups + g], rate: round(r.rate[i * r.nGroups + g]) }))
      const mean = perDay.reduce((s, e) => s + (e.rate ?? 0), 0) / days.length
      return { ...describe(k), cells: r.cells[g], mean_rate: round(mean), days: perDay }
    })
  }
  const byGrid = rollup((c) => ownerOf[c]?.grid ?? null, (grid: string) => ({ grid, worker: owners.find((o) => o.grid === grid)?.worker ?? null }))
  const byCommunity = rollup((c) => cells[c].community_id, (id: number) => ({ community_id: id, code: comms.get(id)?.code ?? null, name_zh: comms.get(id)?.name_zh ?? null }))

  const byWorker = st.workers.map((code, w) => {
    const own = new Int32Array(cells.length).fill(-1)
    let ownCells = 0
    for (let c = 0; c < cells.length; c++) if (ownerOf[c]?.worker === code) { own[c] = 0; ownCells++ }
    const ownRate = visitRate(perWorker[w], own, days)
    const anyRate = visitRate(perWorker[w], all, days)
    const trips = new Map<number, { trips: number; km: number; minutes: number }>()
    for (let k = 0; k < st.worker.length; k++) {
      if (st.worker[k] !== w) continue
      const e = trips.get(st.day[k]) ?? { trips: 0, km: 0, minutes: 0 }
      e.trips++
      for (let i = st.offsets[k] + 1; i < st.offsets[k + 1]; i++) e.km += Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]) / 1000
      e.minutes += (st.t[st.offsets[k + 1] - 1] - st.t[st.offsets[k]]) / 60_000
      trips.set(st.day[k], e)
    }
    return {
      worker: code, name_zh: workerRows.get(code)?.name_zh ?? null, own_cells: ownCells,
      days: days.map((d, i) => ({
        day: dayLabel(d), cells_visited: anyRate.visited[i], own_visited: ownCells ? ownRate.visited[i] : 0,
        own_rate: ownCells ? round(ownRate.rate[i]) : null, trips: trips.get(d)?.trips ?? 0,
        km: round(trips.get(d)?.km ?? 0, 3), minutes: round(trips.get(d)?.minutes ?? 0, 1),
      })),
    }
  })

  const since = daysSinceVisit(visits, d1)
  const notVisited = Array.from(cellsNotVisitedFor(visits, d1, notVisitedDays), (c) => ({
    idx: c, code: cells[c].code, grid: ownerOf[c]?.grid ?? null, worker: ownerOf[c]?.worker ?? null,
    days_since: Number.isFinite(since[c]) ? since[c] : null,
  }))

  // hotspots: the busiest cells by cases over the lookback, each needing `hotPasses` a day
  const lookFrom = new Date((d1 + 1 - HOTSPOT_LOOKBACK_DAYS) * DAY_MS).toISOString().slice(0, 10)
  const lookTo = new Date((d1 + 1) * DAY_MS).toISOString().slice(0, 10)
  const counts = await caseCountsPerCell(db.knex, q.layout, `${lookFrom}T00:00:00+08:00`, `${lookTo}T00:00:00+08:00`, null)
  const hot = hotCells(counts, cells.length, hotShare)
  const required = new Int32Array(cells.length)
  for (const c of hot) required[c] = hotPasses
  const under = underVisitedCells(visits, required, days)

  const cellList = q.cells ? cellSummaries(cells, visits, since, ownerOf, required) : undefined
  const meanRate = byDay.reduce((s, e) => s + (e.rate ?? 0), 0) / days.length
  const shares = byDay.map((e) => e.street_share).filter((v): v is number => v !== null)
  return {
    layout: q.layout, from: q.from, to: q.to, network, metric_crs: `EPSG:${proj.epsg}`,
    fixes: st.t.length, trips: st.worker.length, workers: st.workers.length,
    tolerance_m: q.toleranceM ?? 10, buffer_m: q.bufferM ?? 15,
    summary: {
      cells: cells.length, mean_visit_rate: round(meanRate),
      mean_street_share: shares.length ? round(shares.reduce((a, b) => a + b, 0) / shares.length) : null,
      street_total_km: round(streetTotalM / 1000, 3), not_visited: notVisited.length, hotspot_cells: hot.length,
      hotspot_shortfalls: under.cell.length,
    },
    by_day: byDay, by_grid: byGrid, by_community: byCommunity, by_worker: byWorker,
    not_visited: { days: notVisitedDays, as_of: q.to, cells: notVisited },
    hotspots: {
      share: hotShare, required_passes: hotPasses, lookback: { from: lookFrom, to: q.to },
      cells: hot.map((c) => ({ idx: c, code: cells[c].code, cases: counts.get(c) ?? 0 })),
      under_visited: Array.from(under.cell, (c, k) => ({ day: dayLabel(under.day[k]), idx: c, code: cells[c].code, passes: under.passes[k], required: under.required[k] })),
    },
    cells: cellList,
    elapsed_ms: Math.round(performance.now() - t0),
  }
}

/** The top `share` of cells by case count (cells with at least one case), busiest first. */
export function hotCells(counts: Map<number, number>, nCells: number, share: number): number[] {
  const n = Math.round(share * nCells)
  return [...counts.entries()].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, n).map(([c]) => c)
}

function cellSummaries(cells: CellRow[], visits: CellVisits, since: Float64Array, ownerOf: Array<{ grid: string | null; worker: string | null }>, required: Int32Array) {
  const agg = cells.map(() => ({ days: 0, passes: 0, dwell: 0, first: Infinity, last: -Infinity }))
  for (let k = 0; k < visits.cell.length; k++) {
    const a = agg[visits.cell[k]]
    a.days++
    a.passes += visits.passes[k]
    a.dwell += visits.dwellMinutes[k]
    a.first = Math.min(a.first, visits.first[k])
    a.last = Math.max(a.last, visits.last[k])
  }
  return cells.map((c, i) => ({
    idx: c.idx, code: c.code, grid: ownerOf[i]?.grid ?? null, worker: ownerOf[i]?.worker ?? null,
    visited_days: agg[i].days, passes: agg[i].passes, dwell_minutes: round(agg[i].dwell, 1),
    first_visit: Number.isFinite(agg[i].first) ? new Date(agg[i].first).toISOString() : null,
    last_visit: Number.isFinite(agg[i].last) ? new Date(agg[i].last).toISOString() : null,
    days_since_visit: Number.isFinite(since[i]) ? since[i] : null, required_passes: required[i],
  }))
}
