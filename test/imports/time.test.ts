import { describe, expect, test } from 'vitest'
import { timeParser, wallTimeToEpoch, zoneOffsetMs } from '../../server/imports/time'

describe('wallTimeToEpoch', () => {
  test('matches Date.UTC on every day from 1899 to 2101 (leap years, century rules, month ends)', () => {
    for (let day = Date.UTC(1899, 0, 1); day < Date.UTC(2102, 0, 1); day += 86_400_000) {
      const d = new Date(day)
      const [y, mo, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
      expect(wallTimeToEpoch('UTC', y, mo, dd, 13, 7, 9, 250)).toBe(day + 13 * 3_600_000 + 7 * 60_000 + 9_250)
    }
  })
})

describe('zoneOffsetMs', () => {
  /** the offset straight from Intl, as a reference */
  const formats = new Map<string, Intl.DateTimeFormat>()
  const reference = (tz: string, utcMs: number) => {
    let f = formats.get(tz)
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      formats.set(tz, f)
    }
    const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, Number(x.value)]))
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(utcMs / 1000) * 1000
  }
  test('agrees with Intl hour by hour through DST changes, and far from the hours asked first', () => {
    const H = 3_600_000
    for (const tz of ['America/New_York', 'Australia/Lord_Howe', 'Europe/London', 'Asia/Shanghai']) {
      // every hour of 2015 (New York and London change twice, Lord Howe by half an hour), then
      // hours decades and centuries away: the table grows, and beyond its span a map serves
      const hours: number[] = []
      for (let h = Date.UTC(2015, 0, 1) / H; h < Date.UTC(2016, 0, 1) / H; h++) hours.push(h)
      for (const year of [1988, 2040, 1890, 2199, 1500, 2600, 1991]) for (let k = 0; k < 24 * 400; k += 37) hours.push(Date.UTC(year, 0, 1) / H + k)
      for (const h of hours) {
        const at = h * H + 1_234_567 % H
        expect([tz, h, zoneOffsetMs(tz, at)]).toEqual([tz, h, reference(tz, h * H)])
      }
    }
  })
})

describe('timeParser', () => {
  const sh = timeParser('auto', 'Asia/Shanghai')
  test('ISO with and without offset', () => {
    expect(sh('2025-03-01T08:30:00+08:00')).toBe(Date.parse('2025-03-01T00:30:00Z'))
    expect(sh('2025-03-01 08:30:00')).toBe(Date.parse('2025-03-01T00:30:00Z'))
    expect(sh('2025/3/1 8:30')).toBe(Date.parse('2025-03-01T00:30:00Z'))
    expect(sh('2025-03-01T00:30:00Z')).toBe(Date.parse('2025-03-01T00:30:00Z'))
    expect(sh('2025-03-01T08:30:00.250+08:00')).toBe(Date.parse('2025-03-01T00:30:00.250Z'))
  })
  test('Chinese 年月日', () => {
    expect(sh('2025年3月1日 8时30分')).toBe(Date.parse('2025-03-01T00:30:00Z'))
  })
  test('US format with AM/PM in a DST zone', () => {
    const ny = timeParser('us', 'America/New_York')
    expect(ny('01/11/2015 12:19:31 AM')).toBe(Date.parse('2015-01-11T05:19:31Z')) // EST, midnight hour
    expect(ny('07/04/2015 01:05:00 PM')).toBe(Date.parse('2015-07-04T17:05:00Z')) // EDT
  })
  test('plain shapes (read without a regular expression) and their variants give the same instants', () => {
    const ny = timeParser('auto', 'America/New_York')
    const at = Date.parse('2015-01-11T05:19:31Z')
    for (const t of ['01/11/2015 12:19:31 AM', '1/11/2015 12:19:31 am', '01/11/2015  12:19:31AM', '01/11/2015\t12:19:31 AM',
      '2015-01-11 00:19:31', '2015/1/11T00:19:31', '2015.01.11 0:19:31', '2015-01-11 00:19:31.000', '2015-01-11T05:19:31Z']) {
      expect([t, ny(t)]).toEqual([t, at])
    }
    expect(ny('01/11/2015')).toBe(Date.parse('2015-01-11T05:00:00Z'))
    expect(ny('2015-01-11')).toBe(Date.parse('2015-01-11T05:00:00Z'))
    expect(ny('01/11/2015 12:19 PM')).toBe(Date.parse('2015-01-11T17:19:00Z'))
    for (const bad of ['01/11/2015 13:19:31 PM', '01/11/20155', '001/11/2015', '2015-01-11 24:00', '2015-01-11 00:19:3',
      '2015-01-11 00:19:31 XM', '01/11/2015 12:19:31 AMX', '20150-01-11', '2015-1-1-1']) {
      expect([bad, ny(bad)]).toEqual([bad, null])
    }
  })
  test('invalid dates are rejected, not rolled over', () => {
    expect(sh('2025-02-30 10:00')).toBeNull()
    expect(sh('2025-13-01')).toBeNull()
    expect(sh('yesterday')).toBeNull()
    expect(timeParser('us', 'UTC')('13/01/2015 10:00:00 AM')).toBeNull()
  })
  test('DST gap and repeat resolve to a real instant', () => {
    // 2015-03-08 02:30 does not exist in New York; 2015-11-01 01:30 happens twice (first one taken)
    const gap = wallTimeToEpoch('America/New_York', 2015, 3, 8, 2, 30, 0)
    expect(Number.isFinite(gap)).toBe(true)
    expect(wallTimeToEpoch('America/New_York', 2015, 11, 1, 1, 30, 0)).toBe(Date.parse('2015-11-01T05:30:00Z'))
  })
  test('unknown format and zone are refused', () => {
    expect(() => timeParser('nonsense', 'UTC')).toThrow(/time format/)
    expect(() => timeParser('auto', 'Mars/Olympus')).toThrow()
  })
})
