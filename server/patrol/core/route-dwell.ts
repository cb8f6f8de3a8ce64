/**
 * Spending spare shift time on dwell, the orienteering part of the plan. `fillDwell` is the greedy
 * insertion of the team orienteering literature (Vansteenwegen et al. 2009, ILS for the TOPTW,
 * Comput. Oper. Res. 36(12)): repeatedly take the feasible option with the best value per minute,
 * where an option is either turning a pass-by visit into a dwell visit (value/minute = priority) or
 * inserting an optional cell with its dwell (value / (detour + dwell minutes)). `replaceDwell` is the
 * "replace" move of Vansteenwegen et al. (2009, guided local search for the TOP, EJOR 196): give up
 * a dwell of lower value for one of higher value that then fits.
 */
import type { InsertionCache } from './route-construct'
import { TIME_EPS, type RouteSet } from './route-state'

const VALUE_EPS = 1e-9 // priority × minutes: equal values tie
const MIN_MINUTES = 1e-6 // floor of the time an option costs, so ratios stay finite

/**
 * Greedy dwell fill on the given routes. On routes with time windows a pass-by visit that cannot
 * dwell where it is may also be moved to where it can (value per minute of detour plus dwell).
 * `optional` lists the optional cells with value > 0; `banned` is a cell not to take (the one a
 * replace move just gave up).
 * @returns whether any dwell was added
 */
export function fillDwell(rs: RouteSet, cache: InsertionCache, routes: ArrayLike<number>, optional: Int32Array, banned = -1): boolean {
  const { priority, value, dwell, W, eligible, speed, D, N } = rs.p
  let changed = false
  while (true) {
    let bestRatio = 0
    let bestR = -1
    let bestK = -1
    let bestC = -1
    let bestPos = -1
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i]
      const sq = rs.seq[r]
      for (let k = 1, n = rs.len[r] - 1; k < n; k++) {
        const c = sq[k]
        if (rs.dwellOn[c] || !(value[c] > 0) || c === banned) continue
        const ratio = priority[c]
        if (ratio < bestRatio || (ratio === bestRatio && c > bestC)) continue
        if (!rs.canDwell(r, k)) continue
        bestRatio = ratio
        bestR = r
        bestK = k
        bestC = c
        bestPos = -1
      }
    }
    for (let j = 0; j < optional.length; j++) {
      const c = optional[j]
      if (rs.routeOf[c] >= 0 || c === banned) continue
      for (let i = 0; i < routes.length; i++) {
        const r = routes[i]
        if (!eligible[c * W + r]) continue
        const add = cache.get(c, r)
        if (!(add < Infinity)) continue
        const ratio = value[c] / (add / speed[r] + dwell[c])
        if (ratio < bestRatio || (ratio === bestRatio && c > bestC)) continue
        bestRatio = ratio
        bestR = r
        bestK = -1
        bestC = c
        bestPos = cache.lastPos
      }
    }
    // with windows a visit that cannot dwell where it is may dwell elsewhere in its route; tried
    // last and only where it could beat the best option so far, since each trial re-times the route
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i]
      if (rs.windowed[r] === 0) continue
      const sq = rs.seq[r]
      const n = rs.len[r]
      // minutes the route could give: slack at the end plus all waiting
      let spare = rs.fwd[r][n - 1]
      for (let k = 1; k < n - 1; k++) spare += rs.beg[r][k] - rs.arr[r][k]
      for (let k = 1; k < rs.len[r] - 1; k++) {
        const c = sq[k]
        if (rs.dwellOn[c] || !(value[c] > 0) || c === banned || !(priority[c] > bestRatio)) continue
        const gain = D[sq[k - 1] * N + c] + D[c * N + sq[k + 1]] - D[sq[k - 1] * N + sq[k + 1]]
        if (dwell[c] - gain / speed[r] > spare + TIME_EPS || rs.canDwell(r, k)) continue
        rs.removeAt(r, k)
        const add = rs.evalInsert(r, c, true)
        const pos = rs.lastPos
        rs.insertAfter(r, k - 1, c, false)
        if (!(add < Infinity)) continue
        const ratio = value[c] / Math.max(dwell[c] + (add - gain) / speed[r], MIN_MINUTES)
        if (ratio < bestRatio || (ratio === bestRatio && c > bestC)) continue
        bestRatio = ratio
        bestR = r
        bestK = k
        bestC = c
        bestPos = pos
      }
    }
    if (bestR < 0) return changed
    if (bestK >= 0 && bestPos < 0) {
      rs.dwellOn[bestC] = 1
      rs.refresh(bestR)
    } else if (bestK >= 0) {
      rs.removeAt(bestR, bestK)
      rs.insertAfter(bestR, bestPos, bestC, true)
    } else {
      rs.insertAfter(bestR, bestPos, bestC, true)
    }
    changed = true
  }
}

/**
 * Replace moves on route r, until none improves the route's dwell value:
 * - k-for-1: for each option not taken (a pass-by cell worth dwelling at, or an optional cell),
 *   highest value first, give up the cheapest dwells of the route one by one, while their total
 *   value stays below the option's, until the option fits;
 * - 1-for-k: give up one dwell and refill greedily without it.
 * @returns whether the route's dwell value went up
 */
export function replaceDwell(rs: RouteSet, cache: InsertionCache, r: number, optional: Int32Array): boolean {
  const { value, dwell, priority, W, eligible, mandatory } = rs.p
  const sq = rs.seq[r]
  const start = rs.value[r]
  const strip = (c: number): void => {
    if (mandatory[c]) {
      rs.dwellOn[c] = 0
      rs.refresh(r)
    } else {
      rs.removeAt(r, rs.positionOf(c))
    }
  }
  const tryAdd = (d: number): boolean => {
    if (rs.routeOf[d] === r) {
      const k = rs.positionOf(d)
      if (!rs.canDwell(r, k)) return false
      rs.dwellOn[d] = 1
      rs.refresh(r)
      return true
    }
    if (!(cache.get(d, r) < Infinity)) return false
    rs.insertAfter(r, cache.lastPos, d, true)
    return true
  }
  let improved = true
  let guard = 0
  while (improved && guard++ < 1000) {
    improved = false
    const wanted: number[] = []
    const given: number[] = []
    for (let k = 1; k < rs.len[r] - 1; k++) {
      const c = sq[k]
      if (!(value[c] > 0)) continue
      if (rs.dwellOn[c]) given.push(c)
      else wanted.push(c)
    }
    for (let j = 0; j < optional.length; j++) {
      const c = optional[j]
      if (rs.routeOf[c] < 0 && eligible[c * W + r]) wanted.push(c)
    }
    if (given.length === 0) break
    wanted.sort((a, b) => value[b] - value[a] || a - b)
    given.sort((a, b) => value[a] - value[b] || a - b)
    // Without windows every position has the same slack (minutes left at the end), so whether
    // giving up pass-by dwells makes room is plain arithmetic: the route is only touched to apply.
    const noWindows = rs.windowed[r] === 0
    const slack = rs.fwd[r][rs.len[r] - 1]
    outer: for (const d of wanted) {
      if (!(value[given[0]] < value[d] - VALUE_EPS)) break
      if (noWindows && rs.routeOf[d] === r) {
        let lost = 0
        let freed = 0
        let cut = -1
        for (let i = 0; i < given.length; i++) {
          const c = given[i]
          if (!(lost + value[c] < value[d] - VALUE_EPS)) break
          if (!mandatory[c]) {
            cut = -2 // an optional visit leaves with its detour: measure on the route
            break
          }
          lost += value[c]
          freed += dwell[c]
          if (dwell[d] <= slack + freed + TIME_EPS) {
            cut = i
            break
          }
        }
        if (cut === -1) continue
        if (cut >= 0) {
          for (let i = 0; i <= cut; i++) rs.dwellOn[given[i]] = 0
          rs.dwellOn[d] = 1
          rs.refresh(r)
          improved = true
          break outer
        }
      }
      const snap = rs.snapshot([r])
      let lost = 0
      for (const c of given) {
        if (!(lost + value[c] < value[d] - VALUE_EPS)) break
        strip(c)
        lost += value[c]
        if (tryAdd(d)) {
          improved = true
          break outer
        }
      }
      rs.restore(snap)
    }
    if (!improved) {
      // pass-by cells worth a dwell, best value per minute first, for the arithmetic pre-check
      const toggles = noWindows ? wanted.filter((d) => rs.routeOf[d] === r).sort((a, b) => priority[b] - priority[a] || a - b) : []
      for (const c of given) {
        if (noWindows && mandatory[c]) {
          let room = slack + dwell[c]
          let gain = 0
          for (const d of toggles) {
            if (dwell[d] <= room + TIME_EPS) {
              room -= dwell[d]
              gain += value[d]
            }
          }
          // optional cells could still make it worth it, but rarely: skip the costly trial
          if (!(gain > value[c] + VALUE_EPS)) continue
        }
        const snap = rs.snapshot([r])
        const before = rs.value[r]
        strip(c)
        fillDwell(rs, cache, [r], optional, c)
        if (rs.value[r] > before + VALUE_EPS * Math.max(1, before)) {
          improved = true
          break
        }
        rs.restore(snap)
      }
    }
    if (improved) fillDwell(rs, cache, [r], optional)
  }
  return rs.value[r] > start + VALUE_EPS
}
