/**
 * Square-cell bucketing of points for the density clusterings (dbscan.ts, space-time.ts).
 *
 * Points are sorted by cell (row-major: cell row, then column) and, within a cell, by point id,
 * so each non-empty cell is one contiguous run of the sorted arrays and the coordinates of a
 * cell's points sit next to each other in memory. Only non-empty cells are stored, so the grid
 * costs O(n) whatever the extent; a neighbour list per cell is built once so queries never hash.
 */

/** Points bucketed into square cells. All coordinates in the caller's metric CRS (metres). */
export interface CellGrid {
  /** number of points */
  n: number
  /** cell side, metres */
  size: number
  /** lower-left corner of cell (0, 0), metres */
  minX: number
  minY: number
  /** number of non-empty cells */
  cellCount: number
  /** cellCount + 1 offsets into the sorted arrays: cell c holds sorted positions [start[c], start[c + 1]) */
  start: Int32Array
  /** grid column and row of each non-empty cell, sorted by (row, column) */
  cellX: Int32Array
  cellY: Int32Array
  /** point id at each sorted position */
  order: Int32Array
  /** coordinates at each sorted position, metres */
  px: Float64Array
  py: Float64Array
  /** per cell, bounding box of its points: 4 values (minX, minY, maxX, maxY), metres */
  bbox: Float64Array
}

/** Neighbouring non-empty cells of each cell in CSR form (self excluded, nearest first). */
export interface CellNeighbours {
  offsets: Int32Array
  cells: Int32Array
}

// Counting sorts need one counter per grid cell (or per column and per row): beyond this many
// they allocate more than they save, and a comparison sort takes over (only for extents that are
// huge compared with the cell size).
const COUNTING_SORT_FLOOR = 1 << 16
// Neighbour lookups use a table of every grid cell when there are at most this many cells (4 MB)
// or 4 per point, whichever is more; beyond that, a binary search over the non-empty cells
const LOOKUP_TABLE_FLOOR = 1 << 20

/**
 * Buckets points into square cells of side `size` metres.
 * @param x  easting per point, metres
 * @param y  northing per point, metres
 * @param size  cell side, metres (> 0)
 */
export function buildCellGrid(x: Float64Array, y: Float64Array, size: number): CellGrid {
  const n = x.length
  if (y.length !== n) throw new RangeError(`x and y differ in length: ${n} and ${y.length}.`)
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`Unexpected cell size: ${size}.`)
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < n; i++) {
    const xi = x[i]
    const yi = y[i]
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) throw new RangeError(`Point ${i} has a non-finite coordinate: (${xi}, ${yi}).`)
    if (xi < minX) minX = xi
    if (xi > maxX) maxX = xi
    if (yi < minY) minY = yi
    if (yi > maxY) maxY = yi
  }
  if (n === 0) {
    minX = 0
    minY = 0
    maxX = 0
    maxY = 0
  }
  const nx = Math.floor((maxX - minX) / size) + 1
  const ny = Math.floor((maxY - minY) / size) + 1
  if (nx > 0x7fffffff || ny > 0x7fffffff) {
    throw new RangeError(`Cell size ${size} m is too small for an extent of ${maxX - minX} × ${maxY - minY} m; are the coordinates metres?`)
  }

  const gx = new Int32Array(n)
  const gy = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    // min() guards the last column against a quotient rounded up past nx - 1
    gx[i] = Math.min(Math.floor((x[i] - minX) / size), nx - 1)
    gy[i] = Math.min(Math.floor((y[i] - minY) / size), ny - 1)
  }

  const order = new Int32Array(n)
  const px = new Float64Array(n)
  const py = new Float64Array(n)
  const sgx = new Int32Array(n)
  const sgy = new Int32Array(n)
  const limit = Math.max(4 * n, COUNTING_SORT_FLOOR)
  if (nx * ny <= limit) {
    // one counting sort on the row-major cell number, scattering every column in the same pass:
    // reads stay sequential, which matters more than anything else at a million points
    const count = new Int32Array(nx * ny + 1)
    for (let i = 0; i < n; i++) count[gy[i] * nx + gx[i] + 1]++
    for (let k = 0; k < nx * ny; k++) count[k + 1] += count[k]
    for (let i = 0; i < n; i++) {
      const s = count[gy[i] * nx + gx[i]]++
      order[s] = i
      px[s] = x[i]
      py[s] = y[i]
      sgx[s] = gx[i]
      sgy[s] = gy[i]
    }
  } else {
    if (nx <= limit && ny <= limit) {
      // two stable counting sorts (column, then row) give row-major order with ids ascending in a cell
      order.set(countingSort(gy, ny, countingSort(gx, nx, identity(n))))
    } else {
      const ids = Array.from({ length: n }, (_, i) => i)
      ids.sort((a, b) => gy[a] - gy[b] || gx[a] - gx[b] || a - b)
      order.set(ids)
    }
    for (let s = 0; s < n; s++) {
      const i = order[s]
      px[s] = x[i]
      py[s] = y[i]
      sgx[s] = gx[i]
      sgy[s] = gy[i]
    }
  }

  let cellCount = 0
  for (let s = 0; s < n; s++) if (s === 0 || sgx[s] !== sgx[s - 1] || sgy[s] !== sgy[s - 1]) cellCount++
  const start = new Int32Array(cellCount + 1)
  const cellX = new Int32Array(cellCount)
  const cellY = new Int32Array(cellCount)
  const bbox = new Float64Array(4 * cellCount)
  let c = -1
  for (let s = 0; s < n; s++) {
    if (s === 0 || sgx[s] !== sgx[s - 1] || sgy[s] !== sgy[s - 1]) {
      c++
      start[c] = s
      cellX[c] = sgx[s]
      cellY[c] = sgy[s]
      bbox[4 * c] = px[s]
      bbox[4 * c + 1] = py[s]
      bbox[4 * c + 2] = px[s]
      bbox[4 * c + 3] = py[s]
    } else {
      if (px[s] < bbox[4 * c]) bbox[4 * c] = px[s]
      if (py[s] < bbox[4 * c + 1]) bbox[4 * c + 1] = py[s]
      if (px[s] > bbox[4 * c + 2]) bbox[4 * c + 2] = px[s]
      if (py[s] > bbox[4 * c + 3]) bbox[4 * c + 3] = py[s]
    }
  }
  start[cellCount] = n
  return { n, size, minX, minY, cellCount, start, cellX, cellY, order, px, py, bbox }
}

/**
 * For every non-empty cell, the non-empty cells that may hold a point within `radius` metres of
 * one of its points (cells whose closest approach is ≤ radius; self excluded), nearest first.
 * @param radius  search radius, metres
 */
export function cellNeighbours(grid: CellGrid, radius: number): CellNeighbours {
  const { cellCount, cellX, cellY, size } = grid
  // cell offsets (dx, dy) whose nearest points can be within radius: the gap between the two
  // cells is (|dx| - 1) and (|dy| - 1) whole cells; a small slack keeps boundary cases in
  const reach = Math.ceil(radius / size) + 1
  const limit2 = (radius / size) ** 2 * (1 + 1e-9)
  const near: { dx: number; dy: number; gap: number }[] = []
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      if (dx === 0 && dy === 0) continue
      const gx = Math.max(Math.abs(dx) - 1, 0)
      const gy = Math.max(Math.abs(dy) - 1, 0)
      if (gx * gx + gy * gy <= limit2) near.push({ dx, dy, gap: gx * gx + gy * gy + (dx * dx + dy * dy) / 1e3 })
    }
  }
  // nearest cells first, so counting queries that stop at minPts stop early
  near.sort((a, b) => a.gap - b.gap || a.dy - b.dy || a.dx - b.dx)
  const ox = near.map((o) => o.dx)
  const oy = near.map((o) => o.dy)
  // a direct lookup table when the grid is small enough, else binary search over the cells
  let nx = 0
  let ny = 0
  for (let c = 0; c < cellCount; c++) {
    nx = Math.max(nx, cellX[c] + 1)
    ny = Math.max(ny, cellY[c] + 1)
  }
  let table: Int32Array | undefined
  if (nx * ny <= Math.max(4 * grid.n, LOOKUP_TABLE_FLOOR)) {
    table = new Int32Array(nx * ny).fill(-1)
    for (let c = 0; c < cellCount; c++) table[cellY[c] * nx + cellX[c]] = c
  }
  const offsets = new Int32Array(cellCount + 1)
  const found = new Int32Array(ox.length)
  let cells = new Int32Array(Math.max(16, cellCount * 4))
  let m = 0
  for (let c = 0; c < cellCount; c++) {
    let k = 0
    for (let o = 0; o < ox.length; o++) {
      const gx = cellX[c] + ox[o]
      const gy = cellY[c] + oy[o]
      if (gx < 0 || gy < 0 || gx >= nx || gy >= ny) continue
      const d = table ? table[gy * nx + gx] : findCell(cellX, cellY, cellCount, gx, gy)
      if (d >= 0) found[k++] = d
    }
    if (m + k > cells.length) {
      const grown = new Int32Array(Math.max(cells.length * 2, m + k))
      grown.set(cells)
      cells = grown
    }
    for (let j = 0; j < k; j++) cells[m++] = found[j]
    offsets[c + 1] = m
  }
  return { offsets, cells: cells.slice(0, m) }
}

/** Index of the non-empty cell at column gx, row gy, or -1 (binary search over row-major cells). */
function findCell(cellX: Int32Array, cellY: Int32Array, count: number, gx: number, gy: number): number {
  let lo = 0
  let hi = count - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const d = cellY[mid] - gy || cellX[mid] - gx
    if (d === 0) return mid
    if (d < 0) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** Squared distance from (x, y) to the box of cell c (0 inside), metres². */
export function cellMinDist2(grid: CellGrid, c: number, x: number, y: number): number {
  const b = grid.bbox
  const dx = Math.max(b[4 * c] - x, 0, x - b[4 * c + 2])
  const dy = Math.max(b[4 * c + 1] - y, 0, y - b[4 * c + 3])
  return dx * dx + dy * dy
}

/** Squared distance from (x, y) to the farthest corner of the box of cell c, metres². */
export function cellMaxDist2(grid: CellGrid, c: number, x: number, y: number): number {
  const b = grid.bbox
  const dx = Math.max(x - b[4 * c], b[4 * c + 2] - x)
  const dy = Math.max(y - b[4 * c + 1], b[4 * c + 3] - y)
  return dx * dx + dy * dy
}

function identity(n: number): Int32Array {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

/** Stable counting sort of `items` by key[item] in [0, range). */
function countingSort(key: Int32Array, range: number, items: Int32Array): Int32Array {
  const count = new Int32Array(range + 1)
  for (let s = 0; s < items.length; s++) count[key[items[s]] + 1]++
  for (let k = 0; k < range; k++) count[k + 1] += count[k]
  const out = new Int32Array(items.length)
  for (let s = 0; s < items.length; s++) {
    const i = items[s]
    out[count[key[i]]++] = i
  }
  return out
}
