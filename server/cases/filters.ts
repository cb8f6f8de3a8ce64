import type { Knex } from 'knex'
import { Type, type Static } from 'typebox'
import { AppError } from '../shared/errors'

/** Case filters shared by listings and analyses (query-string form). */
export const CaseFilterQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'reported at or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'reported before (ISO 8601)' })),
  category: Type.Optional(Type.String({ description: 'comma-separated major (2-digit) or minor (4-digit) codes', pattern: '^\\d{2}(\\d{2})?(,\\d{2}(\\d{2})?)*$' })),
  source: Type.Optional(Type.String({ description: 'comma-separated channels: patrol,12345,12319,video,resident,app,other' })),
  status: Type.Optional(Type.String({ description: 'comma-separated statuses' })),
  community: Type.Optional(Type.Integer({ description: 'district/street/community id: cases inside that unit' })),
  dataset: Type.Optional(Type.String()),
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat (WGS84)' })),
  hours: Type.Optional(Type.String({ description: 'hours of day, e.g. 17-21 or 7,8,9 (Asia/Shanghai)' })),
  weekdays: Type.Optional(Type.String({ description: 'ISO weekdays 1=Mon … 7=Sun, e.g. 6,7' })),
  include_stacked: Type.Optional(Type.Boolean({ default: false, description: 'include geocoder-fallback (stacked) points' })),
})
export type CaseFilter = Static<typeof CaseFilterQuery>

const TZ = 'Asia/Shanghai'

function list(text: string | undefined): string[] {
  return text ? text.split(',').map((s) => s.trim()).filter(Boolean) : []
}

function intRange(text: string, min: number, max: number, field: string): number[] {
  const out = new Set<number>()
  for (const part of list(text)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) throw new AppError('WG_BAD_PARAMETER', `${field}: "${part}" is not a number or a range like 17-21`, 400)
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2])
    if (a < min || b > max || a > b) throw new AppError('WG_BAD_PARAMETER', `${field}: ${part} is outside ${min}–${max}`, 400)
    for (let v = a; v <= b; v++) out.add(v)
  }
  return [...out]
}

/** Applies the filters to a query over `cases` aliased as `alias`. Every value is a bound parameter. */
export function applyCaseFilter(q: Knex.QueryBuilder, f: CaseFilter, knex: Knex, alias = 'k'): Knex.QueryBuilder {
  const c = (col: string) => `${alias}.${col}`
  if (f.from) q.where(c('reported_at'), '>=', f.from)
  if (f.to) q.where(c('reported_at'), '<', f.to)
  if (f.from && f.to && Date.parse(f.from) >= Date.parse(f.to)) {
    throw new AppError('WG_BAD_PARAMETER', `the time window is empty: from ${f.from} is not before to ${f.to}`, 400)
  }
  const cats = list(f.category)
  if (cats.length) {
    q.where((w) => {
      const minors = cats.filter((x) => x.length === 4)
      const majors = cats.filter((x) => x.length === 2)
      if (minors.length) w.orWhereIn(c('category_code'), minors)
      if (majors.length) w.orWhereIn(knex.raw(`left(${c('category_code')}, 2)`) as unknown as string, majors)
    })
  }
  if (f.source) q.whereIn(c('source'), list(f.source))
  if (f.status) q.whereIn(c('status'), list(f.status))
  if (f.dataset) q.where(c('dataset'), f.dataset)
  if (f.community !== undefined) {
    q.whereRaw(`ST_Covers((SELECT geom FROM districts WHERE id = ?), ${c('geom')})`, [f.community])
  }
  if (f.bbox) {
    const b = f.bbox.split(',').map(Number)
    if (b.length !== 4 || b.some((v) => !Number.isFinite(v)) || b[0] >= b[2] || b[1] >= b[3]) {
      throw new AppError('WG_BAD_PARAMETER', `bbox "${f.bbox}" must be minLon,minLat,maxLon,maxLat with min < max`, 400)
    }
    q.whereRaw(`${c('geom')} && ST_MakeEnvelope(?, ?, ?, ?, 4326)`, b)
  }
  if (f.hours) q.whereIn(knex.raw(`extract(hour FROM ${c('reported_at')} AT TIME ZONE '${TZ}')::int`) as unknown as string, intRange(f.hours, 0, 23, 'hours'))
  if (f.weekdays) q.whereIn(knex.raw(`extract(isodow FROM ${c('reported_at')} AT TIME ZONE '${TZ}')::int`) as unknown as string, intRange(f.weekdays, 1, 7, 'weekdays'))
  if (!f.include_stacked) q.where(c('stacked'), false)
  return q
}
