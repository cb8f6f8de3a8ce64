import { describe, expect, test } from 'vitest'
import { seededRandom, type Random } from '../../server/shared/random'
import { planPatrol, type PatrolCell, type PatrolInstance, type PatrolPlan, type PatrolWorker } from '../../server/patrol/core/plan'
import { validatePlan } from '../../server/patrol/core/plan-validate'

// Exact optima by dynamic programming over subsets (Held–Karp 1962) for small instances, and an
// independent checker of plan schedules. Distances: Manhattan metres between random points (a
// metric, like street distances). Speed 4.5 km/h = 75 m/min.

const V = 75 // metres per minute at 4.5 km/h
// quality runs stop on an iteration count, not on the clock, so results do not depend on machine load
const SEARCH = { maxIterations: 1500, timeBudgetMs: 60_000 }

interface Pt {
  x: number
  y: number
}

function manhattan(a: Pt, b: Pt): number {
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y)
}

/** Instance from points: cells first, then each worker's start and end. */
function instanceFrom(cellPts: Pt[], cells: Omit<PatrolCell, 'node'>[], workers: Array<Omit<PatrolWorker, 'start' | 'end'> & { s: Pt; e: Pt }>): PatrolInstance {
  const pts = [...cellPts]
  for (const w of workers) pts.push(w.s, w.e)
  const N = pts.length
  const matrix = new Float64Array(N * N)
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) matrix[i * N + j] = manhattan(pts[i], pts[j])
  return {
    cells: cells.map((c, i) => ({ ...c, node: i })),
    workers: workers.map(({ s: _s, e: _e, ...w }, r) => ({ ...w, start: cellPts.length + 2 * r, end: cellPts.length + 2 * r + 1 })),
    matrix,
  }
}

/** Held–Karp: hk[S] = shortest walk start → every cell of S (any order) → end, metres, for all subsets S. */
function heldKarp(inst: PatrolInstance, r: number): Float64Array {
  const C = inst.cells.length
  const N = C + 2 * inst.workers.length
  const D = inst.matrix
  const s = C + 2 * r
  const e = s + 1
  const full = 1 << C
  const dp = new Float64Array(full * C).fill(Infinity)
  for (let j = 0; j < C; j++) dp[(1 << j) * C + j] = D[s * N + j]
  for (let S = 1; S < full; S++) {
    for (let j = 0; j < C; j++) {
      const cur = dp[S * C + j]
      if (!(S & (1 << j)) || cur === Infinity) continue
      for (let k = 0; k < C; k++) {
        if (S & (1 << k)) continue
        const T = S | (1 << k)
        const v = cur + D[j * N + k]
        if (v < dp[T * C + k]) dp[T * C + k] = v
      }
    }
  }
  const hk = new Float64Array(full).fill(Infinity)
  hk[0] = D[s * N + e]
  for (let S = 1; S < full; S++) for (let j = 0; j < C; j++) if (S & (1 << j)) hk[S] = Math.min(hk[S], dp[S * C + j] + D[j * N + e])
  return hk
}

interface Optimum {
  covered: number
  value: number
  dist: number
}

function better(a: Optimum, b: Optimum): boolean {
  if (a.covered !== b.covered) return a.covered > b.covered
  if (Math.abs(a.value - b.value) > 1e-9) return a.value > b.value
  return a.dist < b.dist - 1e-9
}

/**
 * Exact lexicographic optimum without time windows, for one or two workers (cross-help on for two):
 * for each worker and visited set S the best dwell subset is a knapsack in the time left over.
 */
function exactOptimum(inst: PatrolInstance): Optimum {
  const C = inst.cells.length
  const full = 1 << C
  const dwellSum = new Float64Array(full)
  const valueSum = new Float64Array(full)
  let dwellable = 0
  let mand = 0
  inst.cells.forEach((c, i) => {
    if (c.priority * c.dwellMinutes > 0) dwellable |= 1 << i
    if (c.mandatory) mand |= 1 << i
  })
  for (let S = 1; S < full; S++) {
    const j = 31 - Math.clz32(S & -S)
    dwellSum[S] = dwellSum[S & (S - 1)] + inst.cells[j].dwellMinutes
    valueSum[S] = valueSum[S & (S - 1)] + inst.cells[j].priority * inst.cells[j].dwellMinutes
  }
  const popcount = (x: number): number => {
    let n = 0
    for (; x; x &= x - 1) n++
    return n
  }
  // per worker: dist(S) and best dwell value of S (−∞ when S does not fit at all)
  const perWorker = inst.workers.map((w, r) => {
    const hk = heldKarp(inst, r)
    const speed = ((w.speedKmh ?? 4.5) * 1000) / 60
    const best = new Float64Array(full).fill(-Infinity)
    for (let S = 0; S < full; S++) {
      const slack = w.shiftMinutes - hk[S] / speed
      if (slack < -1e-9) continue
      const pool = S & dwellable
      let v = 0
      for (let D = pool; ; D = (D - 1) & pool) {
        if (dwellSum[D] <= slack + 1e-9 && valueSum[D] > v) v = valueSum[D]
        if (D === 0) break
      }
      best[S] = v
    }
    return { hk, best }
  })
  let opt: Optimum = { covered: -1, value: 0, dist: Infinity }
  if (inst.workers.length === 1) {
    const { hk, best } = perWorker[0]
    for (let S = 0; S < full; S++) {
      if (best[S] === -Infinity) continue
      const cand = { covered: popcount(S & mand), value: best[S], dist: hk[S] }
      if (better(cand, opt)) opt = cand
    }
    return opt
  }
  const [a, b] = perWorker
  for (let S1 = 0; S1 < full; S1++) {
    if (a.best[S1] === -Infinity) continue
    const rest = (full - 1) & ~S1
    for (let S2 = rest; ; S2 = (S2 - 1) & rest) {
      if (b.best[S2] !== -Infinity) {
        const cand = { covered: popcount((S1 | S2) & mand), value: a.best[S1] + b.best[S2], dist: a.hk[S1] + b.hk[S2] }
        if (better(cand, opt)) opt = cand
      }
      if (S2 === 0) break
    }
  }
  return opt
}

/** The plan passes the independent validator (re-timing from the matrix alone). */
function checkPlan(inst: PatrolInstance, plan: PatrolPlan, allowCrossHelp = false): void {
  expect(validatePlan(inst, plan, { allowCrossHelp })).toEqual([])
}

/** Random small instance; the shift leaves time for about half of the dwell on offer. */
function randomInstance(rand: Random, nCells: number, nWorkers: 1 | 2): PatrolInstance {
  const pt = (): Pt => ({ x: Math.round(rand() * 1200), y: Math.round(rand() * 1200) })
  const cellPts = Array.from({ length: nCells }, pt)
  const cells = cellPts.map((_, i) => {
    const hot = rand() < 0.6
    const mandatory = rand() < 0.7
    return {
      id: `c${i}`,
      priority: hot || !mandatory ? Math.round((0.2 + rand() * 3) * 100) / 100 : 0,
      mandatory,
      dwellMinutes: hot || !mandatory ? 10 + Math.floor(rand() * 6) : 0,
    }
  })
  const ids = cells.map((c) => c.id)
  const office = pt()
  const workers = Array.from({ length: nWorkers }, (_, r) => ({
    id: `w${r}`,
    shiftMinutes: 0,
    speedKmh: 4.5,
    cells: nWorkers === 1 ? ids : ids.filter((_, i) => i % 2 === r),
    s: office,
    e: r === 0 ? office : pt(),
  }))
  const inst = instanceFrom(cellPts, cells, workers)
  // shift: the walk over this worker's mandatory cells plus half of the dwell available to them
  inst.workers.forEach((w, r) => {
    const hk = heldKarp(inst, r)
    let mask = 0
    let dwell = 0
    inst.cells.forEach((c, i) => {
      if (!w.cells.includes(c.id)) return
      if (c.mandatory) mask |= 1 << i
      if (c.priority > 0) dwell += c.dwellMinutes
    })
    w.shiftMinutes = Math.ceil(hk[mask] / V + 0.5 * dwell)
  })
  return inst
}

function expectNearOptimal(plan: PatrolPlan, opt: Optimum): void {
  expect(plan.objective.mandatoryCovered).toBe(opt.covered)
  expect(plan.objective.dwellValue).toBeLessThanOrEqual(opt.value + 1e-6) // else the checker or the optimum is wrong
  expect(plan.objective.dwellValue).toBeGreaterThanOrEqual(0.98 * opt.value - 1e-9)
  if (plan.objective.dwellValue >= opt.value - 1e-6) expect(plan.objective.lengthM).toBeLessThanOrEqual(1.02 * opt.dist + 1e-6)
}

describe('planPatrol against exact optima (Held–Karp)', () => {
  test('pure TSP: all mandatory, no dwell — within 2% of the shortest tour', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const rand = seededRandom(seed)
      const pts = Array.from({ length: 12 }, () => ({ x: rand() * 1500, y: rand() * 1500 }))
      const inst = instanceFrom(
        pts,
        pts.map((_, i) => ({ id: `c${i}`, priority: 0, mandatory: true, dwellMinutes: 0 })),
        [{ id: 'w', shiftMinutes: 600, speedKmh: 4.5, cells: pts.map((_, i) => `c${i}`), s: { x: 0, y: 0 }, e: { x: 0, y: 0 } }],
      )
      const plan = planPatrol(inst, { seed, ...SEARCH })
      checkPlan(inst, plan)
      const opt = exactOptimum(inst)
      expect(opt.covered).toBe(12)
      expectNearOptimal(plan, opt)
    }
  })

  test('one worker, 10–12 cells with dwell and optional cells', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const inst = randomInstance(seededRandom(seed), 10 + (seed % 3), 1)
      const plan = planPatrol(inst, { seed, ...SEARCH })
      checkPlan(inst, plan)
      const opt = exactOptimum(inst)
      expect(opt.covered).toBe(inst.cells.filter((c) => c.mandatory).length) // the shift is set to allow it
      expectNearOptimal(plan, opt)
    }
  })

  test('two workers with cross-help, 10 cells: relocate/exchange find the split', () => {
    for (const seed of [21, 22, 23, 24, 25, 26, 27, 28]) {
      const inst = randomInstance(seededRandom(seed), 10, 2)
      const plan = planPatrol(inst, { seed, ...SEARCH, maxIterations: 1000, allowCrossHelp: true })
      checkPlan(inst, plan, true)
      expectNearOptimal(plan, exactOptimum(inst))
    }
  })

  test('two workers on their own grids: each route near its own optimum', () => {
    for (const seed of [31, 32, 33]) {
      const inst = randomInstance(seededRandom(seed), 12, 2)
      const plan = planPatrol(inst, { seed, ...SEARCH })
      checkPlan(inst, plan)
      // the grids do not interact: solve each worker alone on its own cells
      for (let r = 0; r < 2; r++) {
        const own = inst.cells.map((c, i) => ({ c, i })).filter(({ c }) => inst.workers[r].cells.includes(c.id))
        const N = inst.cells.length + 4
        const idx = [...own.map((o) => o.i), inst.cells.length + 2 * r, inst.cells.length + 2 * r + 1]
        const m = new Float64Array(idx.length * idx.length)
        idx.forEach((a, x) => idx.forEach((b, y) => (m[x * idx.length + y] = inst.matrix[a * N + b])))
        const sub: PatrolInstance = {
          cells: own.map(({ c }, k) => ({ ...c, node: k })),
          workers: [{ ...inst.workers[r], start: own.length, end: own.length + 1 }],
          matrix: m,
        }
        const opt = exactOptimum(sub)
        expect(plan.workers[r].dwellValue).toBeGreaterThanOrEqual(0.98 * opt.value - 1e-9)
        if (plan.workers[r].dwellValue >= opt.value - 1e-6) expect(plan.workers[r].lengthM).toBeLessThanOrEqual(1.02 * opt.dist + 1e-6)
      }
    }
  })
})

/** Brute force with time windows: every ordered subset and every dwell choice, simulated with waiting. */
function bruteForceWithWindows(inst: PatrolInstance): Optimum {
  const C = inst.cells.length
  const N = C + 2
  const w = inst.workers[0]
  const speed = ((w.speedKmh ?? 4.5) * 1000) / 60
  let opt: Optimum = { covered: -1, value: 0, dist: Infinity }
  const order: number[] = []
  const used = new Uint8Array(C)
  const dwellPick = new Uint8Array(C)
  const evaluate = (): void => {
    const dwellable = order.filter((c) => inst.cells[c].priority * inst.cells[c].dwellMinutes > 0)
    for (let mask = 0; mask < 1 << dwellable.length; mask++) {
      dwellPick.fill(0)
      dwellable.forEach((c, k) => (dwellPick[c] = (mask >> k) & 1))
      let at = C
      let t = 0
      let dist = 0
      let value = 0
      let ok = true
      for (const c of order) {
        const cell = inst.cells[c]
        dist += inst.matrix[at * N + c]
        t += inst.matrix[at * N + c] / speed
        if (cell.timeWindow) t = Math.max(t, cell.timeWindow[0])
        if (dwellPick[c]) {
          t += cell.dwellMinutes
          value += cell.priority * cell.dwellMinutes
        }
        if (cell.timeWindow && t > cell.timeWindow[1] + 1e-9) ok = false
        at = c
      }
      dist += inst.matrix[at * N + C + 1]
      t += inst.matrix[at * N + C + 1] / speed
      if (!ok || t > w.shiftMinutes + 1e-9) continue
      const covered = order.filter((c) => inst.cells[c].mandatory).length
      const cand = { covered, value, dist }
      if (better(cand, opt)) opt = cand
    }
  }
  const extend = (): void => {
    evaluate()
    for (let c = 0; c < C; c++) {
      if (used[c]) continue
      used[c] = 1
      order.push(c)
      extend()
      order.pop()
      used[c] = 0
    }
  }
  extend()
  return opt
}

describe('time windows', () => {
  test('windows are honoured and the optimum is found (brute force over orders, 7 cells)', () => {
    for (const seed of [41, 42, 43, 44]) {
      const rand = seededRandom(seed)
      const pts = Array.from({ length: 7 }, () => ({ x: Math.round(rand() * 1000), y: Math.round(rand() * 1000) }))
      const cells = pts.map((_, i) => ({
        id: `c${i}`,
        priority: i < 4 ? 1 + Math.round(rand() * 20) / 10 : 0,
        mandatory: i !== 3,
        dwellMinutes: i < 4 ? 10 + Math.floor(rand() * 6) : 0,
        // two cells open only late, one only early
        timeWindow: i === 0 || i === 4 ? ([60, 100] as [number, number]) : i === 5 ? ([0, 25] as [number, number]) : undefined,
      }))
      const inst = instanceFrom(pts, cells, [{ id: 'w', shiftMinutes: 130, speedKmh: 4.5, cells: cells.map((c) => c.id), s: { x: 500, y: 500 }, e: { x: 500, y: 500 } }])
      const plan = planPatrol(inst, { seed, ...SEARCH })
      checkPlan(inst, plan)
      const opt = bruteForceWithWindows(inst)
      expectNearOptimal(plan, opt)
      // the late cells really are visited late
      for (const s of plan.workers[0].stops) {
        if (s.cellIndex === 0 || s.cellIndex === 4) expect(s.arrival + s.wait).toBeGreaterThanOrEqual(60 - 1e-9)
        if (s.cellIndex === 5) expect(s.arrival + s.wait).toBeLessThanOrEqual(25 + 1e-9)
      }
    }
  })

  test('windows on the clock of day are shifted by the worker’s shift start', () => {
    const pts = [{ x: 300, y: 0 }, { x: 0, y: 300 }]
    const inst = instanceFrom(
      pts,
      [
        { id: 'stall', priority: 2, mandatory: true, dwellMinutes: 15, timeWindow: [17 * 60, 21 * 60] },
        { id: 'lane', priority: 0, mandatory: true, dwellMinutes: 0 },
      ],
      [{ id: 'w', shiftMinutes: 180, shiftStart: 15 * 60, speedKmh: 4.5, cells: ['stall', 'lane'], s: { x: 0, y: 0 }, e: { x: 0, y: 0 } }],
    )
    const plan = planPatrol(inst, { timeBudgetMs: 100 })
    const stall = plan.workers[0].stops.find((s) => s.cell === 'stall')!
    expect(stall.arrival + stall.wait).toBeCloseTo(120, 9) // waits until 17:00
    expect(stall.dwell).toBe(15)
    expect(plan.uncovered).toEqual([])
  })
})

describe('uncovered cells and their reasons', () => {
  test('unreachable, time window, shift too short, nobody’s grid', () => {
    const pts = [
      { x: 100, y: 0 }, // c0 fine
      { x: 0, y: 100 }, // c1 on another street component (Infinity below)
      { x: 100, y: 100 }, // c2 window closes before anyone can get there
      { x: 9000, y: 0 }, // c3 too far for the shift even alone
      { x: 50, y: 50 }, // c4 in nobody's grid
    ]
    const inst = instanceFrom(
      pts,
      [
        { id: 'c0', priority: 1, mandatory: true, dwellMinutes: 10 },
        { id: 'c1', priority: 1, mandatory: true, dwellMinutes: 10 },
        { id: 'c2', priority: 0, mandatory: true, dwellMinutes: 0, timeWindow: [0, 1] },
        { id: 'c3', priority: 0, mandatory: true, dwellMinutes: 0 },
        { id: 'c4', priority: 0, mandatory: true, dwellMinutes: 0 },
      ],
      [{ id: 'w', shiftMinutes: 60, speedKmh: 4.5, cells: ['c0', 'c1', 'c2', 'c3'], s: { x: 0, y: 0 }, e: { x: 0, y: 0 } }],
    )
    const N = 7
    for (let j = 0; j < N; j++) if (j !== 1) inst.matrix[1 * N + j] = inst.matrix[j * N + 1] = Infinity
    const plan = planPatrol(inst, { timeBudgetMs: 100 })
    checkPlan(inst, plan)
    expect(plan.workers[0].coveredCells).toEqual(['c0'])
    expect(plan.workers[0].stops[0].dwell).toBe(10)
    const reasons = Object.fromEntries(plan.uncovered.map((u) => [u.cell, u.reason]))
    expect(reasons).toEqual({ c1: 'unreachable', c2: 'time_window_infeasible', c3: 'shift_too_short', c4: 'no_worker' })
    // with cross-help the ownerless cell becomes the worker's job too
    const helped = planPatrol(inst, { timeBudgetMs: 100, allowCrossHelp: true })
    expect(helped.workers[0].coveredCells.sort()).toEqual(['c0', 'c4'])
  })

  test('too many cells for one shift: coverage first, dwell given up, the rest reported shift_too_short', () => {
    const rand = seededRandom(5)
    const pts = Array.from({ length: 10 }, () => ({ x: Math.round(rand() * 2000), y: Math.round(rand() * 2000) }))
    const inst = instanceFrom(
      pts,
      pts.map((_, i) => ({ id: `c${i}`, priority: 5, mandatory: true, dwellMinutes: 15 })),
      [{ id: 'w', shiftMinutes: 75, speedKmh: 4.5, cells: pts.map((_, i) => `c${i}`), s: { x: 1000, y: 1000 }, e: { x: 1000, y: 1000 } }],
    )
    const plan = planPatrol(inst, SEARCH)
    checkPlan(inst, plan)
    const opt = exactOptimum(inst)
    expect(opt.covered).toBeLessThan(10)
    expectNearOptimal(plan, opt)
    expect(plan.uncovered.length).toBe(10 - opt.covered)
    for (const u of plan.uncovered) expect(u.reason).toBe('shift_too_short')
  })

  test('two cells sharing a short window far apart: one is met, the other is time_window_infeasible', () => {
    const inst = instanceFrom(
      [{ x: 600, y: 0 }, { x: -600, y: 0 }],
      [
        { id: 'east', priority: 0, mandatory: true, dwellMinutes: 0, timeWindow: [30, 35] },
        { id: 'west', priority: 0, mandatory: true, dwellMinutes: 0, timeWindow: [30, 35] },
      ],
      [{ id: 'w', shiftMinutes: 120, speedKmh: 4.5, cells: ['east', 'west'], s: { x: 0, y: 0 }, e: { x: 0, y: 0 } }],
    )
    const plan = planPatrol(inst, { timeBudgetMs: 100 })
    checkPlan(inst, plan)
    expect(plan.workers[0].stops.length).toBe(1)
    expect(plan.uncovered.map((u) => u.reason)).toEqual(['time_window_infeasible'])
  })

  test('a worker whose commute does not fit the shift gets an infeasible empty route', () => {
    const inst = instanceFrom(
      [{ x: 10, y: 0 }],
      [{ id: 'c', priority: 0, mandatory: true, dwellMinutes: 0 }],
      [{ id: 'w', shiftMinutes: 5, speedKmh: 4.5, cells: ['c'], s: { x: 0, y: 0 }, e: { x: 1000, y: 0 } }],
    )
    const plan = planPatrol(inst, { timeBudgetMs: 50 })
    expect(plan.workers[0].feasible).toBe(false)
    expect(plan.workers[0].stops).toEqual([])
    expect(plan.uncovered).toEqual([{ cell: 'c', cellIndex: 0, reason: 'shift_too_short' }])
  })

  test('input errors name the bad value', () => {
    const inst = instanceFrom([{ x: 0, y: 0 }], [{ id: 'c', priority: -1, mandatory: true, dwellMinutes: 0 }], [
      { id: 'w', shiftMinutes: 60, cells: ['c'], s: { x: 0, y: 0 }, e: { x: 0, y: 0 } },
    ])
    expect(() => planPatrol(inst)).toThrow(/Cell c: unexpected priority value -1/)
    inst.cells[0].priority = 0
    inst.workers[0].cells = ['nope']
    expect(() => planPatrol(inst)).toThrow(/Worker w: cell nope/)
    expect(() => planPatrol({ ...inst, matrix: new Float64Array(3) })).toThrow(/3 × 3 = 9/)
  })
})

describe('determinism', () => {
  test('same seed and iteration count give the same plan; another seed may differ but stays valid', () => {
    const inst = randomInstance(seededRandom(77), 12, 2)
    const run = (seed: number) => {
      const p = planPatrol(inst, { seed, maxIterations: 300, timeBudgetMs: 60_000, allowCrossHelp: true })
      return { workers: p.workers, uncovered: p.uncovered, objective: p.objective, iterations: p.stats.iterations }
    }
    const a = run(9)
    expect(a.iterations).toBe(300)
    expect(run(9)).toEqual(a)
    const b = planPatrol(inst, { seed: 10, maxIterations: 300, timeBudgetMs: 60_000, allowCrossHelp: true })
    checkPlan(inst, b, true)
  })
})

describe('validatePlan', () => {
  const inst = randomInstance(seededRandom(3), 8, 2)
  const plan = planPatrol(inst, { seed: 3, maxIterations: 100, timeBudgetMs: 60_000 })
  const clone = (): PatrolPlan => structuredClone(plan)

  test('a planned day is sound', () => {
    expect(validatePlan(inst, plan)).toEqual([])
  })

  test('finds tampered schedules, dwell, ownership, double visits and forgotten cells', () => {
    const w = plan.workers.findIndex((x) => x.stops.length >= 2)
    const kinds = (p: PatrolPlan): string[] => validatePlan(inst, p).map((v) => v.kind)

    const late = clone()
    late.workers[w].stops[0].arrival += 5
    expect(kinds(late)).toContain('schedule_mismatch')

    const dwell = clone()
    dwell.workers[w].stops[0].dwell = 7
    expect(kinds(dwell)).toContain('bad_dwell')

    const twice = clone()
    twice.workers[w].stops.push({ ...twice.workers[w].stops[0] })
    expect(kinds(twice)).toContain('visited_twice')

    const other = clone()
    const foreign = other.workers[1 - w].stops[0] ?? other.workers[w].stops[0]
    other.workers[w].stops.splice(1, 0, { ...foreign })
    expect(kinds(other)).toContain(foreign.cell === other.workers[w].stops[0].cell ? 'visited_twice' : 'not_responsible')

    const forgotten = clone()
    const gone = forgotten.workers[w].stops.splice(0, 1)[0]
    if (inst.cells[gone.cellIndex].mandatory) expect(kinds(forgotten)).toContain('mandatory_unaccounted')

    const short = structuredClone(inst)
    short.workers[w].shiftMinutes = 1
    expect(validatePlan(short, plan).map((v) => v.kind)).toContain('shift_exceeded')
  })
})
