import type { Database } from '../db/connect'
import { applyCaseFilter, type CaseFilter } from './filters'

const TZ = 'Asia/Shanghai'
const CASE_COLUMNS = [
  'k.id', 'k.external_id', 'k.dataset', 'k.category_code', 'k.source', 'k.status', 'k.address', 'k.community_id', 'k.stacked',
]

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null
}

export async function listCases(db: Database, f: CaseFilter, limit: number, offset: number) {
  const { knex } = db
  const base = applyCaseFilter(knex('cases as k'), f, knex)
  const [{ total }] = await base.clone().count<{ total: number }[]>({ total: '*' })
  const rows = await base.clone()
    .select([...CASE_COLUMNS, 'k.reported_at', 'k.dispatched_at', 'k.due_at', 'k.closed_at',
      knex.raw('ST_X(k.geom) AS lon'), knex.raw('ST_Y(k.geom) AS lat')])
    .orderBy('k.reported_at', 'desc').orderBy('k.id').limit(limit).offset(offset)
  return {
    items: rows.map((r: Record<string, any>) => ({
      ...r, reported_at: iso(r.reported_at)!, dispatched_at: iso(r.dispatched_at), due_at: iso(r.due_at), closed_at: iso(r.closed_at),
    })),
    total: Number(total), limit, offset,
  }
}

/** Cases as a GeoJSON FeatureCollection, assembled by PostGIS in one query. */
export async function listCasesGeoJson(db: Database, f: CaseFilter, limit: number, offset: number) {
  const { knex } = db
  const base = applyCaseFilter(knex('cases as k'), f, knex)
  const [{ total }] = await base.clone().count<{ total: number }[]>({ total: '*' })
  const page = base.clone().select([...CASE_COLUMNS, 'k.reported_at', 'k.due_at', 'k.closed_at', 'k.geom'])
    .orderBy('k.reported_at', 'desc').orderBy('k.id').limit(limit).offset(offset).as('p')
  const { rows } = await knex.raw<{ rows: { features: unknown[] | null }[] }>(
    `SELECT json_agg(json_build_object(
       'type', 'Feature', 'id', p.id,
       'geometry', ST_AsGeoJSON(p.geom, 7)::json,
       'properties', json_build_object('id', p.id, 'external_id', p.external_id, 'category_code', p.category_code,
         'source', p.source, 'status', p.status, 'reported_at', p.reported_at, 'due_at', p.due_at,
         'closed_at', p.closed_at, 'community_id', p.community_id, 'stacked', p.stacked))) AS features
     FROM ?`, [page])
  return { type: 'FeatureCollection' as const, features: rows[0].features ?? [], total: Number(total) }
}

export async function caseTimeseries(db: Database, f: CaseFilter, step: 'day' | 'week' | 'month') {
  const { knex } = db
  const bucket = knex.raw(`date_trunc(?, k.reported_at AT TIME ZONE '${TZ}')`, [step])
  const rows = await applyCaseFilter(knex('cases as k'), f, knex)
    .select({ t: bucket }).count({ n: '*' }).groupByRaw('1').orderByRaw('1')
  // the bucket is a local (Asia/Shanghai) wall time; render it with its offset
  return rows.map((r: Record<string, any>) => ({ t: `${(r.t as Date).toISOString().slice(0, 19)}+08:00`, n: Number(r.n) }))
}

/**
 * Totals and handling rates. "Due" = cases (not rejected) whose deadline has passed or that are
 * closed; 结案率 = closed ÷ due; 按期结案率 = closed by the deadline ÷ due.
 */
export async function caseSummary(db: Database, f: CaseFilter) {
  const { knex } = db
  const q = applyCaseFilter(knex('cases as k'), f, knex)
  const [totals] = await q.clone().select(knex.raw(`
    count(*)::int AS total,
    count(*) FILTER (WHERE k.status <> 'rejected' AND (k.due_at < now() OR k.closed_at IS NOT NULL))::int AS due,
    count(*) FILTER (WHERE k.status = 'closed')::int AS closed,
    count(*) FILTER (WHERE k.status = 'closed' AND k.closed_at <= k.due_at)::int AS closed_on_time,
    count(*) FILTER (WHERE k.status NOT IN ('closed', 'rejected') AND k.due_at < now())::int AS open_overdue,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.closed_at - k.reported_at) / 3600)
      FILTER (WHERE k.closed_at IS NOT NULL) AS median_hours_to_close`))
  const stackedQ = applyCaseFilter(knex('cases as k'), { ...f, include_stacked: true }, knex).where('k.stacked', true)
  const [{ n: stacked }] = f.include_stacked ? [{ n: 0 }] : await stackedQ.count<{ n: number }[]>({ n: '*' })
  const byCategory = await q.clone().select({ code: 'k.category_code' }).count({ n: '*' }).groupBy('k.category_code').orderBy('n', 'desc')
  const bySource = await q.clone().select({ source: 'k.source' }).count({ n: '*' }).groupBy('k.source').orderBy('n', 'desc')
  const rate = (a: number, b: number) => (b > 0 ? a / b : null)
  return {
    ...totals,
    rate_closed: rate(totals.closed, totals.due),
    rate_on_time: rate(totals.closed_on_time, totals.due),
    median_hours_to_close: totals.median_hours_to_close === null ? null : Number(totals.median_hours_to_close),
    stacked_excluded: Number(stacked),
    by_category: byCategory.map((r: Record<string, any>) => ({ code: String(r.code), n: Number(r.n) })),
    by_source: bySource.map((r: Record<string, any>) => ({ source: String(r.source), n: Number(r.n) })),
  }
}
