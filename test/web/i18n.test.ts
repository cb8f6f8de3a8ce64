import { describe, expect, test } from 'vitest'
import { en } from '../../web/src/i18n/en'
import { zh } from '../../web/src/i18n/zh'
import { formatPercent, hasKey, t, tOr } from '../../web/src/i18n'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('i18n', () => {
  test('every zh key exists in en and vice versa', () => {
    const zk = Object.keys(zh).sort()
    const ek = Object.keys(en).sort()
    expect(ek.filter((k) => !zk.includes(k))).toEqual([])
    expect(zk.filter((k) => !ek.includes(k))).toEqual([])
  })

  test('both languages use the same placeholders for each key, and no message is empty', () => {
    for (const k of Object.keys(zh) as Array<keyof typeof zh>) {
      expect(placeholders(en[k]), k).toEqual(placeholders(zh[k]))
      expect(zh[k].trim().length, k).toBeGreaterThan(0)
      expect(en[k].trim().length, k).toBeGreaterThan(0)
    }
  })

  test('English messages contain no Han characters except the brand name and the language switch', () => {
    const han = /\p{Script=Han}/u
    const allowed = new Set(['app.brandSub', 'lang.switch', 'export.pngSource'])
    const offenders = Object.entries(en).filter(([k, v]) => han.test(v) && !allowed.has(k)).map(([k]) => k)
    expect(offenders).toEqual([])
  })

  test('t fills placeholders and formats numbers per language', () => {
    expect(t('kpi.counts', { a: 1234, b: 5678 }, 'zh')).toBe('1,234 / 5,678 件')
    expect(t('kpi.counts', { a: 1234, b: 5678 }, 'en')).toBe('1,234 / 5,678 cases')
    expect(t('empty.noCasesOf', { categories: '占道经营' }, 'zh')).toBe('此时间段内没有 占道经营 案件')
    expect(t('empty.noCasesOf', { categories: 'Street stalls' }, 'en')).toBe('No cases of Street stalls in this window')
    // a missing parameter stays visible rather than silently vanishing
    expect(t('kpi.counts', { a: 1 }, 'en')).toBe('1 / {b} cases')
  })

  test('open-ended keys fall back to the raw value', () => {
    expect(hasKey('source.12345')).toBe(true)
    expect(tOr('source.12345', '12345', 'en')).toBe('12345 hotline')
    expect(tOr('source.fax', 'fax', 'en')).toBe('fax')
  })

  test('percentages keep one decimal', () => {
    expect(formatPercent(0.87345, 'en')).toBe('87.3%')
    expect(formatPercent(1, 'zh')).toBe('100.0%')
  })
})
