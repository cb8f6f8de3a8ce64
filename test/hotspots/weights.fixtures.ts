/**
 * Typed access to the PySAL golden fixtures in ../shared/fixtures/hotspots (never copied here).
 * Each file's `about` field says how it was produced (esda 2.5.1, libpysal weights).
 */
import type { Csr } from '../../server/shared/csr'
import { sharedFixture } from '../helpers/paths'

export interface FixtureCell {
  id: number
  /** cell centre, metres */
  x: number
  y: number
  value: number
}

export interface FixtureGlobalMoran {
  I: number
  EI: number
  z_norm: number
  p_norm: number
}

export interface FixtureWeights {
  neighbors: number[][]
  gi_star: { z: number[]; p_norm: number[] }
  local_moran?: { Is: number[]; q: number[] }
  global_moran: FixtureGlobalMoran
}

export interface HotspotFixture {
  about: string
  cells: FixtureCell[]
  weights: Record<string, FixtureWeights>
  incremental_moran?: Array<FixtureGlobalMoran & { distance: number }>
  esda_seconds_knn8?: number
}

export interface LoadedFixture extends HotspotFixture {
  x: Float64Array
  y: Float64Array
  values: Float64Array
}

const cache = new Map<string, LoadedFixture>()

/** Loads a hotspot fixture once per test file, with coordinates and values as typed arrays. */
export function hotspotFixture(name: 'lattice-40x50.json' | 'boston-graffiti-cells.json'): LoadedFixture {
  const hit = cache.get(name)
  if (hit) return hit
  const f = sharedFixture<HotspotFixture>(`hotspots/${name}`)
  const loaded: LoadedFixture = {
    ...f,
    x: Float64Array.from(f.cells, (c) => c.x),
    y: Float64Array.from(f.cells, (c) => c.y),
    values: Float64Array.from(f.cells, (c) => c.value),
  }
  cache.set(name, loaded)
  return loaded
}

/** Csr rows as plain arrays, for comparing with a fixture's `neighbors`. */
export function csrRows(w: Csr): number[][] {
  const rows: number[][] = []
  for (let i = 0; i < w.n; i++) rows.push(Array.from(w.indices.subarray(w.offsets[i], w.offsets[i + 1])))
  return rows
}

/** Fixture neighbour lists as a Csr (rows sorted), for statistics tests independent of our builders. */
export function fixtureCsr(neighbors: number[][]): Csr {
  const n = neighbors.length
  const offsets = new Uint32Array(n + 1)
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + neighbors[i].length
  const indices = new Uint32Array(offsets[n])
  for (let i = 0; i < n; i++) indices.set([...neighbors[i]].sort((a, b) => a - b), offsets[i])
  return { n, offsets, indices }
}

/** Largest absolute difference between two equally long sequences. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}
