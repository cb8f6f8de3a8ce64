import { describe, expect, test } from 'vitest'
import { giStar } from '../../server/hotspots/core/gi-star'
import { distanceBandWeights, knnWeights, queenWeightsFromPolygons } from '../../server/hotspots/core/weights'
import { fixtureCsr, hotspotFixture, maxAbsDiff, type LoadedFixture } from './weights.fixtures'
import type { Csr } from '../../server/shared/csr'

/** p_norm agrees absolutely to 1e-15 (esda's 1 − Φ cancels below that) and relatively to 1e-12 where esda is exact. */
function expectPNorm(ours: Float64Array, esda: number[]): void {
  expect(maxAbsDiff(ours, esda)).toBeLessThan(1e-15)
  for (let i = 0; i < esda.length; i++) {
    if (esda[i] > 1e-4) expect(Math.abs(ours[i] - esda[i]) / esda[i]).toBeLessThan(1e-12)
  }
}

function checkAgainstEsda(f: LoadedFixture, name: string, w: Csr): void {
  const r = giStar(f.values, w)
  expect(maxAbsDiff(r.z, f.weights[name].gi_star.z)).toBeLessThan(1e-9)
  expectPNorm(r.p_norm, f.weights[name].gi_star.p_norm)
  for (let i = 0; i < r.z.length; i++) expect(r.p_two[i]).toBeCloseTo(Math.min(1, 2 * r.p_norm[i]), 15)
}

function squares(f: LoadedFixture) {
  return Array.from(f.x, (cx, i) => [[[cx - 50, f.y[i] - 50], [cx + 50, f.y[i] - 50], [cx + 50, f.y[i] + 50], [cx - 50, f.y[i] + 50]]])
}

describe('Gi* against esda G_Local(star=True, transform="B") on lattice-40x50', () => {
  const f = hotspotFixture('lattice-40x50.json')
  test('queen (built from cell polygons)', () => checkAgainstEsda(f, 'queen', queenWeightsFromPolygons(squares(f))))
  test('knn8 (our PySAL-exact KNN)', () => checkAgainstEsda(f, 'knn8', knnWeights(f.x, f.y, 8)))
  test('distance250 (our distance band)', () => checkAgainstEsda(f, 'distance250', distanceBandWeights(f.x, f.y, 250)))
})

describe('Gi* against esda on boston-graffiti-cells (12,355 real cells)', () => {
  const f = hotspotFixture('boston-graffiti-cells.json')
  test('knn8', () => checkAgainstEsda(f, 'knn8', knnWeights(f.x, f.y, 8)))
  test('distance150', () => checkAgainstEsda(f, 'distance150', distanceBandWeights(f.x, f.y, 150)))
})

describe('Gi* by hand', () => {
  // values 1 2 3 4 10: n = 5, Σy = 20, ȳ = 4, s² = 130/5 − 16 = 10, s²/ȳ² = 0.625
  const values = Float64Array.of(1, 2, 3, 4, 10)

  test('chain 0–1–2–3–4: end cells have card = 2, V[G] = 2·3/4 · 1/25 · 0.625 = 0.0375', () => {
    const w = fixtureCsr([[1], [0, 2], [1, 3], [2, 4], [3]])
    const r = giStar(values, w)
    // cell 4: G = (10 + 4)/20 = 0.7, E[G] = 0.4
    expect(r.z[4]).toBeCloseTo(0.3 / Math.sqrt(0.0375), 12)
    // cell 0: G = (1 + 2)/20 = 0.15
    expect(r.z[0]).toBeCloseTo(-0.25 / Math.sqrt(0.0375), 12)
  })

  test('an island is the cell alone: card = 1, V[G] = 1·4/4 · 1/25 · 0.625 = 0.025', () => {
    const w = fixtureCsr([[1], [0, 2], [1, 3], [2], []])
    const r = giStar(values, w, { permutations: 99, seed: 3 })
    // G = 10/20 = 0.5, E[G] = 0.2
    expect(r.z[4]).toBeCloseTo(0.3 / Math.sqrt(0.025), 12)
    expect(r.p_sim![4]).toBe(1)
  })

  test('rejects mismatched sizes and all-zero values', () => {
    const w = fixtureCsr([[1], [0]])
    expect(() => giStar(Float64Array.of(1, 2, 3), w)).toThrow(/2 cells but 3 values/)
    expect(() => giStar(Float64Array.of(0, 0), w)).toThrow(/sum to 0/)
  })
})

describe('Gi* permutation pseudo p-values', () => {
  const f = hotspotFixture('lattice-40x50.json')
  const w = fixtureCsr(f.weights.queen.neighbors)

  test('deterministic for a seed, different for another seed', () => {
    const a = giStar(f.values, w, { permutations: 199, seed: 42 }).p_sim!
    const b = giStar(f.values, w, { permutations: 199, seed: 42 }).p_sim!
    const c = giStar(f.values, w, { permutations: 199, seed: 43 }).p_sim!
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0)
  })

  test('plausible: folded p in [1/(P+1), 1]; cells with |z| > 5 have p_sim ≤ 0.01; quiet cells stay quiet', () => {
    const permutations = 999
    const r = giStar(f.values, w, { permutations, seed: 7 })
    const p = r.p_sim!
    for (let i = 0; i < p.length; i++) {
      expect(p[i]).toBeGreaterThanOrEqual(1 / (permutations + 1))
      expect(p[i]).toBeLessThanOrEqual(0.5 + 1 / (permutations + 1))
      if (Math.abs(r.z[i]) > 5) expect(p[i]).toBeLessThanOrEqual(0.01)
    }
    // cells the normal approximation calls clearly insignificant are mostly insignificant by permutation too
    let quiet = 0
    let agree = 0
    for (let i = 0; i < p.length; i++) {
      if (Math.abs(r.z[i]) < 0.5) {
        quiet++
        if (p[i] > 0.1) agree++
      }
    }
    expect(agree / quiet).toBeGreaterThan(0.9)
  })
})
