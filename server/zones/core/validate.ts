/**
 * Explains infeasible zoning requests before any optimisation runs, and prepares the plan the
 * optimiser works to: regions (groups under nesting, else separate pieces of the cell graph), zones
 * per region, zone ids per region, workload target per zone, and the cells anchored to each zone
 * (fixed cells plus the shortest corridors that join a zone's fixed cells into one piece).
 */
import { AppError } from '../../shared/errors'
import { apportion } from './apportion'
import { cellGeometry } from './geometry'
import { pieces, shortestPath } from './graph'
import type { ZoningInput, ZoningIssue, ZoningIssueCode, ZoningOptions } from './types'

/** What the optimiser needs to know about regions and anchors; produced only for valid requests. */
export interface ZoningPlan {
  K: number
  /** region per cell: index into the region arrays below */
  region: Int32Array
  regionCount: number
  /** group id of each region under nesting, −1 when regions are pieces of the cell graph */
  regionGroup: Int32Array
  /** total workload per region */
  regionWorkload: Float64Array
  /** zones per region (Huntington–Hill) */
  zonesPerRegion: Int32Array
  /** region of each zone id */
  zoneRegion: Int32Array
  /** workload target per zone: its region's workload / its region's zones */
  target: Float64Array
  /** zone each cell must start in (fixed cells and the corridors joining them), −1 for free cells */
  anchor: Int32Array
  /** true for cells that may never leave their zone */
  locked: Uint8Array
}

/** Outcome of `validateZoning`: errors block the run, warnings do not. */
export interface ZoningValidation {
  errors: ZoningIssue[]
  warnings: ZoningIssue[]
  /** null when there are errors */
  plan: ZoningPlan | null
}

/**
 * Thrown by `balancedZones` for an infeasible request (HTTP 422 through the shared problem+json
 * path); `issues` holds every error found, also under `details.issues`.
 */
export class ZoningInfeasibleError extends AppError {
  constructor(readonly issues: ZoningIssue[]) {
    super('WG_ZONING_INFEASIBLE', issues.map((i) => i.message).join('\n'), 422, { issues })
    this.name = 'ZoningInfeasibleError'
  }
}

/** A zone may exceed its target by this share before a warning says balance is out of reach. */
const BALANCE_SLACK = 0.05
/** How many offending cells or pieces a message names before it says "…and N more". */
const LIST_LIMIT = 5

const issue = (code: ZoningIssueCode, message: string, details: Record<string, unknown>): ZoningIssue => ({ code, message, details })

function listed(items: ArrayLike<number | string>, limit = LIST_LIMIT): string {
  const shown = Array.from(items).slice(0, limit).join(', ')
  return items.length > limit ? `${shown} … and ${items.length - limit} more` : shown
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1))

/**
 * Checks a zoning request and, when it can be met, prepares its plan.
 * Every error says what failed, where (cell ids, group ids, zone ids) and what to do.
 */
export function validateZoning(input: ZoningInput, options: ZoningOptions): ZoningValidation {
  const errors: ZoningIssue[] = []
  const warnings: ZoningIssue[] = []
  const done = (): ZoningValidation => ({ errors, warnings, plan: null })

  checkShapes(input, errors)
  if (errors.length) return done()
  checkOptions(input, options, errors)
  checkAdjacency(input, errors)
  checkWorkload(input, errors)
  if (errors.length) return done()

  const { n, adjacency, workload } = input
  const K = options.K
  if (K > n) {
    errors.push(
      issue('K_EXCEEDS_CELLS', `K = ${K} zones were asked for but there are only ${n} cells; every zone needs at least one cell. Choose K ≤ ${n}.`, { K, n }),
    )
    return done()
  }

  // Regions: the parts of the city that zones may not cross.
  const nesting = options.nesting === true
  let region: Int32Array
  let regionCount: number
  let regionGroup: Int32Array
  if (nesting) {
    const group = input.group as Int32Array
    const ids = Array.from(new Set(Array.from(group))).sort((a, b) => a - b)
    const index = new Map(ids.map((g, r) => [g, r]))
    region = Int32Array.from(group, (g) => index.get(g) as number)
    regionCount = ids.length
    regionGroup = Int32Array.from(ids)
    const parts = pieces(adjacency, region)
    const byRegion: number[][] = Array.from({ length: regionCount }, () => [])
    for (let p = 0; p < parts.count; p++) byRegion[parts.key[p]].push(p)
    for (let r = 0; r < regionCount; r++) {
      if (byRegion[r].length < 2) continue
      const ps = byRegion[r].sort((a, b) => parts.size[b] - parts.size[a])
      const desc = ps.map((p) => `${parts.size[p]} cells incl. cell ${parts.first[p]}`)
      errors.push(
        issue(
          'GROUP_DISCONNECTED',
          `Group ${ids[r]} is split into ${ps.length} separate pieces (${listed(desc)}), so no zone nested in it can be contiguous. ` +
            `Assign the smaller pieces to the neighbouring group they touch, or add the missing adjacency (e.g. a bridge) between the pieces.`,
          { group: ids[r], pieces: ps.map((p) => ({ cells: parts.size[p], firstCell: parts.first[p] })) },
        ),
      )
    }
    if (K < regionCount) {
      errors.push(
        issue(
          'K_BELOW_GROUPS',
          `Nesting needs at least one zone per group, but there are ${regionCount} groups and K = ${K}. Raise K to at least ${regionCount}, merge groups, or turn nesting off.`,
          { K, groups: regionCount },
        ),
      )
    }
  } else {
    const parts = pieces(adjacency, null)
    region = parts.label
    regionCount = parts.count
    regionGroup = new Int32Array(regionCount).fill(-1)
    if (regionCount > 1) {
      const order = Array.from({ length: regionCount }, (_, p) => p).sort((a, b) => parts.size[a] - parts.size[b])
      const desc = order.map((p) => `${parts.size[p]} cells incl. cell ${parts.first[p]}`)
      const details = { pieces: order.map((p) => ({ cells: parts.size[p], firstCell: parts.first[p] })) }
      if (K < regionCount) {
        errors.push(
          issue(
            'K_BELOW_PIECES',
            `The cells fall into ${regionCount} separate pieces with no shared edge between them (smallest first: ${listed(desc)}); ` +
              `a contiguous zone cannot span two pieces, so K = ${K} is too few. Raise K to at least ${regionCount}, or add the missing adjacency (bridges, islands' links).`,
            { K, ...details },
          ),
        )
      } else {
        warnings.push(
          issue(
            'GRAPH_PIECES',
            `The cells fall into ${regionCount} separate pieces (smallest first: ${listed(desc)}); each piece gets its own zones. Check that no adjacency (a bridge) is missing.`,
            details,
          ),
        )
      }
    }
  }
  if (errors.length) return done()

  const regionWorkload = new Float64Array(regionCount)
  const regionCells = new Int32Array(regionCount)
  for (let i = 0; i < n; i++) {
    regionWorkload[region[i]] += workload[i]
    regionCells[region[i]]++
  }
  const regionName = (r: number): string => (nesting ? `group ${regionGroup[r]}` : `the piece of the cell graph holding cell ${firstCellOf(region, r)}`)

  // Fixed cells: zone ids in range, one region per zone, joinable within the region.
  const fixed = input.fixed
  const fixedZones: number[] = []
  const fixedRegion = new Int32Array(K).fill(-1)
  const minZones = new Int32Array(regionCount).fill(1)
  if (fixed) {
    const bad: number[] = []
    for (let i = 0; i < n; i++) if (fixed[i] < -1 || fixed[i] >= K || !Number.isInteger(fixed[i])) bad.push(i)
    if (bad.length) {
      errors.push(
        issue(
          'FIXED_ZONE_OUT_OF_RANGE',
          `Cells ${listed(bad)} are fixed to zone ids outside 0 … ${K - 1} (${listed(bad.map((i) => fixed[i]))}). Use −1 for free cells and zone ids below K = ${K}.`,
          { cells: bad, zones: bad.map((i) => fixed[i]) },
        ),
      )
      return done()
    }
    const regionsOf: Set<number>[] = Array.from({ length: K }, () => new Set<number>())
    for (let i = 0; i < n; i++) if (fixed[i] >= 0) regionsOf[fixed[i]].add(region[i])
    for (let z = 0; z < K; z++) {
      if (!regionsOf[z].size) continue
      fixedZones.push(z)
      if (regionsOf[z].size > 1) {
        const rs = Array.from(regionsOf[z]).sort((a, b) => a - b)
        errors.push(
          issue(
            'FIXED_ZONE_ACROSS_REGIONS',
            nesting
              ? `Zone ${z} has fixed cells in groups ${listed(rs.map((r) => regionGroup[r]))}, but with nesting a zone lies inside one group. Fix those cells to different zones, or turn nesting off.`
              : `Zone ${z} has fixed cells in ${rs.length} pieces of the cell graph that share no edge (${listed(rs.map((r) => `piece holding cell ${firstCellOf(region, r)}`))}), so the zone cannot be contiguous. Fix those cells to different zones, or add the missing adjacency.`,
            { zone: z, regions: rs, groups: nesting ? rs.map((r) => regionGroup[r]) : undefined },
          ),
        )
      } else {
        fixedRegion[z] = regionsOf[z].values().next().value as number
      }
    }
    if (errors.length) return done()
    for (const z of fixedZones) minZones[fixedRegion[z]] = 0
    for (const z of fixedZones) minZones[fixedRegion[z]]++
    for (let r = 0; r < regionCount; r++) minZones[r] = Math.max(1, minZones[r])
    for (const z of fixedZones) checkFixedJoinable(input, region, z, errors)
    if (errors.length) return done()
  }

  // Diameter: fixed cells of a zone must fit, and each region needs enough zones to cover it.
  if (options.maxDiameter !== undefined) {
    const D = options.maxDiameter
    const geometry = cellGeometry(input)
    if (fixed) {
      for (const z of fixedZones) {
        const cells: number[] = []
        for (let i = 0; i < n; i++) if (fixed[i] === z) cells.push(i)
        let worst = 0
        let pair = [0, 0]
        for (let a = 0; a < cells.length; a++) {
          for (let b = a + 1; b < cells.length; b++) {
            const d = Math.hypot(input.x[cells[a]] - input.x[cells[b]], input.y[cells[a]] - input.y[cells[b]])
            if (d > worst) {
              worst = d
              pair = [cells[a], cells[b]]
            }
          }
        }
        if (worst > D) {
          errors.push(
            issue(
              'FIXED_ZONE_TOO_WIDE',
              `Zone ${z} has fixed cells ${pair[0]} and ${pair[1]} that are ${fmt(worst)} m apart, more than maxDiameter = ${fmt(D)} m. Raise maxDiameter or unfix one of them.`,
              { zone: z, cells: pair, distance: worst, maxDiameter: D },
            ),
          )
        }
      }
    }
    // Isodiametric inequality: a set of diameter d has area ≤ π d²/4. Centroids within D put whole
    // cells within D + 2ρ, ρ bounding the centroid-to-boundary distance (√a is generous for any
    // compact cell, so this bound never rejects a feasible request of ordinary cells).
    let maxArea = 0
    for (let i = 0; i < n; i++) maxArea = Math.max(maxArea, geometry.area[i])
    const reach = D + 2 * Math.sqrt(maxArea)
    const coverable = (Math.PI * reach * reach) / 4
    const regionArea = new Float64Array(regionCount)
    for (let i = 0; i < n; i++) regionArea[region[i]] += geometry.area[i]
    let needed = 0
    for (let r = 0; r < regionCount; r++) {
      const need = Math.ceil(regionArea[r] / coverable - 1e-9)
      minZones[r] = Math.max(minZones[r], Math.min(need, regionCells[r]))
      needed += Math.min(need, regionCells[r])
    }
    if (needed > K) {
      errors.push(
        issue(
          'MAX_DIAMETER_TOO_SMALL',
          `Zones at most ${fmt(D)} m across cover at most ${(coverable / 1e6).toPrecision(2)} km² each, so covering ${(sumOf(regionArea) / 1e6).toPrecision(3)} km² takes at least ${needed} zones, but K = ${K}. Raise K or maxDiameter.`,
          { maxDiameter: D, K, zonesNeeded: needed },
        ),
      )
      return done()
    }
  }

  // Anchors: fixed cells, and the corridors that join each fixed zone's cells into one piece.
  const anchor = new Int32Array(n).fill(-1)
  const locked = new Uint8Array(n)
  if (fixed) {
    for (let i = 0; i < n; i++) {
      if (fixed[i] >= 0) {
        anchor[i] = fixed[i]
        locked[i] = 1
      }
    }
    joinFixedCells(input, region, anchor, fixedZones, errors)
    if (errors.length) return done()
  }
  // A region holds at most its fixed zones plus one zone per cell left free by the anchors.
  const maxZones = Int32Array.from(regionCells)
  if (fixed) {
    const anchored = new Int32Array(regionCount)
    for (let i = 0; i < n; i++) if (anchor[i] >= 0) anchored[region[i]]++
    const fixedIn = new Int32Array(regionCount)
    for (const z of fixedZones) fixedIn[fixedRegion[z]]++
    let room = 0
    for (let r = 0; r < regionCount; r++) {
      maxZones[r] = regionCells[r] - anchored[r] + fixedIn[r]
      room += maxZones[r]
    }
    if (room < K) {
      const used = anchored.reduce((a, b) => a + b, 0)
      errors.push(
        issue(
          'K_EXCEEDS_FREE_CELLS',
          `Fixed cells and the shortest corridors joining each fixed zone take ${used} of the ${n} cells, leaving room for at most ${room} zones, but K = ${K}. Lower K, or fix fewer or closer cells.`,
          { K, n, anchoredCells: used, maxZones: room },
        ),
      )
      return done()
    }
  }

  const zonesPerRegion = apportion(regionWorkload, K, minZones, maxZones)
  if (!zonesPerRegion) {
    const short: string[] = []
    let need = 0
    for (let r = 0; r < regionCount; r++) {
      need += minZones[r]
      if (minZones[r] > 1) short.push(`${regionName(r)} needs ${minZones[r]}`)
    }
    errors.push(
      issue(
        'TOO_FEW_ZONES',
        `The constraints need at least ${need} zones (${listed(short)}; one per distinct fixed zone, one per ${nesting ? 'group' : 'piece'}), but K = ${K}. Raise K, or fix fewer zones.`,
        { K, zonesNeeded: need, perRegion: Array.from(minZones) },
      ),
    )
    return done()
  }

  const zoneRegion = assignZoneIds(input, region, regionCount, zonesPerRegion, fixedRegion, K)

  const target = new Float64Array(K)
  for (let z = 0; z < K; z++) target[z] = regionWorkload[zoneRegion[z]] / zonesPerRegion[zoneRegion[z]]
  const plan: ZoningPlan = { K, region, regionCount, regionGroup, regionWorkload, zonesPerRegion, zoneRegion, target, anchor, locked }
  balanceWarnings(input, plan, nesting, warnings)
  return { errors, warnings, plan }
}

function sumOf(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]
  return s
}

function firstCellOf(region: Int32Array, r: number): number {
  return region.indexOf(r)
}

function checkShapes(input: ZoningInput, errors: ZoningIssue[]): void {
  const { n, adjacency } = input
  if (!Number.isInteger(n) || n < 1) {
    errors.push(issue('INPUT_SHAPE', `n = ${n} cells: there must be at least one cell (n a positive integer).`, { field: 'n', value: n }))
    return
  }
  const wrong = (field: string, expected: number, got: number): void => {
    errors.push(issue('INPUT_SHAPE', `${field} has ${got} entries but ${expected} were expected; every per-cell array must follow cell order 0 … n − 1.`, { field, expected, got }))
  }
  if (!adjacency || adjacency.n !== n) {
    errors.push(issue('INPUT_SHAPE', `adjacency describes ${adjacency?.n} cells but n = ${n}; build it from the same cells.`, { field: 'adjacency.n', expected: n, got: adjacency?.n }))
    return
  }
  if (adjacency.offsets.length !== n + 1) wrong('adjacency.offsets', n + 1, adjacency.offsets.length)
  else if (adjacency.indices.length !== adjacency.offsets[n]) wrong('adjacency.indices', adjacency.offsets[n], adjacency.indices.length)
  for (const field of ['workload', 'x', 'y'] as const) {
    if (!input[field] || input[field].length !== n) wrong(field, n, input[field]?.length ?? 0)
  }
  for (const field of ['area', 'perimeter', 'group', 'fixed', 'current', 'clusters'] as const) {
    const a = input[field]
    if (a && a.length !== n) wrong(field, n, a.length)
  }
  if (input.perimeterEdges && input.perimeterEdges.length !== adjacency.indices.length) {
    wrong('perimeterEdges', adjacency.indices.length, input.perimeterEdges.length)
  }
  if (errors.length) return
  const badXY: number[] = []
  for (let i = 0; i < n; i++) if (!Number.isFinite(input.x[i]) || !Number.isFinite(input.y[i])) badXY.push(i)
  if (badXY.length) errors.push(issue('INPUT_SHAPE', `Cells ${listed(badXY)} have no finite centroid; give x, y in metres of a projected CRS.`, { field: 'x,y', cells: badXY }))
  if (input.area) {
    const bad: number[] = []
    for (let i = 0; i < n; i++) if (!(input.area[i] > 0) || !Number.isFinite(input.area[i])) bad.push(i)
    if (bad.length) errors.push(issue('INPUT_SHAPE', `Cells ${listed(bad)} have an area that is not a positive number of m².`, { field: 'area', cells: bad }))
  }
}

function checkOptions(input: ZoningInput, options: ZoningOptions, errors: ZoningIssue[]): void {
  const bad = (option: string, message: string, value: unknown): void => {
    errors.push(issue('OPTIONS_INVALID', message, { option, value }))
  }
  if (!Number.isInteger(options.K) || options.K < 1) bad('K', `K = ${options.K}: the number of zones must be a positive integer.`, options.K)
  const w = options.weights ?? {}
  for (const [name, v] of Object.entries(w)) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) bad(`weights.${name}`, `weights.${name} = ${v}: weights must be finite and ≥ 0.`, v)
  }
  if (options.maxDiameter !== undefined && !(options.maxDiameter > 0 && Number.isFinite(options.maxDiameter))) {
    bad('maxDiameter', `maxDiameter = ${options.maxDiameter}: give a positive distance in metres, or leave it out.`, options.maxDiameter)
  }
  if (options.balanceTolerance !== undefined && !(options.balanceTolerance > 0 && options.balanceTolerance < 1)) {
    bad('balanceTolerance', `balanceTolerance = ${options.balanceTolerance}: give the accepted relative deviation from the target, e.g. 0.03 for ±3 %.`, options.balanceTolerance)
  }
  if (options.timeBudgetMs !== undefined && !(options.timeBudgetMs > 0)) bad('timeBudgetMs', `timeBudgetMs = ${options.timeBudgetMs}: give a positive number of milliseconds.`, options.timeBudgetMs)
  if (options.maxIterations !== undefined && !(Number.isInteger(options.maxIterations) && options.maxIterations >= 0)) {
    bad('maxIterations', `maxIterations = ${options.maxIterations}: give a non-negative integer.`, options.maxIterations)
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) bad('seed', `seed = ${options.seed}: give a finite integer.`, options.seed)
  if (options.nesting) {
    if (!input.group) {
      bad('nesting', 'nesting is on but no group (community or street id per cell) was given; pass input.group or turn nesting off.', true)
    } else {
      const none: number[] = []
      for (let i = 0; i < input.n; i++) if (!(input.group[i] >= 0)) none.push(i)
      if (none.length) bad('nesting', `With nesting every cell needs a group id ≥ 0, but cells ${listed(none)} have none. Assign them to the group they lie in.`, none)
    }
  }
}

function checkAdjacency(input: ZoningInput, errors: ZoningIssue[]): void {
  const { n, adjacency, perimeterEdges } = input
  const { offsets, indices } = adjacency
  const asymmetric: [number, number][] = []
  const unequal: [number, number][] = []
  const outOfRange: number[] = []
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e]
      if (j >= n || j === i) {
        outOfRange.push(i)
        continue
      }
      let back = -1
      for (let f = offsets[j]; f < offsets[j + 1]; f++) {
        if (indices[f] === i) {
          back = f
          break
        }
      }
      if (back < 0) asymmetric.push([i, j])
      else if (perimeterEdges && i < j && Math.abs(perimeterEdges[e] - perimeterEdges[back]) > 1e-6 * Math.max(1, perimeterEdges[e])) unequal.push([i, j])
    }
  }
  if (outOfRange.length) {
    errors.push(issue('ADJACENCY_INVALID', `Cells ${listed(outOfRange)} list themselves or a cell id ≥ n = ${n} as a neighbour; rebuild the adjacency.`, { cells: outOfRange }))
  }
  if (asymmetric.length) {
    errors.push(
      issue(
        'ADJACENCY_INVALID',
        `Adjacency is not symmetric: ${listed(asymmetric.map(([i, j]) => `${i}→${j}`))} have no way back. Sharing an edge is mutual; rebuild the neighbour lists from the cell polygons.`,
        { pairs: asymmetric },
      ),
    )
  }
  if (unequal.length) {
    errors.push(
      issue(
        'ADJACENCY_INVALID',
        `perimeterEdges gives different shared-boundary lengths in the two directions for ${listed(unequal.map(([i, j]) => `${i}–${j}`))}; align it with adjacency.indices.`,
        { pairs: unequal },
      ),
    )
  }
}

function checkWorkload(input: ZoningInput, errors: ZoningIssue[]): void {
  const bad: number[] = []
  let total = 0
  for (let i = 0; i < input.n; i++) {
    const w = input.workload[i]
    if (!(w >= 0) || !Number.isFinite(w)) bad.push(i)
    else total += w
  }
  if (bad.length) {
    errors.push(issue('WORKLOAD_INVALID', `Cells ${listed(bad)} have a workload that is negative or not a number (${listed(bad.map((i) => input.workload[i]))}). Give every cell a workload ≥ 0.`, { cells: bad }))
  } else if (total <= 0) {
    errors.push(issue('WORKLOAD_ZERO', 'Every cell has workload 0, so there is nothing to balance. Pass cell counts (1 per cell) or areas as the workload to balance zone size instead.', {}))
  }
}

/** Fixed cells of zone z must be joinable through cells free or fixed to z, inside their region. */
function checkFixedJoinable(input: ZoningInput, region: Int32Array, z: number, errors: ZoningIssue[]): void {
  const fixed = input.fixed as Int32Array
  const key = Int32Array.from(region, (r, i) => (fixed[i] === -1 || fixed[i] === z ? r : -1))
  const parts = pieces(input.adjacency, key)
  const seen = new Map<number, number[]>()
  for (let i = 0; i < input.n; i++) {
    if (fixed[i] !== z) continue
    const p = parts.label[i]
    if (!seen.has(p)) seen.set(p, [])
    ;(seen.get(p) as number[]).push(i)
  }
  if (seen.size < 2) return
  const groups = Array.from(seen.values())
  errors.push(
    issue(
      'FIXED_ZONE_DISCONNECTED',
      `The fixed cells of zone ${z} cannot be joined into one contiguous zone: ${groups.map((g) => `{${listed(g, 3)}}`).join(' and ')} are cut apart by cells fixed to other zones${input.group ? ' or by the group boundary' : ''}. Unfix some of those cells, or fix them to different zones.`,
      { zone: z, pieces: groups },
    ),
  )
}

/**
 * Anchors each fixed zone's cells into one piece by claiming, zone by zone, the shortest corridor of
 * free cells between its pieces. Later zones route around earlier corridors; when one cannot, the
 * fixed cells of different zones interleave so that not all zones can be contiguous.
 */
function joinFixedCells(input: ZoningInput, region: Int32Array, anchor: Int32Array, fixedZones: number[], errors: ZoningIssue[]): void {
  const { adjacency } = input
  for (const z of fixedZones) {
    let own = Int32Array.from(anchor, (a) => (a === z ? 1 : 0))
    let comp = pieces(adjacency, Int32Array.from(own, (o) => (o ? 0 : -1)))
    let reg = -1
    for (let i = 0; i < input.n && reg < 0; i++) if (own[i]) reg = region[i]
    while (comp.count > 1) {
      const from = comp.label
      const path = shortestPath(
        adjacency,
        (i) => from[i] === 0,
        (i) => own[i] === 1 && from[i] !== 0,
        (i) => region[i] === reg && (anchor[i] === -1 || anchor[i] === z),
      )
      if (!path) {
        const blockers = new Set<number>()
        for (let i = 0; i < input.n; i++) {
          if (anchor[i] < 0 || anchor[i] === z || input.fixed?.[i] === anchor[i]) continue
          for (let e = adjacency.offsets[i]; e < adjacency.offsets[i + 1]; e++) {
            if (own[adjacency.indices[e]]) blockers.add(anchor[i])
          }
        }
        const others = Array.from(blockers).sort((a, b) => a - b)
        errors.push(
          issue(
            'FIXED_ZONES_CONFLICT',
            `The fixed cells of zone ${z} can be joined on their own, but not together with those of zone${others.length === 1 ? '' : 's'} ${listed(others.length ? others : ['(earlier zones)'])}: the zones' fixed cells interleave, so the corridors joining them would cross. Fix fewer cells, or fix the interleaved cells to one zone.`,
            { zone: z, conflictsWith: others },
          ),
        )
        return
      }
      for (const c of path) anchor[c] = z
      own = Int32Array.from(anchor, (a) => (a === z ? 1 : 0))
      comp = pieces(adjacency, Int32Array.from(own, (o) => (o ? 0 : -1)))
    }
  }
}

/**
 * Gives every zone id a region: ids of fixed cells go where those cells are; ids used by the current
 * zoning go to the region holding most of their cells (so `current` keeps its numbering); the rest
 * fill the remaining places in region order.
 */
function assignZoneIds(
  input: ZoningInput,
  region: Int32Array,
  regionCount: number,
  zonesPerRegion: Int32Array,
  fixedRegion: Int32Array,
  K: number,
): Int32Array {
  const zoneRegion = Int32Array.from(fixedRegion)
  const room = Int32Array.from(zonesPerRegion)
  for (let z = 0; z < K; z++) if (zoneRegion[z] >= 0) room[zoneRegion[z]]--
  if (input.current) {
    const counts = new Map<number, number>()
    for (let i = 0; i < input.n; i++) {
      const c = input.current[i]
      if (c >= 0 && c < K && zoneRegion[c] < 0) {
        const key = c * regionCount + region[i]
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    }
    const pairs = Array.from(counts.entries()).sort((a, b) => b[1] - a[1] || a[0] - b[0])
    for (const [key] of pairs) {
      const z = Math.floor(key / regionCount)
      const r = key % regionCount
      if (zoneRegion[z] < 0 && room[r] > 0) {
        zoneRegion[z] = r
        room[r]--
      }
    }
  }
  let r = 0
  for (let z = 0; z < K; z++) {
    if (zoneRegion[z] >= 0) continue
    while (room[r] === 0) r++
    zoneRegion[z] = r
    room[r]--
  }
  return zoneRegion
}

function balanceWarnings(input: ZoningInput, plan: ZoningPlan, nesting: boolean, warnings: ZoningIssue[]): void {
  const { n, workload } = input
  const { K, regionWorkload, zonesPerRegion, regionGroup, regionCount, target, anchor, region } = plan
  const mean = sumOf(regionWorkload) / K
  if (regionCount > 1) {
    const off: { region: number; zones: number; perZone: number; deviation: number }[] = []
    for (let r = 0; r < regionCount; r++) {
      const perZone = regionWorkload[r] / zonesPerRegion[r]
      const deviation = perZone / mean - 1
      if (Math.abs(deviation) > BALANCE_SLACK) off.push({ region: r, zones: zonesPerRegion[r], perZone, deviation })
    }
    if (off.length) {
      off.sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation))
      const desc = off.map((o) => `${nesting ? `group ${regionGroup[o.region]}` : `piece holding cell ${region.indexOf(o.region)}`}: ${o.zones} zone${o.zones > 1 ? 's' : ''} of ${fmt(o.perZone)} (${o.deviation > 0 ? '+' : ''}${(o.deviation * 100).toFixed(0)}%)`)
      warnings.push(
        issue(
          'BALANCE_LIMITED',
          `Zones cannot cross ${nesting ? 'groups' : 'pieces of the cell graph'}, and a whole number of zones per ${nesting ? 'group' : 'piece'} leaves some far from the city-wide mean of ${fmt(mean)}: ${listed(desc)}. A larger K${nesting ? ' or turning nesting off' : ''} narrows the gap.`,
          { mean, regions: off.map((o) => ({ ...o, group: nesting ? regionGroup[o.region] : undefined })) },
        ),
      )
    }
  }
  const heavy: number[] = []
  for (let i = 0; i < n; i++) {
    if (workload[i] > (1 + BALANCE_SLACK) * (regionWorkload[region[i]] / zonesPerRegion[region[i]])) heavy.push(i)
  }
  if (heavy.length) {
    warnings.push(
      issue(
        'BALANCE_LIMITED',
        `Cells ${listed(heavy)} each carry more workload than a whole zone should (${listed(heavy.map((i) => fmt(workload[i])))}); the zones holding them will be overloaded. Split those cells or lower K.`,
        { cells: heavy },
      ),
    )
  }
  const fixedLoad = new Float64Array(K)
  for (let i = 0; i < n; i++) if (anchor[i] >= 0 && plan.locked[i]) fixedLoad[anchor[i]] += workload[i]
  const over: number[] = []
  for (let z = 0; z < K; z++) if (fixedLoad[z] > (1 + BALANCE_SLACK) * target[z]) over.push(z)
  if (over.length) {
    warnings.push(
      issue(
        'BALANCE_LIMITED',
        `The fixed cells of zone${over.length > 1 ? 's' : ''} ${listed(over)} already carry more than the zone target (${listed(over.map((z) => `${fmt(fixedLoad[z])} vs ${fmt(target[z])}`))}). Unfix some of those cells.`,
        { zones: over, fixedWorkload: over.map((z) => fixedLoad[z]), target: over.map((z) => target[z]) },
      ),
    )
  }
}
