import { expect, test } from 'vitest'
import { seededRandom } from '../../server/shared/random'
import { balancedZones } from '../../server/zones/core/partition'
import { ZoningInfeasibleError } from '../../server/zones/core/validate'
import { lattice } from './lattice-fixture'

// Random small requests mixing nesting, fixed cells, a current zoning, clusters and diameter limits:
// each one either fails validation with explained errors or yields a plan that keeps every promise.
test('random requests: infeasible ones are explained, feasible ones honour every constraint', () => {
  const rand = seededRandom(5)
  let planned = 0
  let explained = 0
  for (let t = 0; t < 120; t++) {
    const rows = 3 + Math.floor(rand() * 8)
    const cols = 3 + Math.floor(rand() * 8)
    const input = lattice(rows, cols, () => Math.floor(rand() * 10))
    const n = input.n
    const K = 1 + Math.floor(rand() * Math.min(rand() < 0.2 ? n : 10, n))
    const nesting = rand() < 0.4
    if (nesting || rand() < 0.3) {
      const G = 1 + Math.floor(rand() * 4)
      input.group = Int32Array.from({ length: n }, (_, i) => Math.min(G - 1, Math.floor(((i % cols) / cols) * G)))
    }
    if (rand() < 0.4) {
      input.fixed = new Int32Array(n).fill(-1)
      const count = Math.floor(rand() * 8)
      for (let k = 0; k < count; k++) input.fixed[Math.floor(rand() * n)] = Math.floor(rand() * K)
    }
    if (rand() < 0.4) input.current = Int32Array.from({ length: n }, (_, i) => Math.floor(((i % cols) / cols) * (K + 1)) - (rand() < 0.05 ? 5 : 0))
    if (rand() < 0.3) input.clusters = Int32Array.from({ length: n }, () => (rand() < 0.3 ? Math.floor(rand() * 5) : -1))
    const maxDiameter = rand() < 0.2 ? 300 + rand() * 1000 : undefined
    try {
      const r = balancedZones(input, { K, nesting, maxDiameter, seed: t, maxIterations: 3000, timeBudgetMs: 600_000 })
      planned++
      expect(r.contiguous).toEqual(new Array(K).fill(true))
      for (let i = 0; i < n; i++) {
        if (input.fixed && input.fixed[i] >= 0) expect(r.zone[i]).toBe(input.fixed[i])
        if (nesting) expect(r.zoneGroup[r.zone[i]]).toBe(input.group![i])
      }
    } catch (err) {
      expect(err).toBeInstanceOf(ZoningInfeasibleError)
      const issues = (err as ZoningInfeasibleError).issues
      expect(issues.length).toBeGreaterThan(0)
      for (const issue of issues) expect(issue.message.length).toBeGreaterThan(40)
      explained++
    }
  }
  expect(planned).toBeGreaterThan(80)
  expect(explained).toBeGreaterThan(5)
})
