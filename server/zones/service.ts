/**
 * Responsibility grids (责任网格): orchestration of the zoning capability.
 *
 *   layout cells (PostGIS) ─► cell graph (metric centroids, rook adjacency, shared edge lengths)
 *   cases / streets / POIs ─► workload per cell (./workload.ts)
 *   ─► balancedZones (./core, in a worker thread) ─► zone codes ─► zonings / zones / zone_cells
 *
 * Current grids are imported as zonings of kind 'current' (polygons → cells, or a cell → grid
 * table) and judged by the same metrics, so current and proposed plans compare figure for figure.
 */
import { readFile } from 'node:fs/promises'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Feature } from 'geojson'
import type { CaseFilter } from '../cases/filters'
import type { Database } from '../db/connect'
import type { ExportTable } from '../exports'
import { giBin, giStar } from '../hotspots/core/gi-star'
import { parseDeclaredCrs } from '../imports/crs'
import { geometryToWgs84, prop, readFeatureFile } from '../imports/geojson'
import { openTextFile } from '../imports/text-file'
import type { ProgressFn } from '../jobs/jobs'
import { chooseMetricCrs, projector } from '../shared/coords'
import { csrFromLists, type Csr } from '../shared/csr'
import { AppError, BadParameter, NotFound } from '../shared/errors'
import { pieces } from './core/graph'
import { projectRings, ringsPerimeter, sharedLength } from './edges'
import { zoningMetrics } from './core/metrics'
import { DEFAULT_WEIGHTS, type ZoningInput, type ZoningIssue, type ZoningMetrics, type ZoningResult } from './core/types'
import { ZoningInfeasibleError } from './core/validate'
import * as repo from './repository'
import { runZoning } from './run'
import type { CurrentImportOptions, WorkloadDefinition, ZoningRequest } from './schema'
import { summaryHtml } from './summary'
import { cellWorkload, type CellWorkload } from './workload'

/** Street classes zones may not cross when `cross_streets` is false and none are named. */
export const DEFAULT_BARRIER_CLASSES = ['arterial', 'secondary']
/** Walking speed when none is given, m/min (4.5 km/h). */
export const DEFAULT_WALK_SPEED = 75
/**
 * Street-network distance ÷ straight-line distance in a city grid: a walk of t minutes crosses a
 * zone at most t · speed / DETOUR_FACTOR metres as the crow flies (1.3 is the usual urban circuity).
 */
export const DETOUR_FACTOR = 1.3
/** Default search time budget, seconds. */
export const DEFAULT_BUDGET_S = 10
/** Gi* confidence bin that marks a cell as part of a recurring-problem cluster (99 %, FDR-corrected). */
const CLUSTER_BIN = 3

// ───────────────────────────── cell graph ─────────────────────────────

/** The cells of one layout as the zoning core needs them, idx order. */
export interface CellGraph {
  layout: repo.LayoutRow
  n: number
  codes: string[]
  /** community id per cell, −1 when the cell lies in none */
  community: Int32Array
  /** street (街道) id per cell, −1 when unknown */
  street: Int32Array
  /** centroid, WGS84 degrees */
  lon: Float64Array
  lat: Float64Array
  /** centroid in `epsg`, metres */
  x: Float64Array
  y: Float64Array
  epsg: number
  /** m² */
  area: Float64Array
  /** full perimeter per cell, m */
  perimeter: Float64Array
  /** rook adjacency (shared edge of positive length), symmetric */
  adjacency: Csr
  /** shared boundary length per adjacency entry, m */
  perimeterEdges: Float64Array
  /** neighbour pairs removed because a barrier street separates them */
  barrierPairs: number
}

function epsgOf(text: string | null): number | undefined {
  const m = text ? /(\d{4,5})$/.exec(text.trim()) : null
  if (!m) return undefined
  try {
    return projector(Number(m[1])).epsg
  } catch {
    return undefined
  }
}

/**
 * Loads a layout's cells with centroids and outlines projected to the layout's metric CRS (or the
 * CGCS2000 Gauss-Krüger / UTM zone of its extent); rook adjacency keeps the listed neighbours that
 * share an edge of positive length (measured in ./edges.ts).
 * @param barriers  street classes that cut adjacency (null: none)
 */
export async function loadCellGraph(db: Database, layoutId: number, barriers: string[] | null = null): Promise<CellGraph> {
  const layout = await repo.findLayout(db, layoutId)
  if (!layout) throw NotFound('layout', layoutId)
  const rows = await repo.cellRows(db, layoutId)
  if (!rows.length) {
    throw new AppError('WG_LAYOUT_EMPTY', `Layout ${layoutId} (${layout.name}) has no cells (status ${layout.status}); build its cells before zoning it`, 422)
  }
  const n = rows.length
  rows.forEach((r, i) => {
    if (r.idx !== i) throw new AppError('WG_LAYOUT_INVALID', `Layout ${layoutId}: cell idx must run 0 … ${n - 1} without gaps, but position ${i} holds idx ${r.idx}; rebuild the layout`, 422)
  })
  const lon = Float64Array.from(rows, (r) => r.lon)
  const lat = Float64Array.from(rows, (r) => r.lat)
  let epsg = epsgOf(layout.metric_crs)
  if (epsg === undefined) {
    let [w, s, e, nn] = [Infinity, Infinity, -Infinity, -Infinity]
    for (let i = 0; i < n; i++) {
      w = Math.min(w, lon[i]); e = Math.max(e, lon[i]); s = Math.min(s, lat[i]); nn = Math.max(nn, lat[i])
    }
    epsg = chooseMetricCrs([w, s, e, nn]).epsg
  }
  const proj = projector(epsg)
  const { x, y } = proj.forward(lon, lat)
  const rings = rows.map((r) => projectRings(JSON.parse(r.geometry), (lo, la) => proj.forwardPoint(lo, la)))
  const cut = new Set<number>()
  if (barriers?.length) for (const p of await repo.barrierPairs(db, layoutId, barriers)) cut.add(p.i * n + p.j)
  const length = new Map<number, number>()
  const lists: number[][] = Array.from({ length: n }, () => [])
  for (let i = 0; i < n; i++) {
    for (const k of rows[i].neighbours ?? []) {
      const a = Math.min(i, k)
      const b = Math.max(i, k)
      if (a === b || b >= n || length.has(a * n + b)) continue
      // Cells touching only at a corner are not rook neighbours; a barrier street separates others.
      const len = sharedLength(rings[a], rings[b])
      length.set(a * n + b, len)
      if (!(len > 0) || cut.has(a * n + b)) continue
      lists[a].push(b)
      lists[b].push(a)
    }
  }
  const adjacency = csrFromLists(lists)
  const perimeterEdges = new Float64Array(adjacency.indices.length)
  for (let i = 0; i < n; i++) {
    for (let k = adjacency.offsets[i]; k < adjacency.offsets[i + 1]; k++) {
      const j = adjacency.indices[k]
      perimeterEdges[k] = length.get(Math.min(i, j) * n + Math.max(i, j)) as number
    }
  }
  return {
    layout, n, codes: rows.map((r) => r.code),
    community: Int32Array.from(rows, (r) => r.community_id ?? -1),
    street: Int32Array.from(rows, (r) => r.street_id ?? -1),
    lon, lat, x, y, epsg,
    area: Float64Array.from(rows, (r) => r.area_m2),
    perimeter: Float64Array.from(rings, ringsPerimeter),
    adjacency, perimeterEdges, barrierPairs: cut.size,
  }
}

// ───────────────────────────── workload ─────────────────────────────

/** Workload per cell and what it was computed from (shown with every result). */
export interface WorkloadResult extends CellWorkload {
  definition: WorkloadDefinition
  window: { cases: number; first: string | null; last: string | null }
}

/** Computes the workload of every cell of `graph` under `def` (cases of the window, streets, area, POIs). */
export async function computeWorkload(db: Database, graph: CellGraph, def: WorkloadDefinition): Promise<WorkloadResult> {
  const filter: CaseFilter = { from: def.from, to: def.to, dataset: def.dataset, source: def.source, include_stacked: false }
  const layout = graph.layout.id
  const cases = await repo.cellCaseCounts(db, layout, filter)
  const streets = (def.street_weight ?? 0) > 0 ? await repo.cellStreetLengths(db, layout, def.street_classes ?? null) : []
  const pois = Object.values(def.poi_weights ?? {}).some((w) => w > 0) ? await repo.cellPois(db, layout) : []
  const w = cellWorkload(def, { n: graph.n, cases: cases.rows, streets, area: graph.area, pois })
  return { ...w, definition: def, window: cases.window }
}

/**
 * Recurring-problem clusters: connected groups (≥ 2 cells) of cells whose case count is a Gi* hot
 * spot at 99 % confidence after the false-discovery-rate correction. −1 for cells in none;
 * undefined when there are no cases.
 */
export function recurringClusters(adjacency: Csr, cases: Float64Array): Int32Array | undefined {
  let total = 0
  for (const v of cases) total += v
  if (!(total > 0) || cases.length < 2) return undefined
  const gi = giStar(cases, adjacency)
  const bin = giBin(gi.z, gi.p_two, { fdr: true })
  const key = Int32Array.from(bin, (b) => (b >= CLUSTER_BIN ? 0 : -1))
  const parts = pieces(adjacency, key)
  const clusters = new Int32Array(cases.length).fill(-1)
  let next = 0
  const id = new Int32Array(parts.count).fill(-1)
  for (let p = 0; p < parts.count; p++) if (parts.size[p] >= 2) id[p] = next++
  for (let i = 0; i < cases.length; i++) if (parts.label[i] >= 0) clusters[i] = id[parts.label[i]]
  return next ? clusters : undefined
}

// ───────────────────────────── zone matching and codes ─────────────────────────────

/**
 * Pairs the zones of two zonings of the same cells, largest overlap first (one-to-one), and counts
 * the cells that change hands: cells whose zone in `b` is not the partner of their zone in `a`.
 * Cells without a zone in either are left out.
 */
export function matchZones(a: Int32Array, b: Int32Array): { moved: number; compared: number; partner: Map<number, number> } {
  const overlap = new Map<number, number>()
  const SHIFT = 1 << 20
  let compared = 0
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0 || b[i] < 0) continue
    compared++
    const key = a[i] * SHIFT + b[i]
    overlap.set(key, (overlap.get(key) ?? 0) + 1)
  }
  const pairs = [...overlap.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0])
  const partner = new Map<number, number>()
  const taken = new Set<number>()
  let kept = 0
  for (const [key, count] of pairs) {
    const za = Math.floor(key / SHIFT)
    const zb = key % SHIFT
    if (partner.has(za) || taken.has(zb)) continue
    partner.set(za, zb)
    taken.add(zb)
    kept += count
  }
  return { moved: compared - kept, compared, partner }
}

/** The community holding most cells of each zone (−1 when none of its cells lies in one). */
function majority(zone: Int32Array, K: number, label: Int32Array): Int32Array {
  const counts: Map<number, number>[] = Array.from({ length: K }, () => new Map())
  for (let i = 0; i < zone.length; i++) {
    if (zone[i] < 0 || label[i] < 0) continue
    const m = counts[zone[i]]
    m.set(label[i], (m.get(label[i]) ?? 0) + 1)
  }
  return Int32Array.from(counts, (m) => {
    let best = -1
    let bestN = 0
    for (const [c, k] of m) if (k > bestN || (k === bestN && c < best)) { best = c; bestN = k }
    return best
  })
}

/**
 * Zone codes: community code (12-digit full code) + 2-digit grid number, numbered within each
 * community from north-west to south-east by zone centroid, so codes read like the map.
 */
export async function zoneCodes(db: Database, graph: CellGraph, zone: Int32Array, K: number): Promise<repo.ZoneRow[]> {
  const community = majority(zone, K, graph.community)
  const districts = await repo.districtsById(db, [...new Set(Array.from(community).filter((c) => c >= 0)), graph.layout.scope_id])
  const cx = new Float64Array(K)
  const cy = new Float64Array(K)
  const cnt = new Float64Array(K)
  for (let i = 0; i < graph.n; i++) {
    const z = zone[i]
    if (z < 0) continue
    cx[z] += graph.x[i]; cy[z] += graph.y[i]; cnt[z]++
  }
  // rows of ~1 km from the north, west to east within a row
  const ROW_M = 1000
  const order = Array.from({ length: K }, (_, z) => z).sort((p, q) =>
    community[p] - community[q] ||
    Math.floor(-cy[p] / cnt[p] / ROW_M) - Math.floor(-cy[q] / cnt[q] / ROW_M) ||
    cx[p] / cnt[p] - cx[q] / cnt[q] || p - q)
  const seq = new Map<number, number>()
  const scope = districts.get(graph.layout.scope_id)
  const rows: repo.ZoneRow[] = new Array(K)
  for (const z of order) {
    const c = community[z]
    const k = (seq.get(c) ?? 0) + 1
    seq.set(c, k)
    const d = c >= 0 ? districts.get(c) : undefined
    const prefix = d?.full_code ?? `${scope?.full_code ?? graph.layout.scope_id}000`
    rows[z] = {
      zone: z,
      code: prefix + String(k).padStart(2, '0'),
      name_zh: `${d?.name_zh ?? scope?.name_zh ?? ''}第${k}网格`,
      worker_id: null,
      community_id: c >= 0 ? c : null,
    }
  }
  return rows
}

// ───────────────────────────── infeasible requests ─────────────────────────────

/**
 * The core names cells by idx and groups by id; planners know cell codes and community names.
 * Appends "where" to each issue: the codes of the cells and the names of the groups it mentions.
 */
async function locateIssues(db: Database, graph: CellGraph, issues: ZoningIssue[]): Promise<ZoningIssue[]> {
  const groupIds = new Set<number>()
  for (const i of issues) {
    const d = i.details
    for (const g of [d.group, ...(Array.isArray(d.groups) ? d.groups : [])]) if (typeof g === 'number') groupIds.add(g)
  }
  const names = await repo.districtsById(db, [...groupIds])
  return issues.map((issue) => {
    const d = issue.details
    const cells = new Set<number>()
    for (const c of Array.isArray(d.cells) ? d.cells : []) if (typeof c === 'number') cells.add(c)
    for (const p of Array.isArray(d.pieces) ? d.pieces : []) if (typeof p?.firstCell === 'number') cells.add(p.firstCell)
    const where: string[] = []
    const cellCodes: Record<number, string> = {}
    for (const c of [...cells].slice(0, 10)) {
      if (c >= 0 && c < graph.n) {
        cellCodes[c] = graph.codes[c]
        where.push(`cell ${c} = ${graph.codes[c]}`)
      }
    }
    const groupNames: Record<number, string> = {}
    for (const g of [d.group, ...(Array.isArray(d.groups) ? d.groups : [])]) {
      const n = typeof g === 'number' ? names.get(g) : undefined
      if (n) {
        groupNames[n.id] = `${n.name_zh} (${n.full_code})`
        where.push(`group ${n.id} = ${n.name_zh} (${n.full_code})`)
      }
    }
    if (!where.length) return issue
    return { ...issue, message: `${issue.message} [${where.join('; ')}]`, details: { ...d, cell_codes: cellCodes, group_names: groupNames } }
  })
}

// ───────────────────────────── figures ─────────────────────────────

/** Figures of a zoning as stored and shown: the core's metrics plus matching, per-zone rows. */
export interface ZoningFigures {
  cv: number
  max_over_min: number | null
  contiguous: boolean
  noncontiguous_zones: number[]
  compactness_measure: string
  mean_compactness: number
  cells_moved: number | null
  cells_compared: number | null
  clusters: number
  clusters_split: number | null
  unassigned_cells: number
  zones: { workload: number[]; cells: number[]; compactness: number[]; diameter_m: number[]; pieces: number[] }
}

const round = (v: number, d = 6) => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : null)

function figures(m: ZoningMetrics, zone: Int32Array, current: Int32Array | undefined, clusters: Int32Array | undefined): ZoningFigures {
  const match = current ? matchZones(current, zone) : undefined
  let clusterCount = 0
  if (clusters) for (const c of clusters) clusterCount = Math.max(clusterCount, c + 1)
  let unassigned = 0
  for (const z of zone) if (z < 0) unassigned++
  const K = m.K
  let pp = 0
  for (const c of m.compactness) pp += c
  return {
    cv: round(m.cv) as number,
    max_over_min: round(m.maxOverMin),
    contiguous: m.contiguous.every(Boolean),
    noncontiguous_zones: m.contiguous.flatMap((c, z) => (c ? [] : [z])),
    compactness_measure: m.compactnessMeasure,
    mean_compactness: round(pp / K, 4) as number,
    cells_moved: match ? match.moved : null,
    cells_compared: match ? match.compared : null,
    clusters: clusterCount,
    clusters_split: m.clustersSplit,
    unassigned_cells: unassigned,
    zones: {
      workload: Array.from(m.workload, (v) => round(v, 4) as number),
      cells: Array.from(m.cells),
      compactness: Array.from(m.compactness, (v) => round(v, 4) as number),
      diameter_m: Array.from(m.diameter, (v) => Math.round(v)),
      pieces: Array.from(m.pieces),
    },
  }
}

function inputOf(graph: CellGraph, workload: Float64Array): ZoningInput {
  return {
    n: graph.n, adjacency: graph.adjacency, workload, x: graph.x, y: graph.y,
    area: graph.area, perimeterEdges: graph.perimeterEdges, perimeter: graph.perimeter,
  }
}

// ───────────────────────────── proposals ─────────────────────────────

/** Number of zones from K or workers × grids per worker. */
export function resolveK(req: Pick<ZoningRequest, 'k' | 'workers' | 'grids_per_worker'>): number {
  const perWorker = req.grids_per_worker ?? 1
  const fromWorkers = req.workers !== undefined ? req.workers * perWorker : undefined
  if (req.k === undefined && fromWorkers === undefined) throw BadParameter('k', 'give the number of zones k, or workers (and grids_per_worker)')
  if (req.k !== undefined && fromWorkers !== undefined && req.k !== fromWorkers) {
    throw BadParameter('k', `k = ${req.k} disagrees with workers × grids_per_worker = ${req.workers} × ${perWorker} = ${fromWorkers}; give one of them`)
  }
  return (req.k ?? fromWorkers) as number
}

export interface ZoningView {
  id: number
  layout_id: number
  kind: 'current' | 'proposal'
  name: string
  k: number
  created_at: string
  params: Record<string, unknown>
  workload: Record<string, unknown>
  metrics: Record<string, unknown>
  zones: Array<repo.ZoneRow & { community_name: string | null; workload: number; share: number; cells: number; compactness: number; diameter_m: number; contiguous: boolean }>
  links: Record<string, string>
}

/**
 * Draws balanced responsibility grids on a layout and stores them as a proposal.
 * @throws AppError 404 (layout, zoning), 400 (parameters), 422 (infeasible: which constraint failed where)
 */
export async function createZoning(db: Database, req: ZoningRequest, progress?: ProgressFn): Promise<ZoningView> {
  const K = resolveK(req)
  progress?.({ phase: 'cells' })
  const barriers = req.cross_streets === false ? (req.barrier_classes ?? DEFAULT_BARRIER_CLASSES) : null
  const graph = await loadCellGraph(db, req.layout_id, barriers)
  progress?.({ phase: 'workload' })
  const def = req.workload ?? {}
  const wl = await computeWorkload(db, graph, def)

  const nesting = req.nesting ?? 'none'
  let group: Int32Array | undefined
  if (nesting !== 'none') {
    group = nesting === 'community' ? graph.community : graph.street
    const outside: number[] = []
    for (let i = 0; i < graph.n; i++) if (group[i] < 0) outside.push(i)
    if (outside.length) {
      const named = outside.slice(0, 5).map((i) => graph.codes[i]).join(', ')
      throw new AppError('WG_ZONING_INFEASIBLE', `Nesting by ${nesting} needs every cell inside one, but ${outside.length} cells lie in none (${named}${outside.length > 5 ? ' …' : ''}). Assign them a community in the layout, or turn nesting off.`, 422,
        { issues: [{ code: 'CELLS_OUTSIDE_GROUPS', message: `${outside.length} cells lie in no ${nesting}`, details: { cells: outside.slice(0, 100), cell_codes: outside.slice(0, 100).map((i) => graph.codes[i]) } }] })
    }
  }

  let fixed: Int32Array | undefined
  if (req.fixed?.length) {
    const idxOf = new Map(graph.codes.map((c, i) => [c, i]))
    const unknown = req.fixed.filter((f) => !idxOf.has(f.cell)).map((f) => f.cell)
    if (unknown.length) throw BadParameter('fixed', `cells ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''} are not in layout ${req.layout_id}; use cell codes of that layout`)
    fixed = new Int32Array(graph.n).fill(-1)
    for (const f of req.fixed) {
      const i = idxOf.get(f.cell) as number
      if (fixed[i] >= 0 && fixed[i] !== f.zone) throw BadParameter('fixed', `cell ${f.cell} is fixed to both zone ${fixed[i]} and zone ${f.zone}`)
      fixed[i] = f.zone
    }
  }

  const weights = { ...DEFAULT_WEIGHTS, ...req.weights }
  const currentId = req.current_id ?? (weights.similarity > 0 ? await repo.latestCurrentZoning(db, req.layout_id) : undefined)
  let current: Int32Array | undefined
  if (currentId !== undefined) {
    const row = await repo.zoningRow(db, currentId)
    if (!row) throw NotFound('zoning', currentId)
    if (row.layout_id !== req.layout_id) throw BadParameter('current_id', `zoning ${currentId} is drawn on layout ${row.layout_id}, not ${req.layout_id}`)
    current = (await repo.zoneCells(db, currentId, graph.n)).zone
  }
  const clusters = req.clusters === false ? undefined : recurringClusters(graph.adjacency, wl.cases)

  const walkD = req.max_walk_minutes !== undefined ? (req.max_walk_minutes * (req.walk_speed_m_per_min ?? DEFAULT_WALK_SPEED)) / DETOUR_FACTOR : undefined
  const maxDiameter = [req.max_diameter_m, walkD].filter((v): v is number => v !== undefined).reduce((a, b) => Math.min(a, b), Infinity)
  const input: ZoningInput = { ...inputOf(graph, wl.workload), group, fixed, current, clusters }
  const budgetMs = (req.time_budget_s ?? DEFAULT_BUDGET_S) * 1000
  const seed = req.seed ?? 1

  progress?.({ phase: 'search', done: 0, total: 1000 })
  let result: ZoningResult
  try {
    result = await runZoning(input, {
      K, nesting: nesting !== 'none', weights, balanceTolerance: req.balance_tolerance,
      maxDiameter: Number.isFinite(maxDiameter) ? maxDiameter : undefined,
      timeBudgetMs: budgetMs, maxIterations: req.max_iterations, seed,
      onProgress: (p) => progress?.({ phase: p.phase === 'done' ? 'saving' : 'search', done: Math.round(p.fraction * 1000), total: 1000 }),
    })
  } catch (err) {
    if (err instanceof ZoningInfeasibleError) {
      const issues = await locateIssues(db, graph, err.issues)
      throw new AppError(err.code, issues.map((i) => i.message).join('\n'), err.status, { issues })
    }
    throw err
  }

  const zones = await zoneCodes(db, graph, result.zone, K)
  const fig = figures(result, result.zone, current, clusters)
  const warnings = await locateIssues(db, graph, result.warnings)
  const id = await repo.insertZoning(db, {
    layout_id: req.layout_id, kind: 'proposal', name: req.name ?? `${K} 个责任网格 (seed ${seed})`, k: K,
    params: { ...req, k: K, weights, current_id: currentId ?? null, max_diameter_m: Number.isFinite(maxDiameter) ? maxDiameter : null, seed, time_budget_s: budgetMs / 1000, barrier_pairs_cut: graph.barrierPairs },
    workload: { definition: def, window: wl.window, parts: wl.parts, total: sum(wl.workload) },
    metrics: {
      ...fig,
      warnings,
      history: result.history.map((h) => ({ ms: Math.round(h.ms), cv: round(h.cv), max_over_min: round(h.maxOverMin) })),
      iterations: result.iterations,
      elapsed_ms: Math.round(result.elapsedMs),
      zone_group: Array.from(result.zoneGroup),
    },
    zones, cellZone: result.zone, cellWorkload: wl.workload, cellCases: wl.cases,
  })
  return getZoning(db, id)
}

function sum(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s
}

// ───────────────────────────── reading ─────────────────────────────

export async function listZonings(db: Database, filter: { layout?: number; kind?: 'current' | 'proposal' } = {}): Promise<{ items: unknown[] }> {
  const rows = await repo.zoningRows(db, filter)
  return { items: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString(), links: links(r.id) })) }
}

function links(id: number): Record<string, string> {
  return { self: `/api/zones/${id}`, geojson: `/api/zones/${id}.geojson`, shapefile: `/api/zones/${id}.shp.zip`, summary: `/api/zones/${id}.html` }
}

export async function getZoning(db: Database, id: number): Promise<ZoningView> {
  const row = await repo.zoningRow(db, id)
  if (!row) throw NotFound('zoning', id)
  const zones = await repo.zoneRows(db, id)
  const names = await repo.districtsById(db, [...new Set(zones.map((z) => z.community_id).filter((c): c is number => c !== null))])
  const m = row.metrics as unknown as ZoningFigures
  const mean = m.zones.workload.reduce((a, b) => a + b, 0) / Math.max(1, m.zones.workload.length)
  return {
    id: row.id, layout_id: row.layout_id, kind: row.kind, name: row.name, k: row.k,
    created_at: new Date(row.created_at).toISOString(), params: row.params, workload: row.workload, metrics: row.metrics,
    zones: zones.map((z) => ({
      ...z,
      community_name: z.community_id !== null ? names.get(z.community_id)?.name_zh ?? null : null,
      workload: m.zones.workload[z.zone],
      share: round(m.zones.workload[z.zone] / mean, 4) as number,
      cells: m.zones.cells[z.zone],
      compactness: m.zones.compactness[z.zone],
      diameter_m: m.zones.diameter_m[z.zone],
      contiguous: m.zones.pieces[z.zone] === 1,
    })),
    links: links(row.id),
  }
}

// ───────────────────────────── comparison ─────────────────────────────

export interface ZoneFigureRow { zone: number; code: string; workload: number; cells: number; compactness: number; contiguous: boolean }

export interface ZoningComparison {
  layout_id: number
  /** the zoning whose per-cell workload both sides are measured with */
  workload_from: number
  a: ComparedSide
  b: ComparedSide
  cells_moved: number
  cells_compared: number
  /** zone of a → its partner zone in b (largest overlap, one to one) */
  matched: { a: string; b: string; shared_cells: number }[]
  clusters: number
  /** chart data: zone workloads sorted descending, and the mean of each side */
  chart: { a: number[]; b: number[]; mean_a: number; mean_b: number }
}

interface ComparedSide {
  id: number; name: string; kind: string; k: number
  cv: number; max_over_min: number | null; mean_compactness: number; compactness_measure: string
  contiguous_zones: number; clusters_split: number | null; unassigned_cells: number
  zones: ZoneFigureRow[]
}

/**
 * Current vs proposed (or any two zonings of one layout), measured with the same per-cell workload
 * (the proposal's, or b's when both are of one kind) and the same recurring-problem clusters.
 */
export async function compareZonings(db: Database, aId: number, bId: number): Promise<ZoningComparison> {
  const [ra, rb] = [await repo.zoningRow(db, aId), await repo.zoningRow(db, bId)]
  if (!ra) throw NotFound('zoning', aId)
  if (!rb) throw NotFound('zoning', bId)
  if (ra.layout_id !== rb.layout_id) {
    throw new AppError('WG_ZONINGS_NOT_COMPARABLE', `Zoning ${aId} is drawn on layout ${ra.layout_id} and zoning ${bId} on layout ${rb.layout_id}; compare zonings of one layout (import the current grids onto layout ${rb.layout_id})`, 422)
  }
  const graph = await loadCellGraph(db, ra.layout_id)
  const ca = await repo.zoneCells(db, aId, graph.n)
  const cb = await repo.zoneCells(db, bId, graph.n)
  const useA = ra.kind === 'proposal' && rb.kind !== 'proposal'
  const measured = useA ? ca : cb
  const clusters = recurringClusters(graph.adjacency, measured.cases)
  const input: ZoningInput = { ...inputOf(graph, measured.workload), clusters }
  const side = async (row: repo.ZoningRow, zone: Int32Array): Promise<ComparedSide> => {
    const m = zoningMetrics(input, zone, row.k)
    const zones = await repo.zoneRows(db, row.id)
    let pp = 0
    for (const c of m.compactness) pp += c
    return {
      id: row.id, name: row.name, kind: row.kind, k: row.k,
      cv: round(m.cv) as number, max_over_min: round(m.maxOverMin),
      mean_compactness: round(pp / m.K, 4) as number, compactness_measure: m.compactnessMeasure,
      contiguous_zones: m.contiguous.filter(Boolean).length, clusters_split: m.clustersSplit,
      unassigned_cells: zone.filter((z) => z < 0).length,
      zones: zones.map((z) => ({
        zone: z.zone, code: z.code, workload: round(m.workload[z.zone], 4) as number, cells: m.cells[z.zone],
        compactness: round(m.compactness[z.zone], 4) as number, contiguous: m.contiguous[z.zone],
      })),
    }
  }
  const a = await side(ra, ca.zone)
  const b = await side(rb, cb.zone)
  const match = matchZones(ca.zone, cb.zone)
  const codeA = new Map(a.zones.map((z) => [z.zone, z.code]))
  const codeB = new Map(b.zones.map((z) => [z.zone, z.code]))
  const shared = new Map<number, number>()
  for (let i = 0; i < graph.n; i++) if (ca.zone[i] >= 0 && match.partner.get(ca.zone[i]) === cb.zone[i]) shared.set(ca.zone[i], (shared.get(ca.zone[i]) ?? 0) + 1)
  const sorted = (s: ComparedSide) => s.zones.map((z) => z.workload).sort((p, q) => q - p)
  const mean = (v: number[]) => round(v.reduce((p, q) => p + q, 0) / Math.max(1, v.length), 4) as number
  let clusterCount = 0
  if (clusters) for (const c of clusters) clusterCount = Math.max(clusterCount, c + 1)
  return {
    layout_id: ra.layout_id, workload_from: useA ? aId : bId, a, b,
    cells_moved: match.moved, cells_compared: match.compared,
    matched: [...match.partner.entries()].map(([za, zb]) => ({ a: codeA.get(za) ?? String(za), b: codeB.get(zb) ?? String(zb), shared_cells: shared.get(za) ?? 0 })),
    clusters: clusterCount,
    chart: { a: sorted(a), b: sorted(b), mean_a: mean(sorted(a)), mean_b: mean(sorted(b)) },
  }
}

// ───────────────────────────── current grids ─────────────────────────────

const CODE_FIELDS = ['code', 'grid_code', '网格编码', '网格代码', '编码']
const NAME_FIELDS = ['name_zh', 'name', '网格名称', '名称']
const WORKER_FIELDS = ['worker_id', 'worker', '网格员', '网格员编号']
const CELL_FIELDS = ['cell_code', 'cell', '单元网格编码', '单元网格']

function pick(fields: string[], given: string | undefined, present: (f: string) => boolean): string | undefined {
  if (given) return given
  return fields.find(present)
}

/** Report of a current-grid import. */
export interface CurrentImportResult {
  zoning: ZoningView
  grids: number
  cells_assigned: number
  cells_unassigned: number
  /** cells assigned to a polygon covering less than half of them */
  cells_partly_covered: number
  warnings: string[]
}

/**
 * Imports the current responsibility grids of a layout: grid polygons (GeoJSON or zipped
 * Shapefile; each cell goes to the polygon covering most of it) or a table (CSV: cell code,
 * grid code, optional name and worker). Stored as a zoning of kind 'current' with its figures.
 */
export async function importCurrentZoning(db: Database, path: string, opts: CurrentImportOptions & { filename?: string }, progress?: ProgressFn): Promise<CurrentImportResult> {
  progress?.({ phase: 'cells' })
  const graph = await loadCellGraph(db, opts.layout_id)
  const label = opts.filename ?? path
  const head = (await readFile(path)).subarray(0, 64)
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()
  const isFeatures = (head[0] === 0x50 && head[1] === 0x4b) || text.startsWith('{')
  const warnings: string[] = []
  const zone = new Int32Array(graph.n).fill(-1)
  let partly = 0
  let grids: { code: string; name_zh: string | null; worker_id: string | null }[]

  if (isFeatures) {
    progress?.({ phase: 'polygons' })
    const fc = await readFeatureFile(path, label, 'grid polygons (GeoJSON FeatureCollection or zipped Shapefile) with a code property')
    const crs = parseDeclaredCrs(opts.crs)
    const features = fc.features.filter((f): f is Feature => Boolean(f.geometry) && /Polygon$/.test(f.geometry.type))
    if (features.length < fc.features.length) warnings.push(`${fc.features.length - features.length} features without a polygon were skipped`)
    if (!features.length) throw new AppError('WG_NO_GRIDS', `${label} holds no polygon features; expected one polygon per responsibility grid`, 422)
    const props = features[0].properties ?? {}
    const codeF = pick(CODE_FIELDS, opts.code_field, (f) => f in props)
    if (!codeF) throw new AppError('WG_NO_GRID_CODE', `${label}: no grid code property (looked for ${CODE_FIELDS.join(', ')}); name it with code_field`, 422)
    const nameF = pick(NAME_FIELDS, opts.name_field, (f) => f in props)
    const workerF = pick(WORKER_FIELDS, opts.worker_field, (f) => f in props)
    grids = features.map((f) => ({ code: prop(f, codeF), name_zh: prop(f, nameF) || null, worker_id: prop(f, workerF) || null }))
    checkCodes(label, grids.map((g) => g.code), (i) => `feature ${i + 1}`)
    const assigned = await repo.assignGrids(db, opts.layout_id, features.map((f) => JSON.stringify(geometryToWgs84(f.geometry, crs))))
    for (const r of assigned) {
      zone[r.idx] = r.grid
      if (r.share < 0.5) partly++
    }
  } else {
    progress?.({ phase: 'table' })
    const file = await openTextFile(path, { label, expected: 'a CSV table of cell code and grid code' })
    const chunks: string[] = []
    for await (const c of file.stream()) chunks.push(String(c))
    const records = parseCsv(chunks.join(''), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[]
    if (!records.length) throw new AppError('WG_NO_GRIDS', `${label} has no rows; expected a header and one row per cell`, 422)
    const has = (f: string) => f in records[0]
    const cellF = pick(CELL_FIELDS, opts.cell_field, has)
    const codeF = pick(CODE_FIELDS, opts.code_field, has)
    if (!cellF || !codeF) throw new AppError('WG_BAD_COLUMNS', `${label}: needs a cell-code column (${CELL_FIELDS.join(', ')}) and a grid-code column (${CODE_FIELDS.join(', ')}); found ${Object.keys(records[0]).join(', ')}`, 422)
    const nameF = pick(NAME_FIELDS, opts.name_field, has)
    const workerF = pick(WORKER_FIELDS, opts.worker_field, has)
    const idxOf = new Map(graph.codes.map((c, i) => [c, i]))
    const gridOf = new Map<string, number>()
    grids = []
    const bad: string[] = []
    records.forEach((r, row) => {
      const i = idxOf.get(r[cellF])
      if (i === undefined) { bad.push(`row ${row + 2}: cell ${r[cellF] || '(empty)'}`); return }
      if (!r[codeF]) { bad.push(`row ${row + 2}: empty grid code`); return }
      let g = gridOf.get(r[codeF])
      if (g === undefined) {
        g = grids.length
        gridOf.set(r[codeF], g)
        grids.push({ code: r[codeF], name_zh: (nameF && r[nameF]) || null, worker_id: (workerF && r[workerF]) || null })
      }
      if (zone[i] >= 0 && zone[i] !== g) bad.push(`row ${row + 2}: cell ${r[cellF]} is already in grid ${grids[zone[i]].code}`)
      zone[i] = g
    })
    if (bad.length) {
      throw new AppError('WG_BAD_ROWS', `${label}: ${bad.length} rows cannot be used (${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ' …' : ''}); cell codes must be those of layout ${opts.layout_id} and each cell in one grid. Nothing was imported.`, 422, { rows: bad })
    }
  }

  // Dense zone ids over the grids that received cells, in file order.
  const used = new Int32Array(grids.length).fill(-1)
  let K = 0
  for (let g = 0; g < grids.length; g++) if (zone.includes(g)) used[g] = K++
  const empty = grids.filter((_, g) => used[g] < 0).map((g) => g.code)
  if (empty.length) warnings.push(`${empty.length} grids cover no cell of layout ${opts.layout_id} and were left out: ${empty.slice(0, 10).join(', ')}${empty.length > 10 ? ' …' : ''}`)
  if (!K) throw new AppError('WG_NO_GRIDS', `${label}: no grid covers any cell of layout ${opts.layout_id}; check the coordinate system (crs) and the layout`, 422)
  for (let i = 0; i < graph.n; i++) if (zone[i] >= 0) zone[i] = used[zone[i]]
  const unassigned = zone.filter((z) => z < 0).length
  if (unassigned) warnings.push(`${unassigned} cells lie in no grid; they are left out of the figures`)

  progress?.({ phase: 'workload' })
  const def = opts.workload ?? {}
  const wl = await computeWorkload(db, graph, def)
  const clusters = recurringClusters(graph.adjacency, wl.cases)
  const m = zoningMetrics({ ...inputOf(graph, wl.workload), clusters }, zone, K)
  const fig = figures(m, zone, undefined, clusters)
  if (!fig.contiguous) warnings.push(`${fig.noncontiguous_zones.length} current grids are not contiguous on this layout's cells`)
  const community = majority(zone, K, graph.community)
  const zones: repo.ZoneRow[] = []
  for (let g = 0; g < grids.length; g++) {
    if (used[g] < 0) continue
    zones.push({ zone: used[g], code: grids[g].code, name_zh: grids[g].name_zh, worker_id: grids[g].worker_id, community_id: community[used[g]] >= 0 ? community[used[g]] : null })
  }
  progress?.({ phase: 'saving' })
  const id = await repo.insertZoning(db, {
    layout_id: opts.layout_id, kind: 'current', name: opts.name ?? `现状责任网格 (${label.split('/').pop()})`, k: K,
    params: { ...opts, source: label, form: isFeatures ? 'polygons' : 'table' },
    workload: { definition: def, window: wl.window, parts: wl.parts, total: sum(wl.workload) },
    metrics: { ...fig, warnings: warnings.map((message) => ({ code: 'IMPORT', message, details: {} })) },
    zones, cellZone: zone, cellWorkload: wl.workload, cellCases: wl.cases,
  })
  return {
    zoning: await getZoning(db, id), grids: K, cells_assigned: graph.n - unassigned, cells_unassigned: unassigned,
    cells_partly_covered: partly, warnings,
  }
}

function checkCodes(label: string, codes: string[], where: (i: number) => string): void {
  const seen = new Map<string, number>()
  const bad: string[] = []
  codes.forEach((c, i) => {
    if (!c) bad.push(`${where(i)} has no code`)
    else if (seen.has(c)) bad.push(`${where(i)} repeats code ${c} of ${where(seen.get(c) as number)}`)
    else seen.set(c, i)
  })
  if (bad.length) throw new AppError('WG_BAD_GRID_CODES', `${label}: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ' …' : ''}. Every grid needs its own code; nothing was imported.`, 422, { problems: bad })
}

// ───────────────────────────── exports ─────────────────────────────

/**
 * The zones of a zoning dissolved into one polygon each, as an export table (GeoJSON, Shapefile,
 * CSV through server/exports): code (community code + 2-digit grid number), name, community,
 * worker, cells, cases, workload and its share of the mean, compactness.
 */
export async function zoningExportTable(db: Database, id: number): Promise<ExportTable> {
  const z = await getZoning(db, id)
  const polygons = await repo.zonePolygons(db, id)
  const byZone = new Map(z.zones.map((r) => [r.zone, r]))
  return {
    name: `zones_${id}`,
    fields: [
      { name: 'code', type: 'string' }, { name: 'name_zh', type: 'string' }, { name: 'zone', type: 'integer' },
      { name: 'community', type: 'string' }, { name: 'comm_name', type: 'string' }, { name: 'worker_id', type: 'string' },
      { name: 'cells', type: 'integer' }, { name: 'cases', type: 'integer' }, { name: 'workload', type: 'number' },
      { name: 'share', type: 'number' }, { name: 'compact', type: 'number' },
    ],
    rows: polygons.map((p) => ({
      geometry: p.geometry as ExportTable['rows'][number]['geometry'],
      properties: {
        code: p.code, name_zh: p.name_zh, zone: p.zone, community: p.community_code, comm_name: p.community_name,
        worker_id: p.worker_id, cells: p.cells, cases: p.cases, workload: round(p.workload, 4),
        share: byZone.get(p.zone)?.share ?? null, compact: byZone.get(p.zone)?.compactness ?? null,
      },
    })),
  }
}

/** The printable Chinese summary (HTML), compared with the layout's latest current zoning when there is one. */
export async function zoningSummary(db: Database, id: number): Promise<string> {
  const z = await getZoning(db, id)
  const polygons = await repo.zonePolygons(db, id)
  const layout = await repo.findLayout(db, z.layout_id)
  const currentId = z.kind === 'proposal' ? ((z.params.current_id as number | null) ?? (await repo.latestCurrentZoning(db, z.layout_id))) : undefined
  const comparison = currentId ? await compareZonings(db, currentId, id) : null
  return summaryHtml(z, polygons, comparison, layout?.name ?? '')
}

// ───────────────────────────── sample city ─────────────────────────────

/**
 * The sample city's current responsibility grids (data/sample/grids.geojson, 44 grids) as the
 * current zoning of the sample district's first ready layout. Returns null when there is no such
 * layout yet or it already has a current zoning.
 */
export async function importSampleGrids(db: Database, gridsFile: string, progress?: ProgressFn): Promise<CurrentImportResult | null> {
  const layout = await db.knex('layouts as l').join('districts as d', 'd.id', 'l.scope_id')
    .where({ 'l.status': 'ready', 'd.level': 'district' }).orderBy('l.id').first('l.id')
  if (!layout) return null
  if (await repo.latestCurrentZoning(db, layout.id)) return null
  return importCurrentZoning(db, gridsFile, { layout_id: layout.id, name: '现状责任网格', filename: 'data/sample/grids.geojson' }, progress)
}
