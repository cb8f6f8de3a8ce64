/**
 * A seeded synthetic city for patrol-planning tests, benchmarks and demos: a jittered street grid
 * with some missing street segments, 1-hectare unit cells grouped into compact responsibility grids
 * (one worker each, office inside the grid), hotspot priorities from a few clustered bumps, and
 * evening time windows (street-stall peaks) on some hot cells. Projected metres, origin (0, 0).
 */
import { seededRandom } from '../../shared/random'
import type { StreetLine } from './graph'
import type { XY } from './graph-geometry'

export interface SyntheticCityOptions {
  seed?: number
  /** side of the square city, metres; default 5000 */
  sizeM?: number
  /** street spacing, metres; default 80 */
  blockM?: number
  /** random shift of each junction, metres; default 12 */
  jitterM?: number
  /** share of street segments left out (dead ends, superblocks); default 0.06 */
  dropShare?: number
  /** number of unit cells (100 m squares), default 1500 */
  cells?: number
  /** number of workers / responsibility grids; default 20 */
  workers?: number
  /** shift length, minutes; default 240 */
  shiftMinutes?: number
  /** minute of the day shifts start; default 900 (15:00) */
  shiftStart?: number
  /** share of cells with a dwell-worthy priority; default 0.35 */
  hotShare?: number
  /** share of hot cells with a street-stall window 17:00–21:00; default 0.1 */
  windowShare?: number
}

export interface SyntheticCity {
  lines: StreetLine[]
  cells: Array<{ id: string; centre: XY; priority: number; mandatory: boolean; dwellMinutes: number; timeWindow?: [number, number]; grid: number }>
  workers: Array<{ id: string; start: XY; end: XY; shiftMinutes: number; speedKmh: number; shiftStart: number; cells: string[] }>
}

const CELL_M = 100 // unit cells of about 10,000 m²
const STALL_WINDOW: [number, number] = [17 * 60, 21 * 60] // evening stall peak, minute of day

/** Builds the city (deterministic for a seed). */
export function syntheticCity(options: SyntheticCityOptions = {}): SyntheticCity {
  const rand = seededRandom(options.seed ?? 1)
  const size = options.sizeM ?? 5000
  const block = options.blockM ?? 80
  const jitter = options.jitterM ?? 12
  const drop = options.dropShare ?? 0.06
  const nCells = options.cells ?? 1500
  const nWorkers = options.workers ?? 20
  const shiftMinutes = options.shiftMinutes ?? 240
  const shiftStart = options.shiftStart ?? 900
  const hotShare = options.hotShare ?? 0.35
  const windowShare = options.windowShare ?? 0.1

  // streets: one line per segment between jittered junctions, so that junctions are shared vertices
  const n = Math.floor(size / block) + 1
  const jx = new Float64Array(n * n)
  const jy = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const edge = i === 0 || j === 0 || i === n - 1 || j === n - 1
      jx[i * n + j] = i * block + (edge ? 0 : (rand() - 0.5) * 2 * jitter)
      jy[i * n + j] = j * block + (edge ? 0 : (rand() - 0.5) * 2 * jitter)
    }
  }
  const lines: StreetLine[] = []
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = i * n + j
      if (i + 1 < n && rand() >= drop) lines.push({ id: `s${lines.length}`, coords: [[jx[a], jy[a]], [jx[a + n], jy[a + n]]] })
      if (j + 1 < n && rand() >= drop) lines.push({ id: `s${lines.length}`, coords: [[jx[a], jy[a]], [jx[a + 1], jy[a + 1]]] })
    }
  }

  // cells: a near-square block of 100 m cells centred in the city
  const cols = Math.ceil(Math.sqrt(nCells))
  const rows = Math.ceil(nCells / cols)
  const x0 = (size - cols * CELL_M) / 2
  const y0 = (size - rows * CELL_M) / 2
  // compact grids: split columns and rows into gx × gy blocks
  let gx = Math.round(Math.sqrt(nWorkers))
  while (nWorkers % gx !== 0) gx--
  const gy = nWorkers / gx
  const bumps = Array.from({ length: 12 }, () => ({ x: x0 + rand() * cols * CELL_M, y: y0 + rand() * rows * CELL_M, s: 150 + rand() * 350, h: 0.5 + rand() * 2 }))
  const cells: SyntheticCity['cells'] = []
  for (let k = 0; k < nCells; k++) {
    const col = k % cols
    const row = Math.floor(k / cols)
    const x = x0 + (col + 0.5) * CELL_M
    const y = y0 + (row + 0.5) * CELL_M
    const grid = Math.min(gx - 1, Math.floor((col * gx) / cols)) + gx * Math.min(gy - 1, Math.floor((row * gy) / rows))
    let heat = 0
    for (const b of bumps) heat += b.h * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s))
    // case counts are overdispersed: a heavy-tailed multiplier on the smooth risk surface
    const score = heat * Math.exp(rand() * 1.5)
    cells.push({ id: `c${k}`, centre: [x, y], priority: score, mandatory: true, dwellMinutes: 0, grid })
  }
  // the top `hotShare` by score are hot: dwell 10–15 minutes, priority = score; the rest pass-by only
  const order = cells.map((_, i) => i).sort((a, b) => cells[b].priority - cells[a].priority || a - b)
  const nHot = Math.round(hotShare * nCells)
  order.forEach((i, rank) => {
    if (rank < nHot) {
      cells[i].dwellMinutes = 10 + Math.floor(rand() * 6)
      cells[i].priority = Math.round(cells[i].priority * 1000) / 1000
      if (rand() < windowShare) cells[i].timeWindow = STALL_WINDOW
    } else {
      cells[i].priority = 0
    }
  })

  const workers: SyntheticCity['workers'] = []
  for (let g = 0; g < nWorkers; g++) {
    const mine = cells.filter((c) => c.grid === g)
    // office near the middle of the grid
    let sx = 0
    let sy = 0
    for (const c of mine) {
      sx += c.centre[0]
      sy += c.centre[1]
    }
    const office: XY = mine.length ? [sx / mine.length + 20, sy / mine.length + 20] : [size / 2, size / 2]
    workers.push({ id: `w${g}`, start: office, end: office, shiftMinutes, speedKmh: 4.5, shiftStart, cells: mine.map((c) => c.id) })
  }
  return { lines, cells, workers }
}
