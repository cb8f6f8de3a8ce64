import { describe, expect, test } from 'vitest'
import { addSteps, apiBound, cityDate, floorToStep, isIsoDate, lastDay, nearestStepIndex, stepStarts, stepWindow } from '../../web/src/state/time-window'

describe('time windows (city calendar, UTC+8)', () => {
  test('dates are validated', () => {
    expect(isIsoDate('2024-02-29')).toBe(true)
    expect(isIsoDate('2025-02-29')).toBe(false)
    expect(isIsoDate('2025-3-1')).toBe(false)
    expect(() => floorToStep('2025-13-01', 'week')).toThrow(/Unexpected date value/)
  })

  test('weeks start on Monday, months on the 1st', () => {
    expect(floorToStep('2025-03-09', 'week')).toBe('2025-03-03') // Sunday → Monday before
    expect(floorToStep('2025-03-03', 'week')).toBe('2025-03-03')
    expect(floorToStep('2025-03-31', 'month')).toBe('2025-03-01')
  })

  test('month steps keep the 1st on the 1st across year ends', () => {
    expect(addSteps('2024-12-01', 'month', 1)).toBe('2025-01-01')
    expect(addSteps('2025-01-01', 'month', -1)).toBe('2024-12-01')
    expect(addSteps('2025-03-03', 'week', 2)).toBe('2025-03-17')
  })

  test('an instant falls on its Beijing calendar day', () => {
    expect(cityDate('2025-03-02T16:00:00Z')).toBe('2025-03-03')
    expect(cityDate('2025-03-02T15:59:59Z')).toBe('2025-03-02')
    expect(apiBound('2025-03-03')).toBe('2025-03-03T00:00:00+08:00')
    expect(() => cityDate('not a date')).toThrow(/Unexpected instant/)
  })

  test('step starts cover the domain with whole steps', () => {
    const months = stepStarts({ from: '2024-11-15', to: '2025-02-01' }, 'month')
    expect(months).toEqual(['2024-11-01', '2024-12-01', '2025-01-01'])
    const weeks = stepStarts({ from: '2025-03-05', to: '2025-03-18' }, 'week')
    expect(weeks).toEqual(['2025-03-03', '2025-03-10', '2025-03-17'])
    expect(stepWindow('2025-03-17', 'week')).toEqual({ from: '2025-03-17', to: '2025-03-24' })
    expect(lastDay({ from: '2025-03-01', to: '2025-04-01' })).toBe('2025-03-31')
  })

  test('nearest step index', () => {
    const s = ['2025-01-06', '2025-01-13', '2025-01-20']
    expect(nearestStepIndex(s, '2025-01-14')).toBe(1)
    expect(nearestStepIndex(s, '2024-01-01')).toBe(0)
    expect(nearestStepIndex(s, '2026-01-01')).toBe(2)
    expect(nearestStepIndex([], '2025-01-01')).toBe(-1)
  })
})
