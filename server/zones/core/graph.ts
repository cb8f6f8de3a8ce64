/**
 * Connectivity on the cell graph: pieces of the subgraph induced by a labelling (zones, groups) and
 * shortest hop paths, all by breadth-first search over the CSR adjacency.
 */
import type { Csr } from '../../shared/csr'

/** Connected pieces of a labelled graph. */
export interface Pieces {
  /** piece id per cell, −1 for excluded cells */
  label: Int32Array
  /** number of pieces */
  count: number
  /** cells per piece */
  size: Int32Array
  /** smallest cell id of each piece (to name it in messages) */
  first: Int32Array
  /** `key` value the piece belongs to (0 when no key) */
  key: Int32Array
}

/**
 * Splits cells into connected pieces, following only edges between cells with equal `key`
 * (all edges when `key` is null). Cells with a negative key are excluded.
 * @param adjacency  cell neighbours (CSR, symmetric)
 * @param key        label per cell (zone, group …) or null
 */
export function pieces(adjacency: Csr, key: Int32Array | null): Pieces {
  const n = adjacency.n
  const label = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  const size: number[] = []
  const first: number[] = []
  const keys: number[] = []
  let count = 0
  for (let s = 0; s < n; s++) {
    if (label[s] >= 0) continue
    const k = key ? key[s] : 0
    if (k < 0) continue
    label[s] = count
    let head = 0
    let tail = 0
    queue[tail++] = s
    while (head < tail) {
      const i = queue[head++]
      for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
        const j = adjacency.indices[e]
        if (label[j] >= 0 || (key && key[j] !== k)) continue
        label[j] = count
        queue[tail++] = j
      }
    }
    size.push(tail)
    first.push(s)
    keys.push(k)
    count++
  }
  return { label, count, size: Int32Array.from(size), first: Int32Array.from(first), key: Int32Array.from(keys) }
}

/**
 * Shortest hop path from any cell with `source[i]` true to any cell with `target[i]` true, moving
 * only through cells where `pass[i]` is true (sources and targets must pass too). Returns the path
 * cells from source to target inclusive, or null when none exists.
 */
export function shortestPath(
  adjacency: Csr,
  source: (i: number) => boolean,
  target: (i: number) => boolean,
  pass: (i: number) => boolean,
): number[] | null {
  const n = adjacency.n
  const parent = new Int32Array(n).fill(-2)
  const queue = new Int32Array(n)
  let tail = 0
  for (let i = 0; i < n; i++) {
    if (source(i) && pass(i)) {
      parent[i] = -1
      queue[tail++] = i
    }
  }
  let head = 0
  while (head < tail) {
    const i = queue[head++]
    if (target(i)) {
      const path: number[] = []
      for (let c = i; c !== -1; c = parent[c]) path.push(c)
      return path.reverse()
    }
    for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
      const j = adjacency.indices[e]
      if (parent[j] !== -2 || !pass(j)) continue
      parent[j] = i
      queue[tail++] = j
    }
  }
  return null
}
