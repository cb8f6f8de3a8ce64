/**
 * Emerging hot spot analysis at district scale: 10,000 unit cells (100 × 100 lattice of 100 m cells,
 * queen contiguity) × 52 weekly steps. Target: space-time Gi* + Mann-Kendall + categories < 3 s.
 *
 * Cases come from the shared seeded city (test/bench/points.ts); their report times drift with
 * position (early in the year in the west, late in the east) so the cube holds real diminishing and
 * intensifying patterns rather than noise only.
 */
import { seededRandom } from '../../server/shared/random'
import { csrFromLists } from '../../server/shared/csr'
import { buildCube } from '../../server/trends/core/cube'
import { category, emergingHotSpots } from '../../server/trends/core/emerging'
import { spaceTimeGiStar } from '../../server/trends/core/space-time-gi'
import { BENCH_SEED, cityPoints } from './points'
import { report, timeMs } from './report'

const SIDE = 100 // cells per row and column
const CELL = 100 // cell size, metres
const EXTENT = SIDE * CELL
const WEEKS = 52
const CASES = 500_000 // about 1,400 a day: a busy district's year
const TARGET_MS = 3000
const WEEK_MS = 7 * 86_400_000
const START = Date.UTC(2024, 0, 1) - 8 * 3_600_000 // Monday 2024-01-01 00:00 Asia/Shanghai

function queen(side: number) {
  const lists: number[][] = []
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const nb: number[] = []
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr
          const cc = c + dc
          if ((dr || dc) && rr >= 0 && rr < side && cc >= 0 && cc < side) nb.push(rr * side + cc)
        }
      }
      lists.push(nb)
    }
  }
  return csrFromLists(lists)
}

async function main() {
  const { x, y } = cityPoints(CASES, BENCH_SEED, { extent: EXTENT })
  const rand = seededRandom(BENCH_SEED + 1)
  const cellOf = new Int32Array(CASES)
  const t = new Float64Array(CASES)
  for (let k = 0; k < CASES; k++) {
    const col = Math.floor(x[k] / CELL)
    const row = Math.floor(y[k] / CELL)
    cellOf[k] = col >= 0 && col < SIDE && row >= 0 && row < SIDE ? row * SIDE + col : -1
    // share of the year elapsed: u^γ with γ < 1 (west) crowds cases early, γ > 1 (east) late
    const gamma = Math.exp(1.2 * (x[k] / EXTENT - 0.5))
    t[k] = START + WEEKS * WEEK_MS * Math.pow(rand(), gamma)
  }
  const w = queen(SIDE)
  const nCells = SIDE * SIDE
  const end = START + WEEKS * WEEK_MS

  let cube = buildCube({ cellOf, t, nCells, step: 'week', start: START, end })
  const cubeMs = await timeMs(() => {
    cube = buildCube({ cellOf, t, nCells, step: 'week', start: START, end })
  }, 3)
  report({ bench: 'emerging', figure: 'build cube (500k cases → 10,000 cells × 52 weeks)', value: cubeMs, unit: 'ms', cases: CASES, outside: cube.outside })

  let gi = spaceTimeGiStar(cube, w)
  const giMs = await timeMs(() => {
    gi = spaceTimeGiStar(cube, w)
  }, 3)
  report({ bench: 'emerging', figure: 'space-time Gi* (k = 1)', value: giMs, unit: 'ms', bins: gi.z.length })

  let result = emergingHotSpots(gi)
  const emMs = await timeMs(() => {
    result = emergingHotSpots(gi)
  }, 3)
  report({ bench: 'emerging', figure: 'Mann-Kendall + 17 categories', value: emMs, unit: 'ms', cells: nCells })

  const totalMs = await timeMs(() => emergingHotSpots(spaceTimeGiStar(cube, w)), 3)
  const counts: Record<string, number> = {}
  for (let i = 0; i < nCells; i++) {
    const key = category(result.code[i]).key
    counts[key] = (counts[key] ?? 0) + 1
  }
  report({
    bench: 'emerging',
    figure: 'Gi* + Mann-Kendall + categories, 10,000 cells × 52 weeks',
    value: totalMs,
    unit: 'ms',
    target: `< ${TARGET_MS} ms`,
    pass: totalMs < TARGET_MS,
    categories: counts,
  })

  const fdrMs = await timeMs(() => emergingHotSpots(spaceTimeGiStar(cube, w, { fdr: true })), 3)
  report({ bench: 'emerging', figure: 'same with FDR-corrected bins', value: fdrMs, unit: 'ms', target: `< ${TARGET_MS} ms`, pass: fdrMs < TARGET_MS })
}

await main()
