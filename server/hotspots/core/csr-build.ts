/**
 * Typed-array builders for the shared Csr neighbour shape (server/shared/csr.ts), for weights with
 * 10^5–10^6 items where per-item JavaScript arrays would dominate the run time.
 */
import type { Csr } from '../../shared/csr'

/**
 * A growable list of directed pairs (from → to) of item ids.
 * Used while neighbours are discovered in no particular order.
 */
export class PairList {
  from: Uint32Array
  to: Uint32Array
  length = 0

  constructor(capacity = 1024) {
    this.from = new Uint32Array(Math.max(16, capacity))
    this.to = new Uint32Array(Math.max(16, capacity))
  }

  push(a: number, b: number): void {
    if (this.length === this.from.length) {
      const f = new Uint32Array(this.length * 2)
      f.set(this.from)
      const t = new Uint32Array(this.length * 2)
      t.set(this.to)
      this.from = f
      this.to = t
    }
    this.from[this.length] = a
    this.to[this.length++] = b
  }

  /** Adds a → b and b → a. */
  pushBoth(a: number, b: number): void {
    this.push(a, b)
    this.push(b, a)
  }
}

/**
 * Csr from directed pairs: row `from` gets neighbour `to`; rows come out sorted ascending with
 * duplicates and self-pairs dropped.
 * @param n  number of items (ids must be < n)
 */
export function csrFromPairs(n: number, pairs: PairList): Csr {
  const { from, to, length: m } = pairs
  const offsets = new Uint32Array(n + 1)
  for (let e = 0; e < m; e++) {
    if (from[e] >= n || to[e] >= n) throw new Error(`Pair ${e} (${from[e]} → ${to[e]}) refers to an item ≥ n = ${n}.`)
    offsets[from[e] + 1]++
  }
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i]
  const fill = offsets.slice(0, n)
  const raw = new Uint32Array(m)
  for (let e = 0; e < m; e++) raw[fill[from[e]]++] = to[e]
  return compactRows(n, offsets, raw)
}

/**
 * Csr from fixed-width rows (row i = ids[i·k .. i·k + k)), each sorted ascending and deduplicated;
 * self ids are dropped.
 */
export function csrFromFixedRows(n: number, k: number, ids: Uint32Array): Csr {
  const offsets = new Uint32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * k
  return compactRows(n, offsets, Uint32Array.from(ids.subarray(0, n * k)))
}

/** Sorts every row of (offsets, raw) in place, then rewrites without duplicates and self ids. */
function compactRows(n: number, offsets: Uint32Array, raw: Uint32Array): Csr {
  const out = new Uint32Array(raw.length)
  const newOffsets = new Uint32Array(n + 1)
  let w = 0
  for (let i = 0; i < n; i++) {
    const s = offsets[i]
    const e = offsets[i + 1]
    if (e - s > 1) sortSmall(raw, s, e)
    let prev = -1
    for (let p = s; p < e; p++) {
      const j = raw[p]
      if (j === i || j === prev) continue
      out[w++] = j
      prev = j
    }
    newOffsets[i + 1] = w
  }
  return { n, offsets: newOffsets, indices: out.slice(0, w) }
}

/** Ascending sort of a[s..e): insertion sort for the short rows that dominate, typed sort otherwise. */
function sortSmall(a: Uint32Array, s: number, e: number): void {
  if (e - s > 32) {
    a.subarray(s, e).sort()
    return
  }
  for (let i = s + 1; i < e; i++) {
    const v = a[i]
    let j = i - 1
    while (j >= s && a[j] > v) {
      a[j + 1] = a[j]
      j--
    }
    a[j + 1] = v
  }
}
