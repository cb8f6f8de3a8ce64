/**
 * The sample city's patrol data (data/sample): 20 workers with their offices, shifts and
 * responsibility grids, June's GPS tracks (376,058 fixes), and the walkable graph of its streets.
 * Called by loadSampleCity; each step is idempotent (workers upsert, tracks replace their days).
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Database } from '../db/connect'
import type { ProgressFn } from '../jobs/jobs'
import { buildNetworkGraph } from './street-graph'
import { importTracks } from './track-import'
import { importWorkerFiles } from './workers'

/** Loads workers, grids, tracks and the street graph of the sample city from `dir`; returns what it did. */
export async function loadSamplePatrol(db: Database, dir: string, network: string, onProgress?: ProgressFn) {
  const t0 = performance.now()
  onProgress?.({ phase: 'patrol workers' })
  const staff = await importWorkerFiles(db, resolve(dir, 'workers.json'), existsSync(resolve(dir, 'grids.geojson')) ? resolve(dir, 'grids.geojson') : undefined)
  const t1 = performance.now()
  const tracks = await importTracks(db, resolve(dir, 'tracks.csv.gz'), {
    filename: 'data/sample/tracks.csv.gz', onProgress: (p) => onProgress?.({ ...p, phase: `patrol tracks: ${p.phase}` }),
  })
  const t2 = performance.now()
  onProgress?.({ phase: 'street graph' })
  const { summary } = await buildNetworkGraph(db, network)
  const t3 = performance.now()
  return {
    workers: staff.workers, grids: staff.grids, fixes: tracks.counts.fixes, trips: tracks.counts.trips, graph_edges: summary.edges,
    ms: { workers: Math.round(t1 - t0), tracks: Math.round(t2 - t1), graph: Math.round(t3 - t2) },
  }
}
