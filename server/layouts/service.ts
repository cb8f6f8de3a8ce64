/**
 * Unit-cell layouts (单元网格): creating one (scope → metric CRS → units → kind builder →
 * pipeline, one transaction), listing, reading, deleting. Every layout is kept as drawn: new
 * parameters make a new layout.
 */
import type { Geometry, MultiPolygon, Polygon } from 'geojson'
import type { ExportTable } from '../exports'
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import { BadParameter, NotFound } from '../shared/errors'
import { chooseMetricCrs, metricCrsName, metricCrsProj4, type MetricCrsChoice } from '../shared/coords'
import { builderFor } from './builders'
import { detectGcjOffset } from './gcj-check'
import { finishLayout, insertDrafts, prepareUnits, timer } from './pipeline'
import { DEFAULT_COVER_RESOLUTION, type LayoutRequest, type LayoutStats } from './schema'
import type { LayoutScope } from './types'

/** A layout as the API shows it. */
export interface LayoutView {
  id: number
  name: string
  kind: string
  scope_id: number
  params: Record<string, unknown>
  note: string | null
  metric_crs: string | null
  status: string
  cell_count: number
  stats: LayoutStats | Record<string, never>
  created_at: string
  duration_ms: number | null
}

interface ScopeRow { id: number; level: LayoutScope['level']; full_code: string; name_zh: string; geometry: string; bbox: string }

/** Finds the scope by id or full code. */
export async function resolveScope(db: Database, scope: number | string): Promise<{ scope: Omit<LayoutScope, 'areaM2'>; geometry: Polygon | MultiPolygon }> {
  const q = db.knex('districts').select('id', 'level', 'full_code', 'name_zh',
    db.knex.raw('ST_AsGeoJSON(geom) AS geometry'), db.knex.raw("concat_ws(',', ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) AS bbox"))
  let row = (typeof scope === 'number' ? await q.clone().where({ id: scope }).first() : await q.clone().where({ full_code: scope }).first()) as ScopeRow | undefined
  // HTTP coerces a numeric code ("330198") to a number: a 6-, 9- or 12-digit number is also tried as a code
  if (!row && typeof scope === 'number' && /^\d{6}(\d{3}){0,2}$/.test(String(scope))) row = await q.clone().where({ full_code: String(scope) }).first() as ScopeRow | undefined
  if (!row) throw NotFound('district, street or community', String(scope))
  const bbox = row.bbox.split(',').map(Number) as [number, number, number, number]
  return {
    scope: { id: row.id, level: row.level, fullCode: row.full_code, districtCode: row.full_code.slice(0, 6), nameZh: row.name_zh, bbox },
    geometry: JSON.parse(row.geometry) as Polygon | MultiPolygon,
  }
}

/** The metric CRS of a layout: the caller's EPSG code, else the zone of the scope's centre. */
export function layoutCrs(bbox: LayoutScope['bbox'], override?: number): MetricCrsChoice {
  if (override === undefined) return chooseMetricCrs(bbox)
  try {
    return { epsg: override, name: metricCrsName(override), proj4: metricCrsProj4(override) }
  } catch (err) {
    throw BadParameter('crs', (err as Error).message)
  }
}

/** Makes sure PostGIS knows the metric CRS (PGlite and PostGIS ship EPSG; a trimmed catalogue may not). */
async function ensureSrid(db: Database, crs: MetricCrsChoice): Promise<void> {
  await db.knex.raw(
    `INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text)
     SELECT :srid::int, 'EPSG', :srid::int, :proj4 WHERE NOT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = :srid::int)`,
    { srid: crs.epsg, proj4: crs.proj4 })
}

const KIND_NAMES: Record<LayoutRequest['kind'], string> = { square: '方格', h3: 'H3', street: '沿街' }

function defaultName(req: LayoutRequest, params: Record<string, unknown>): string {
  if (req.kind === 'h3') return `H3 res ${params.resolution} (${params.containment}${params.clip ? ', clipped' : ''})`
  return `${KIND_NAMES[req.kind]} ${params.target_area_m2} m²`
}

/**
 * Creates a layout: draws its cells, codes them, covers them with H3, finds neighbours and
 * stores everything in one transaction (nothing is left behind when it fails).
 */
export async function createLayout(db: Database, req: LayoutRequest, progress: ProgressFn = () => {}): Promise<LayoutView> {
  const started = performance.now()
  const timings: Record<string, number> = {}
  const lap = timer(timings)
  const warnings: string[] = []
  const { scope: found, geometry } = await resolveScope(db, req.scope)
  const crs = layoutCrs(found.bbox, req.crs)
  if (crs.warning) warnings.push(crs.warning)
  await ensureSrid(db, crs)
  const [{ area }] = (await db.knex.raw('SELECT ST_Area(ST_Transform(geom, :srid::int)) AS area FROM districts WHERE id = :id', { srid: crs.epsg, id: found.id })).rows as Array<{ area: number }>
  const scope: LayoutScope = { ...found, areaM2: area }
  const gcj = await detectGcjOffset(db, found.id)
  if (gcj) warnings.push(gcj)
  const { builder, params } = builderFor(req, geometry)
  const coverResolution = req.cover_resolution ?? DEFAULT_COVER_RESOLUTION
  const stored = { ...params, crs: crs.epsg, cover_resolution: coverResolution }
  lap('prepare')

  const layoutId = await db.knex.transaction(async (trx) => {
    // PostGIS functions carry high planner costs, so PostgreSQL JIT-compiles every statement of
    // the build (half a second each on PostGIS 3.3) for work that runs in milliseconds
    await trx.raw('SET LOCAL jit = off')
    const [{ id }] = await trx('layouts').insert({
      name: req.name ?? defaultName(req, params), kind: req.kind, scope_id: scope.id, params: JSON.stringify(stored),
      note: req.note ?? null, metric_crs: `EPSG:${crs.epsg}`, status: 'building',
    }).returning('id')
    const warn = (m: string) => { warnings.push(m) }
    const units = await prepareUnits(trx, scope, crs.epsg, warn)
    lap('units')
    const outcome = await builder({
      trx, layoutId: id, scope, units, crs, params, progress, warn,
      addDrafts: (drafts) => insertDrafts(trx, drafts),
    })
    lap('build')
    const stats = await finishLayout(trx, { layoutId: id, scope, scopeGeometry: geometry, units, srid: crs.epsg, coverResolution, outcome, warnings, timings, progress, copy: db.kind === 'postgres' })
    await trx('layouts').where({ id }).update({
      status: 'ready', cell_count: stats.area.count, stats: JSON.stringify(stats), duration_ms: Math.round(performance.now() - started),
    })
    return id as number
  })
  return getLayout(db, layoutId)
}

const VIEW_COLUMNS = ['id', 'name', 'kind', 'scope_id', 'params', 'note', 'metric_crs', 'status', 'cell_count', 'stats', 'created_at', 'duration_ms']

function view(row: Record<string, unknown>): LayoutView {
  return { ...row, created_at: (row.created_at as Date).toISOString() } as unknown as LayoutView
}

/** Layouts, newest first; optionally of one scope. */
export async function listLayouts(db: Database, opts: { scope?: number } = {}): Promise<LayoutView[]> {
  const q = db.knex('layouts').select(VIEW_COLUMNS).orderBy('id', 'desc')
  if (opts.scope !== undefined) q.where({ scope_id: opts.scope })
  return (await q).map(view)
}

/** One layout with its statistics. */
export async function getLayout(db: Database, id: number): Promise<LayoutView> {
  const row = await db.knex('layouts').select(VIEW_COLUMNS).where({ id }).first()
  if (!row) throw NotFound('layout', id)
  return view(row)
}

/** Deletes a layout and its cells. */
export async function deleteLayout(db: Database, id: number): Promise<void> {
  const n = await db.knex('layouts').where({ id }).delete()
  if (!n) throw NotFound('layout', id)
}


interface CellRow { idx: number; code: string; community_id: number | null; community: string | null; community_code: string | null; area_m2: number; neighbours: number[]; h3: string[]; geometry: string }

async function cellRows(db: Database, id: number): Promise<CellRow[]> {
  await getLayout(db, id)
  return (await db.knex.raw(
    `SELECT c.idx, c.code, c.community_id, d.name_zh AS community, d.full_code AS community_code, c.area_m2, c.neighbours, c.h3,
            ST_AsGeoJSON(c.geom, 7) AS geometry
     FROM cells c LEFT JOIN districts d ON d.id = c.community_id
     WHERE c.layout_id = ? ORDER BY c.idx`, [id])).rows as CellRow[]
}

/** A layout's cells as a GeoJSON FeatureCollection (WGS84), idx order. */
export async function layoutCellsGeoJson(db: Database, id: number): Promise<string> {
  const rows = await cellRows(db, id)
  const features = rows.map((r) =>
    `{"type":"Feature","id":${r.idx},"geometry":${r.geometry},"properties":${JSON.stringify({
      idx: r.idx, code: r.code, community_id: r.community_id, community: r.community, area_m2: Math.round(r.area_m2 * 100) / 100, neighbours: r.neighbours, h3: r.h3,
    })}}`)
  return `{"type":"FeatureCollection","layout_id":${id},"features":[${features.join(',')}]}`
}

/** A layout's cells as an export table (Chinese column names; see server/exports). */
export async function layoutExportTable(db: Database, id: number): Promise<ExportTable> {
  const rows = await cellRows(db, id)
  return {
    name: `layout-${id}`,
    fields: [
      { name: '编码', type: 'string' }, { name: '序号', type: 'integer' }, { name: '社区', type: 'string' },
      { name: '社区编码', type: 'string' }, { name: '面积_m2', type: 'number' }, { name: '邻接', type: 'string' }, { name: 'h3', type: 'string' },
    ],
    rows: rows.map((r) => ({
      geometry: JSON.parse(r.geometry) as Geometry,
      properties: {
        编码: r.code, 序号: r.idx, 社区: r.community, 社区编码: r.community_code, 面积_m2: Math.round(r.area_m2 * 100) / 100,
        邻接: r.neighbours.join(' '), h3: r.h3.join(' '),
      },
    })),
  }
}

/** Cases-per-cell summary of one layout. */
export interface CaseLoad {
  cells: number
  cases: number
  mean: number
  median: number
  p90: number
  max: number
  /** share of cells without any case */
  empty_share: number
  /** share of cases in the busiest 10% of cells */
  top10_share: number
}

function caseLoad(counts: number[]): CaseLoad {
  const s = [...counts].sort((a, b) => a - b)
  const n = s.length
  const total = s.reduce((a, b) => a + b, 0)
  const q = (p: number) => (n ? s[Math.min(n - 1, Math.floor(p * (n - 1)))] : 0)
  const top = Math.max(1, Math.ceil(n / 10))
  const topSum = s.slice(n - top).reduce((a, b) => a + b, 0)
  return {
    cells: n, cases: total, mean: n ? total / n : 0, median: n % 2 ? s[(n - 1) / 2] : n ? (s[n / 2 - 1] + s[n / 2]) / 2 : 0,
    p90: q(0.9), max: n ? s[n - 1] : 0, empty_share: n ? s.filter((c) => c === 0).length / n : 0, top10_share: total ? topSum / total : 0,
  }
}

/**
 * Compares two layouts: cell counts, area statistics and how cases spread over cells (cases
 * not flagged as stacked geocoder-fallback points; all dates).
 */
export async function compareLayouts(db: Database, a: number, b: number) {
  const [la, lb] = [await getLayout(db, a), await getLayout(db, b)]
  const counts = async (id: number) => ((await db.knex.raw(
    `SELECT c.idx, count(k.id)::int AS n FROM cells c
     LEFT JOIN cases k ON ST_Intersects(c.geom, k.geom) AND NOT k.stacked
     WHERE c.layout_id = ? GROUP BY c.idx ORDER BY c.idx`, [id])).rows as Array<{ n: number }>).map((r) => r.n)
  const [ca, cb] = [caseLoad(await counts(a)), caseLoad(await counts(b))]
  const side = (l: LayoutView, c: CaseLoad) => ({ id: l.id, name: l.name, kind: l.kind, cell_count: l.cell_count, area: (l.stats as LayoutStats).area, cases_per_cell: c })
  return {
    a: side(la, ca), b: side(lb, cb),
    change: {
      cell_count_ratio: la.cell_count ? lb.cell_count / la.cell_count : null,
      median_area_ratio: (la.stats as LayoutStats).area?.median_m2 ? (lb.stats as LayoutStats).area.median_m2 / (la.stats as LayoutStats).area.median_m2 : null,
      mean_cases_per_cell_ratio: ca.mean ? cb.mean / ca.mean : null,
      empty_share_difference: cb.empty_share - ca.empty_share,
      top10_share_difference: cb.top10_share - ca.top10_share,
    },
  }
}
