/**
 * Sliver merging (pure): pieces smaller than a threshold are merged into the neighbouring piece
 * of the same unit with which they share the longest edge, repeatedly, until no piece below the
 * threshold has a neighbour left. Written here (not in SQL) because the decision is sequential:
 * after a merge the merged piece's area and edges change, which set-based SQL cannot follow.
 */

/**
 * @param area       piece areas (m²), piece order
 * @param edges      shared edges: a, b piece positions (0-based), len metres; only edges with at
 *                   least one piece below the threshold are needed
 * @param threshold  m²: pieces below it are slivers
 * @returns group of each piece (a piece position, the group's representative); pieces never
 *   merged are their own group. isolated: slivers left alone for want of a neighbour.
 */
export function mergeSlivers(
  area: Float64Array, edges: { a: Int32Array; b: Int32Array; len: Float64Array }, threshold: number,
): { group: Int32Array; isolated: number } {
  const n = area.length
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i] }
    return i
  }
  const size = Float64Array.from(area)
  // adjacency of group representatives: neighbour representative → shared length
  const adj = new Map<number, Map<number, number>>()
  const link = (x: number, y: number, len: number) => {
    let m = adj.get(x)
    if (!m) adj.set(x, m = new Map())
    m.set(y, (m.get(y) ?? 0) + len)
  }
  for (let e = 0; e < edges.a.length; e++) {
    if (!(edges.len[e] > 0)) continue
    link(edges.a[e], edges.b[e], edges.len[e])
    link(edges.b[e], edges.a[e], edges.len[e])
  }
  const slivers: number[] = []
  for (let i = 0; i < n; i++) if (area[i] < threshold) slivers.push(i)
  slivers.sort((x, y) => area[x] - area[y] || x - y)
  const isolated = new Set<number>()
  for (const s of slivers) {
    let g = find(s)
    while (size[g] < threshold) {
      const nb = adj.get(g)
      if (!nb || nb.size === 0) { isolated.add(g); break }
      let best = -1
      let bestLen = -1
      for (const [h, len] of nb) {
        if (len > bestLen || (len === bestLen && (size[h] > size[best] || (size[h] === size[best] && h < best)))) { best = h; bestLen = len }
      }
      // g joins best; best's adjacency absorbs g's
      parent[g] = best
      size[best] += size[g]
      const into = adj.get(best) ?? new Map<number, number>()
      adj.set(best, into)
      into.delete(g)
      for (const [h, len] of nb) {
        if (h === best) continue
        into.set(h, (into.get(h) ?? 0) + len)
        const back = adj.get(h)!
        back.delete(g)
        back.set(best, (back.get(best) ?? 0) + len)
      }
      adj.delete(g)
      g = best
    }
  }
  const group = new Int32Array(n)
  for (let i = 0; i < n; i++) group[i] = find(i)
  return { group, isolated: isolated.size }
}
