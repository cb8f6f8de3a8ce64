import { describe, expect, test } from 'vitest'
import { chartSvg } from '../../web/src/ui/chart-svg'
import { caseTooltip, communityTooltip, formatCityDateTime, hexTooltip } from '../../web/src/ui/tooltip-content'
import { indexCategories } from '../../web/src/state/categories'
import { CATEGORIES, COMMUNITIES, fakeCase } from './fixtures/fake-data'

describe('chart', () => {
  const series = [
    { t: '2025-02-28T16:00:00Z', n: 5 }, // 2025-03-01 in Beijing
    { t: '2025-03-31T16:00:00Z', n: 10 }, // 2025-04-01
    { t: '2025-04-30T16:00:00Z', n: 0 },
  ]
  const opts = { width: 300, height: 90, title: 'T', desc: 'D <b>', maxLabel: (n: number) => `max ${n}`, tickLabel: (d: string) => d.slice(5, 7) }

  test('bars in the window are highlighted, heights scale to the maximum', () => {
    const svg = chartSvg(series, { ...opts, window: { from: '2025-04-01', to: '2025-05-01' } })
    const bars = [...svg.matchAll(/<rect [^>]*height="([\d.]+)" fill="(#[0-9a-fA-F]+)" data-t="([\d-]+)" data-n="(\d+)"/g)]
    expect(bars.map((b) => b[3])).toEqual(['2025-03-01', '2025-04-01', '2025-05-01'])
    expect(bars.map((b) => b[2])).toEqual(['#b8bcc4', '#0072B2', '#b8bcc4'])
    expect(+bars[1][1]).toBeCloseTo(2 * +bars[0][1], 6)
    expect(+bars[2][1]).toBe(0)
    expect(svg).toContain('max 10')
    expect(svg).toContain('D &lt;b&gt;') // text is escaped
  })

  test('an empty series renders nothing', () => {
    expect(chartSvg([], { ...opts, window: null })).toBe('')
  })
})

describe('tooltip content', () => {
  const categories = indexCategories(CATEGORIES)

  test('times are shown in city time', () => {
    expect(formatCityDateTime('2025-03-02T17:05:00Z')).toBe('2025-03-03 01:05')
    expect(formatCityDateTime(null)).toBe('')
  })

  test('a case names its category, status, source and community in the chosen language', () => {
    const zh = caseTooltip(fakeCase(1, 116.405, 39.905, '0401').properties, { categories, communityName: '西社区', lang: 'zh' })
    expect(zh.title).toBe('案件 WG-1')
    expect(zh.rows).toContainEqual(['类别', '街面秩序 · 占道经营 (0401)'])
    expect(zh.rows).toContainEqual(['状态', '已结案'])
    expect(zh.rows).toContainEqual(['来源', '12345 热线'])
    expect(zh.rows).toContainEqual(['社区', '西社区'])
    expect(zh.rows).toContainEqual(['上报时间', '2025-03-03 09:30'])
    expect(zh.note).toBeUndefined()
    const en = caseTooltip(fakeCase(3, 116.405, 39.905, '9999', true).properties, { categories, communityName: null, lang: 'en' })
    expect(en.rows).toContainEqual(['Category', '9999 (9999)'])
    expect(en.rows).toContainEqual(['Status', 'Dispatched'])
    expect(en.rows).toContainEqual(['Community', 'unknown'])
    expect(en.note).toMatch(/community centre/)
  })

  test('hexagon and community tooltips state units', () => {
    expect(hexTooltip({ hex: 'x', n: 12 }, { areaKm2: 0.105332, communityName: '东社区', lang: 'zh' })).toEqual({ title: '12 件案件', rows: [['面积', '0.105 km²'], ['社区', '东社区']] })
    expect(communityTooltip(COMMUNITIES[1].properties, 'en')).toEqual({ title: 'East', rows: [['Area', '0.95 km²']], note: '东社区' })
  })
})

describe('series on the full time axis', () => {
  test('missing bins are filled with zeros, in step order', async () => {
    const { fillSeries } = await import('../../web/src/views/leader-view')
    const items = [
      { t: '2025-01-01T00:00:00+08:00', n: 5 },
      { t: '2025-03-01T00:00:00+08:00', n: 7 },
    ]
    const out = fillSeries(items, ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'], 'month')
    expect(out.map((p) => p.n)).toEqual([5, 0, 7, 0])
    // a bin stamped at UTC midnight still lands on its city-calendar week
    const weeks = fillSeries([{ t: '2025-03-02T16:00:00Z', n: 3 }], ['2025-03-03', '2025-03-10'], 'week')
    expect(weeks.map((p) => p.n)).toEqual([3, 0])
  })
})
