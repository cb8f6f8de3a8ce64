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
