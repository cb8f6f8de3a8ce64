/**
 * Sparse neighbour lists in compressed-sparse-row form, the one shape every numerical core
 * (weights, Gi*, Moran, zoning, space-time cubes) exchanges.
 *
 * Neighbours of item i are `indices[offsets[i] .. offsets[i + 1])`, sorted ascending,
 * self excluded. `offsets.length === n + 1`.
 */
export interface Csr {
  /** number of items (cells, points) */
  n: number
  /** n + 1 offsets into `indices` */
  offsets: Uint32Array
  /** neighbour ids, item order */
  indices: Uint32Array
}

/** Builds a Csr from plain neighbour lists (each list may be unsorted; duplicates and self are dropped). */
export function csrFromLists(lists: ArrayLike<ArrayLike<number>>): Csr {
  const n = lists.length
  const offsets = new Uint32Array(n + 1)
  const scratch: number[][] = new Array(n)
  for (let i = 0; i < n; i++) {
    const uniq = Array.from(new Set(Array.from(lists[i]))).filter((j) => j !== i)
    uniq.sort((a, b) => a - b)
    scratch[i] = uniq
    offsets[i + 1] = offsets[i] + uniq.length
  }
  const indices = new Uint32Array(offsets[n])
  for (let i = 0; i < n; i++) indices.set(scratch[i], offsets[i])
  return { n, offsets, indices }
}

/** Number of neighbours of item i (self excluded). */
export function degree(w: Csr, i: number): number {
  return w.offsets[i + 1] - w.offsets[i]
}
