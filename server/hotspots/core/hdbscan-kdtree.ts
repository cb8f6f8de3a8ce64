/**
 * A static 2-d tree over typed arrays for HDBSCAN: k-nearest-neighbour core distances and the
 * minimum spanning tree of the mutual reachability graph (Borůvka with per-node pruning, after
 * McInnes & Healy 2017, "Accelerated hierarchical density clustering").
 *
 * Why not kdbush: the spanning tree search prunes whole nodes by their bounding box, their
 * smallest core distance and whether all their points already sit in the query's component;
 * kdbush keeps no per-node data, so the tree is built here with those arrays beside it.
 */
import { UnionFind } from './dbscan-union-find'

// points per leaf: small enough to prune well, large enough that leaf scans dominate node visits
const LEAF_SIZE = 16

/**
 * Implicit binary tree: node k has children 2k + 1 and 2k + 2 and covers sorted positions
 * [lo[k], hi[k]); it is a leaf when it covers ≤ LEAF_SIZE positions.
 */
export interface KdTree {
  n: number
  /** point id at each tree position */
  ids: Int32Array
  /** coordinates at each tree position, metres */
  px: Float64Array
  py: Float64Array
  lo: Int32Array
  hi: Int32Array
  /** per node 4 values: minX, minY, maxX, maxY of its points, metres */
  box: Float64Array
}

/** Builds the tree: each node splits its points at the median of its box's wider side. */
export function buildKdTree(x: Float64Array, y: Float64Array): KdTree {
  const n = x.length
  let depth = 0
  while (Math.ceil(n / 2 ** depth) > LEAF_SIZE) depth++
  const nodeCount = 2 ** (depth + 1) - 1
  const ids = new Int32Array(n)
  for (let i = 0; i < n; i++) ids[i] = i
  const lo = new Int32Array(nodeCount)
  const hi = new Int32Array(nodeCount)
  const box = new Float64Array(4 * nodeCount)
  hi[0] = n
  for (let k = 0; k < nodeCount; k++) {
    if (k > 0) {
      const parent = (k - 1) >> 1
      if (hi[parent] - lo[parent] <= LEAF_SIZE) continue // parent is a leaf: k does not exist
      const mid = (lo[parent] + hi[parent]) >> 1
      if (k === 2 * parent + 1) {
        lo[k] = lo[parent]
        hi[k] = mid
      } else {
        lo[k] = mid
        hi[k] = hi[parent]
      }
    }
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let s = lo[k]; s < hi[k]; s++) {
      const i = ids[s]
      if (x[i] < minX) minX = x[i]
      if (x[i] > maxX) maxX = x[i]
      if (y[i] < minY) minY = y[i]
      if (y[i] > maxY) maxY = y[i]
    }
    box[4 * k] = minX
    box[4 * k + 1] = minY
    box[4 * k + 2] = maxX
    box[4 * k + 3] = maxY
    if (hi[k] - lo[k] > LEAF_SIZE) select(ids, maxX - minX >= maxY - minY ? x : y, lo[k], hi[k] - 1, (lo[k] + hi[k]) >> 1)
  }
  const px = new Float64Array(n)
  const py = new Float64Array(n)
  for (let s = 0; s < n; s++) {
    px[s] = x[ids[s]]
    py[s] = y[ids[s]]
  }
  return { n, ids, px, py, lo, hi, box }
}

function isLeaf(tree: KdTree, k: number): boolean {
  return tree.hi[k] - tree.lo[k] <= LEAF_SIZE
}

/** Squared distance from (x, y) to the box of node k (0 inside), metres². */
function boxDist2(box: Float64Array, k: number, x: number, y: number): number {
  const o = 4 * k
  let dx = 0
  if (x < box[o]) dx = box[o] - x
  else if (x > box[o + 2]) dx = x - box[o + 2]
  let dy = 0
  if (y < box[o + 1]) dy = box[o + 1] - y
  else if (y > box[o + 3]) dy = y - box[o + 3]
  return dx * dx + dy * dy
}

/**
 * The k nearest points of every point, the point itself included (it comes first unless it has
 * exact duplicates), by tree position.
 * @returns dist2: squared distances (n × k, ascending per point, metres²); nn: tree positions (n × k)
 */
export function knn(tree: KdTree, k: number): { dist2: Float64Array; nn: Int32Array } {
  const { n, px, py, lo, hi, box } = tree
  if (k > n) throw new RangeError(`Cannot find ${k} nearest neighbours among ${n} points.`)
  const dist2 = new Float64Array(n * k)
  const nn = new Int32Array(n * k)
  const heapD = new Float64Array(k)
  const heapI = new Int32Array(k)
  // nodes to visit with their box distances, so each distance is computed once
  const stack = new Int32Array(128)
  const stackD = new Float64Array(128)
  for (let p = 0; p < n; p++) {
    const x = px[p]
    const y = py[p]
    let size = 0
    stack[0] = 0
    stackD[0] = 0
    let sp = 1
    while (sp > 0) {
      const node = stack[--sp]
      if (size === k && stackD[sp] >= heapD[0]) continue
      if (isLeaf(tree, node)) {
        for (let q = lo[node]; q < hi[node]; q++) {
          const dx = px[q] - x
          const dy = py[q] - y
          const d = dx * dx + dy * dy
          if (size < k) size = heapPush(heapD, heapI, size, d, q)
          else if (d < heapD[0]) heapReplaceTop(heapD, heapI, k, d, q)
        }
        continue
      }
      sp = pushChildren(stack, stackD, sp, box, node, x, y)
    }
    // drain the max-heap from the back so each row ends up ascending
    for (let j = k - 1; j >= 0; j--) {
      dist2[p * k + j] = heapD[0]
      nn[p * k + j] = heapI[0]
      size = heapPop(heapD, heapI, size)
    }
  }
  return { dist2, nn }
}

/** A minimum spanning tree as n - 1 edges between tree positions, with their weights. */
export interface SpanningTree {
  a: Int32Array
  b: Int32Array
  /** mutual reachability distance of each edge, metres */
  w: Float64Array
}

/**
 * Minimum spanning tree of the mutual reachability graph, weight(p, q) = max(core p, core q, d(p, q)).
 * Ties are broken by the (smaller, larger) tree positions of the endpoints, so the tree is unique
 * and every run gives the same one.
 * @param core2  squared core distance per tree position, metres²
 * @param nn  k nearest neighbours per tree position (from knn), used to seed each round's bounds
 */
export function mutualReachabilityMst(tree: KdTree, core2: Float64Array, nn: Int32Array, k: number): SpanningTree {
  const { n, px, py, lo, hi, box } = tree
  const nodeCount = lo.length
  const a = new Int32Array(Math.max(n - 1, 0))
  const b = new Int32Array(Math.max(n - 1, 0))
  const w = new Float64Array(Math.max(n - 1, 0))
  if (n < 2) return { a, b, w }

  // smallest core distance under each node: a floor on any edge weight into that node
  const nodeCore2 = new Float64Array(nodeCount).fill(Infinity)
  const nodeComp = new Int32Array(nodeCount)
  for (let node = nodeCount - 1; node >= 0; node--) {
    if (hi[node] === lo[node] && node > 0) continue
    if (isLeaf(tree, node)) for (let s = lo[node]; s < hi[node]; s++) nodeCore2[node] = Math.min(nodeCore2[node], core2[s])
    else nodeCore2[node] = Math.min(nodeCore2[2 * node + 1], nodeCore2[2 * node + 2])
  }

  const uf = new UnionFind(n)
  const comp = new Int32Array(n)
  for (let s = 0; s < n; s++) comp[s] = s
  const bestW = new Float64Array(n)
  const bestA = new Int32Array(n)
  const bestB = new Int32Array(n)
  const stack = new Int32Array(128)
  const stackD = new Float64Array(128)
  let edges = 0

  /** Offers edge (p, q) of squared weight d to component c; keeps the least by (weight, ends). */
  function offer(c: number, d: number, p: number, q: number): void {
    const s = p < q ? p : q
    const t = p < q ? q : p
    if (d < bestW[c] || (d === bestW[c] && (s < bestA[c] || (s === bestA[c] && t < bestB[c])))) {
      bestW[c] = d
      bestA[c] = s
      bestB[c] = t
    }
  }

  while (edges < n - 1) {
    // which nodes lie wholly inside one component (-1: mixed)
    for (let node = nodeCount - 1; node >= 0; node--) {
      if (hi[node] === lo[node] && node > 0) continue
      if (isLeaf(tree, node)) {
        let c = comp[lo[node]]
        for (let s = lo[node] + 1; s < hi[node] && c >= 0; s++) if (comp[s] !== c) c = -1
        nodeComp[node] = c
      } else {
        const l = nodeComp[2 * node + 1]
        nodeComp[node] = l >= 0 && l === nodeComp[2 * node + 2] ? l : -1
      }
    }
    bestW.fill(Infinity)
    bestA.fill(0x7fffffff)
    bestB.fill(0x7fffffff)
    // cheap first bounds from the nearest neighbours: within the core distance the weight is
    // the larger of the two core distances
    for (let p = 0; p < n; p++) {
      for (let j = 1; j < k; j++) {
        const q = nn[p * k + j]
        if (comp[q] === comp[p]) continue
        // q is within p's core distance, so the weight is the larger core distance
        const d = core2[p] > core2[q] ? core2[p] : core2[q]
        offer(comp[p], d, p, q)
        offer(comp[q], d, p, q)
      }
    }
    for (let p = 0; p < n; p++) {
      const c = comp[p]
      const cp = core2[p]
      if (cp > bestW[c]) continue // every edge from p weighs at least its core distance
      const x = px[p]
      const y = py[p]
      stack[0] = 0
      stackD[0] = 0
      let sp = 1
      while (sp > 0) {
        const node = stack[--sp]
        if (nodeComp[node] === c) continue
        const bound = bestW[c]
        if (stackD[sp] > bound || nodeCore2[node] > bound || cp > bound) continue
        if (isLeaf(tree, node)) {
          for (let q = lo[node]; q < hi[node]; q++) {
            const cq = comp[q]
            if (cq === c) continue
            const dx = px[q] - x
            const dy = py[q] - y
            let d = dx * dx + dy * dy
            if (cp > d) d = cp
            if (core2[q] > d) d = core2[q]
            if (d <= bestW[c]) offer(c, d, p, q)
            // the same edge also leaves q's component: a strictly better bound there prunes its
            // queries sooner (ties are left to its own search, which sees them anyway)
            if (d < bestW[cq]) offer(cq, d, p, q)
          }
          continue
        }
        sp = pushChildren(stack, stackD, sp, box, node, x, y)
      }
    }
    const before = edges
    for (let c = 0; c < n; c++) {
      if (comp[c] !== c || bestW[c] === Infinity) continue // not a component root, or no edge
      if (uf.union(bestA[c], bestB[c]) < 0) continue // its pair chose the same edge
      a[edges] = bestA[c]
      b[edges] = bestB[c]
      w[edges] = Math.sqrt(bestW[c])
      edges++
    }
    if (edges === before) throw new Error('Spanning tree search found no edge between components; coordinates must be finite.')
    for (let s = 0; s < n; s++) comp[s] = uf.find(s)
    // a root's component id is itself: keep it so, for the test above
  }
  return { a, b, w }
}

/**
 * Pushes the two children of `node` with their squared box distances from (x, y), the farther
 * first so that the nearer one is searched first; returns the new stack size.
 */
function pushChildren(stack: Int32Array, stackD: Float64Array, sp: number, box: Float64Array, node: number, x: number, y: number): number {
  const a = 2 * node + 1
  const b = a + 1
  const da = boxDist2(box, a, x, y)
  const db = boxDist2(box, b, x, y)
  if (da <= db) {
    stack[sp] = b
    stackD[sp++] = db
    stack[sp] = a
    stackD[sp++] = da
  } else {
    stack[sp] = a
    stackD[sp++] = da
    stack[sp] = b
    stackD[sp++] = db
  }
  return sp
}

/** Max-heap on d (parallel id array); returns the new size. */
function heapPush(d: Float64Array, id: Int32Array, size: number, value: number, item: number): number {
  let i = size
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (d[parent] >= value) break
    d[i] = d[parent]
    id[i] = id[parent]
    i = parent
  }
  d[i] = value
  id[i] = item
  return size + 1
}

function heapReplaceTop(d: Float64Array, id: Int32Array, size: number, value: number, item: number): void {
  siftDown(d, id, size, 0, value, item)
}

function heapPop(d: Float64Array, id: Int32Array, size: number): number {
  const last = size - 1
  if (last > 0) siftDown(d, id, last, 0, d[last], id[last])
  return last
}

function siftDown(d: Float64Array, id: Int32Array, size: number, i: number, value: number, item: number): void {
  while (true) {
    let c = 2 * i + 1
    if (c >= size) break
    if (c + 1 < size && d[c + 1] > d[c]) c++
    if (d[c] <= value) break
    d[i] = d[c]
    id[i] = id[c]
    i = c
  }
  d[i] = value
  id[i] = item
}

/** Rearranges ids[left..right] so that ids[k] holds the k-th smallest key (Hoare quickselect). */
function select(ids: Int32Array, key: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    // median of three as pivot keeps sorted and duplicate-heavy inputs linear on average
    const mid = (left + right) >> 1
    if (key[ids[mid]] < key[ids[left]]) swap(ids, mid, left)
    if (key[ids[right]] < key[ids[left]]) swap(ids, right, left)
    if (key[ids[right]] < key[ids[mid]]) swap(ids, right, mid)
    const pivot = key[ids[mid]]
    let i = left
    let j = right
    while (i <= j) {
      while (key[ids[i]] < pivot) i++
      while (key[ids[j]] > pivot) j--
      if (i <= j) {
        swap(ids, i, j)
        i++
        j--
      }
    }
    if (k <= j) right = j
    else if (k >= i) left = i
    else return
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}
