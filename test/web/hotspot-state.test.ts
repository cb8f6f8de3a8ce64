import { afterEach, describe, expect, test, vi } from 'vitest'
import { analysisFilters, decodeFloat32, filtersKey, matchStored, sameParameters, type AnalysisView } from '../../web/src/api/analyses'
import { ApiError } from '../../web/src/api/client'
import { progressFraction, runJob } from '../../web/src/api/jobs'
import { parseUrlState, serializeSearch, DEFAULT_STATE } from '../../web/src/state/url-state'
import { layoutRequest, workloadValues } from '../../web/src/views/planner-view'
import { padBounds } from '../../web/src/views/leader-hotspots'

function stored(p: Partial<AnalysisView>): AnalysisView {
  return { id: 1, kind: 'density', name: null, parameters: {}, filters: {}, layout_id: null, as_of: '', status: 'done', created_at: '', finished_at: null, duration_ms: 1, summary: null, error: null, result_url: '', ...p }
}

describe('hotspot and planner URL state', () => {
  test('layout, comparison, cell, metric, method, spot and bandwidth round-trip', () => {
    const s = parseUrlState('?view=planner&layout=12&cmp=9&cell=0&metric=rate_closed&clu=hdbscan&spot=3&bw=250&layers=density,gi', '')
    expect(s).toMatchObject({ view: 'planner', layout: 12, compare: 9, cell: 0, metric: 'rate_closed', clusters: 'hdbscan', spot: 3, bandwidth: 250, layers: ['density', 'gi'] })
    expect(serializeSearch(s)).toBe('?view=planner&layers=density,gi&layout=12&cmp=9&cell=0&metric=rate_closed&clu=hdbscan&spot=3&bw=250')
  })

  test('malformed values fall back to the defaults', () => {
    const s = parseUrlState('?layout=0&cmp=-1&cell=x&metric=profit&clu=kmeans&spot=1.5&bw=999999', '')
    expect(s).toMatchObject({ layout: null, compare: null, cell: null, metric: 'cases', clusters: 'dbscan', spot: null, bandwidth: null })
    expect(serializeSearch({ ...DEFAULT_STATE })).toBe('')
  })
})

describe('stored analyses', () => {
  test('filters of the map become the stored query form', () => {
    expect(analysisFilters({ from: 'a', to: 'b', categories: ['0402', '0401'], sources: [], includeStacked: false })).toEqual({ from: 'a', to: 'b', category: '0401,0402' })
    expect(analysisFilters({ includeStacked: true })).toEqual({ include_stacked: true })
  })

  test('filter keys ignore defaults, list order and how an instant is written', () => {
    const a = filtersKey({ from: '2025-03-01T00:00:00+08:00', category: '0402,0401', include_stacked: false })
    const b = filtersKey({ category: '0401,0402', from: '2025-02-28T16:00:00.000Z' })
    expect(a).toBe(b)
    expect(filtersKey({ include_stacked: true })).not.toBe(filtersKey({}))
  })

  test('a stored run matches on kind, layout, given parameters and filters only', () => {
    const req = { kind: 'gi-star' as const, layout_id: 3, parameters: { fdr: false }, filters: { from: '2025-03-01T00:00:00+08:00' } }
    const items = [
      stored({ id: 5, kind: 'gi-star', layout_id: 4, parameters: { fdr: false }, filters: { from: '2025-03-01T00:00:00+08:00' } }),
      stored({ id: 6, kind: 'gi-star', layout_id: 3, parameters: { fdr: true }, filters: { from: '2025-03-01T00:00:00+08:00' } }),
      stored({ id: 7, kind: 'gi-star', layout_id: 3, parameters: { fdr: false, k: 8 }, filters: { from: '2025-03-01T00:00:00+08:00', include_stacked: false }, status: 'failed' }),
      stored({ id: 8, kind: 'gi-star', layout_id: 3, parameters: { fdr: false, k: 8 }, filters: { from: '2025-02-28T16:00:00Z', include_stacked: false } }),
    ]
    expect(matchStored(req, items)?.id).toBe(8)
    expect(matchStored({ ...req, filters: {} }, items)).toBeNull()
    expect(sameParameters(undefined, { a: 1 })).toBe(true)
  })

  test('grid values decode from little-endian Float32', () => {
    const f = new Float32Array([0, 1.5, -2, 1e6])
    const b64 = btoa(String.fromCharCode(...new Uint8Array(f.buffer)))
    expect(Array.from(decodeFloat32(b64))).toEqual([0, 1.5, -2, 1e6])
  })
})

describe('jobs', () => {
  afterEach(() => vi.unstubAllGlobals())

  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  test('a 202 is polled to its result, reporting progress', async () => {
    const polls = [answer(200, { id: 'j', status: 'running', progress: { phase: 'build', done: 1, total: 4 } }), answer(200, { id: 'j', status: 'done', progress: { phase: 'done' }, result: { id: 42 } })]
    const fetchMock = vi.fn(async (url: string) => (url === '/api/layouts' ? answer(202, { id: 'j', status: 'running', progress: { phase: 'queued' } }) : polls.shift()!))
    vi.stubGlobal('fetch', fetchMock)
    const seen: string[] = []
    const r = await runJob<{ id: number }>('/api/layouts', { kind: 'h3' }, { pollMs: 1, onProgress: (p) => seen.push(p.phase) })
    expect(r).toEqual({ id: 42 })
    expect(seen).toEqual(['queued', 'build', 'done'])
    expect(fetchMock.mock.calls[1][0]).toBe('/api/jobs/j')
  })

  test('a finished answer is returned at once; a failed job is an ApiError with its code', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(201, { id: 1 })))
    expect(await runJob('/api/analyses', {})).toEqual({ id: 1 })
    const failing = [answer(202, { id: 'k', status: 'running', progress: { phase: 'x' } }), answer(200, { id: 'k', status: 'failed', progress: { phase: 'x' }, error: { code: 'WG_LAYOUT_EMPTY_SCOPE', message: 'Scope has no area' } })]
    vi.stubGlobal('fetch', vi.fn(async () => failing.shift()!))
    const err = await runJob('/api/layouts', {}, { pollMs: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('WG_LAYOUT_EMPTY_SCOPE')
  })

  test('progress fractions', () => {
    expect(progressFraction({ phase: 'a', fraction: 0.25 })).toBe(0.25)
    expect(progressFraction({ phase: 'a', done: 3, total: 4 })).toBe(0.75)
    expect(progressFraction({ phase: 'a' })).toBeNull()
  })
})

describe('planner', () => {
  test('the form becomes a layout request for its kind', () => {
    const form = { kind: 'square' as const, scope: 1, area: 5000, resolution: 10, name: ' ' }
    expect(layoutRequest(form)).toEqual({ kind: 'square', scope: 1, target_area_m2: 5000 })
    expect(layoutRequest({ ...form, kind: 'h3', name: 'H3 test' })).toEqual({ kind: 'h3', scope: 1, resolution: 10, name: 'H3 test' })
    expect(() => layoutRequest({ ...form, scope: null })).toThrow(/scope/)
  })

  test('workload per cell: missing cells count zero', () => {
    expect(workloadValues(3, [{ cell: 2, cases: 5 }, { cell: 9, cases: 1 }])).toEqual([0, 0, 5])
  })

  test('tiny boxes are padded before zooming', () => {
    const b = padBounds([120, 30, 120.0001, 30.0001])
    expect(b[2] - b[0]).toBeCloseTo(0.0015)
    const big = padBounds([120, 30, 120.1, 30.1])
    expect(big[2] - big[0]).toBeCloseTo(0.16)
  })
})
