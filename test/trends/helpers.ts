/** Small builders shared by the trends tests: lattices, a Poisson sampler, planted cubes. */
import { csrFromLists, type Csr } from '../../server/shared/csr'
import type { Random } from '../../server/shared/random'

/** Cells on a line, each the neighbour of the next (rook contiguity in one dimension). */
export function lineNeighbours(n: number): Csr {
  return csrFromLists(Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n)))
}

/** Queen contiguity on a rows × cols lattice, id = row * cols + col. */
export function queenLattice(rows: number, cols: number): Csr {
  const lists: number[][] = []
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const nb: number[] = []
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr
          const cc = c + dc
          if ((dr || dc) && rr >= 0 && rr < rows && cc >= 0 && cc < cols) nb.push(rr * cols + cc)
        }
      }
      lists.push(nb)
    }
  }
  return csrFromLists(lists)
}

/** Poisson draw (Knuth's product of uniforms; fine for the small means of tests). */
export function poisson(rand: Random, mean: number): number {
  const limit = Math.exp(-mean)
  let k = 0
  let p = rand()
  while (p > limit) {
    k++
    p *= rand()
  }
  return k
}
