import { describe, expect, test } from 'vitest'
import { convexHull } from '../../server/hotspots/core/clusters-hull'
import { isoWeek, recurrence, summarizeClusters } from '../../server/hotspots/core/clusters'

const DAY = 86_400_000
const WEEK = 7 * DAY

/** Builds the column arrays from rows (label, x, y, time). */
function columns(rows: [number, number, number, number][]) {
  return {
    labels: Int32Array.from(rows, (r) => r[0]),
    x: Float64Array.from(rows, (r) => r[1]),
    y: Float64Array.from(rows, (r) => r[2]),
    t: Float64Array.from(rows, (r) => r[3]),
  }
}

describe('summarizeClusters', () => {
  test('30 cases on one day rank below 20 cases spread over 20 weeks', () => {
    const rows: [number, number, number, number][] = []
    const busyDay = Date.UTC(2024, 4, 6, 2) // 10:00 in Shanghai
    for (let k = 0; k < 30; k++) rows.push([0, 100 + (k % 6), 200 + Math.floor(k / 6), busyDay + k * 600_000])
    const firstMonday = Date.UTC(2024, 0, 8, 1)
    for (let k = 0; k < 20; k++) rows.push([1, 900 + (k % 4), 900 + Math.floor(k / 4), firstMonday + k * WEEK])
    const out = summarizeClusters(columns(rows))
    expect(out.map((c) => c.id)).toEqual([1, 0])
    const [weekly, burst] = out
    expect(burst.distinctDays).toBe(1)
    expect(burst.distinctWeeks).toBe(1)
    expect(burst.busiestDayShare).toBe(1)
    expect(burst.effectiveWeeks).toBe(1)
    expect(burst.medianGapDays).toBeNull()
    expect(burst.regularity).toBe(0.5)
    expect(burst.recurrenceScore).toBeCloseTo(0.5 * (1 + Math.log10(30)), 12)
    expect(weekly.distinctWeeks).toBe(20)
    expect(weekly.medianGapDays).toBe(7)
    expect(weekly.regularity).toBeCloseTo(20 / 21, 12) // (19 · 1 + 2 · 0.5) / 21
    expect(weekly.recurrenceScore).toBeCloseTo(20 * (20 / 21), 12)
  })

  test('counts, centroid, first and last seen, categories and closed-on-time share', () => {
    const data = columns([
      [0, 0, 0, 1000],
      [0, 10, 0, 5000],
      [0, 10, 10, 3000],
      [0, 0, 10, 2000],
      [-1, 500, 500, 0],
      [2, 7, 7, 100],
    ])
    const out = summarizeClusters({ ...data, category: Uint8Array.of(1, 1, 0, 2, 0, 2), closedOnTime: Uint8Array.of(1, 0, 1, 255, 1, 0) }, { categoryCount: 4 })
    expect(out.map((c) => c.id).sort()).toEqual([0, 2]) // cluster 1 is empty, noise is left out
    const c0 = out.find((c) => c.id === 0)!
    expect(c0.cases).toBe(4)
    expect(c0.categoryCounts).toEqual([1, 2, 1, 0])
    expect(c0.centroid).toEqual([5, 5])
    expect(c0.firstSeen).toBe(1000)
    expect(c0.lastSeen).toBe(5000)
    expect(c0.closedOnTimeShare).toBeCloseTo(2 / 3, 12) // the unknown outcome is not counted
    expect(c0.hull).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]] })
    const c2 = out.find((c) => c.id === 2)!
    expect(c2.hull).toEqual({ type: 'Point', coordinates: [7, 7] })
    expect(c2.closedOnTimeShare).toBe(0)
    expect(summarizeClusters(data)[0].closedOnTimeShare).toBeNull()
  })

  test('days and ISO weeks follow the local time zone', () => {
    // Monday 30 Dec 2024 01:00 and Sunday 5 Jan 2025 23:00 in Shanghai: one ISO week (2025-W01)
    const data = columns([
      [0, 0, 0, Date.UTC(2024, 11, 29, 17)],
      [0, 1, 0, Date.UTC(2025, 0, 5, 15)],
    ])
    const shanghai = summarizeClusters(data)[0]
    expect(shanghai.distinctDays).toBe(2)
    expect(shanghai.distinctWeeks).toBe(1)
    expect(shanghai.medianGapDays).toBe(6)
    // in UTC the first case falls on Sunday 29 Dec 2024, in 2024-W52
    const utc = summarizeClusters(data, { utcOffsetMinutes: 0 })[0]
    expect(utc.distinctWeeks).toBe(2)
    expect(utc.medianGapDays).toBe(7)
  })

  test('bad input names the value', () => {
    const data = columns([[0, 0, 0, 0]])
    expect(() => summarizeClusters({ ...data, t: new Float64Array(2) })).toThrow(/t has 2 values for 1 labels/)
    expect(() => summarizeClusters(data, { utcOffsetMinutes: 2000 })).toThrow(/utcOffsetMinutes value: 2000/)
    expect(() => summarizeClusters({ ...data, category: Int32Array.of(3) }, { categoryCount: 2 })).toThrow(/category 3, outside 0..1/)
  })
})

describe('recurrence', () => {
  test('median gap between distinct case days, odd and even counts', () => {
    expect(recurrence(Float64Array.of(10, 0, 1, 1, 3)).medianGapDays).toBe(2) // gaps 1, 2, 7
    expect(recurrence(Float64Array.of(0, 1, 3, 10, 20)).medianGapDays).toBe(4.5) // gaps 1, 2, 7, 10
  })

  test('a busy day with a few stray weeks counts as about two effective weeks', () => {
    const days = [...Array(30).fill(1000), ...Array.from({ length: 10 }, (_, k) => 1014 + 7 * k)]
    const r = recurrence(Float64Array.from(days))
    expect(r.distinctWeeks).toBe(11)
    expect(r.effectiveWeeks).toBeCloseTo(1600 / 910, 12)
    expect(r.busiestDayShare).toBe(0.75)
  })

  test('irregular recurrences score below regular ones with the same weeks', () => {
    const regular = Float64Array.from({ length: 12 }, (_, k) => 7 * k)
    const irregular = Float64Array.from([0, 7, 14, 21, 70, 77, 84, 91, 161, 168, 175, 182])
    expect(recurrence(regular).effectiveWeeks).toBe(recurrence(irregular).effectiveWeeks)
    expect(recurrence(irregular).recurrenceScore).toBeLessThan(recurrence(regular).recurrenceScore)
  })

  test('isoWeek maps every day of a week to its Monday', () => {
    const monday = Date.UTC(2024, 11, 30) / DAY
    for (let d = 0; d < 7; d++) expect(isoWeek(monday + d)).toBe(monday)
    expect(isoWeek(monday - 1)).toBe(monday - 7)
    expect(isoWeek(-1)).toBe(-3) // 31 Dec 1969, Wednesday; its Monday is 29 Dec
  })
})

describe('convexHull', () => {
  test('drops interior, duplicate and edge-collinear points; counter-clockwise, closed', () => {
    const x = Float64Array.of(2, 0, 4, 4, 0, 2, 1, 4, 2)
    const y = Float64Array.of(0, 0, 0, 3, 3, 1, 1, 1.5, 1)
    expect(convexHull(x, y)).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 3], [0, 3], [0, 0]]] })
  })

  test('collinear points give a line between the extremes, one location a point', () => {
    const k = Array.from({ length: 50 }, (_, i) => i)
    // a street at UTM magnitudes, every point exactly on it
    const x = Float64Array.from(k, (i) => 330000 + i * 0.5)
    const y = Float64Array.from(k, (i) => 4690000 + i * 0.25)
    expect(convexHull(x, y)).toEqual({ type: 'LineString', coordinates: [[330000, 4690000], [330024.5, 4690012.25]] })
    expect(convexHull(Float64Array.of(5, 5, 5), Float64Array.of(6, 6, 6))).toEqual({ type: 'Point', coordinates: [5, 6] })
    expect(convexHull(Float64Array.of(1, 9, 5), Float64Array.of(1, 9, 5), [2])).toEqual({ type: 'Point', coordinates: [5, 5] })
  })

  test('a point a hair off the line is kept, exactly', () => {
    const x = Float64Array.of(0, 1, 2)
    const y = Float64Array.of(0, 1e-300, 0)
    expect(convexHull(x, y).type).toBe('Polygon')
  })
})
