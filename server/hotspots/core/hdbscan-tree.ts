/**
 * The tree half of HDBSCAN (Campello, Moulavi & Sander 2013; McInnes, Healy & Astels 2017): from
 * a minimum spanning tree to the single-linkage hierarchy, its condensed tree, excess-of-mass
 * cluster selection, labels, membership probabilities and GLOSH outlier scores. Mirrors the
 * hdbscan package (_hdbscan_tree.pyx) step by step so its results can be compared.
 *
 * Densities are λ = 1 / distance (per metre). Condensed-tree clusters are numbered n (the root),
 * n + 1, … in breadth-first order, so a child always has a larger number than its parent.
 */
import { UnionFind } from './dbscan-union-find'

// Cases geocoded to one address point are exact duplicates; their mutual reachability distance of
// 0 would make λ and stability infinite. Below a millimetre a distance carries no meaning.
const MIN_DISTANCE = 1e-3 // metres

/** Single-linkage merges, scipy-style: merge i creates node n + i from nodes left[i] and right[i]. */
export interface Linkage {
  left: Int32Array
  right: Int32Array
  /** merge distance, metres */
  dist: Float64Array
  /** points under the new node */
  size: Int32Array
}

/**
 * Single-linkage hierarchy from spanning-tree edges (any order): edges are merged by ascending
 * weight, ties by their position in the input.
 * @param a, b  edge endpoints, point indices 0..n-1
 * @param w  edge weights, metres
 */
export function singleLinkage(n: number, a: Int32Array, b: Int32Array, w: Float64Array): Linkage {
  const m = a.length
  const byWeight = Array.from({ length: m }, (_, i) => i).sort((i, j) => w[i] - w[j] || i - j)
  const left = new Int32Array(m)
  const right = new Int32Array(m)
  const dist = new Float64Array(m)
  const size = new Int32Array(m)
  const uf = new UnionFind(n)
  const nodeOfRoot = new Int32Array(n)
  for (let i = 0; i < n; i++) nodeOfRoot[i] = i
  for (let e = 0; e < m; e++) {
    const i = byWeight[e]
    const ra = uf.find(a[i])
    const rb = uf.find(b[i])
    left[e] = nodeOfRoot[ra]
    right[e] = nodeOfRoot[rb]
    dist[e] = w[i]
    size[e] = uf.size[ra] + uf.size[rb]
    const r = uf.union(ra, rb)
    if (r < 0) throw new Error(`Edge ${i} closes a cycle: the edges are not a spanning tree.`)
    nodeOfRoot[r] = n + e
  }
  return { left, right, dist, size }
}

/** Condensed tree as rows (parent cluster, child point or cluster, λ where the child leaves, child size). */
export interface CondensedTree {
  parent: Int32Array
  child: Int32Array
  /** 1 / distance at which the child leaves the parent, per metre */
  lambda: Float64Array
  childSize: Int32Array
  /** number of condensed clusters (ids n .. n + clusterCount - 1) */
  clusterCount: number
}

/**
 * Condenses the hierarchy: walking down from the root, a split where both sides hold at least
 * `minClusterSize` points makes two new clusters; otherwise the smaller side's points fall out of
 * the cluster, which lives on under its old number.
 */
export function condenseTree(n: number, L: Linkage, minClusterSize: number): CondensedTree {
  const rows = 2 * n
  const parent = new Int32Array(rows)
  const child = new Int32Array(rows)
  const lambda = new Float64Array(rows)
  const childSize = new Int32Array(rows)
  let r = 0
  if (n < 2) return { parent, child, lambda, childSize, clusterCount: n === 1 ? 1 : 0 }

  const root = 2 * n - 2
  const relabel = new Int32Array(root + 1)
  relabel[root] = n
  let nextLabel = n + 1
  const queue = new Int32Array(root + 1)
  const sub = new Int32Array(root + 1)
  const sizeOf = (node: number) => (node < n ? 1 : L.size[node - n])

  /** Every point under `node` leaves cluster `cluster` at λ. */
  const fallOut = (node: number, cluster: number, lam: number) => {
    let top = 0
    sub[top++] = node
    while (top > 0) {
      const v = sub[--top]
      if (v < n) {
        parent[r] = cluster
        child[r] = v
        lambda[r] = lam
        childSize[r] = 1
        r++
      } else {
        sub[top++] = L.right[v - n]
        sub[top++] = L.left[v - n]
      }
    }
  }

  // breadth-first from the root, as the reference implementation, so cluster numbers agree
  let head = 0
  let tail = 0
  queue[tail++] = root
  while (head < tail) {
    const node = queue[head++]
    const i = node - n
    const left = L.left[i]
    const right = L.right[i]
    const lam = 1 / Math.max(L.dist[i], MIN_DISTANCE)
    const nl = sizeOf(left)
    const nr = sizeOf(right)
    const here = relabel[node]
    if (nl >= minClusterSize && nr >= minClusterSize) {
      relabel[left] = nextLabel++
      parent[r] = here
      child[r] = relabel[left]
      lambda[r] = lam
      childSize[r] = nl
      r++
      relabel[right] = nextLabel++
      parent[r] = here
      child[r] = relabel[right]
      lambda[r] = lam
      childSize[r] = nr
      r++
      if (left >= n) queue[tail++] = left
      if (right >= n) queue[tail++] = right
    } else if (nl < minClusterSize && nr < minClusterSize) {
      fallOut(left, here, lam)
      fallOut(right, here, lam)
    } else if (nl < minClusterSize) {
      relabel[right] = here
      fallOut(left, here, lam)
      if (right >= n) queue[tail++] = right
      else fallOut(right, here, lam)
    } else {
      relabel[left] = here
      fallOut(right, here, lam)
      if (left >= n) queue[tail++] = left
      else fallOut(left, here, lam)
    }
  }
  return {
    parent: parent.slice(0, r),
    child: child.slice(0, r),
    lambda: lambda.slice(0, r),
    childSize: childSize.slice(0, r),
    clusterCount: nextLabel - n,
  }
}

/**
 * Stability of each condensed cluster: Σ over its rows of (λ_leave − λ_birth) × size, the
 * "excess of mass" the cluster holds over its lifetime. Indexed by cluster id − n.
 */
export function stability(n: number, tree: CondensedTree): Float64Array {
  const { parent, child, lambda, childSize, clusterCount } = tree
  const birth = new Float64Array(clusterCount)
  for (let r = 0; r < parent.length; r++) if (child[r] >= n) birth[child[r] - n] = lambda[r]
  const result = new Float64Array(clusterCount)
  for (let r = 0; r < parent.length; r++) result[parent[r] - n] += (lambda[r] - birth[parent[r] - n]) * childSize[r]
  return result
}

/** Outcome of cluster selection over a condensed tree. */
export interface Selection {
  /** per point: -1 noise, else 0..clusters-1 (selected clusters in condensed id order) */
  labels: Int32Array
  /** per point: how strongly it belongs to its cluster, 0..1 (0 for noise) */
  probabilities: Float64Array
  /** per point: GLOSH outlier score, 0 (as dense as its cluster's core) .. 1 */
  outlierScores: Float64Array
  clusters: number
  /** stability of each selected cluster, label order */
  stabilities: Float64Array
}

/**
 * Excess-of-mass selection: walking up from the leaves, a cluster is kept when it is at least as
 * stable as its kept descendants together; the root is never kept (a whole city is not a hotspot).
 */
export function selectClusters(n: number, tree: CondensedTree): Selection {
  const { parent, child, lambda, clusterCount } = tree
  const stab = stability(n, tree)
  const clusterParent = new Int32Array(clusterCount).fill(-1)
  for (let r = 0; r < parent.length; r++) if (child[r] >= n) clusterParent[child[r] - n] = parent[r] - n
  const childSum = new Float64Array(clusterCount)
  const chosen = new Uint8Array(clusterCount)
  for (let c = clusterCount - 1; c >= 1; c--) {
    if (childSum[c] > stab[c]) stab[c] = childSum[c]
    else chosen[c] = 1
    childSum[clusterParent[c]] += stab[c]
  }
  // keep a cluster only when no ancestor is kept; owner = nearest kept cluster at or above
  const owner = new Int32Array(clusterCount).fill(-1)
  const labelOf = new Int32Array(clusterCount).fill(-1)
  const kept: number[] = []
  for (let c = 1; c < clusterCount; c++) {
    const up = owner[clusterParent[c]]
    if (up >= 0) owner[c] = up
    else if (chosen[c]) {
      owner[c] = c
      labelOf[c] = kept.length
      kept.push(c)
    }
  }

  // deaths: largest λ among each cluster's own rows, then carried up to ancestors for GLOSH
  const death = new Float64Array(clusterCount)
  for (let r = 0; r < parent.length; r++) death[parent[r] - n] = Math.max(death[parent[r] - n], lambda[r])
  const deepest = Float64Array.from(death)
  for (let c = clusterCount - 1; c >= 1; c--) deepest[clusterParent[c]] = Math.max(deepest[clusterParent[c]], deepest[c])

  const labels = new Int32Array(n).fill(-1)
  const probabilities = new Float64Array(n)
  const outlierScores = new Float64Array(n)
  for (let r = 0; r < parent.length; r++) {
    const p = child[r]
    if (p >= n) continue
    const c = parent[r] - n
    const top = deepest[c]
    outlierScores[p] = top > 0 ? (top - lambda[r]) / top : 0
    const o = owner[c]
    if (o < 0) continue
    labels[p] = labelOf[o]
    const maxLambda = death[o]
    probabilities[p] = maxLambda > 0 ? Math.min(lambda[r], maxLambda) / maxLambda : 1
  }
  const stabilities = Float64Array.from(kept, (c) => stab[c])
  // stab of a kept cluster was never replaced by its children's sum (it won), so it is its own
  return { labels, probabilities, outlierScores, clusters: kept.length, stabilities }
}
