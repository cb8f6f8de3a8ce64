import { describe, expect, test } from 'vitest'
import { describeCategories, indexCategories } from '../../web/src/state/categories'
import { CATEGORIES } from './fixtures/fake-data'

const more = (list: string, n: number) => `${list} +${n}`

describe('category index', () => {
  const idx = indexCategories([...CATEGORIES].reverse())

  test('majors are keyed by major code, ordered, coloured distinctly, and may mix kinds', () => {
    expect(idx.majors.map((g) => g.key)).toEqual(['01', '04', '07'])
    expect(new Set(idx.majors.map((g) => g.color.join())).size).toBe(3)
    expect(idx.majors[2].kinds.sort()).toEqual(['component', 'event'])
    expect(idx.majorOfCode.get('0402')?.name_zh).toBe('街面秩序')
    expect(idx.byCode.get('0101')?.name_en).toBe('Exposed garbage')
  })

  test('a selection is described by whole majors first, then minors', () => {
    expect(describeCategories(['0401'], idx, 'zh', more)).toBe('占道经营')
    expect(describeCategories(['0401', '0402'], idx, 'zh', more)).toBe('街面秩序')
    expect(describeCategories(['0401', '0402', '0101'], idx, 'en', more)).toBe('Street order, Exposed garbage')
    expect(describeCategories(['0101', '0401', '0701', '0702', '9999'], idx, 'zh', more, 2)).toBe('园林绿化、暴露垃圾 +4')
  })
})
