import { describe, expect, test } from 'vitest'
import { DEFAULT_STATE, isDiscreteChange, parseMapHash, parseUrlState, serializeMapHash, serializeSearch, serializeUrlState, type UrlState } from '../../web/src/state/url-state'

function split(url: string): [string, string] {
  const i = url.indexOf('#')
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i)]
}

describe('url-state', () => {
  test('a bare URL is the default state and the default state serialises to nothing', () => {
    expect(parseUrlState('', '')).toEqual(DEFAULT_STATE)
    expect(serializeUrlState({ ...DEFAULT_STATE })).toBe('')
  })

  test('round trip keeps every field', () => {
    const s: UrlState = {
      view: 'scheduler',
      lang: 'en',
      categories: ['0401', '0101'],
      sources: ['patrol', '12345'],
      from: '2025-03-03',
      to: '2025-03-10',
      step: 'week',
      layers: ['hex'],
      stacked: true,
      map: { zoom: 14.25, lat: 39.91234, lon: 116.40321 },
      layout: 3,
      compare: 4,
      cell: 0,
      metric: 'rate_on_time',
      clusters: 'hdbscan',
      spot: 2,
      bandwidth: 300,
      emStep: 'month',
      emStart: '2025-01-01',
      emSteps: 12,
      forecast: true,
      day: '2025-06-30',
      worker: 'W03',
      plan: 2,
      coverage: 'dwell',
      unvisited: 5,
      zoning: 7,
      before: true,
    }
    const url = serializeUrlState(s)
    expect(url).toBe('?view=scheduler&lang=en&cat=0101,0401&src=12345,patrol&from=2025-03-03&to=2025-03-10&step=week&layers=hex&stacked=1&layout=3&cmp=4&cell=0&metric=rate_on_time&clu=hdbscan&spot=2&bw=300&estep=month&estart=2025-01-01&esteps=12&fe=1&day=2025-06-30&worker=W03&plan=2&cov=dwell&nvd=5&zoning=7&before=1#map=14.25/39.91234/116.40321')
    const back = parseUrlState(...split(url))
    expect(back).toEqual({ ...s, categories: ['0101', '0401'], sources: ['12345', 'patrol'] })
    expect(serializeUrlState(back)).toBe(url)
  })

  test('the default layers are left out of the URL, any other set is written', () => {
    expect(serializeSearch({ ...DEFAULT_STATE, layers: ['communities', 'hex'] })).toBe('')
    expect(serializeSearch({ ...DEFAULT_STATE, layers: ['points', 'hex', 'communities'] })).toBe('?layers=points,hex,communities')
  })

  test('an empty layer list survives the round trip (all layers off is a real choice)', () => {
    const url = serializeUrlState({ ...DEFAULT_STATE, layers: [] })
    expect(url).toBe('?layers=')
    expect(parseUrlState(url, '').layers).toEqual([])
  })

  test('malformed values are dropped, not fatal', () => {
    const s = parseUrlState('?view=admin&lang=fr&cat=04,0401,abcd,12345&src=<script>,12345&from=2025-02-30&to=2025-03-10&step=year&layers=hex,bogus&stacked=yes', '#map=99/1/2')
    expect(s.view).toBe('leader')
    expect(s.lang).toBe('zh')
    expect(s.categories).toEqual(['0401'])
    expect(s.sources).toEqual(['12345'])
    expect(s.from).toBeNull()
    expect(s.to).toBeNull()
    expect(s.step).toBe('month')
    expect(s.layers).toEqual(['hex'])
    expect(s.stacked).toBe(false)
    expect(s.map).toBeNull()
  })

  test('a window needs both ends in order', () => {
    expect(parseUrlState('?from=2025-03-10&to=2025-03-03', '').from).toBeNull()
    expect(parseUrlState('?from=2025-03-03', '').from).toBeNull()
    expect(parseUrlState('?from=2025-03-03&to=2025-04-01', '')).toMatchObject({ from: '2025-03-03', to: '2025-04-01' })
  })

  test('map hash: fixed decimals, trailing zeros trimmed, range checked', () => {
    expect(serializeMapHash({ zoom: 13, lat: 39.9, lon: 116.123456789 })).toBe('map=13/39.9/116.12346')
    expect(parseMapHash('#map=13/39.9/116.12346')).toEqual({ zoom: 13, lat: 39.9, lon: 116.12346 })
    expect(parseMapHash('map=13/91/116')).toBeNull()
    expect(parseMapHash('map=13/39.9')).toBeNull()
    expect(parseMapHash('map=a/b/c')).toBeNull()
    expect(parseMapHash('')).toBeNull()
  })

  test('camera moves are not discrete changes; filters are', () => {
    const a: UrlState = { ...DEFAULT_STATE, map: { zoom: 12, lat: 39.9, lon: 116.4 } }
    expect(isDiscreteChange(a, { ...a, map: { zoom: 13, lat: 39.8, lon: 116.5 } })).toBe(false)
    expect(isDiscreteChange(a, { ...a, categories: ['0401'] })).toBe(true)
    expect(isDiscreteChange(a, { ...a, from: '2025-03-03', to: '2025-03-10' })).toBe(true)
  })

  test('serializeSearch does not depend on list order', () => {
    const a = serializeSearch({ ...DEFAULT_STATE, categories: ['0402', '0401'], layers: ['hex', 'points'] })
    const b = serializeSearch({ ...DEFAULT_STATE, categories: ['0401', '0402'], layers: ['points', 'hex'] })
    expect(a).toBe(b)
  })
})
