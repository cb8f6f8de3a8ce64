/**
 * Disjoint sets over 0..n-1 in two typed arrays (union by size, path halving), for the
 * clusterings' connectivity passes: near-constant time per operation, no allocation after setup.
 */
export class UnionFind {
  /** parent per item; a root is its own parent */
  readonly parent: Int32Array
  /** set size, valid at roots */
  readonly size: Int32Array

  constructor(n: number) {
    this.parent = new Int32Array(n)
    for (let i = 0; i < n; i++) this.parent[i] = i
    this.size = new Int32Array(n).fill(1)
  }

  /** Root of the set holding i. */
  find(i: number): number {
    const p = this.parent
    while (p[i] !== i) {
      p[i] = p[p[i]]
      i = p[i]
    }
    return i
  }

  /** Merges the sets of a and b; returns the new root, or -1 when they were already one set. */
  union(a: number, b: number): number {
    let ra = this.find(a)
    let rb = this.find(b)
    if (ra === rb) return -1
    if (this.size[ra] < this.size[rb]) {
      const t = ra
      ra = rb
      rb = t
    }
    this.parent[rb] = ra
    this.size[ra] += this.size[rb]
    return ra
  }
}

/**
 * Cluster numbers for core points joined in `uf` (items are sorted positions, `order[s]` the
 * point id at position s): clusters are numbered by their smallest core point id, the order in
 * which scikit-learn's DBSCAN discovers them. One pass in sorted order finds each root's smallest
 * id, so memory is read sequentially.
 * @returns labels by point id and by sorted position (-1 for non-core points), and the count
 */
export function numberClusters(uf: UnionFind, coreS: Uint8Array, order: Int32Array): { labels: Int32Array; labelS: Int32Array; clusters: number } {
  const n = order.length
  const minId = new Int32Array(n).fill(0x7fffffff)
  const roots: number[] = []
  for (let s = 0; s < n; s++) {
    if (!coreS[s]) continue
    const r = uf.find(s)
    if (minId[r] === 0x7fffffff) roots.push(r)
    if (order[s] < minId[r]) minId[r] = order[s]
  }
  roots.sort((a, b) => minId[a] - minId[b])
  const clusterOfRoot = new Int32Array(n)
  for (let k = 0; k < roots.length; k++) clusterOfRoot[roots[k]] = k
  const labels = new Int32Array(n).fill(-1)
  const labelS = new Int32Array(n).fill(-1)
  for (let s = 0; s < n; s++) {
    if (coreS[s]) labels[order[s]] = labelS[s] = clusterOfRoot[uf.find(s)]
  }
  return { labels, labelS, clusters: roots.length }
}
