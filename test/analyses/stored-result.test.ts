/** Result tables in analysis_results: small ones stored as they are, large ones compressed, both read back equal. */
import { describe, expect, test } from 'vitest'
import { COMPRESS_FROM_CHARS, packResult, unpackResult } from '../../server/analyses/stored-result'

const table = (n: number) => ({
  geometry: { type: 'cells', layout_id: 3 },
  columns: {
    cell: Array.from({ length: n }, (_, i) => i),
    z: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : Math.sin(i) * 3.14159)),
    series: Array.from({ length: n }, (_, i) => [i, -0.582, 1e-7, 12345.678]),
    reason_zh: Array.from({ length: n }, (_, i) => `新热点：第 ${i} 个单元网格 "quoted" \\ ✓`),
  },
  order: ['cell', 'z', 'series', 'reason_zh'],
})

describe('stored results', () => {
  test('a small table is stored as its own JSON', async () => {
    const t = table(10)
    const stored = await packResult(t)
    expect(stored).toBe(JSON.stringify(t))
    expect(await unpackResult(JSON.parse(stored))).toEqual(t)
  })

  test('a large table is stored compressed and read back equal, numbers exact', async () => {
    const t = table(20_000)
    expect(JSON.stringify(t).length).toBeGreaterThan(COMPRESS_FROM_CHARS)
    const stored = await packResult(t)
    expect(stored.length).toBeLessThan(JSON.stringify(t).length / 4)
    const parsed = JSON.parse(stored)
    expect(Object.keys(parsed).sort()).toEqual(['data', 'encoding'])
    expect(await unpackResult(parsed)).toEqual(t)
  })

  test('tables stored before compression existed read as they are', async () => {
    const t = { geometry: { type: 'none' }, columns: { encoding: ['gzip-base64'], data: ['x'] } }
    expect(await unpackResult(t)).toBe(t)
    expect(await unpackResult(null)).toBe(null)
  })
})
