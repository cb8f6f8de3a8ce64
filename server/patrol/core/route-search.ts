/**
 * Local search moves that shorten the walk while keeping every visit and dwell: within a route
 * 2-opt (Croes 1958) and or-opt (Or 1976: move a chain of 1–3 stops, possibly reversed); between
 * routes relocate and exchange (Savelsbergh 1992 move set) and CROSS exchange of short segments
 * (Taillard, Badeau, Gendreau, Guertin & Potvin 1997, Transp. Sci. 31(2)). First improvement; a move is taken only
 * if it saves metres and the schedule stays within windows and shift. Without time windows a
 * shorter walk is always feasible, so the O(n) schedule check runs only on routes with windows.
 */
import { DIST_EPS, type RouteSet } from './route-state'

const OR_OPT_MAX_CHAIN = 3 // longer chains rarely move profitably and cost O(n²) each

/** 2-opt on route r until no reversal shortens it. @returns whether anything changed */
export function twoOpt(rs: RouteSet, r: number): boolean {
  const { D, N } = rs.p
  const sq = rs.seq[r]
  const buf = rs.buffer()
  let changed = false
  let again = true
  while (again) {
    again = false
    const n = rs.len[r]
    for (let i = 0; i < n - 3; i++) {
      const a = sq[i]
      const b = sq[i + 1]
      const rowA = a * N
      const rowB = b * N
      const dab = D[rowA + b]
      for (let j = i + 2; j < n - 1; j++) {
        const c = sq[j]
        const d = sq[j + 1]
        const delta = D[rowA + c] + D[rowB + d] - dab - D[c * N + d]
        if (!(delta < -DIST_EPS)) continue
        if (rs.windowed[r] > 0) {
          buf.set(sq.subarray(0, n))
          buf.subarray(i + 1, j + 1).reverse()
          if (!rs.feasibleOrder(r, buf, n)) continue
        }
        sq.subarray(i + 1, j + 1).reverse()
        rs.refresh(r)
        changed = again = true
        break
      }
      if (again) break
    }
  }
  return changed
}

/** Or-opt on route r until no chain move shortens it. @returns whether anything changed */
export function orOpt(rs: RouteSet, r: number): boolean {
  const { D, N } = rs.p
  const sq = rs.seq[r]
  const buf = rs.buffer()
  let changed = false
  let again = true
  while (again) {
    again = false
    const n = rs.len[r]
    search: for (let L = 1; L <= OR_OPT_MAX_CHAIN; L++) {
      for (let i = 1; i + L - 1 <= n - 2; i++) {
        const p = sq[i - 1]
        const f = sq[i]
        const l = sq[i + L - 1]
        const q = sq[i + L]
        const gain = D[p * N + f] + D[l * N + q] - D[p * N + q]
        if (!(gain > DIST_EPS)) continue
        for (let j = 0; j < n - 1; j++) {
          if (j >= i - 1 && j <= i + L - 1) continue
          const x = sq[j]
          const y = sq[j + 1]
          const dxy = D[x * N + y]
          const fwdAdd = D[x * N + f] + D[l * N + y] - dxy
          const revAdd = D[x * N + l] + D[f * N + y] - dxy
          const reversed = revAdd < fwdAdd
          const add = reversed ? revAdd : fwdAdd
          if (!(add - gain < -DIST_EPS)) continue
          // new order: chain taken out of [i, i + L) and put after position j
          let o = 0
          for (let k = 0; k < n; k++) {
            if (k >= i && k < i + L) continue
            buf[o++] = sq[k]
            if (k === j) {
              if (reversed) for (let m = i + L - 1; m >= i; m--) buf[o++] = sq[m]
              else for (let m = i; m < i + L; m++) buf[o++] = sq[m]
            }
          }
          if (rs.windowed[r] > 0 && !rs.feasibleOrder(r, buf, n)) continue
          sq.set(buf.subarray(0, n))
          rs.refresh(r)
          changed = again = true
          break search
        }
      }
    }
  }
  return changed
}

/** 2-opt and or-opt alternately until neither improves route r. */
export function improveRoute(rs: RouteSet, r: number): void {
  let guard = 0
  while (guard++ < 100) {
    const a = twoOpt(rs, r)
    const b = orOpt(rs, r)
    if (!a && !b) return
  }
}

/**
 * Relocate: moves one cell (keeping its dwell choice) from route a to its cheapest feasible place in
 * route b when that shortens the total walk. Only cells eligible for b are tried.
 * @returns whether a move was made
 */
export function relocate(rs: RouteSet, a: number, b: number): boolean {
  const { D, N, W, eligible } = rs.p
  const sq = rs.seq[a]
  for (let k = 1; k < rs.len[a] - 1; k++) {
    const c = sq[k]
    if (!eligible[c * W + b]) continue
    const p = sq[k - 1]
    const q = sq[k + 1]
    const gain = D[p * N + c] + D[c * N + q] - D[p * N + q]
    if (!(gain > DIST_EPS)) continue
    const add = rs.evalInsert(b, c, rs.dwellOn[c] === 1)
    if (!(add - gain < -DIST_EPS)) continue
    const pos = rs.lastPos
    const dw = rs.dwellOn[c] === 1
    rs.removeAt(a, k)
    rs.insertAfter(b, pos, c, dw)
    return true
  }
  return false
}

/**
 * Exchange: swaps a cell of route a with a cell of route b, each taking the other's place, when
 * both are eligible for the other route, the walk gets shorter and both schedules stay feasible.
 * @returns whether a swap was made
 */
export function exchange(rs: RouteSet, a: number, b: number): boolean {
  const { D, N, W, eligible } = rs.p
  const sa = rs.seq[a]
  const sb = rs.seq[b]
  const buf = rs.buffer()
  for (let i = 1; i < rs.len[a] - 1; i++) {
    const c = sa[i]
    if (!eligible[c * W + b]) continue
    const pa = sa[i - 1]
    const qa = sa[i + 1]
    const outA = D[pa * N + c] + D[c * N + qa]
    for (let j = 1; j < rs.len[b] - 1; j++) {
      const d = sb[j]
      if (!eligible[d * W + a]) continue
      const pb = sb[j - 1]
      const qb = sb[j + 1]
      const delta = D[pa * N + d] + D[d * N + qa] - outA + D[pb * N + c] + D[c * N + qb] - D[pb * N + d] - D[d * N + qb]
      if (!(delta < -DIST_EPS)) continue
      const na = rs.len[a]
      buf.set(sa.subarray(0, na))
      buf[i] = d
      if (!rs.feasibleOrder(a, buf, na)) continue
      const nb = rs.len[b]
      buf.set(sb.subarray(0, nb))
      buf[j] = c
      if (!rs.feasibleOrder(b, buf, nb)) continue
      sa[i] = d
      sb[j] = c
      rs.routeOf[c] = b
      rs.routeOf[d] = a
      const { mandatory, hasWindow } = rs.p
      rs.mandCount[a] += mandatory[d] - mandatory[c]
      rs.mandCount[b] += mandatory[c] - mandatory[d]
      rs.windowed[a] += hasWindow[d] - hasWindow[c]
      rs.windowed[b] += hasWindow[c] - hasWindow[d]
      rs.refresh(a)
      rs.refresh(b)
      return true
    }
  }
  return false
}

const CROSS_MAX_SEGMENT = 3 // segment lengths tried by CROSS exchange

/**
 * CROSS exchange: swaps a segment of 1–3 consecutive visits of route a with one of route b (order
 * kept) when every moved cell may go to its new route, the walk gets shorter and both schedules
 * stay feasible.
 * @returns whether a swap was made
 */
export function crossExchange(rs: RouteSet, a: number, b: number): boolean {
  const { D, N, W, eligible, mandatory, hasWindow } = rs.p
  const sa = rs.seq[a]
  const sb = rs.seq[b]
  const na = rs.len[a]
  const nb = rs.len[b]
  for (let L1 = 1; L1 <= CROSS_MAX_SEGMENT; L1++) {
    for (let i = 1; i + L1 <= na - 1; i++) {
      let okA = true
      for (let k = i; k < i + L1; k++) if (!eligible[sa[k] * W + b]) okA = false
      if (!okA) continue
      const pa = sa[i - 1]
      const fa = sa[i]
      const la = sa[i + L1 - 1]
      const qa = sa[i + L1]
      const outA = D[pa * N + fa] + D[la * N + qa]
      for (let L2 = 1; L2 <= CROSS_MAX_SEGMENT; L2++) {
        for (let j = 1; j + L2 <= nb - 1; j++) {
          const pb = sb[j - 1]
          const fb = sb[j]
          const lb = sb[j + L2 - 1]
          const qb = sb[j + L2]
          const delta = D[pa * N + fb] + D[lb * N + qa] + D[pb * N + fa] + D[la * N + qb] - outA - D[pb * N + fb] - D[lb * N + qb]
          if (!(delta < -DIST_EPS)) continue
          let okB = true
          for (let k = j; k < j + L2; k++) if (!eligible[sb[k] * W + a]) okB = false
          if (!okB) continue
          const bufA = rs.buffer()
          const bufB = rs.buffer2()
          let o = 0
          for (let k = 0; k < i; k++) bufA[o++] = sa[k]
          for (let k = j; k < j + L2; k++) bufA[o++] = sb[k]
          for (let k = i + L1; k < na; k++) bufA[o++] = sa[k]
          const newNa = o
          o = 0
          for (let k = 0; k < j; k++) bufB[o++] = sb[k]
          for (let k = i; k < i + L1; k++) bufB[o++] = sa[k]
          for (let k = j + L2; k < nb; k++) bufB[o++] = sb[k]
          const newNb = o
          if (!rs.feasibleOrder(a, bufA, newNa) || !rs.feasibleOrder(b, bufB, newNb)) continue
          for (let k = i; k < i + L1; k++) {
            const c = sa[k]
            rs.routeOf[c] = b
            rs.mandCount[a] -= mandatory[c]
            rs.mandCount[b] += mandatory[c]
            rs.windowed[a] -= hasWindow[c]
            rs.windowed[b] += hasWindow[c]
          }
          for (let k = j; k < j + L2; k++) {
            const c = sb[k]
            rs.routeOf[c] = a
            rs.mandCount[b] -= mandatory[c]
            rs.mandCount[a] += mandatory[c]
            rs.windowed[b] -= hasWindow[c]
            rs.windowed[a] += hasWindow[c]
          }
          sa.set(bufA.subarray(0, newNa))
          sb.set(bufB.subarray(0, newNb))
          rs.len[a] = newNa
          rs.len[b] = newNb
          rs.refresh(a)
          rs.refresh(b)
          return true
        }
      }
    }
  }
  return false
}
