import { describe, expect, test } from 'vitest'
import { CoordinateCounts } from '../../server/cases/import/coordinate-counts'

describe('CoordinateCounts', () => {
  test('counts like a map keyed by the exact coordinate, through many growths', () => {
    const counts = new CoordinateCounts()
    const reference = new Map<string, number>()
    let seed = 7
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    for (let k = 0; k < 50_000; k++) {
      // a few thousand distinct points, some close enough to differ only in the last bits
      const lon = 120 + Math.floor(random() * 3000) * 1e-5 + (random() < 0.1 ? 1e-13 : 0)
      const lat = 30 + Math.floor(random() * 7) * 1e-4
      const key = `${lon},${lat}`
      const n = (reference.get(key) ?? 0) + 1
      reference.set(key, n)
      expect(counts.add(lon, lat)).toBe(n)
    }
    const many = counts.atLeast(12)
    const expected = [...reference].filter(([, n]) => n >= 12)
    expect(many.cases.length).toBe(expected.length)
    many.lon.forEach((lon, i) => expect(reference.get(`${lon},${many.lat[i]}`)).toBe(many.cases[i]))
    expect(counts.atLeast(0).cases.length).toBe(reference.size)
  })

  test('-0 and 0 are one coordinate, as in the database', () => {
    const counts = new CoordinateCounts()
    expect(counts.add(0, 51.5)).toBe(1)
    expect(counts.add(-0, 51.5)).toBe(2)
    expect(counts.atLeast(2)).toEqual({ lon: [0], lat: [51.5], cases: [2] })
  })
})
