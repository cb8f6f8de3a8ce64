import { describe, expect, test } from 'vitest'
import { formatArea } from '../../web/src/panels/planner'

describe('formatArea', () => {
  test('square metres rounded, square kilometres from a million', () => {
    expect(formatArea(11_690.09, 'en')).toBe(formatArea(11_690, 'en'))
    expect(formatArea(11_690.09, 'en')).toMatch(/11,690/)
    expect(formatArea(25_011_173, 'en')).toMatch(/25\.01/)
  })
  test('a clipped sliver under ten square metres keeps two significant digits instead of reading 0', () => {
    expect(formatArea(0.37005, 'en')).toMatch(/0\.37/)
    expect(formatArea(3.38, 'zh')).toMatch(/3\.4/)
    expect(formatArea(0, 'en')).toMatch(/^0/)
  })
})
