/**
 * A seeded, sample-city-like set of unit cells for zoning tests and benchmarks: a jittered 100 m
 * lattice (irregular centroids, areas and shared edges) with lakes cut out, a meandering river that
 * only bridges cross, workload skewed towards a few hotspots (markets, stations), and communities
 * grown as graph Voronoi regions so each one is connected.
 */
import { csrFromLists } from '../../server/shared/csr'
import { seededRandom, type Random } from '../../server/shared/random'
import type { ZoningInput } from '../../server/zones/core/types'

export interface SyntheticCityOptions {
  rows: number
  cols: number
  /** communities (groups) to grow; default 12 */
  groups?: number
  seed?: number
  /** columns between bridges over the river; default 9 */
  bridgeEvery?: number
}

export interface SyntheticCity extends ZoningInput {
  group: Int32Array
  /** lattice row and column of each kept cell */
  row: Int32Array
  col: Int32Array
  groupCount: number
}

/** Nominal cell side, metres. */
const SIDE = 100

function gaussian(rand: Random): number {
  const u = Math.max(rand(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

/** Builds the city; every cell of the result is reachable from every other through shared edges. */
export function syntheticCity(options: SyntheticCityOptions): SyntheticCity {
  const { rows, cols } = options
  const rand = seededRandom(options.seed ?? 7)
  const bridgeEvery = options.bridgeEvery ?? 9
  const keep = new Uint8Array(rows * cols).fill(1)
  const id = (r: number, c: number): number => r * cols + c

  // Lakes and parks without cells.
  const lakes = Math.max(2, Math.round((rows * cols) / 600))
  for (let l = 0; l < lakes; l++) {
    const cr = rand() * rows
    const cc = rand() * cols
    const rad = 1.5 + rand() * 2.5
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if ((r - cr) ** 2 + (c - cc) ** 2 < rad * rad) keep[id(r, c)] = 0
  }
  // A river meandering west to east; only bridge columns keep their cell.
  const phase = rand() * Math.PI * 2
  for (let c = 0; c < cols; c++) {
    const r = Math.round(rows * 0.45 + rows * 0.12 * Math.sin(phase + (c / cols) * 2.5 * Math.PI))
    const bridge = c % bridgeEvery === Math.floor(bridgeEvery / 2)
    if (r >= 0 && r < rows) keep[id(r, c)] = bridge ? 1 : 0
    // The river is two cells wide where it bends, so a diagonal step never lets rook neighbours leak across.
    if (r + 1 < rows && !bridge) keep[id(r + 1, c)] = 0
    if (bridge && r + 1 < rows) keep[id(r + 1, c)] = 1
  }

  // Keep the largest connected piece (lakes can enclose pockets).
  const label = new Int32Array(rows * cols).fill(-1)
  let bestLabel = -1
  let bestSize = 0
  for (let s = 0, next = 0; s < rows * cols; s++) {
    if (!keep[s] || label[s] >= 0) continue
    const stack = [s]
    label[s] = next
    let size = 0
    while (stack.length) {
      const v = stack.pop() as number
      size++
      const r = Math.floor(v / cols)
      const c = v % cols
      for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const rr = r + dr
        const cc = c + dc
        if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue
        const u = id(rr, cc)
        if (keep[u] && label[u] < 0) {
          label[u] = next
          stack.push(u)
        }
      }
    }
    if (size > bestSize) {
      bestSize = size
      bestLabel = next
    }
    next++
  }
  const index = new Int32Array(rows * cols).fill(-1)
  const cells: number[] = []
  for (let v = 0; v < rows * cols; v++) {
    if (label[v] === bestLabel) {
      index[v] = cells.length
      cells.push(v)
    }
  }
  const n = cells.length

  // Jittered corners give irregular quadrilaterals: centroid, area and edge lengths follow them.
  const jx = new Float64Array((rows + 1) * (cols + 1))
  const jy = new Float64Array((rows + 1) * (cols + 1))
  for (let k = 0; k < jx.length; k++) {
    jx[k] = (rand() - 0.5) * 0.3 * SIDE
    jy[k] = (rand() - 0.5) * 0.3 * SIDE
  }
  const corner = (r: number, c: number): [number, number] => {
    const k = r * (cols + 1) + c
    return [c * SIDE + jx[k], r * SIDE + jy[k]]
  }
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const area = new Float64Array(n)
  const perimeter = new Float64Array(n)
  const row = new Int32Array(n)
  const col = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const r = Math.floor(cells[i] / cols)
    const c = cells[i] % cols
    row[i] = r
    col[i] = c
    const ring = [corner(r, c), corner(r, c + 1), corner(r + 1, c + 1), corner(r + 1, c)]
    let a = 0
    let cx = 0
    let cy = 0
    let p = 0
    for (let k = 0; k < 4; k++) {
      const [x0, y0] = ring[k]
      const [x1, y1] = ring[(k + 1) % 4]
      const cross = x0 * y1 - x1 * y0
      a += cross
      cx += (x0 + x1) * cross
      cy += (y0 + y1) * cross
      p += Math.hypot(x1 - x0, y1 - y0)
    }
    area[i] = a / 2
    x[i] = cx / (3 * a)
    y[i] = cy / (3 * a)
    perimeter[i] = p
  }
  const lists: number[][] = Array.from({ length: n }, () => [])
  for (let i = 0; i < n; i++) {
    for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const rr = row[i] + dr
      const cc = col[i] + dc
      if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue
      const j = index[id(rr, cc)]
      if (j >= 0) lists[i].push(j)
    }
  }
  const adjacency = csrFromLists(lists)
  const perimeterEdges = new Float64Array(adjacency.indices.length)
  for (let i = 0; i < n; i++) {
    for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
      const j = adjacency.indices[e]
      // The shared side: the two corners both cells have in common.
      const [a, b] =
        row[j] === row[i] + 1 ? [corner(row[i] + 1, col[i]), corner(row[i] + 1, col[i] + 1)]
          : row[j] === row[i] - 1 ? [corner(row[i], col[i]), corner(row[i], col[i] + 1)]
            : col[j] === col[i] + 1 ? [corner(row[i], col[i] + 1), corner(row[i] + 1, col[i] + 1)]
              : [corner(row[i], col[i]), corner(row[i] + 1, col[i])]
      perimeterEdges[e] = Math.hypot(a[0] - b[0], a[1] - b[1])
    }
  }

  // Workload: log-normal background (most cells quiet, some busy) plus hotspots, as whole cases.
  const hotspots = Math.max(3, Math.round(n / 250))
  const hx: number[] = []
  const hy: number[] = []
  const hs: number[] = []
  const ha: number[] = []
  for (let h = 0; h < hotspots; h++) {
    const c = cells[Math.floor(rand() * n)]
    hx.push((c % cols) * SIDE)
    hy.push(Math.floor(c / cols) * SIDE)
    hs.push((1.5 + rand() * 3) * SIDE)
    ha.push(10 + rand() * 30)
  }
  const workload = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let w = Math.exp(1 + 0.8 * gaussian(rand))
    for (let h = 0; h < hotspots; h++) w += ha[h] * Math.exp(-((x[i] - hx[h]) ** 2 + (y[i] - hy[h]) ** 2) / (2 * hs[h] ** 2))
    workload[i] = Math.round(w)
  }

  // Communities: graph Voronoi from centres spread by farthest-point sampling, so each is connected
  // and they are of similar size, like 社区 drawn around a few thousand households each.
  const groupCount = Math.min(options.groups ?? 12, n)
  const group = new Int32Array(n).fill(-1)
  const queue: number[] = []
  const d2 = new Float64Array(n).fill(Infinity)
  let s = Math.floor(rand() * n)
  for (let g = 0; g < groupCount; g++) {
    group[s] = g
    queue.push(s)
    let far = -1
    for (let i = 0; i < n; i++) {
      d2[i] = Math.min(d2[i], (x[i] - x[s]) ** 2 + (y[i] - y[s]) ** 2)
      if (group[i] < 0 && (far < 0 || d2[i] > d2[far])) far = i
    }
    s = far
  }
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]
    for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
      const j = adjacency.indices[e]
      if (group[j] < 0) {
        group[j] = group[i]
        queue.push(j)
      }
    }
  }

  return { n, adjacency, workload, x, y, area, perimeter, perimeterEdges, group, row, col, groupCount }
}
