/**
 * Dangling street lines as cut guides: the edges of the noded network that bound no block (dead
 * ends, streets stopping short of the next one, lines floating inside a block), each given to the
 * block it lies in. Found here from exact shared coordinates (a block edge and a network edge are
 * the same noded segment, bit for bit) rather than with ST_Within in PostGIS, which costs seconds
 * on a district.
 */
import Flatbush from 'flatbush'
import { type Poly, type Pt, pointInRing, ptKey } from './geometry'
import type { Guide } from './split'

const segKey = (a: Pt, b: Pt) => {
  const ka = ptKey(a)
  const kb = ptKey(b)
  return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`
}

/**
 * Guides per block, metres.
 * @param blocks  block polygons (faces of the noded lines)
 * @param lines   the noded lines, one edge each (vertices shared with the blocks' rings)
 * @returns for each block, the straight guides (first → last point) of the dangling edges inside it
 */
export function danglingGuides(blocks: readonly Poly[], lines: readonly Pt[][]): Guide[][] {
  const out: Guide[][] = blocks.map(() => [])
  if (blocks.length === 0) return out
  const boundary = new Set<string>()
  for (const poly of blocks) for (const ring of poly) for (let i = 0; i < ring.length; i++) boundary.add(segKey(ring[i], ring[(i + 1) % ring.length]))
  const index = new Flatbush(blocks.length)
  for (const poly of blocks) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
    for (const p of poly[0]) {
      if (p[0] < x0) x0 = p[0]
      if (p[1] < y0) y0 = p[1]
      if (p[0] > x1) x1 = p[0]
      if (p[1] > y1) y1 = p[1]
    }
    index.add(x0, y0, x1, y1)
  }
  index.finish()
  for (const line of lines) {
    if (line.length < 2 || boundary.has(segKey(line[0], line[1]))) continue
    // the midpoint of the first segment lies inside the block (never on its boundary)
    const m: Pt = [(line[0][0] + line[1][0]) / 2, (line[0][1] + line[1][1]) / 2]
    for (const b of index.search(m[0], m[1], m[0], m[1])) {
      const poly = blocks[b]
      if (!pointInRing(m, poly[0]) || poly.slice(1).some((h) => pointInRing(m, h))) continue
      out[b].push([line[0], line[line.length - 1]])
      break
    }
  }
  return out
}
