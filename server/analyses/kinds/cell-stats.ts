/**
 * How each cell (or community, street or responsibility grid) performs: cases in total and per category, cases per
 * km² and per km of street, 结案率 (closed ÷ due), 按期结案率 (closed by the deadline ÷ due),
 * median hours to close and open overdue cases. Counting and rates run in PostGIS
 * (queries/unit-stats.sql); deadlines are judged at the run's as-of time, so a re-run agrees.
 */
import { Type } from 'typebox'
import { BadParameter } from '../../shared/errors'
import type { AnalysisKind, ResultTable } from '../kind'
import { listDistrictUnits, listZoneUnits, loadCells, unitStats, unitStreetLength, type UnitStatsRow, type Units } from '../repository'
import { requireCases, requireLayout, round } from '../spatial'

const Params = Type.Object({
  by: Type.Union([Type.Literal('cell'), Type.Literal('community'), Type.Literal('street'), Type.Literal('zone')], {
    default: 'cell', description: 'unit of the statistics: the cells of the layout, communities (社区), streets (街道), or the responsibility grids (责任网格) of a zoning',
  }),
  within: Type.Optional(Type.Integer({ description: 'for by=community|street: only units meeting this district/street id (default: the layout\'s scope, else all)' })),
  zoning: Type.Optional(Type.Integer({ minimum: 1, description: 'for by=zone: the zoning (current or proposed responsibility grids, /api/zones) whose grids are the units' })),
}, { additionalProperties: false })

const rate = (a: number, b: number) => (b > 0 ? round(a / b, 4) : null)

export const cellStatsKind: AnalysisKind<typeof Params> = {
  kind: 'cell-stats',
  title: { zh: '网格统计', en: 'Cell statistics' },
  description: 'Per cell (or community, or street): cases in total and per category, per km² and per km of street, 结案率, 按期结案率, median hours to close and open overdue cases.',
  layout: 'optional',
  params: Params,
  async run(ctx, p, progress) {
    let units: Units
    let ids: Record<string, unknown[]>
    let unitIds: number[]
    let areaKm2: number[]
    let zoneOutlines: unknown[] | undefined
    if (p.by !== 'zone' && p.zoning !== undefined) throw BadParameter('zoning', 'applies to by=zone only')
    if (p.by === 'zone') {
      if (p.zoning === undefined) throw BadParameter('zoning', 'by=zone needs the zoning whose responsibility grids are the units (see GET /api/zones)')
      const zoning = await ctx.db.knex('zonings').where({ id: p.zoning }).first('layout_id')
      if (!zoning) throw BadParameter('zoning', `zoning ${p.zoning} does not exist; see GET /api/zones`)
      const list = await listZoneUnits(ctx.db, p.zoning)
      if (list.length === 0) throw BadParameter('zoning', `zoning ${p.zoning} has no grids with cells`)
      units = { kind: 'zones', zoningId: p.zoning, layoutId: zoning.layout_id }
      unitIds = list.map((z) => z.zone)
      ids = { zone: unitIds, code: list.map((z) => z.code), name_zh: list.map((z) => z.name_zh), worker_id: list.map((z) => z.worker_id) }
      areaKm2 = list.map((z) => z.area_m2 / 1e6)
      zoneOutlines = list.map((z) => JSON.parse(z.geometry))
    } else if (p.by === 'cell') {
      const layout = requireLayout(ctx)
      if (p.within !== undefined) throw BadParameter('within', 'applies to by=community or by=street; for cells, filter cases by community instead')
      const cells = await loadCells(ctx.db, layout.id)
      units = { kind: 'cells', layoutId: layout.id }
      unitIds = cells.code.map((_, i) => i)
      ids = { cell: unitIds, code: cells.code, community_id: cells.communityId }
      areaKm2 = Array.from(cells.area, (a) => a / 1e6)
    } else {
      units = { kind: 'districts', level: p.by, within: p.within ?? ctx.layout?.scope_id }
      const list = await listDistrictUnits(ctx.db, units)
      if (list.length === 0) throw BadParameter('by', `no ${p.by} boundaries${units.within !== undefined ? ` within district ${units.within}` : ''} are imported; import them first (import districts)`)
      unitIds = list.map((d) => d.id)
      ids = { district_id: unitIds, full_code: list.map((d) => d.full_code), name_zh: list.map((d) => d.name_zh), name_en: list.map((d) => d.name_en) }
      areaKm2 = list.map((d) => d.area_m2 / 1e6)
    }
    progress({ phase: 'counting' })
    const rows = await unitStats(ctx.db, units, ctx.filters, ctx.asOf)
    progress({ phase: 'streets' })
    const streetKm = await unitStreetLength(ctx.db, units)

    const totals = new Map<number, UnitStatsRow>()
    const perCategory = new Map<string, Map<number, number>>()
    for (const r of rows) {
      if (r.category_code === null) totals.set(r.unit, r)
      else {
        let m = perCategory.get(r.category_code)
        if (!m) perCategory.set(r.category_code, (m = new Map()))
        m.set(r.unit, r.n)
      }
    }
    let assigned = 0
    for (const r of totals.values()) assigned += r.n
    requireCases(assigned, ctx.filters as Record<string, unknown>)

    const get = (u: number) => totals.get(u)
    const columns: Record<string, unknown[]> = {
      ...ids,
      area_km2: areaKm2.map((a) => round(a, 6)),
      street_km: unitIds.map((u) => round(streetKm.get(u) ?? 0, 4)),
      cases: unitIds.map((u) => get(u)?.n ?? 0),
    }
    const categories = [...perCategory.keys()].sort()
    for (const c of categories) columns[`n_${c}`] = unitIds.map((u) => perCategory.get(c)!.get(u) ?? 0)
    Object.assign(columns, {
      cases_per_km2: unitIds.map((u, i) => round((get(u)?.n ?? 0) / areaKm2[i], 3)),
      cases_per_street_km: unitIds.map((u) => {
        const km = streetKm.get(u) ?? 0
        return km > 0 ? round((get(u)?.n ?? 0) / km, 3) : null
      }),
      due: unitIds.map((u) => get(u)?.due ?? 0),
      closed: unitIds.map((u) => get(u)?.closed ?? 0),
      closed_on_time: unitIds.map((u) => get(u)?.closed_on_time ?? 0),
      rate_closed: unitIds.map((u) => rate(get(u)?.closed ?? 0, get(u)?.due ?? 0)),
      rate_on_time: unitIds.map((u) => rate(get(u)?.closed_on_time ?? 0, get(u)?.due ?? 0)),
      median_hours_to_close: unitIds.map((u) => {
        const m = get(u)?.median_hours_to_close
        return m === null || m === undefined ? null : round(m, 2)
      }),
      open_overdue: unitIds.map((u) => get(u)?.open_overdue ?? 0),
    })
    const sum = (k: keyof UnitStatsRow) => [...totals.values()].reduce((s, r) => s + (r[k] as number), 0)
    if (zoneOutlines) columns.geometry = zoneOutlines
    const table: ResultTable = {
      geometry: p.by === 'cell' ? { type: 'cells', layout_id: ctx.layout!.id } : p.by === 'zone' ? { type: 'inline' } : { type: 'districts' },
      columns,
    }
    return {
      summary: {
        by: p.by, ...(p.zoning !== undefined ? { zoning: p.zoning } : {}), units: unitIds.length, cases: assigned, categories,
        due: sum('due'), closed: sum('closed'), closed_on_time: sum('closed_on_time'), open_overdue: sum('open_overdue'),
        rate_closed: rate(sum('closed'), sum('due')), rate_on_time: rate(sum('closed_on_time'), sum('due')),
        as_of: ctx.asOf.toISOString(),
        note: 'due = not rejected and past its deadline or closed, judged at as_of; a case on a shared edge counts in one unit',
      },
      table,
    }
  },
}
