import { describe, expect, test } from 'vitest'
import { dbscan } from '../../server/hotspots/core/dbscan'
import { hdbscan } from '../../server/hotspots/core/hdbscan'
import { buildKdTree, knn, mutualReachabilityMst } from '../../server/hotspots/core/hdbscan-kdtree'
import { seededRandom, type Random } from '../../server/shared/random'

function normal(rand: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

/**
 * A district with a dense old town (four street markets 70 m apart, spread 8 m) and a sparse edge
 * (three estates 3 km out, spread 120 m), over 300 scattered cases. truth: -1 for scattered.
 */
function oldTownAndEdge(seed: number): { x: Float64Array; y: Float64Array; truth: Int32Array } {
  const rand = seededRandom(seed)
  const groups = [
    { cx: 0, cy: 0, sd: 8 },
    { cx: 70, cy: 0, sd: 8 },
    { cx: 0, cy: 70, sd: 8 },
    { cx: 70, cy: 70, sd: 8 },
    { cx: 3000, cy: 0, sd: 120 },
    { cx: -1500, cy: 2600, sd: 120 },
    { cx: -1500, cy: -2600, sd: 120 },
  ]
  const x: number[] = []
  const y: number[] = []
  const truth: number[] = []
  groups.forEach((g, k) => {
    for (let i = 0; i < 150; i++) {
      x.push(g.cx + g.sd * normal(rand))
      y.push(g.cy + g.sd * normal(rand))
      truth.push(k)
    }
  })
  for (let i = 0; i < 300; i++) {
    x.push(-4000 + 8000 * rand())
    y.push(-4000 + 8000 * rand())
    truth.push(-1)
  }
  return { x: Float64Array.from(x), y: Float64Array.from(y), truth: Int32Array.from(truth) }
}

/** True when every true group is mostly (≥ share) one found cluster, and no two groups share it. */
function recovers(labels: Int32Array, truth: Int32Array, share: number): boolean {
  const groups = Math.max(...truth) + 1
  const used = new Set<number>()
  for (let g = 0; g < groups; g++) {
    const counts = new Map<number, number>()
    let size = 0
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] !== g) continue
      size++
      if (labels[i] >= 0) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1)
    }
    const [best, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [-1, 0]
    if (best < 0 || count < share * size || used.has(best)) return false
    used.add(best)
  }
  return true
}

describe('hdbscan on clusters of very different densities', () => {
  const { x, y, truth } = oldTownAndEdge(11)

  test('no single DBSCAN eps separates the old town markets and keeps the edge estates', () => {
    for (let eps = 5; eps <= 400; eps += 5) expect(recovers(dbscan(x, y, eps, 10).labels, truth, 0.8), `eps ${eps}`).toBe(false)
  })

  test('HDBSCAN finds all seven', () => {
    const r = hdbscan(x, y, { minClusterSize: 30, minSamples: 10 })
    expect(r.clusters).toBe(7)
    expect(recovers(r.labels, truth, 0.8)).toBe(true)
    // scattered cases are noise, or fringe members of an estate (kept since its birth, weakly)
    let scattered = 0
    for (let i = 0; i < truth.length; i++) if (truth[i] < 0 && r.probabilities[i] < 0.3) scattered++
    expect(scattered).toBeGreaterThan(280)
    let strong = 0
    for (let i = 0; i < truth.length; i++) if (truth[i] >= 0 && r.probabilities[i] >= 0.3) strong++
    expect(strong).toBeGreaterThan(900)
  })

  // outlier scores may differ by input order where equal mutual reachability distances merge in
  // another order; the partition does not
  test('deterministic, and the same partition whatever the input order', () => {
    const a = hdbscan(x, y, { minClusterSize: 30, minSamples: 10 })
    const b = hdbscan(x, y, { minClusterSize: 30, minSamples: 10 })
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels))
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities))

    const rand = seededRandom(5)
    const perm = Array.from({ length: x.length }, (_, i) => i)
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[perm[i], perm[j]] = [perm[j], perm[i]]
    }
    const c = hdbscan(Float64Array.from(perm, (i) => x[i]), Float64Array.from(perm, (i) => y[i]), { minClusterSize: 30, minSamples: 10 })
    const map = new Map<number, number>()
    perm.forEach((i, k) => {
      if (a.labels[i] < 0) expect(c.labels[k]).toBe(-1)
      else {
        expect(map.get(a.labels[i]) ?? c.labels[k]).toBe(c.labels[k])
        map.set(a.labels[i], c.labels[k])
      }
    })
  })

  test('outputs are in range and each cluster holds at least minClusterSize points', () => {
    const r = hdbscan(x, y, { minClusterSize: 30, minSamples: 10 })
    const sizes = new Int32Array(r.clusters)
    for (let i = 0; i < x.length; i++) {
      expect(r.probabilities[i]).toBeGreaterThanOrEqual(0)
      expect(r.probabilities[i]).toBeLessThanOrEqual(1)
      expect(r.outlierScores[i]).toBeGreaterThanOrEqual(0)
      expect(r.outlierScores[i]).toBeLessThanOrEqual(1)
      if (r.labels[i] < 0) expect(r.probabilities[i]).toBe(0)
      else sizes[r.labels[i]]++
    }
    for (const s of sizes) expect(s).toBeGreaterThanOrEqual(30)
    expect(r.stabilities.length).toBe(r.clusters)
    for (const s of r.stabilities) expect(s).toBeGreaterThan(0)
    // scattered cases are more outlying than market cases
    const mean = (f: (i: number) => boolean) => {
      let s = 0
      let m = 0
      for (let i = 0; i < x.length; i++) {
        if (!f(i)) continue
        s += r.outlierScores[i]
        m++
      }
      return s / m
    }
    expect(mean((i) => truth[i] < 0)).toBeGreaterThan(mean((i) => truth[i] >= 0 && truth[i] < 4) + 0.3)
  })
})

describe('mutual reachability spanning tree', () => {
  /** Prim's algorithm on the complete graph: the total weight any minimum spanning tree must have. */
  function primTotal(x: Float64Array, y: Float64Array, core: Float64Array): number {
    const n = x.length
    const done = new Uint8Array(n)
    const best = new Float64Array(n).fill(Infinity)
    best[0] = 0
    let total = 0
    for (let it = 0; it < n; it++) {
      let u = -1
      for (let i = 0; i < n; i++) if (!done[i] && (u < 0 || best[i] < best[u])) u = i
      done[u] = 1
      total += best[u]
      for (let v = 0; v < n; v++) {
        if (!done[v]) best[v] = Math.min(best[v], Math.max(core[u], core[v], Math.hypot(x[u] - x[v], y[u] - y[v])))
      }
    }
    return total
  }

  test.each([
    ['scattered and clustered', 1],
    ['with duplicates and a lattice (many equal weights)', 2],
  ])('has the weight of a brute-force minimum spanning tree: %s', (_name, variant) => {
    const rand = seededRandom(variant)
    const n = 900
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      if (variant === 2 && i < 200) [x[i], y[i]] = [(i % 3) * 10, 0]
      else if (variant === 2 && i < 500) [x[i], y[i]] = [(i % 20) * 5, Math.floor(i / 20) * 5]
      else [x[i], y[i]] = i % 2 ? [rand() * 2000, rand() * 2000] : [500 + 30 * normal(rand), 800 + 30 * normal(rand)]
    }
    const tree = buildKdTree(x, y)
    const k = 6
    const { dist2, nn } = knn(tree, k)
    const core2 = new Float64Array(n)
    for (let s = 0; s < n; s++) core2[s] = dist2[s * k + k - 1]
    const mst = mutualReachabilityMst(tree, core2, nn, k)
    const core = new Float64Array(n)
    for (let s = 0; s < n; s++) core[tree.ids[s]] = Math.sqrt(core2[s])
    let total = 0
    for (const w of mst.w) total += w
    expect(mst.w.length).toBe(n - 1)
    expect(total).toBeCloseTo(primTotal(x, y, core), 6)
  })

  test('k nearest neighbours match a brute-force search', () => {
    const rand = seededRandom(3)
    const n = 500
    const x = Float64Array.from({ length: n }, () => rand() * 300)
    const y = Float64Array.from({ length: n }, () => rand() * 300)
    const tree = buildKdTree(x, y)
    const k = 7
    const { dist2 } = knn(tree, k)
    for (let s = 0; s < n; s++) {
      const i = tree.ids[s]
      const all = Array.from({ length: n }, (_, j) => (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2).sort((a, b) => a - b)
      expect(Array.from(dist2.subarray(s * k, s * k + k))).toEqual(all.slice(0, k))
    }
  })
})

describe('hdbscan edge cases', () => {
  test('a stack of duplicate reports stays finite and forms its own cluster', () => {
    const rand = seededRandom(9)
    const x: number[] = []
    const y: number[] = []
    const add = (px: number, py: number) => {
      x.push(px)
      y.push(py)
    }
    for (let i = 0; i < 40; i++) add(100, 100)
    for (let i = 0; i < 200; i++) add(1000 + 40 * normal(rand), 1000 + 40 * normal(rand))
    for (let i = 0; i < 60; i++) add(rand() * 2000, rand() * 2000)
    const r = hdbscan(Float64Array.from(x), Float64Array.from(y), { minClusterSize: 20 })
    for (const s of r.stabilities) expect(Number.isFinite(s)).toBe(true)
    for (let i = 0; i < x.length; i++) expect(Number.isFinite(r.outlierScores[i])).toBe(true)
    const stack = new Set(Array.from(r.labels.subarray(0, 40)))
    expect(stack.size).toBe(1)
    expect([...stack][0]).toBeGreaterThanOrEqual(0)
    expect(r.labels.subarray(40, 240)).not.toContain(r.labels[0])
  })

  test('fewer points than minClusterSize: all noise', () => {
    const r = hdbscan(Float64Array.of(0, 1, 2), Float64Array.of(0, 0, 0), { minClusterSize: 5 })
    expect(Array.from(r.labels)).toEqual([-1, -1, -1])
    expect(r.clusters).toBe(0)
  })

  test('bad parameters name the value', () => {
    const z = new Float64Array(3)
    expect(() => hdbscan(z, z, { minClusterSize: 1 })).toThrow(/minClusterSize value: 1/)
    expect(() => hdbscan(z, z, { minClusterSize: 5, minSamples: 0 })).toThrow(/minSamples value: 0/)
    expect(() => hdbscan(z, new Float64Array(2), { minClusterSize: 5 })).toThrow(/differ in length/)
  })
})
