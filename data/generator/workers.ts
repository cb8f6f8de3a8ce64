/**
 * The patrol staff (网格员): 20 workers, each responsible for a run of neighbouring grids within
 * one subdistrict, as today's hand-drawn grids assign them.
 */
import { COMMUNITIES, STREETS } from './layout'
import type { Partition } from './district'
import type { Poi } from './pois'
import type { Pt } from './geom'
import { SURNAMES, GIVEN_NAMES } from './names'
import { streamFor } from './rand'

/** Patrol workers in the sample. */
export const WORKER_COUNT = 20

/** One worker as published in workers.json, plus the grids they patrol. */
export interface Worker {
  id: string
  name_zh: string
  community_codes: string[]
  /** their subdistrict office, WGS84 [lon, lat] */
  office: Pt
  /** two patrol shifts, 'HH:MM-HH:MM' Shanghai time */
  shift_hours: string[]
  /** ISO weekdays off duty (1 = Monday … 7 = Sunday): five patrol days a week, rest days staggered */
  rest_weekdays: number[]
  /** indices into Partition.grids */
  grids: number[]
}

/** Shift lengths, minutes: two shifts of about two hours, as the tracks file must stay small. */
const AM_MINUTES = 110
const PM_MINUTES = 100

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/** Splits the grids among the workers, subdistrict by subdistrict, in grid-code order. */
export function assignWorkers(seed: number, partition: Partition, pois: readonly Poi[]): Worker[] {
  const rand = streamFor(seed, 'workers')
  const gridsOf = STREETS.map((s) =>
    partition.grids.map((g, k) => ({ g, k })).filter(({ g }) => COMMUNITIES[g.community].parent_code === s.code).sort((a, b) => (a.g.code < b.g.code ? -1 : 1)).map(({ k }) => k))
  const total = gridsOf.reduce((s, l) => s + l.length, 0)
  // largest-remainder share of the 20 workers by number of grids
  const exact = gridsOf.map((l) => (WORKER_COUNT * l.length) / total)
  const share = exact.map(Math.floor)
  const order = exact.map((e, k) => ({ k, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.k - b.k)
  for (let n = 0; share.reduce((a, b) => a + b, 0) < WORKER_COUNT; n++) share[order[n].k]++
  const names = new Set<string>()
  const workers: Worker[] = []
  STREETS.forEach((s, si) => {
    const list = gridsOf[si]
    const office = pois.find((p) => p.id === `office-${s.code}`)
    if (!office) throw new Error(`No office POI for subdistrict ${s.code}.`)
    for (let w = 0; w < share[si]; w++) {
      const from = Math.round((w * list.length) / share[si])
      const to = Math.round(((w + 1) * list.length) / share[si])
      const grids = list.slice(from, to)
      const draw = () => SURNAMES[Math.floor(rand() * SURNAMES.length)] + GIVEN_NAMES[Math.floor(rand() * GIVEN_NAMES.length)]
      let name = draw()
      while (names.has(name)) name = draw()
      names.add(name)
      // morning shift starting 08:00–09:30, afternoon shift starting 14:00–15:30
      const am = 480 + 15 * Math.floor(rand() * 7)
      const pm = 840 + 15 * Math.floor(rand() * 7)
      const n = workers.length
      workers.push({
        id: `W${String(workers.length + 1).padStart(2, '0')}`,
        name_zh: name,
        community_codes: [...new Set(grids.map((g) => COMMUNITIES[partition.grids[g].community].code))].sort(),
        office: office.lonlat,
        shift_hours: [`${hhmm(am)}-${hhmm(am + AM_MINUTES)}`, `${hhmm(pm)}-${hhmm(pm + PM_MINUTES)}`],
        rest_weekdays: [((2 * n) % 7) + 1, ((2 * n + 1) % 7) + 1],
        grids,
      })
    }
  })
  return workers
}
