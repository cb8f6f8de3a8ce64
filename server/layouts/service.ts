/**
 * Unit-cell layouts (单元网格): creating one (scope → metric CRS → units → kind builder →
 * pipeline, one transaction), listing, reading, deleting. Every layout is kept as drawn: new
 * parameters make a new layout.
 */
import type { MultiPolygon, Polygon } from 'geojson'
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
  const row = (typeof scope === 'number' ? await q.where({ id: scope }).first() : await q.where({ full_code: scope }).first()) as ScopeRow | undefined
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
    const stats = await finishLayout(trx, { layoutId: id, scope, scopeGeometry: geometry, units, srid: crs.epsg, coverResolution, outcome, warnings, timings, progress })
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

