/**
 * Runs, stores, lists and renders analyses. A run: validate kind, parameters (defaults filled),
 * filters and layout → refuse an empty selection → insert the analyses row → run the kind with
 * progress → store summary and result together. Bad input (4xx) leaves no row behind; an
 * unexpected failure is kept as a failed row with its error, for the log and the list.
 */
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { CaseFilterQuery, type CaseFilter } from '../cases/filters'
import type { Database } from '../db/connect'
import type { Progress, ProgressFn } from '../jobs/jobs'
import { AppError, BadParameter } from '../shared/errors'
import type { ResultTable } from './kind'
import { findKind } from './registry'
import { toCsv, toGeoJson, toGrid, rowsOf, type ResultFormat } from './render'
import * as repo from './repository'

/** What a client asks for. */
export const AnalysisRequest = Type.Object({
  kind: Type.String({ description: 'cell-stats | gi-star | optimized-hotspots | local-moran | dbscan | hdbscan | density | emerging-hotspots | forecast-evaluation | patrol-effect (GET /api/analyses/kinds)' }),
  name: Type.Optional(Type.String({ maxLength: 200, description: 'a name to find the run by, e.g. "stalls Q3 2025"' })),
  layout_id: Type.Optional(Type.Integer({ description: 'the unit-cell layout (required by cell-based kinds)' })),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'parameters of the kind; defaults are filled in and stored' })),
  filters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'case filters, as GET /api/cases takes them (category, source, from, to, hours, weekdays, community, include_stacked …)' })),
  as_of: Type.Optional(Type.String({ format: 'date-time', description: 'instant at which deadlines are judged (default: now); stored, so a re-run agrees' })),
})
export type AnalysisRequest = Static<typeof AnalysisRequest>

/** An analysis as the API shows it. */
export interface AnalysisView {
  id: number
  kind: string
  name: string | null
  parameters: Record<string, unknown>
  filters: CaseFilter
  layout_id: number | null
  as_of: string
  status: 'running' | 'done' | 'failed'
  created_at: string
  finished_at: string | null
  duration_ms: number | null
  progress: Record<string, unknown>
  summary: Record<string, unknown> | null
  error: { code: string; message: string } | null
  rerun_of: number | null
  result_url: string
}

export function toView(r: repo.AnalysisRow): AnalysisView {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())
  return {
    id: r.id, kind: r.kind, name: r.name, parameters: r.parameters, filters: r.filters, layout_id: r.layout_id,
    as_of: iso(r.as_of)!, status: r.status, created_at: iso(r.created_at)!, finished_at: iso(r.finished_at),
    duration_ms: r.duration_ms, progress: r.progress, summary: r.summary, error: r.error, rerun_of: r.rerun_of,
    result_url: `/api/analyses/${r.id}/result`,
  }
}

/**
 * Fills defaults, converts strings from a query line or CLI ("50" → 50, "true" → true) and checks
 * `input` against `schema`; a 400 names the first bad field as `<where>/<field>`.
 */
export function validated<S extends TSchema>(schema: S, input: unknown, where: string): Static<S> {
  const value = Value.Default(schema, Value.Convert(schema, structuredClone(input ?? {}))) as Static<S>
  if (Value.Check(schema, value)) return value
  const errors = [...Value.Errors(schema, value)] as Array<{ instancePath: string; message: string; params?: Record<string, unknown>; keyword?: string }>
  const extra = errors.find((e) => e.keyword === 'additionalProperties')
  if (extra) {
    const names = (extra.params?.additionalProperties as string[] | undefined) ?? []
    const known = Object.keys((schema as { properties?: object }).properties ?? {})
    throw BadParameter(`${where}/${names[0] ?? '?'}`, `is not a parameter of this kind; known: ${known.join(', ')}`)
  }
  const e = errors[errors.length - 1]
  throw BadParameter(`${where}${e.instancePath}`, `${e.message} (got ${JSON.stringify(e.instancePath ? valueAt(value, e.instancePath) : value)})`)
}

function valueAt(obj: unknown, path: string): unknown {
  return path.split('/').slice(1).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
}

/** Progress reports stored on the row at most this often, ms (a run may report thousands). */
const PROGRESS_WRITE_MS = 500

/** Validates and runs an analysis, storing it; resolves with the finished analysis. */
export async function runAnalysis(db: Database, req: AnalysisRequest, progress: ProgressFn = () => undefined, opts: { rerunOf?: number } = {}): Promise<AnalysisView> {
  const kind = findKind(req.kind)
  const parameters = validated(kind.params, req.parameters, 'parameters') as Record<string, unknown>
  const filters = validated(CaseFilterQuery, req.filters, 'filters')
  if (kind.layout === 'required' && req.layout_id === undefined) {
    throw BadParameter('layout_id', `${kind.kind} works on the cells of a layout; give layout_id (GET /api/layouts lists them)`)
  }
  const layout = req.layout_id === undefined ? null : await repo.findLayout(db, req.layout_id)
  if (layout && layout.status !== 'ready') throw new AppError('WG_LAYOUT_NOT_READY', `layout_id: layout ${layout.id} is ${layout.status}, not ready; wait for it to finish or pick another`, 409)
  const asOf = req.as_of ? new Date(req.as_of) : new Date()
  if (Number.isNaN(asOf.getTime())) throw BadParameter('as_of', `"${req.as_of}" is not an ISO 8601 instant`)
  if (await repo.countFilteredCases(db, filters) === 0) {
    const given = Object.entries(req.filters ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ')
    throw new AppError('WG_EMPTY_SELECTION', `filters: no case matches (${given || 'no filters; is any case imported?'}); widen the time window, categories or area`, 422)
  }

  const row = await repo.insertAnalysis(db, { kind: kind.kind, name: req.name ?? null, parameters, filters, layout_id: layout?.id ?? null, as_of: asOf, rerun_of: opts.rerunOf ?? null })
  const t0 = performance.now()
  let lastWrite = 0
  let writes: Promise<void> = Promise.resolve()
  const report = (p: Progress) => {
    progress(p)
    const now = performance.now()
    if (now - lastWrite < PROGRESS_WRITE_MS) return
    lastWrite = now
    writes = writes.then(() => repo.updateProgress(db, row.id, p)).catch(() => undefined)
  }
  try {
    const out = await kind.run({ db, filters, layout, asOf }, parameters, report)
    await writes
    progress({ phase: 'storing' }) // not written to the row: the row is finished next
    const table: ResultTable = { ...out.table, order: Object.keys(out.table.columns) }
    await repo.finishAnalysis(db, row.id, out.summary, table, performance.now() - t0)
  } catch (err) {
    await writes
    if (err instanceof AppError && err.status < 500) await repo.deleteAnalysis(db, row.id)
    else await repo.failAnalysis(db, row.id, err instanceof AppError ? { code: err.code, message: err.message } : { code: 'WG_INTERNAL', message: 'the analysis failed unexpectedly; see the server log' }, performance.now() - t0)
    throw err
  }
  return toView(await repo.getAnalysis(db, row.id))
}

/** Runs a stored analysis again with the same kind, parameters, filters, layout and as-of time. */
export async function rerunAnalysis(db: Database, id: number, progress?: ProgressFn, asOf?: string): Promise<AnalysisView> {
  const a = await repo.getAnalysis(db, id)
  return runAnalysis(db, {
    kind: a.kind, name: a.name ?? undefined, layout_id: a.layout_id ?? undefined,
    parameters: a.parameters, filters: a.filters as Record<string, unknown>, as_of: asOf ?? new Date(a.as_of).toISOString(),
  }, progress, { rerunOf: id })
}

export async function getAnalysisView(db: Database, id: number): Promise<AnalysisView> {
  return toView(await repo.getAnalysis(db, id))
}

export async function listAnalysisViews(db: Database, q: { kind?: string; layout_id?: number; limit?: number; offset?: number }) {
  const limit = q.limit ?? 50
  const offset = q.offset ?? 0
  const { items, total } = await repo.listAnalyses(db, { ...q, limit, offset })
  return { items: items.map(toView), total, limit, offset }
}

/** A finished analysis's result table, or a 409 saying why there is none yet. */
export async function resultTable(db: Database, id: number): Promise<{ view: AnalysisView; table: ResultTable }> {
  const view = await getAnalysisView(db, id)
  if (view.status !== 'done') {
    throw new AppError('WG_ANALYSIS_NOT_DONE', `analysis ${id} is ${view.status}${view.error ? ` (${view.error.message})` : ''}; its result exists once it is done`, 409)
  }
  const table = await repo.getResult<ResultTable>(db, id)
  if (!table) throw new AppError('WG_INTERNAL', `analysis ${id} is done but its result is missing`, 500)
  return { view, table }
}

/** The result rendered as JSON rows, GeoJSON, CSV or a compact grid. */
export async function renderResult(db: Database, id: number, format: ResultFormat, opts: { limit?: number; offset?: number; value?: string } = {}): Promise<{ type: string; body: unknown }> {
  const { view, table } = await resultTable(db, id)
  if (format === 'geojson') return { type: 'application/geo+json', body: await toGeoJson(db, table) }
  if (format === 'csv') return { type: 'text/csv; charset=utf-8', body: toCsv(table) }
  if (format === 'grid') return { type: 'application/json', body: { analysis: view, ...toGrid(table, opts.value) } }
  const all = rowsOf(table, table.geometry.type === 'inline')
  const offset = opts.offset ?? 0
  const rows = opts.limit === undefined ? all.slice(offset) : all.slice(offset, offset + opts.limit)
  return { type: 'application/json', body: { analysis: view, geometry: table.geometry, total: all.length, rows } }
}
