import { describe, expect, test } from 'vitest'
import { benjaminiHochberg, bhCutoff, bhCutoffs } from '../../server/trends/core/fdr'

// Benjamini & Hochberg (1995), section 4: 15 p-values from a clinical trial; at q = 0.05 the
// procedure rejects the four smallest (Bonferroni would reject three).
const BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0]

describe('Benjamini–Hochberg', () => {
  test('the published example rejects four hypotheses', () => {
    expect(bhCutoff(BH_1995, 0.05)).toBe(0.0095)
    expect(Array.from(benjaminiHochberg(BH_1995, 0.05)).reduce((a, b) => a + b)).toBe(4)
  })

  test('order of the input does not matter; NaN entries are not tests', () => {
    const shuffled = [0.0459, NaN, 0.0001, 1.0, 0.0095, 0.324, 0.0019, 0.0278, 0.0004, 0.759, 0.0201, 0.4262, 0.0298, 0.5719, 0.0344, 0.6528]
    const flags = benjaminiHochberg(shuffled, 0.05)
    expect(shuffled.filter((_, i) => flags[i]).sort((a, b) => a - b)).toEqual([0.0001, 0.0004, 0.0019, 0.0095])
  })

  test('a range and several rates at once', () => {
    const p = [0.9, 0.001, 0.02, 0.04, 0.9]
    // over [1, 4): sorted 0.001, 0.02, 0.04; q = 0.05 → 0.04 ≤ 3·0.05/3 → all three
    expect(bhCutoffs(p, [0.01, 0.05], 1, 4)).toEqual([0.001, 0.04])
    expect(bhCutoff([0.5, 0.6], 0.05)).toBe(-1)
    expect(() => bhCutoff(p, 1.5)).toThrow(/q value/)
  })
})
