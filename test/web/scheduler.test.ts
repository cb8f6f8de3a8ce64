import { describe, expect, test } from 'vitest'
import type { CoverageCell, PlanRoute, TripCollection } from '../../web/src/api/patrol'
import { addDays, planLinks } from '../../web/src/api/patrol'
import {
  COVERAGE_ALPHA, COVERAGE_COLORS, coverageCellColors, coverageClass, numberedStops, PATROL_ROUTES_LAYER_ID, PATROL_STOP_LABELS_LAYER_ID, PATROL_STOPS_LAYER_ID, PATROL_TRACKS_LAYER_ID,
  pathColor, planLayers, tracksLayer, workerColor,
} from '../../web/src/layers/patrol-layer'
import { DEFAULT_STATE, parseUrlState, serializeSearch } from '../../web/src/state/url-state'
import { planRequest, shownDay, unvisitedWindow } from '../../web/src/views/scheduler-view'

/** Calls a deck.gl accessor prop (function or constant) for one datum. */
function acc<T>(prop: unknown, d: T): unknown {
  return typeof prop === 'function' ? (prop as (x: T, i: unknown) => unknown)(d, { index: 0, data: [], target: [] }) : prop
}

const cell = (idx: number, passes: number, dwell: number): CoverageCell => ({
  idx, code: `C${idx}`, grid: 'G1', worker: 'W1', visited_days: passes > 0 ? 1 : 0, passes, dwell_minutes: dwell,
  first_visit: null, last_visit: null, days_since_visit: null, required_passes: 0,
})

const trip = (worker: string): TripCollection['features'][number] => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates: [[120.1, 30.2], [120.101, 30.201]] },
  properties: { worker, name_zh: null, day: '2025-06-02', started_at: '2025-06-02T01:00:00Z', ended_at: '2025-06-02T02:30:00Z', fixes: 2, length_m: 140, times: [] },
})

const route = (worker: string, n: number): PlanRoute => ({
  seq: 1, worker, name_zh: null, shift: '08:00-12:00', length_m: 3000, duration_min: 200, feasible: true,
  geometry: { type: 'LineString', coordinates: [[120.1, 30.2], [120.11, 30.21]] },
  stops: Array.from({ length: n }, (_, i) => ({ cell: `C${i}`, idx: i, arrival: i * 10, wait: 0, dwell: 5, departure: i * 10 + 5, arrive_at: '08:10', leave_at: '08:15', lon: 120.1 + i / 1000, lat: 30.2 })),
})

describe('coverage classes and colours', () => {
  test('zero is not a class; values fall in the first class whose bound holds them; beyond the last bound is the last class', () => {
    const b = [1, 2, 4, 8, Infinity]
    expect(coverageClass(0, b)).toBe(-1)
    expect(coverageClass(1, b)).toBe(0)
    expect(coverageClass(3, b)).toBe(2)
    expect(coverageClass(8, b)).toBe(3)
    expect(coverageClass(99, b)).toBe(4)
    expect(coverageClass(NaN, b)).toBe(-1)
  })

  test('cells are coloured by passes or dwell; unvisited and unknown cells stay transparent', () => {
    const cells = [cell(0, 1, 2), cell(2, 9, 70)]
    const passes = coverageCellColors(4, cells, 'passes')
    expect(passes.length).toBe(16)
    expect([...passes.subarray(0, 4)]).toEqual([...COVERAGE_COLORS[0], COVERAGE_ALPHA])
    expect([...passes.subarray(4, 8)]).toEqual([0, 0, 0, 0])
    expect([...passes.subarray(8, 12)]).toEqual([...COVERAGE_COLORS[4], COVERAGE_ALPHA])
    const dwell = coverageCellColors(4, cells, 'dwell')
    expect([...dwell.subarray(0, 4)]).toEqual([...COVERAGE_COLORS[0], COVERAGE_ALPHA])
    expect([...dwell.subarray(8, 12)]).toEqual([...COVERAGE_COLORS[4], COVERAGE_ALPHA])
    // out-of-range indices are ignored, never written past the end
    expect(coverageCellColors(1, [cell(5, 3, 3)], 'passes').length).toBe(4)
  })

  test('darker classes mean more (luminance falls along the ramp)', () => {
    const lum = (c: readonly number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    for (let k = 1; k < COVERAGE_COLORS.length; k++) expect(lum(COVERAGE_COLORS[k])).toBeLessThan(lum(COVERAGE_COLORS[k - 1]))
  })
})

describe('tracks and plan layers', () => {
  const order = new Map([['W1', 0], ['W2', 1]])

  test('tracks: stable id, one path per trip, colour per worker, others faded when one is selected', () => {
    const fc: TripCollection = { type: 'FeatureCollection', features: [trip('W1'), trip('W2')] }
    const all = tracksLayer({ tracks: fc, order, selected: null })
    expect(all.id).toBe(PATROL_TRACKS_LAYER_ID)
    expect(all.props.pickable).toBe(true)
    expect(acc(all.props.getColor, fc.features[1])).toEqual([...workerColor(1), 235])
    const one = tracksLayer({ tracks: fc, order, selected: 'W1' })
    expect(acc(one.props.getColor, fc.features[0])).toEqual([...workerColor(0), 235])
    expect((acc(one.props.getColor, fc.features[1]) as number[])[3]).toBeLessThan(100)
    expect(one.props.updateTriggers).toMatchObject({ getColor: ['W1', 2] })
    expect(workerColor(0)).not.toEqual(workerColor(1))
    expect(pathColor('unknown', order, null)).toEqual([...workerColor(0), 235])
  })

  test('plan: routes and stops for all workers, stop numbers only for the selected worker, numbered from 1', () => {
    const routes = [route('W1', 3), route('W2', 2)]
    const all = planLayers({ routes, order, selected: null, lang: 'zh' })
    expect(all.map((l) => l.id)).toEqual([PATROL_ROUTES_LAYER_ID, PATROL_STOPS_LAYER_ID])
    expect((all[1].props.data as unknown[]).length).toBe(5)
    const one = planLayers({ routes, order, selected: 'W2', lang: 'zh' })
    expect(one.map((l) => l.id)).toEqual([PATROL_ROUTES_LAYER_ID, PATROL_STOPS_LAYER_ID, PATROL_STOP_LABELS_LAYER_ID])
    const labels = one[2].props.data as Array<{ n: number; worker: string }>
    expect(labels.map((s) => s.n)).toEqual([1, 2])
    expect(labels.every((s) => s.worker === 'W2')).toBe(true)
    expect(acc((one[2].props as { getText?: unknown }).getText, labels[1])).toBe('2')
    expect(numberedStops(routes).map((s) => `${s.worker}:${s.n}`)).toEqual(['W1:1', 'W1:2', 'W1:3', 'W2:1', 'W2:2'])
  })
})

describe('scheduler state', () => {
  test('day, worker, plan, colouring and N days round-trip through the URL; defaults are left out', () => {
    const s = { ...DEFAULT_STATE, view: 'scheduler' as const, day: '2025-06-30', worker: 'W03', plan: 4, coverage: 'dwell' as const, unvisited: 7 }
    const q = serializeSearch(s)
    expect(q).toBe('?view=scheduler&day=2025-06-30&worker=W03&plan=4&cov=dwell&nvd=7')
    expect(parseUrlState(q, '')).toEqual(s)
    expect(serializeSearch({ ...DEFAULT_STATE, view: 'scheduler' })).toBe('?view=scheduler')
  })

  test('malformed values are dropped, not fatal', () => {
    const s = parseUrlState('?view=scheduler&day=2025-13-45&worker=<x>&plan=-1&cov=speed&nvd=400', '')
    expect(s.day).toBeNull()
    expect(s.worker).toBeNull()
    expect(s.plan).toBeNull()
    expect(s.coverage).toBe('passes')
    expect(s.unvisited).toBe(DEFAULT_STATE.unvisited)
  })

  test('the shown day is the URL\'s, else the latest day with tracks', () => {
    const days = [{ day: '2025-06-01', trips: 1, workers: 1, fixes: 9 }, { day: '2025-06-30', trips: 3, workers: 2, fixes: 99 }]
    expect(shownDay({ day: null }, days)).toBe('2025-06-30')
    expect(shownDay({ day: '2025-06-01' }, days)).toBe('2025-06-01')
    expect(shownDay({ day: null }, [])).toBeNull()
    expect(shownDay({ day: null }, null)).toBeNull()
  })

  test('the unvisited window ends on the day and spans N days, across month ends', () => {
    expect(unvisitedWindow('2025-06-02', 3)).toEqual({ from: '2025-05-31', to: '2025-06-02' })
    expect(unvisitedWindow('2025-06-02', 1)).toEqual({ from: '2025-06-02', to: '2025-06-02' })
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
  })

  test('plan request: all workers are left out (the server picks those on duty), a choice is sent sorted', () => {
    expect(planRequest(3, { day: '2025-06-30', workers: null })).toEqual({ layout: 3, day: '2025-06-30' })
    expect(planRequest(3, { day: '2025-06-30', workers: ['W2', 'W1'] })).toEqual({ layout: 3, day: '2025-06-30', workers: ['W1', 'W2'] })
  })

  test('export links of a plan, for everyone or one worker', () => {
    expect(planLinks(5, null)).toEqual({ html: '/api/patrol/plans/5.html', gpx: '/api/patrol/plans/5.gpx', geojson: '/api/patrol/plans/5.geojson' })
    expect(planLinks(5, 'W1').gpx).toBe('/api/patrol/plans/5.gpx?worker=W1')
  })
})

describe('worker colours', () => {
  test('no worker shares the vermillion of the unvisited cells, and neighbours in the list differ', async () => {
    const { UNVISITED_COLOR } = await import('../../web/src/layers/patrol-layer')
    for (let i = 0; i < 20; i++) {
      expect(workerColor(i)).not.toEqual(UNVISITED_COLOR.slice(0, 3))
      expect(workerColor(i)).not.toEqual(workerColor(i + 1))
    }
  })
})
