/**
 * Daily patrol plans: the cells of a layout, the workers on duty with their shifts and grids, and
 * cell priorities (given, or case counts) → a planning instance on the stored street graph
 * (core/plan-instance) → the planner (core/plan) beside the nearest-neighbour baseline with the
 * same shifts → validated, stored in patrol_plans / patrol_plan_routes with routes along streets.
 *
 * Each shift of a worker is one route; both shifts of a worker may visit all of the worker's
 * cells. A worker resting that day (rest_weekdays) has no route; the cells of their grids go to
 * the colleagues sharing one of their communities, and are reported `no_worker` when there are none.
 */
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import { AppError, BadParameter, NotFound } from '../shared/errors'
import { positionPoint, type XY } from './core/graph-geometry'
import { planPatrol, type PatrolPlan, type PlanObjective, type UncoveredReason } from './core/plan'
import { planNearestNeighbour } from './core/plan-baseline'
import { routeGeometry } from './core/plan-geometry'
import { buildPatrolInstance } from './core/plan-instance'
import { validatePlan } from './core/plan-validate'
import { caseCountsPerCell, cellOwners, largestNetwork, layoutCells, layoutExists, listWorkers, type Shift, type WorkerRow } from './repository'
import { networkGraph } from './street-graph'
import { parseShift } from './workers'

const DAY_MS = 86_400_000
/** Cases in this many days before the plan day set the default priorities. */
export const PRIORITY_LOOKBACK_DAYS = 90
const DEFAULT_BUDGET_MS = 5000
/** default share of cells (those with the most cases) that get a dwell visit */
const DEFAULT_HOT_SHARE = 0.25

/** A plan request; every field but `layout` has a default. */
export interface PlanRequest {
  layout: number
  /** local day YYYY-MM-DD; default today in Asia/Shanghai */
  day?: string
  /** street network to walk; default the network with the most streets */
  network?: string
  /** worker codes on duty; default every worker with grids who does not rest that day */
  workers?: string[]
  /** plan resting workers too */
  include_resting?: boolean
  /** one shift for everyone instead of their own: 'HH:MM-HH:MM' */
  shift?: string
  /** walking speed, km/h; default each worker's (4.5) */
  speed_kmh?: number
  /** cell codes to cover today; default all cells of the layout */
  cells?: string[]
  /** priority per cell code (e.g. hotspot z-scores); default cases per cell over the 90 days before */
  priorities?: Record<string, number>
  /** share of cells, by priority, that get a dwell visit; default 0.25 */
  hot_share?: number
  /** dwell minutes at priority cells, [least, most]; higher priority dwells longer; default [10, 15] */
  dwell_minutes?: [number, number]
  /** visits to these cells only inside [from, to] (e.g. stall peak 17:00–21:00) */
  time_windows?: Array<{ cells: string[]; from: string; to: string }>
  /** workers may visit other workers' cells */
  allow_cross_help?: boolean
  /** planner time budget, ms; default 5000 */
  time_budget_ms?: number
  seed?: number
  /** stop after this many search iterations (reproducible plans across machines) */
  max_iterations?: number
}

export const UNCOVERED_ZH: Record<UncoveredReason, string> = {
  no_worker: '无负责巡查员（网格无人或当日轮休）',
  unreachable: '所在街道与巡查员的出发点不连通',
  time_window_infeasible: '时间窗内无法到达',
  shift_too_short: '班次时长不足以覆盖',
}

const hhmm = (minuteOfDay: number): string => {
  const m = Math.round(minuteOfDay) % (24 * 60)
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD date. */
const isoWeekday = (day: string): number => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1

const todayInShanghai = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)

async function defaultNetwork(db: Database): Promise<string> {
  const network = await largestNetwork(db.knex)
  if (!network) throw new AppError('WG_NO_STREETS', 'no street network is loaded; import streets first (import streets FILE)', 422)
  return network
}

/** A stored plan as the API returns it. */
export interface PlanView {
  id: number
  layout: number
  day: string
  network: string
  params: PlanRequest
  objective: PlanObjective
  baseline: PlanObjective
  /** plan dwell value ÷ baseline dwell value (null when the baseline has none) */
  dwell_ratio: number | null
  uncovered: Array<{ cell: string; idx: number; reason: UncoveredReason; reason_zh: string }>
  stats: Record<string, unknown>
  routes: RouteView[]
  created_at: string
  duration_ms: number
}

/** One route (a worker's shift) of a stored plan. */
export interface RouteView {
  seq: number
  worker: string
  name_zh: string | null
  shift: string
  shift_start: number
  shift_minutes: number
  length_m: number
  duration_min: number
  dwell_value: number
  feasible: boolean
  stops: StopView[]
  /** the walk along streets, WGS84 */
  geometry: { type: 'LineString'; coordinates: number[][] }
}

/** One stop: times in minutes from shift start and as clock time. */
export interface StopView {
  cell: string
  idx: number
  arrival: number
  wait: number
  dwell: number
  departure: number
  arrive_at: string
  leave_at: string
  lon: number
  lat: number
}

/**
 * Plans one day and stores the plan.
 * @returns the stored plan (see `getPlan`)
 * @throws AppError WG_NOT_FOUND (layout), WG_BAD_PARAMETER (request values), WG_NO_WORKERS
 */
export async function createPlan(db: Database, req: PlanRequest, progress?: ProgressFn): Promise<PlanView> {
  const t0 = performance.now()
  const day = req.day ?? todayInShanghai()
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(Date.parse(day))) throw BadParameter('day', `"${day}" is not a date (YYYY-MM-DD)`)
  const [dwMin, dwMax] = req.dwell_minutes ?? [10, 15]
  if (!(dwMin >= 0 && dwMax >= dwMin && dwMax <= 240)) throw BadParameter('dwell_minutes', `[${dwMin}, ${dwMax}] must be 0 ≤ least ≤ most ≤ 240 minutes`)
  const hotShare = req.hot_share ?? DEFAULT_HOT_SHARE
  if (!(hotShare >= 0 && hotShare <= 1)) throw BadParameter('hot_share', `${hotShare} is not a share between 0 and 1`)
  if (!(await layoutExists(db.knex, req.layout))) throw NotFound('layout', req.layout)
  const network = req.network ?? await defaultNetwork(db)

  progress?.({ phase: 'cells' })
  const allCells = await layoutCells(db.knex, req.layout)
  if (!allCells.length) throw new AppError('WG_EMPTY_LAYOUT', `layout ${req.layout} has no cells yet; wait for it to finish building`, 422)
  const wanted = req.cells ? new Set(req.cells) : null
  if (wanted) {
    const known = new Set(allCells.map((c) => c.code))
    const bad = req.cells!.find((c) => !known.has(c))
    if (bad) throw BadParameter('cells', `cell ${bad} is not in layout ${req.layout}`)
  }
  const cells = wanted ? allCells.filter((c) => wanted.has(c.code)) : allCells
  const owners = await cellOwners(db.knex, req.layout)
  const ownerOf = new Map(owners.map((o) => [o.idx, o]))

  // workers on duty and their shifts
  const weekday = isoWeekday(day)
  const staff = await listWorkers(db.knex)
  const byCode = new Map(staff.map((w) => [w.code, w]))
  if (req.workers) {
    const bad = req.workers.find((w) => !byCode.has(w))
    if (bad) throw BadParameter('workers', `worker ${bad} is not known; list workers at /api/patrol/workers`)
  }
  const onDuty = (req.workers ? req.workers.map((c) => byCode.get(c)!) : staff.filter((w) => w.grid_codes.length > 0))
    .filter((w) => req.workers || req.include_resting || !w.rest_weekdays.includes(weekday))
  if (!onDuty.length) throw new AppError('WG_NO_WORKERS', `no worker is on duty on ${day}; import workers with grids (patrol workers FILE --grids GRIDS) or pass include_resting`, 422)
  const override: Shift | null = req.shift ? parseShift(req.shift, 'all') : null

  // who may visit which cell: the grid's worker, or for a resting worker the colleagues of their communities
  const dutyCodes = new Set(onDuty.map((w) => w.code))
  const cellsOf = new Map<string, string[]>(onDuty.map((w) => [w.code, []]))
  for (const c of cells) {
    const owner = ownerOf.get(c.idx)?.worker ?? null
    if (owner && dutyCodes.has(owner)) cellsOf.get(owner)!.push(c.code)
    else if (owner && byCode.has(owner)) {
      const comms = new Set(byCode.get(owner)!.community_codes)
      for (const w of onDuty) if (w.community_codes.some((k) => comms.has(k))) cellsOf.get(w.code)!.push(c.code)
    }
  }

  // priorities and dwell
  progress?.({ phase: 'priorities' })
  const priority = new Map<string, number>()
  if (req.priorities) {
    for (const [code, v] of Object.entries(req.priorities)) {
      if (!(Number.isFinite(v) && v >= 0)) throw BadParameter('priorities', `cell ${code}: ${v} is not a priority ≥ 0`)
      priority.set(code, v)
    }
  } else {
    const to = new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString()
    const from = new Date(Date.parse(to) - PRIORITY_LOOKBACK_DAYS * DAY_MS).toISOString()
    const counts = await caseCountsPerCell(db.knex, req.layout, from, to, null)
    for (const c of cells) priority.set(c.code, counts.get(c.idx) ?? 0)
  }
  const ranked = cells.filter((c) => (priority.get(c.code) ?? 0) > 0)
    .sort((a, b) => priority.get(b.code)! - priority.get(a.code)! || a.idx - b.idx)
    .slice(0, Math.round(hotShare * cells.length))
  const dwell = new Map<string, number>()
  ranked.forEach((c, k) => {
    // higher priority dwells longer: the top cell gets the most, the last hot cell the least
    const f = ranked.length > 1 ? 1 - k / (ranked.length - 1) : 1
    dwell.set(c.code, Math.round(dwMin + f * (dwMax - dwMin)))
  })
  const windows = new Map<string, [number, number]>()
  for (const tw of req.time_windows ?? []) {
    const s = parseShift(`${tw.from}-${tw.to}`, 'time window')
    for (const code of tw.cells) windows.set(code, [s.start, s.start + s.minutes])
  }

  progress?.({ phase: 'street graph' })
  const ng = await networkGraph(db, network)
  const proj = ng.projector
  const routes: Array<{ worker: WorkerRow; shift: Shift; id: string }> = []
  for (const w of onDuty) {
    const shifts = override ? [override] : w.shifts.length ? w.shifts : [{ start: 8 * 60, minutes: 8 * 60 }]
    shifts.forEach((s, k) => routes.push({ worker: w, shift: s, id: shifts.length > 1 ? `${w.code}#${k + 1}` : w.code }))
  }
  const centre = (codes: string[]): XY => {
    const own = cells.filter((c) => codes.includes(c.code))
    const pts = own.length ? own : cells
    return proj.forwardPoint(pts.reduce((s, c) => s + c.lon, 0) / pts.length, pts.reduce((s, c) => s + c.lat, 0) / pts.length)
  }

  progress?.({ phase: 'walking distances' })
  let instance
  try {
    instance = buildPatrolInstance(ng.graph,
      cells.map((c) => ({
        id: c.code, node: proj.forwardPoint(c.lon, c.lat), priority: priority.get(c.code) ?? 0, mandatory: true,
        dwellMinutes: dwell.get(c.code) ?? 0, timeWindow: windows.get(c.code),
      })),
      routes.map((r) => {
        const office: XY = r.worker.office ? proj.forwardPoint(r.worker.office[0], r.worker.office[1]) : centre(cellsOf.get(r.worker.code)!)
        return {
          id: r.id, start: office, end: office, shiftMinutes: r.shift.minutes, shiftStart: r.shift.start,
          speedKmh: req.speed_kmh ?? r.worker.speed_kmh, cells: cellsOf.get(r.worker.code)!,
        }
      }),
      { component: 0 })
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('WG_BAD_PLAN_INPUT', err.message, 422)
    throw err
  }

  progress?.({ phase: 'baseline' })
  const baseline = planNearestNeighbour(instance)
  const budget = req.time_budget_ms ?? DEFAULT_BUDGET_MS
  progress?.({ phase: 'planning', done: 0, total: budget })
  let plan: PatrolPlan
  try {
    plan = planPatrol(instance, {
      timeBudgetMs: budget, seed: req.seed ?? 1, maxIterations: req.max_iterations, allowCrossHelp: req.allow_cross_help ?? false,
      onImprove: (_o, ms) => progress?.({ phase: 'planning', done: Math.round(ms), total: budget }),
    })
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('WG_BAD_PLAN_INPUT', err.message, 422)
    throw err
  }
  const problems = validatePlan(instance, plan, { allowCrossHelp: req.allow_cross_help ?? false })
  if (problems.length) throw new Error(`planner returned an invalid plan: ${problems[0].message}`)

  progress?.({ phase: 'saving' })
  const geoms = routeGeometry(plan, ng.graph)
  const cellIdx = new Map(cells.map((c) => [c.code, c.idx]))
  const id = await db.knex.transaction(async (trx) => {
    const [{ id: planId }] = await trx('patrol_plans').insert({
      layout_id: req.layout, day, network, params: JSON.stringify({ ...req, day, network }),
      objective: JSON.stringify(plan.objective), baseline: JSON.stringify(baseline.objective),
      uncovered: JSON.stringify(plan.uncovered.map((u) => ({ cell: u.cell, idx: cellIdx.get(u.cell), reason: u.reason }))),
      stats: JSON.stringify({ ...plan.stats, metric_crs: `EPSG:${proj.epsg}`, routes: routes.length, cells: cells.length, hot_cells: ranked.length }),
      duration_ms: Math.round(performance.now() - t0),
    }).returning('id')
    for (let r = 0; r < plan.workers.length; r++) {
      const w = plan.workers[r]
      const route = routes[r]
      const stops = w.stops.map((s) => {
        const [lon, lat] = proj.inversePoint(...positionPoint(ng.graph, s.node))
        return { cell: s.cell, idx: cellIdx.get(s.cell), arrival: s.arrival, wait: s.wait, dwell: s.dwell, departure: s.departure, lon, lat }
      })
      const coords = geoms[r].coordinates.map(([x, y]) => proj.inversePoint(x, y))
      await trx.raw(
        `INSERT INTO patrol_plan_routes (plan_id, seq, worker_id, worker_code, shift_start, shift_minutes, stops, length_m, duration_min, dwell_value, feasible, geom)
         VALUES (:plan, :seq, :worker_id, :code, :start, :minutes, CAST(:stops AS jsonb), :length, :duration, :value, :feasible,
                 ST_SetSRID(ST_GeomFromGeoJSON(CAST(:geom AS text)), 4326))`,
        {
          plan: planId, seq: r, worker_id: route.worker.id, code: route.worker.code, start: route.shift.start, minutes: route.shift.minutes,
          stops: JSON.stringify(stops), length: w.lengthM, duration: w.durationMin, value: w.dwellValue, feasible: w.feasible,
          geom: JSON.stringify({ type: 'LineString', coordinates: coords }),
        })
    }
    return planId as number
  })
  return (await getPlan(db, id))!
}

/** A stored plan with its routes; null when there is none with that id. */
export async function getPlan(db: Database, id: number): Promise<PlanView | null> {
  const plan = await db.knex('patrol_plans').where({ id }).first('*', db.knex.raw("to_char(day, 'YYYY-MM-DD') AS day_text"))
  if (!plan) return null
  const { rows } = await db.knex.raw<{ rows: Array<Record<string, any>> }>(
    `SELECT r.*, w.name_zh, ST_AsGeoJSON(r.geom, 7) AS geometry
     FROM patrol_plan_routes r LEFT JOIN patrol_workers w ON w.id = r.worker_id
     WHERE r.plan_id = :id ORDER BY r.seq`, { id })
  const objective = plan.objective as PlanObjective
  const baseline = plan.baseline as PlanObjective
  return {
    id: plan.id, layout: plan.layout_id, day: plan.day_text, network: plan.network,
    params: plan.params, objective, baseline,
    dwell_ratio: baseline.dwellValue > 0 ? objective.dwellValue / baseline.dwellValue : null,
    uncovered: (plan.uncovered as Array<{ cell: string; idx: number; reason: UncoveredReason }>).map((u) => ({ ...u, reason_zh: UNCOVERED_ZH[u.reason] })),
    stats: plan.stats, created_at: new Date(plan.created_at).toISOString(), duration_ms: plan.duration_ms,
    routes: rows.map((r) => ({
      seq: r.seq, worker: r.worker_code, name_zh: r.name_zh ?? null,
      shift: `${hhmm(r.shift_start)}-${hhmm(r.shift_start + r.shift_minutes)}`, shift_start: r.shift_start, shift_minutes: r.shift_minutes,
      length_m: r.length_m, duration_min: r.duration_min, dwell_value: r.dwell_value, feasible: r.feasible,
      stops: (r.stops as Array<Omit<StopView, 'arrive_at' | 'leave_at'>>).map((s) => ({
        ...s, arrive_at: hhmm(r.shift_start + s.arrival + s.wait), leave_at: hhmm(r.shift_start + s.departure),
      })),
      geometry: JSON.parse(r.geometry),
    })),
  }
}

/** Recent plans, newest first. */
export async function listPlans(db: Database, limit = 50) {
  const rows = await db.knex('patrol_plans').orderBy('id', 'desc').limit(limit)
    .select('id', 'layout_id', 'network', 'objective', 'baseline', 'created_at', db.knex.raw("to_char(day, 'YYYY-MM-DD') AS day"))
  return rows.map((r: Record<string, any>) => ({
    id: r.id, layout: r.layout_id, day: r.day, network: r.network, objective: r.objective, baseline: r.baseline,
    created_at: new Date(r.created_at).toISOString(),
  }))
}
