import { describe, expect, test } from 'vitest'
import { balancedOffset, cutPolygon, lowSideArea } from '../../server/layouts/street/core/cut'
import { type Poly, type Pt, minRotatedRect, polyArea, ptKey } from '../../server/layouts/street/core/geometry'
import { nodeCoverage } from '../../server/layouts/street/core/node'
import { pieceCount, splitBalanced } from '../../server/layouts/street/core/split'
import { unionCoverage } from '../../server/layouts/street/core/union'
import { streetCells, type StreetBlock } from '../../server/layouts/street/core/cells'
import { seededRandom } from '../../server/shared/random'

const rect = (x0: number, y0: number, x1: number, y1: number): Pt[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
const total = (polys: Poly[]) => polys.reduce((s, p) => s + polyArea(p), 0)

/** Every directed edge of a coverage is unmatched (outer boundary) or has its reverse once. */
function expectNodedCoverage(polys: Poly[]) {
  const edges = new Map<string, number>()
  for (const poly of polys) for (const r of poly) for (let i = 0; i < r.length; i++) {
    const k = `${ptKey(r[i])}>${ptKey(r[(i + 1) % r.length])}`
    edges.set(k, (edges.get(k) ?? 0) + 1)
  }
  for (const [k, n] of edges) expect(n, `edge ${k} used twice in one direction`).toBe(1)
}

/** Sum of pairwise overlap areas via sampling on a fine lattice: zero for a coverage. */
function overlapSamples(polys: Poly[], step: number): number {
  const inside = (p: Pt, poly: Poly) => {
    let c = false
    for (const r of poly) for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      if ((r[i][1] > p[1]) !== (r[j][1] > p[1]) && p[0] < ((r[j][0] - r[i][0]) * (p[1] - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) c = !c
    }
    return c
  }
  let xs = Infinity, xe = -Infinity, ys = Infinity, ye = -Infinity
  for (const p of polys) for (const q of p[0]) { xs = Math.min(xs, q[0]); xe = Math.max(xe, q[0]); ys = Math.min(ys, q[1]); ye = Math.max(ye, q[1]) }
  let twice = 0
  for (let x = xs + step / 3; x < xe; x += step) for (let y = ys + step / 7; y < ye; y += step) {
    if (polys.filter((p) => inside([x, y], p)).length > 1) twice++
  }
  return twice
}

describe('cut', () => {
  test('low-side area of a square is linear in the offset', () => {
    const sq: Poly = [rect(0, 0, 100, 100)]
    expect(lowSideArea(sq, [1, 0], 25)).toBeCloseTo(2500, 9)
    expect(lowSideArea(sq, [0, 1], 100)).toBeCloseTo(10000, 9)
    expect(lowSideArea(sq, [Math.SQRT1_2, Math.SQRT1_2], 0)).toBeCloseTo(0, 9)
  })

  test('a U shape cut across its arms falls apart into three pieces sharing crossing points', () => {
    // U: 300 × 200 with a 100 × 150 notch from the top
    const u: Poly = [[[0, 0], [300, 0], [300, 200], [200, 200], [200, 50], [100, 50], [100, 200], [0, 200]]]
    const r = cutPolygon(u, [0, 1], 100)
    expect(r.low).toHaveLength(1)
    expect(r.high).toHaveLength(2)
    expect(total(r.low) + total(r.high)).toBeCloseTo(polyArea(u), 6)
    expect(r.length).toBeCloseTo(200, 9)
    expectNodedCoverage([...r.low, ...r.high])
  })

  test('a hole crossed by the cut becomes a notch on both sides; an uncut hole stays with its side', () => {
    const poly: Poly = [rect(0, 0, 400, 100), rect(50, 25, 150, 75).reverse(), rect(300, 40, 320, 60).reverse()]
    const r = cutPolygon(poly, [1, 0], 100)
    expect(total(r.low) + total(r.high)).toBeCloseTo(polyArea(poly), 6)
    expect(r.low).toHaveLength(1)
    expect(r.high).toHaveLength(1)
    expect(r.high[0]).toHaveLength(2) // the small hole stays a hole of the high side
    expect(polyArea(r.low[0])).toBeCloseTo(100 * 100 - 50 * 50, 6)
    expect(r.length).toBeCloseTo(50, 9)
  })

  test('a vertex on the line moves the line by micrometres instead of failing', () => {
    const diamond: Poly = [[[0, -50], [50, 0], [0, 50], [-50, 0]]]
    const r = cutPolygon(diamond, [1, 0], 0)
    expect(Math.abs(r.s)).toBeLessThan(1e-3)
    expect(polyArea(r.low[0])).toBeCloseTo(2500, 2)
  })

  test('balanced offset leaves the asked share on the low side', () => {
    const tri: Poly = [[[0, 0], [200, 0], [0, 100]]]
    const s = balancedOffset(tri, [1, 0], 1 / 3, polyArea(tri))
    expect(lowSideArea(tri, [1, 0], s) / polyArea(tri)).toBeCloseTo(1 / 3, 5)
  })
})

describe('geometry', () => {
  test('minimum rotated rectangle of a rotated rectangle finds its axes', () => {
    const a = Math.PI / 6
    const rot = ([x, y]: Pt): Pt => [x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)]
    const rr = minRotatedRect([rect(0, 0, 300, 100).map(rot)])
    expect(rr.longLength).toBeCloseTo(300, 9)
    expect(rr.shortLength).toBeCloseTo(100, 9)
    expect(Math.abs(rr.long[0] * Math.cos(a) + rr.long[1] * Math.sin(a))).toBeCloseTo(1, 9)
  })
})

describe('union of a noded coverage', () => {
  test('a ring of blocks around a hole unions into a shell with a hole', () => {
    const blocks: Poly[] = [rect(0, 0, 300, 100), rect(0, 200, 300, 300), rect(0, 100, 100, 200), rect(200, 100, 300, 200)].map((r) => [r])
    nodeCoverage(blocks)
    const u = unionCoverage(blocks)
    expect(u).toHaveLength(1)
    expect(u[0]).toHaveLength(2)
    expect(polyArea(u[0])).toBeCloseTo(80000, 6)
  })

  test('blocks touching at a pinch vertex keep the pinch as shell and hole touching', () => {
    // 3 × 3 squares without the centre and the top-right one: the hole touches the notch at (200, 200)
    const cells = [[0, 0], [1, 0], [2, 0], [0, 1], [2, 1], [0, 2], [1, 2]]
    const blocks: Poly[] = cells.map(([i, j]) => [rect(i * 100, j * 100, i * 100 + 100, j * 100 + 100)])
    const u = unionCoverage(blocks)
    expect(u).toHaveLength(1)
    expect(u[0]).toHaveLength(2)
    expect(polyArea(u[0])).toBeCloseTo(70000, 6)
    expect(polyArea([u[0][1]])).toBeCloseTo(-10000, 6)
  })
})

describe('split', () => {
  test('piece counts round on the log scale', () => {
    expect(pieceCount(14_000, 10_000)).toBe(1)
    expect(pieceCount(14_200, 10_000)).toBe(2)
    expect(pieceCount(5_000, 10_000)).toBe(1)
    expect(pieceCount(24_000, 10_000)).toBe(2)
    expect(pieceCount(25_000, 10_000)).toBe(3)
  })

  test('a long block is cut across its long axis into equal pieces', () => {
    const poly: Poly = [rect(0, 0, 500, 100)]
    const { pieces } = splitBalanced(poly, 50_000, 5, 0.3)
    expect(pieces).toHaveLength(5)
    for (const p of pieces) expect(p.area).toBeCloseTo(10_000, 0)
    expectNodedCoverage(pieces.map((p) => p.poly).map((x) => x)) // crossing points are shared
  })
})

describe('streetCells', () => {
  test('tiles a jittered street grid exactly: no overlap, shared vertices, areas near the target', () => {
    const rnd = seededRandom(7)
    // 12 × 8 lattice of blocks with jittered street positions: sizes 20 m … 260 m
    const xs = [0]
    const ys = [0]
    for (let i = 0; i < 12; i++) xs.push(xs[i] + 20 + 240 * rnd())
    for (let j = 0; j < 8; j++) ys.push(ys[j] + 20 + 240 * rnd())
    const blocks: StreetBlock[] = []
    for (let i = 0; i < 12; i++) for (let j = 0; j < 8; j++) {
      blocks.push({ poly: [rect(xs[i], ys[j], xs[i + 1], ys[j + 1])], unit: xs[i] < xs[6] ? 1 : 2, water: false })
    }
    // node the lattice so that neighbours share vertices (as ST_Polygonize output does)
    nodeCoverage(blocks.map((b) => b.poly))
    const r = streetCells(blocks, { target: 10_000 })
    const polys = r.cells.map((c) => c.poly)
    expect(total(polys)).toBeCloseTo(xs[12] * ys[8], 3)
    expectNodedCoverage(polys)
    expect(overlapSamples(polys, 9.7)).toBe(0)
    const within = r.cells.filter((c) => Math.abs(c.area / 10_000 - 1) <= 0.3).length / r.cells.length
    expect(within).toBeGreaterThan(0.6)
    for (const c of r.cells) expect(c.area).toBeGreaterThan(0.3 * 10_000)
    // no cell joins blocks of both units
    for (const c of r.cells) {
      const u = new Set(c.blocks.map((b) => blocks[b].unit))
      expect(u.size).toBe(1)
      expect(u.has(c.unit)).toBe(true)
    }
  })
})
