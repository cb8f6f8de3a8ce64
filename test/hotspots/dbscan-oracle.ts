/**
 * scikit-learn's DBSCAN written out literally (all-pairs neighbourhoods, stack expansion in point
 * order, sklearn/cluster/_dbscan_inner.pyx), as an oracle for small inputs in tests.
 * `near(i, j)` decides whether j is in i's neighbourhood (itself included).
 */
export function dbscanOracle(n: number, near: (i: number, j: number) => boolean, minPts: number): { labels: Int32Array; core: Uint8Array } {
  const neighbourhoods: number[][] = []
  for (let i = 0; i < n; i++) {
    const list: number[] = []
    for (let j = 0; j < n; j++) if (near(i, j)) list.push(j)
    neighbourhoods.push(list)
  }
  const core = new Uint8Array(n)
  for (let i = 0; i < n; i++) core[i] = neighbourhoods[i].length >= minPts ? 1 : 0
  const labels = new Int32Array(n).fill(-1)
  let label = 0
  for (let start = 0; start < n; start++) {
    if (labels[start] !== -1 || !core[start]) continue
    const stack: number[] = []
    let i = start
    while (true) {
      if (labels[i] === -1) {
        labels[i] = label
        if (core[i]) for (const v of neighbourhoods[i]) if (labels[v] === -1) stack.push(v)
      }
      if (stack.length === 0) break
      i = stack.pop() as number
    }
    label++
  }
  return { labels, core }
}

/**
 * Compares two clusterings as partitions: returns a list of disagreements (empty when the core
 * points form the same clusters, the noise sets match and each border point sits in the
 * corresponding cluster, except where `ambiguous` allows any).
 */
export function partitionDiff(
  ours: Int32Array,
  ref: ArrayLike<number>,
  core: ArrayLike<boolean | number>,
  ambiguous?: ArrayLike<boolean>,
): string[] {
  const problems: string[] = []
  const toRef = new Map<number, number>()
  const toOurs = new Map<number, number>()
  for (let i = 0; i < ours.length; i++) {
    if (!core[i]) continue
    const a = ours[i]
    const b = ref[i]
    if (a < 0 || b < 0) {
      problems.push(`core point ${i}: ours ${a}, reference ${b}`)
      continue
    }
    if ((toRef.get(a) ?? b) !== b || (toOurs.get(b) ?? a) !== a) problems.push(`core point ${i}: cluster ${a} vs ${b} breaks the one-to-one map`)
    toRef.set(a, b)
    toOurs.set(b, a)
  }
  for (let i = 0; i < ours.length; i++) {
    if (core[i]) continue
    const a = ours[i]
    const b = ref[i]
    if ((a < 0) !== (b < 0)) problems.push(`point ${i}: noise disagrees (ours ${a}, reference ${b})`)
    else if (a >= 0 && !ambiguous?.[i] && toRef.get(a) !== b) problems.push(`border point ${i}: ours ${a} maps to ${toRef.get(a)}, reference ${b}`)
  }
  return problems
}
