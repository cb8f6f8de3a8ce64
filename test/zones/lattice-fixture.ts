/**
 * Reads the spopt zoning fixture (20 × 20 lattice of 100 m cells, K = 8) into a `ZoningInput`.
 */
import { csrFromLists } from '../../server/shared/csr'
import type { ZoningInput } from '../../server/zones/core/types'
import { sharedFixture } from '../helpers/paths'

export interface SpoptRun {
  seconds: number
  labels: number[]
  zones: number
  cv: number
  max_over_min: number
  contiguous: boolean
}

export interface LatticeFixture {
  about: string
  K: number
  cells: { id: number; x: number; y: number; workload: number }[]
  neighbors: number[][]
  spopt: Record<string, SpoptRun>
  best: string
  best_cv: number
}

/** Side of the fixture's square cells, metres. */
export const LATTICE_SIDE = 100

export function latticeFixture(): LatticeFixture {
  return sharedFixture<LatticeFixture>('zones/lattice-20x20-k8.json')
}

/**
 * The fixture's cells as zoning input; with `exact`, shared edges are 100 m and each cell's
 * perimeter 400 m, so compactness is exact Polsby-Popper.
 */
export function latticeInput(fixture: LatticeFixture, exact = false): ZoningInput {
  const adjacency = csrFromLists(fixture.neighbors)
  const input: ZoningInput = {
    n: fixture.cells.length,
    adjacency,
    workload: Float64Array.from(fixture.cells, (c) => c.workload),
    x: Float64Array.from(fixture.cells, (c) => c.x),
    y: Float64Array.from(fixture.cells, (c) => c.y),
  }
  if (exact) {
    input.area = new Float64Array(input.n).fill(LATTICE_SIDE * LATTICE_SIDE)
    input.perimeter = new Float64Array(input.n).fill(4 * LATTICE_SIDE)
    input.perimeterEdges = new Float64Array(adjacency.indices.length).fill(LATTICE_SIDE)
  }
  return input
}

/** A plain rows × cols rook lattice of 100 m cells (id = row · cols + col), unit workload unless given. */
export function lattice(rows: number, cols: number, workload?: (r: number, c: number) => number): ZoningInput {
  const lists: number[][] = []
  const n = rows * cols
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const w = new Float64Array(n)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c
      const nb: number[] = []
      if (r > 0) nb.push(i - cols)
      if (r + 1 < rows) nb.push(i + cols)
      if (c > 0) nb.push(i - 1)
      if (c + 1 < cols) nb.push(i + 1)
      lists.push(nb)
      x[i] = (c + 0.5) * LATTICE_SIDE
      y[i] = (r + 0.5) * LATTICE_SIDE
      w[i] = workload ? workload(r, c) : 1
    }
  }
  return { n, adjacency: csrFromLists(lists), workload: w, x, y }
}
