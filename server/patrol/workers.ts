/**
 * Patrol workers and the responsibility grids they own: import (workers.json format and a grids
 * GeoJSON) and listing.
 */
import { readFile } from 'node:fs/promises'
import type { Feature, FeatureCollection } from 'geojson'
import type { Database } from '../db/connect'
import { readFeatureFile } from '../imports/geojson'
import { AppError } from '../shared/errors'
import { listWorkers, replaceGrids, upsertWorkers, type GridInput, type Shift, type WorkerInput, type WorkerRow } from './repository'

export type { WorkerInput, WorkerRow, Shift } from './repository'

const SHIFT = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/

/**
 * Reads 'HH:MM-HH:MM' into a start minute and a length (a shift past midnight wraps).
 * @throws AppError naming the worker and the value
 */
export function parseShift(text: string, worker: string): Shift {
  const m = SHIFT.exec(text.trim())
  const bad = () => new AppError('WG_BAD_SHIFT', `worker ${worker}: shift "${text}" is not HH:MM-HH:MM (e.g. 08:00-09:50)`, 422)
  if (!m) throw bad()
  const [a, b, c, d] = m.slice(1).map(Number)
  if (a > 24 || c > 24 || b > 59 || d > 59) throw bad()
  const start = a * 60 + b
  let end = c * 60 + d
  if (end <= start) end += 24 * 60
  return { start, minutes: end - start }
}

function checkWorker(w: WorkerInput, k: number): WorkerInput & { shifts: Shift[] } {
  const where = `worker ${k + 1}`
  if (!w || typeof w.id !== 'string' || !w.id.trim()) throw new AppError('WG_BAD_WORKER', `${where}: "id" must be a non-empty text`, 422)
  if (w.office !== undefined && (!Array.isArray(w.office) || w.office.length !== 2 || !w.office.every(Number.isFinite))) {
    throw new AppError('WG_BAD_WORKER', `worker ${w.id}: office must be [lon, lat] in WGS84 degrees`, 422)
  }
  if (w.speed_kmh !== undefined && !(w.speed_kmh > 0 && w.speed_kmh < 30)) {
    throw new AppError('WG_BAD_WORKER', `worker ${w.id}: speed_kmh ${w.speed_kmh} is not a walking or cycling speed (0–30 km/h)`, 422)
  }
  return { ...w, id: w.id.trim(), shifts: (w.shift_hours ?? []).map((s) => parseShift(s, w.id)) }
}

function gridsFrom(fc: FeatureCollection): GridInput[] {
  return fc.features.map((f: Feature, k) => {
    const p = f.properties ?? {}
    const code = p.code === undefined || p.code === null ? '' : String(p.code).trim()
    if (!code) throw new AppError('WG_BAD_GRID', `grid feature ${k + 1}: property "code" is missing`, 422)
    if (!f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) {
      throw new AppError('WG_BAD_GRID', `grid ${code}: geometry must be a Polygon or MultiPolygon`, 422)
    }
    const worker = p.worker_id ?? p.worker ?? null
    return { code, name_zh: p.name_zh ?? undefined, worker: worker === null ? null : String(worker), geometry: f.geometry }
  })
}

/**
 * Stores workers (updated by id when known) and, when given, replaces the responsibility grids;
 * a grid naming an unknown worker is refused. One transaction.
 */
export async function importWorkers(db: Database, workers: WorkerInput[], grids?: FeatureCollection): Promise<{ workers: number; grids: number }> {
  if (!Array.isArray(workers)) throw new AppError('WG_BAD_WORKER', 'workers must be a JSON array of {id, name_zh, office, shift_hours, …}', 422)
  const checked = workers.map(checkWorker)
  const gridRows = grids ? gridsFrom(grids) : undefined
  const known = new Set(checked.map((w) => w.id))
  return db.knex.transaction(async (trx) => {
    const ids = await upsertWorkers(trx, checked)
    if (gridRows) {
      const existing = new Set((await trx('patrol_workers').select('code')).map((r: { code: string }) => r.code))
      const unknown = gridRows.find((g) => g.worker && !known.has(g.worker) && !existing.has(g.worker))
      if (unknown) throw new AppError('WG_BAD_GRID', `grid ${unknown.code}: worker ${unknown.worker} is not among the workers`, 422)
      const all = new Map((await trx('patrol_workers').select('id', 'code')).map((r: { id: number; code: string }) => [r.code, r.id]))
      await replaceGrids(trx, gridRows, all)
    }
    return { workers: ids.size, grids: gridRows?.length ?? 0 }
  })
}

/** Reads workers.json (and optionally a grids GeoJSON) from files and imports them. */
export async function importWorkerFiles(db: Database, workersPath: string, gridsPath?: string): Promise<{ workers: number; grids: number }> {
  let workers: WorkerInput[]
  try {
    workers = JSON.parse((await readFile(workersPath, 'utf8')).replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new AppError('WG_BAD_WORKER', `${workersPath} is not valid JSON (${(err as Error).message}); expected an array of workers`, 422)
  }
  const grids = gridsPath ? await readFeatureFile(gridsPath, gridsPath, 'GeoJSON of responsibility grids with code and worker_id') : undefined
  return importWorkers(db, workers, grids)
}

/** All workers with their shifts and grid codes. */
export function workers(db: Database): Promise<WorkerRow[]> {
  return listWorkers(db.knex)
}
