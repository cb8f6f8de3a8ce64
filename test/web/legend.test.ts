import { describe, expect, test } from 'vitest'
import { buildLegend } from '../../web/src/ui/legend-model'
import { indexCategories } from '../../web/src/state/categories'
import { CATEGORIES } from './fixtures/fake-data'

describe('legend model', () => {
  const idx = indexCategories(CATEGORIES)

  test('hexagon classes state their unit and ranges; points list the majors on the map', () => {
    const sections = buildLegend({
      lang: 'zh',
      pointMajors: [idx.majors[1]],
      unknownCategory: true,
      stacked: true,
      hex: { breaks: [3, 10, 42], colors: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], res: 9, areaKm2: 0.10533 },
      communities: true,
      pois: false,
    })
    expect(sections.map((s) => s.title)).toEqual(['案件大类', '案件数 / 六边形', '边界'])
    expect(sections[0].items.map((i) => i.label)).toEqual(['街面秩序', '未知类别', '堆叠点（地址解析失败）'])
    expect(sections[1].unit).toBe('H3 第 9 级六边形，平均面积 ≈ 0.105 km²；单位：件')
    expect(sections[1].items.map((i) => i.label)).toEqual(['1–3', '4–10', '11–42'])
    expect(sections[2].items.map((i) => i.label)).toEqual(['区界', '街道界', '社区边界'])
  })

  test('hidden layers leave no section; places appear when their symbols do', () => {
    const sections = buildLegend({ lang: 'en', pointMajors: null, unknownCategory: false, stacked: false, hex: null, communities: false, pois: true })
    expect(sections.map((s) => s.title)).toEqual(['Boundaries', 'Places'])
    expect(sections[1].items.map((i) => i.label)).toEqual(['Metro exit', 'Market', 'School', 'Office building'])
  })
})
