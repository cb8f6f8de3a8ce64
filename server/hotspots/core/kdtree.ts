/**
 * A 2-D kd-tree whose k-nearest-neighbour answers are identical to scipy's `cKDTree` / `KDTree`
 * (leafsize 10, balanced median splits, compact nodes), including which of several points at the
 * same distance is kept. PySAL's `KNN` weights are built from that tree, and on lattices and binned
 * cells ties at the k-th distance are the rule, not the exception: an ordinary kNN (flatbush, kdbush)
 * returns a valid but different neighbour set there, and Gi* results would then differ from PySAL's.
 *
 * Tie-breaking in scipy depends on three orders, all reproduced here:
 *   1. the order of point ids inside each leaf, left by `std::nth_element` and `std::partition`
 *      (libstdc++'s introselect and bidirectional partition, since PySAL runs on Linux wheels);
 *   2. the order in which nodes leave the query's binary-heap priority queue;
 *   3. which entry the bounded neighbour heap evicts when a closer point arrives (its top).
 * A point replaces the current k-th neighbour only when strictly closer, so among equally distant
 * candidates the survivors are decided by those orders. Squared distances are compared, as scipy does.
 */

/** Points per leaf in scipy's `KDTree` default (and PySAL's `KNN`). */
export const SCIPY_LEAFSIZE = 10

/**
 * Flat tree in typed arrays. Node `k` covers `order[start[k] .. end[k])`; internal nodes split on
 * `splitDim[k]` (0 = x, 1 = y) at `split[k]`, leaves have `splitDim[k] === -1`. Node 0 is the root.
 */
export interface KdTree {
  n: number
  /** point ids permuted so every node's points are contiguous */
  order: Uint32Array
  /** x of point order[j] at j, metres */
  px: Float64Array
  /** y of point order[j] at j, metres */
  py: Float64Array
  nodeCount: number
  splitDim: Int8Array
  split: Float64Array
  start: Uint32Array
  end: Uint32Array
  less: Int32Array
  greater: Int32Array
  /** bounding box of all points: [minX, minY, maxX, maxY] */
  bbox: Float64Array
}

const F64 = new Float64Array(1)
const I64 = new BigInt64Array(F64.buffer)

/** Next double above v (C's nextafter(v, +inf)) for finite v. */
function nextUp(v: number): number {
  if (v === 0) return Number.MIN_VALUE
  F64[0] = v
  I64[0] += v > 0 ? 1n : -1n
  return F64[0]
}

/**
 * libstdc++ algorithms on the tree's id permutation, ordered by one coordinate. Written out (not
 * Array.prototype.sort) because the exact element order they leave behind decides scipy's leaf
 * contents order and therefore its tie-breaking. The coordinates are permuted along with the ids
 * (`px`, `py`) so comparisons read memory sequentially instead of chasing ids.
 */
class IdSorter {
  /** coordinate compared: px (d = 0) or py (d = 1) */
  key: Float64Array
  constructor(
    private readonly ids: Uint32Array,
    readonly px: Float64Array,
    readonly py: Float64Array,
  ) {
    this.key = px
  }

  setDim(d: number): void {
    this.key = d === 0 ? this.px : this.py
  }

  private swap(i: number, j: number): void {
    const { ids, px, py } = this
    const t = ids[i]
    ids[i] = ids[j]
    ids[j] = t
    const tx = px[i]
    px[i] = px[j]
    px[j] = tx
    const ty = py[i]
    py[i] = py[j]
    py[j] = ty
  }

  private move(to: number, from: number): void {
    this.ids[to] = this.ids[from]
    this.px[to] = this.px[from]
    this.py[to] = this.py[from]
  }

  /** std::nth_element(first, nth, last) with comparator key(a) < key(b). */
  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return
    let depth = 2 * (31 - Math.clz32(last - first))
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last)
        this.swap(first, nth)
        return
      }
      depth--
      const cut = this.partitionPivot(first, last)
      if (cut <= nth) first = cut
      else last = cut
    }
    this.insertionSort(first, last)
  }

  private partitionPivot(first: number, last: number): number {
    const mid = first + ((last - first) >> 1)
    this.moveMedianToFirst(first, first + 1, mid, last - 1)
    // unguarded partition of [first + 1, last) around the pivot left at `first`
    const key = this.key
    const pv = key[first]
    let lo = first + 1
    let hi = last
    while (true) {
      while (key[lo] < pv) lo++
      hi--
      while (pv < key[hi]) hi--
      if (!(lo < hi)) return lo
      this.swap(lo, hi)
      lo++
    }
  }

  private moveMedianToFirst(result: number, ia: number, ib: number, ic: number): void {
    const key = this.key
    const a = key[ia]
    const b = key[ib]
    const c = key[ic]
    if (a < b) {
      if (b < c) this.swap(result, ib)
      else if (a < c) this.swap(result, ic)
      else this.swap(result, ia)
    } else if (a < c) this.swap(result, ia)
    else if (b < c) this.swap(result, ic)
    else this.swap(result, ib)
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return
    const { ids, px, py, key } = this
    for (let i = first + 1; i !== last; i++) {
      const vid = ids[i]
      const vx = px[i]
      const vy = py[i]
      const kv = key[i]
      let hole = i
      if (kv < key[first]) {
        ids.copyWithin(first + 1, first, i)
        px.copyWithin(first + 1, first, i)
        py.copyWithin(first + 1, first, i)
        hole = first
      } else {
        while (kv < key[hole - 1]) {
          this.move(hole, hole - 1)
          hole--
        }
      }
      ids[hole] = vid
      px[hole] = vx
      py[hole] = vy
    }
  }

  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle)
    const key = this.key
    for (let i = middle; i < last; i++) {
      if (key[i] < key[first]) {
        // std::__pop_heap(first, middle, i): the value at i goes into the heap, the top goes to i
        const vid = this.ids[i]
        const vx = this.px[i]
        const vy = this.py[i]
        this.move(i, first)
        this.adjustHeap(first, 0, middle - first, vid, vx, vy)
      }
    }
  }

  private makeHeap(first: number, last: number): void {
    const len = last - first
    if (len < 2) return
    let parent = Math.trunc((len - 2) / 2)
    while (true) {
      const at = first + parent
      this.adjustHeap(first, parent, len, this.ids[at], this.px[at], this.py[at])
      if (parent === 0) return
      parent--
    }
  }

  /** std::__adjust_heap followed by std::__push_heap, carrying the value (vid, vx, vy). */
  private adjustHeap(first: number, hole: number, len: number, vid: number, vx: number, vy: number): void {
    const key = this.key
    const top = hole
    let second = hole
    while (second < Math.trunc((len - 1) / 2)) {
      second = 2 * (second + 1)
      if (key[first + second] < key[first + second - 1]) second--
      this.move(first + hole, first + second)
      hole = second
    }
    if ((len & 1) === 0 && second === Math.trunc((len - 2) / 2)) {
      second = 2 * (second + 1)
      this.move(first + hole, first + second - 1)
      hole = second - 1
    }
    const kv = key === this.px ? vx : vy
    let parent = Math.trunc((hole - 1) / 2)
    while (hole > top && key[first + parent] < kv) {
      this.move(first + hole, first + parent)
      hole = parent
      parent = Math.trunc((hole - 1) / 2)
    }
    this.ids[first + hole] = vid
    this.px[first + hole] = vx
    this.py[first + hole] = vy
  }

  /** std::partition(first, last, key < pivot) (bidirectional version); returns the split position. */
  partition(first: number, last: number, pivot: number): number {
    const key = this.key
    while (true) {
      while (true) {
        if (first === last) return first
        if (key[first] < pivot) first++
        else break
      }
      last--
      while (true) {
        if (first === last) return first
        if (!(key[last] < pivot)) last--
        else break
      }
      this.swap(first, last)
      first++
    }
  }

  /** Smallest key in [first, last). */
  minKey(first: number, last: number): number {
    const key = this.key
    let m = key[first]
    for (let i = first + 1; i < last; i++) if (key[i] < m) m = key[i]
    return m
  }
}

/**
 * Builds the tree over points (x[i], y[i]) in metres.
 * @param leafsize  maximum points per leaf (default 10, scipy's and PySAL's)
 */
export function buildKdTree(x: Float64Array, y: Float64Array, leafsize = SCIPY_LEAFSIZE): KdTree {
  const n = x.length
  if (y.length !== n) throw new Error(`x and y differ in length: ${n} vs ${y.length}.`)
  if (!(leafsize >= 1)) throw new Error(`Unexpected leafsize value: ${leafsize}.`)
  const px = Float64Array.from(x)
  const py = Float64Array.from(y)
  const bbox = new Float64Array([Infinity, Infinity, -Infinity, -Infinity])
  for (let i = 0; i < n; i++) {
    const xi = x[i]
    const yi = y[i]
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) throw new Error(`Point ${i} has a non-finite coordinate (${xi}, ${yi}).`)
    if (xi < bbox[0]) bbox[0] = xi
    if (yi < bbox[1]) bbox[1] = yi
    if (xi > bbox[2]) bbox[2] = xi
    if (yi > bbox[3]) bbox[3] = yi
  }
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i

  let cap = Math.max(16, Math.ceil((4 * n) / leafsize) + 16)
  let splitDim = new Int8Array(cap)
  let split = new Float64Array(cap)
  let start = new Uint32Array(cap)
  let end = new Uint32Array(cap)
  let less = new Int32Array(cap)
  let greater = new Int32Array(cap)
  let count = 0
  const grow = () => {
    cap *= 2
    const g = <T extends Int8Array | Float64Array | Uint32Array | Int32Array>(arr: T): T => {
      const next = new (arr.constructor as new (len: number) => T)(cap)
      next.set(arr)
      return next
    }
    splitDim = g(splitDim)
    split = g(split)
    start = g(start)
    end = g(end)
    less = g(less)
    greater = g(greater)
  }
  const sorter = new IdSorter(order, px, py)

  // Iterative pre-order build (node numbering as scipy's recursive build: node, less subtree, greater subtree).
  // Each stack frame is [startIdx, endIdx, parent, isGreater]; greater is pushed first so less is built first.
  const stack: number[] = [0, n, -1, 0]
  while (stack.length > 0) {
    const isGreater = stack.pop()!
    const parent = stack.pop()!
    const e = stack.pop()!
    const s = stack.pop()!
    if (count === cap) grow()
    const k = count++
    start[k] = s
    end[k] = e
    splitDim[k] = -1
    split[k] = 0
    less[k] = -1
    greater[k] = -1
    if (parent >= 0) {
      if (isGreater) greater[parent] = k
      else less[parent] = k
    }
    if (e - s <= leafsize) continue

    // compact node bounds
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let j = s; j < e; j++) {
      const cx = px[j]
      const cy = py[j]
      if (j === s) {
        minX = maxX = cx
        minY = maxY = cy
        continue
      }
      if (cx > maxX) maxX = cx
      if (cx < minX) minX = cx
      if (cy > maxY) maxY = cy
      if (cy < minY) minY = cy
    }
    // split on the dimension of largest spread (x wins ties, as in scipy's strict >)
    const spreadX = maxX - minX
    const d = maxY - minY > (spreadX > 0 ? spreadX : 0) ? 1 : 0
    if ((d === 0 ? maxX : maxY) === (d === 0 ? minX : minY)) continue // all points identical: leaf
    sorter.setDim(d)
    const mid = s + Math.trunc((e - s) / 2)
    sorter.nthElement(s, mid, e)
    let sv = sorter.key[mid]
    let p = sorter.partition(s, mid, sv)
    if (p === s) {
      // no point below the median value: slide the split just above the minimum
      sv = nextUp(sorter.minKey(s, e))
      p = sorter.partition(s, e, sv)
    }
    splitDim[k] = d
    split[k] = sv
    stack.push(p, e, k, 1, s, p, k, 0)
  }
  return {
    n,
    order,
    px,
    py,
    nodeCount: count,
    splitDim: splitDim.subarray(0, count),
    split: split.subarray(0, count),
    start: start.subarray(0, count),
    end: end.subarray(0, count),
    less: less.subarray(0, count),
    greater: greater.subarray(0, count),
    bbox,
  }
}

/**
 * Reusable query state, sized once per tree so queries allocate nothing: the node priority queue
 * (binary min-heap on a node's minimum squared distance), the node-info pool (node, minimum distance,
 * one side distance per axis; one slot per visited internal node at most) and the bounded neighbour
 * heap (min-heap on minus the squared distance, so its top is the farthest neighbour kept).
 */
class QueryScratch {
  readonly qPri: Float64Array
  readonly qSlot: Int32Array
  readonly niNode: Int32Array
  readonly niMin: Float64Array
  readonly niSideX: Float64Array
  readonly niSideY: Float64Array
  readonly nPri: Float64Array
  readonly nId: Int32Array

  constructor(t: KdTree, kmax: number) {
    const cap = t.nodeCount + 1
    this.qPri = new Float64Array(cap)
    this.qSlot = new Int32Array(cap)
    this.niNode = new Int32Array(cap)
    this.niMin = new Float64Array(cap)
    this.niSideX = new Float64Array(cap)
    this.niSideY = new Float64Array(cap)
    this.nPri = new Float64Array(kmax)
    this.nId = new Int32Array(kmax)
  }
}

/** scipy's heap push: sift up while strictly smaller than the parent. */
function heapPush(pri: Float64Array, ids: Int32Array, n: number, p: number, id: number): void {
  let i = n
  while (i > 0) {
    const par = (i - 1) >> 1
    if (!(p < pri[par])) break
    pri[i] = pri[par]
    ids[i] = ids[par]
    i = par
  }
  pri[i] = p
  ids[i] = id
}

/** scipy's heap remove: last item to the top, then sift down preferring the left child on ties. */
function heapRemoveTop(pri: Float64Array, ids: Int32Array, n: number): void {
  const nn = n - 1
  const p = pri[nn]
  const id = ids[nn]
  let i = 0
  while (true) {
    const j = 2 * i + 1
    const k = j + 1
    if (!((j < nn && p > pri[j]) || (k < nn && p > pri[k]))) break
    const l = k < nn && pri[j] > pri[k] ? k : j
    pri[i] = pri[l]
    ids[i] = ids[l]
    i = l
  }
  pri[i] = p
  ids[i] = id
}

/**
 * The `kmax` nearest points to (qx, qy), nearest first, written to outIds / outD2 (squared metres).
 * Returns how many were found (< kmax only when the tree holds fewer points).
 */
function querySingle(t: KdTree, s: QueryScratch, qx: number, qy: number, kmax: number, outIds: Uint32Array, outD2: Float64Array): number {
  const { px, py, order, splitDim, split, start, end, less, greater, bbox } = t
  const { qPri, qSlot, niNode, niMin, niSideX, niSideY, nPri, nId } = s
  let qn = 0
  let nn = 0
  // root node info: side distances of the query to the data bounding box (zero inside it)
  let ni1 = 0
  let niCount = 1
  niNode[0] = 0
  let sx = 0
  if (qx - bbox[2] > 0) sx = qx - bbox[2]
  else if (bbox[0] - qx > 0) sx = bbox[0] - qx
  let sy = 0
  if (qy - bbox[3] > 0) sy = qy - bbox[3]
  else if (bbox[1] - qy > 0) sy = bbox[1] - qy
  sx *= sx
  sy *= sy
  niMin[0] = 0 + sx + sy
  niSideX[0] = sx
  niSideY[0] = sy
  let ub = Infinity
  while (true) {
    const node = niNode[ni1]
    const sd = splitDim[node]
    if (sd === -1) {
      for (let i = start[node], e = end[node]; i < e; i++) {
        const dx = px[i] - qx
        const dy = py[i] - qy
        const d = dx * dx + dy * dy
        if (d < ub) {
          if (nn === kmax) {
            heapRemoveTop(nPri, nId, nn)
            nn--
          }
          heapPush(nPri, nId, nn, -d, order[i])
          nn++
          if (nn === kmax) ub = -nPri[0]
        }
      }
      if (qn === 0) break
      ni1 = qSlot[0]
      heapRemoveTop(qPri, qSlot, qn)
      qn--
    } else {
      if (niMin[ni1] > ub) break
      const ni2 = niCount++
      niMin[ni2] = niMin[ni1]
      niSideX[ni2] = niSideX[ni1]
      niSideY[ni2] = niSideY[ni1]
      const sp = split[node]
      const q = sd === 0 ? qx : qy
      let side: number
      if (q < sp) {
        niNode[ni1] = less[node]
        niNode[ni2] = greater[node]
        side = sp - q
      } else {
        niNode[ni1] = greater[node]
        niNode[ni2] = less[node]
        side = q - sp
      }
      side = side * side
      // floating-point order as scipy: min += new - old
      if (sd === 0) {
        niMin[ni2] += side - niSideX[ni2]
        niSideX[ni2] = side
      } else {
        niMin[ni2] += side - niSideY[ni2]
        niSideY[ni2] = side
      }
      let far = ni2
      if (niMin[ni1] > niMin[ni2]) {
        far = ni1
        ni1 = ni2
      }
      if (niMin[far] <= ub) {
        heapPush(qPri, qSlot, qn, niMin[far], far)
        qn++
      }
    }
  }
  // heapsort: pop the farthest first into the last slot
  const found = nn
  for (let i = found - 1; i >= 0; i--) {
    outIds[i] = nId[0]
    outD2[i] = -nPri[0]
    heapRemoveTop(nPri, nId, nn)
    nn--
  }
  return found
}

/**
 * k nearest neighbours of points of the tree, self excluded, exactly as PySAL's `KNN(data, k)`:
 * query k + 1, drop the point itself, or the farthest when the point itself is not among them
 * (duplicates at distance 0).
 * @param rows  point ids to answer (default: every point, in id order)
 * @returns ids: one row of k neighbour ids per answered point (row r at r·k), nearest first;
 *          d2: matching squared distances (m²)
 */
export function knnSelfExcluded(t: KdTree, k: number, rows?: Uint32Array): { ids: Uint32Array; d2: Float64Array } {
  const n = t.n
  if (!Number.isInteger(k) || k < 1) throw new Error(`Unexpected k value: ${k}.`)
  if (k > n - 1) throw new Error(`k = ${k} needs at least ${k + 1} points; got ${n}.`)
  const kq = k + 1
  const s = new QueryScratch(t, kq)
  const rowIds = new Uint32Array(kq)
  const rowD2 = new Float64Array(kq)
  const count = rows ? rows.length : n
  const ids = new Uint32Array(count * k)
  const d2 = new Float64Array(count * k)
  // tree position of each point, to read its coordinates
  const pos = new Uint32Array(n)
  for (let r = 0; r < n; r++) pos[t.order[r]] = r
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r] : r
    querySingle(t, s, t.px[pos[i]], t.py[pos[i]], kq, rowIds, rowD2)
    let w = r * k
    const stop = w + k
    for (let j = 0; j < kq && w < stop; j++) {
      if (rowIds[j] === i) continue
      ids[w] = rowIds[j]
      d2[w] = rowD2[j]
      w++
    }
  }
  return { ids, d2 }
}
