import { afterEach, describe, expect, test, vi } from 'vitest'
import { ApiError, buildUrl, getJson } from '../../web/src/api/client'
import { fetchCasePoints, filterParams } from '../../web/src/api/cases'
import { caseFilter } from '../../web/src/views/leader-view'
import { fakeCase } from './fixtures/fake-data'

function respond(body: unknown, status = 200, type = 'application/json'): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': type } })
}

afterEach(() => vi.unstubAllGlobals())

describe('API client', () => {
  test('query strings keep commas readable and drop empty values', () => {
    expect(buildUrl('/api/cases', { category: ['0401', '0402'], source: [], from: undefined, limit: 10, format: 'geojson' })).toBe('/api/cases?category=0401,0402&limit=10&format=geojson')
    expect(buildUrl('/api/health')).toBe('/api/health')
  })

  test('the filter of a state and window becomes city-time bounds', () => {
    const f = caseFilter({ categories: ['0401'], sources: ['12345'], stacked: true }, { from: '2025-03-03', to: '2025-03-10' })
    expect(filterParams(f)).toEqual({
      from: '2025-03-03T00:00:00+08:00',
      to: '2025-03-10T00:00:00+08:00',
      category: ['0401'],
      source: ['12345'],
      community: undefined,
      bbox: undefined,
      include_stacked: true,
    })
    expect(filterParams(caseFilter({ categories: [], sources: [], stacked: false }, null)).include_stacked).toBeUndefined()
  })

  test('problem+json answers become ApiError with title, detail and code', async () => {
    vi.stubGlobal('fetch', async () => respond({ type: 'x', title: 'Invalid request', status: 400, detail: 'bbox must be minLon,minLat,maxLon,maxLat', code: 'WG_BAD_PARAMETER' }, 400, 'application/problem+json'))
    const err = await getJson('/api/cases').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, title: 'Invalid request', code: 'WG_BAD_PARAMETER', detail: 'bbox must be minLon,minLat,maxLon,maxLat', isNetwork: false })
  })

  test('a failed connection is a network ApiError; an HTML error page keeps the status', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed')
    })
    await expect(getJson('/api/health')).rejects.toMatchObject({ status: 0, isNetwork: true })
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    await expect(getJson('/api/health')).rejects.toMatchObject({ status: 502, title: 'Bad Gateway' })
  })
})

describe('case points paging', () => {
  const all = Array.from({ length: 25 }, (_, i) => fakeCase(i + 1, 116.4, 39.9, '0401'))
  const pager = (pageSize: number, withTotal: boolean) => {
    const calls: string[] = []
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url)
      const q = new URL(url, 'http://x').searchParams
      const limit = Math.min(Number(q.get('limit')), pageSize)
      const offset = Number(q.get('offset'))
      return respond({ type: 'FeatureCollection', features: all.slice(offset, offset + limit), ...(withTotal ? { total: all.length } : {}) })
    })
    return calls
  }

  test('pages until a short page, reporting progress', async () => {
    const calls = pager(10, false)
    const seen: number[] = []
    const res = await fetchCasePoints({}, { cap: 100, onProgress: (n) => seen.push(n) })
    expect(res.features).toHaveLength(25)
    expect(res.capped).toBe(false)
    expect(calls.length).toBeGreaterThanOrEqual(1)
    expect(seen[seen.length - 1]).toBe(25)
  })

  test('stops at the cap and says so', async () => {
    pager(10_000, true)
    const res = await fetchCasePoints({}, { cap: 20 })
    expect(res.features).toHaveLength(20)
    expect(res.capped).toBe(true)
  })

  test('the served total ends paging without an empty page', async () => {
    const calls = pager(10_000, true)
    const res = await fetchCasePoints({}, { cap: 25 })
    expect(res.features).toHaveLength(25)
    expect(res.capped).toBe(false)
    expect(calls).toHaveLength(1)
  })
})
