import { describe, expect, test } from 'vitest'
import type { ZoneCollection, ZoningSummary } from '../../web/src/api/zones'
import { currentLayout, zoningLinks } from '../../web/src/api/zones'
import { balanceClass, BALANCE_BREAKS, BALANCE_COLORS, ZONE_ALPHA, ZONE_LABELS_LAYER_ID, zoneFill, zoneLabelPosition, ZONES_LAYER_ID, zonesLayers } from '../../web/src/layers/zones-layer'
import { DEFAULT_STATE, parseUrlState, serializeSearch } from '../../web/src/state/url-state'
import { balanceLabels, currentOf, selectedZoning, shownZoning, zoneTooltip } from '../../web/src/views/zones-view'
import { formatRate, formatRateRange, rateRange, zoneRateLines, zoneRatesByZone, zoneRatesRequest, type ZoneRateRow } from '../../web/src/views/zone-rates'
import { SELECTED_ZONE_LINE_PX, ZONE_LINE_PX } from '../../web/src/layers/zones-layer'
import { en } from '../../web/src/i18n/en'
import { zh } from '../../web/src/i18n/zh'

function acc<T>(prop: unknown, d: T): unknown {
  return typeof prop === 'function' ? (prop as (x: T, i: unknown) => unknown)(d, { index: 0, data: [], target: [] }) : prop
}

const zoning = (id: number, kind: 'current' | 'proposal', layout = 1, params: Record<string, unknown> = {}): ZoningSummary => ({
  id, layout_id: layout, kind, name: `z${id}`, k: 4, params, created_at: '2025-07-01T00:00:00Z',
  figures: { cv: 0.1, max_over_min: 1.5, contiguous: true, cells_moved: null }, links: { self: '', geojson: '', shapefile: '', summary: '' },
})

const zones: ZoneCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] }, properties: { code: 'Z1', name_zh: '一号', zone: 0, community: null, comm_name: null, worker_id: 'W1', cells: 4, cases: 10, workload: 12, share: 1.25, compact: 0.8 } },
    {
      type: 'Feature',
      geometry: { type: 'MultiPolygon', coordinates: [[[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]]], [[[4, 4], [8, 4], [8, 8], [4, 8], [4, 4]]]] },
      properties: { code: 'Z2', name_zh: null, zone: 1, community: null, comm_name: null, worker_id: null, cells: 3, cases: 2, workload: 7, share: 0.75, compact: null },
    },
  ],
}

describe('zone balance colours', () => {
  test('classes diverge around the mean: ±3 % is the middle class, beyond ±20 % the ends', () => {
    expect(BALANCE_BREAKS.length).toBe(BALANCE_COLORS.length)
    expect(balanceClass(1)).toBe(3)
    expect(balanceClass(1.02)).toBe(3)
    expect(balanceClass(0.5)).toBe(0)
    expect(balanceClass(1.5)).toBe(6)
    expect(balanceClass(null)).toBe(-1)
    expect(balanceClass(NaN)).toBe(-1)
    expect(zoneFill(1.25)).toEqual([...BALANCE_COLORS[6], ZONE_ALPHA])
    expect(zoneFill(undefined)[3]).toBeLessThan(ZONE_ALPHA)
  })

  test('the middle class is the lightest, the ends blue (light load) and red (heavy load)', () => {
    const lum = (c: readonly number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    for (let k = 0; k < BALANCE_COLORS.length; k++) if (k !== 3) expect(lum(BALANCE_COLORS[3])).toBeGreaterThan(lum(BALANCE_COLORS[k]))
    expect(BALANCE_COLORS[0][2]).toBeGreaterThan(BALANCE_COLORS[0][0])
    expect(BALANCE_COLORS[6][0]).toBeGreaterThan(BALANCE_COLORS[6][2])
  })

  test('legend labels cover every class in percent', () => {
    const zh = balanceLabels('zh')
    expect(zh).toHaveLength(BALANCE_BREAKS.length)
    expect(zh[0]).toMatch(/^≤ 80/)
    expect(zh[6]).toMatch(/^> 120/)
  })
})

describe('zones layers', () => {
  test('stable ids, fill by share, labels at the largest polygon', () => {
    const [fill, labels] = zonesLayers({ zones, key: '7' })
    expect(fill.id).toBe(ZONES_LAYER_ID)
    expect(labels.id).toBe(ZONE_LABELS_LAYER_ID)
    expect(fill.props.pickable).toBe(true)
    expect(acc(fill.props.getFillColor, zones.features[0])).toEqual(zoneFill(1.25))
    expect(fill.props.updateTriggers).toMatchObject({ getFillColor: ['7'] })
    expect(zoneLabelPosition(zones.features[0])).toEqual([1, 1])
    expect(zoneLabelPosition(zones.features[1])).toEqual([6, 6])
    expect(acc((labels.props as { getText?: unknown }).getText, zones.features[1])).toBe('Z2')
  })
})

describe('zones state', () => {
  const list = [zoning(1, 'current'), zoning(2, 'proposal'), zoning(3, 'proposal', 1, { current_id: 1 }), zoning(4, 'current', 2)]

  test('zoning and before round-trip through the URL', () => {
    const s = { ...DEFAULT_STATE, view: 'zones' as const, zoning: 3, before: true }
    expect(serializeSearch(s)).toBe('?view=zones&zoning=3&before=1')
    expect(parseUrlState('?view=zones&zoning=3&before=1', '')).toEqual(s)
    expect(parseUrlState('?view=zones&zoning=x&before=yes', '').zoning).toBeNull()
  })

  test('the selected zoning is the URL\'s, else the newest proposal; the current grids are those of its layout', () => {
    expect(selectedZoning({ zoning: null }, list)?.id).toBe(3)
    expect(selectedZoning({ zoning: 2 }, list)?.id).toBe(2)
    expect(selectedZoning({ zoning: 99 }, list)).toBeNull()
    expect(selectedZoning({ zoning: null }, [])).toBeNull()
    expect(currentOf(list[2], list)?.id).toBe(1)
    expect(currentOf(list[1], list)?.id).toBe(1)
    expect(currentOf(list[0], list)?.id).toBe(1)
    expect(currentLayout(list)).toBe(2)
  })

  test('before shows the current grids, only for a proposal', () => {
    expect(shownZoning({ before: true }, list[2], list[0])?.id).toBe(1)
    expect(shownZoning({ before: false }, list[2], list[0])?.id).toBe(3)
    expect(shownZoning({ before: true }, list[0], list[0])?.id).toBe(1)
    expect(shownZoning({ before: true }, list[2], null)?.id).toBe(3)
  })

  test('export links', () => {
    expect(zoningLinks(5)).toEqual({ geojson: '/api/zones/5.geojson', shapefile: '/api/zones/5.shp.zip', csv: '/api/zones/5.csv', html: '/api/zones/5.html' })
  })
})

describe('结案率 and 按期结案率 per responsibility grid', () => {
  const rows: ZoneRateRow[] = [
    { zone: 0, code: 'Z1', cases: 10, due: 8, closed: 7, closed_on_time: 5, rate_closed: 0.875, rate_on_time: 0.625 },
    { zone: 1, code: 'Z2', cases: 2, due: 0, closed: 0, closed_on_time: 0, rate_closed: null, rate_on_time: null },
  ]
  const rates = zoneRatesByZone(rows)

  test('asks the cell-stats analysis by zone for the zoning, over all cases', () => {
    expect(zoneRatesRequest(7)).toEqual({ kind: 'cell-stats', parameters: { by: 'zone', zoning: 7 }, filters: {} })
  })

  test('rates by zone; the range leaves out grids with nothing due', () => {
    expect(rates.get(0)?.rate_closed).toBe(0.875)
    expect(rateRange(rates, 'rate_closed')).toEqual({ min: 0.875, max: 0.875 })
    expect(rateRange(zoneRatesByZone([...rows, { ...rows[0], zone: 2, rate_on_time: 0.9 }]), 'rate_on_time')).toEqual({ min: 0.625, max: 0.9 })
    expect(rateRange(zoneRatesByZone([rows[1]]), 'rate_on_time')).toBeNull()
    expect(rateRange(null, 'rate_closed')).toBeNull()
    expect(formatRateRange({ min: 0.625, max: 0.9 }, 'en')).toBe('62.5%–90.0%')
    expect(formatRateRange(null, 'zh')).toBe('—')
    expect(formatRate(null, 'zh')).toBe('—')
    expect(formatRate(0.875, 'zh')).toBe('87.5%')
  })

  test('table lines in code order, "…" while loading, "—" where nothing was due', () => {
    const props = [zones.features[1].properties, zones.features[0].properties]
    expect(zoneRateLines(props, rates, 'en')).toEqual([
      { zone: 0, code: 'Z1', cases: '10', rateClosed: '87.5%', rateOnTime: '62.5%' },
      { zone: 1, code: 'Z2', cases: '2', rateClosed: '—', rateOnTime: '—' },
    ])
    expect(zoneRateLines(props, null, 'en').map((l) => l.rateClosed)).toEqual(['…', '…'])
  })

  test('the tooltip of a grid carries both rates, in either language', () => {
    const zhTip = zoneTooltip(zones.features[0].properties, rates.get(0), 'zh')
    expect(zhTip.title).toBe('一号 (Z1)')
    expect(zhTip.rows).toContainEqual(['结案率', '87.5%'])
    expect(zhTip.rows).toContainEqual(['按期结案率', '62.5%'])
    const enTip = zoneTooltip(zones.features[1].properties, rates.get(1), 'en')
    expect(enTip.title).toBe('Zone Z2')
    expect(enTip.rows).toContainEqual([en['kpi.rateClosed'], '—'])
    expect(enTip.rows).toContainEqual([en['kpi.rateOnTime'], '—'])
  })

  test('the panel\'s new texts exist in both languages', () => {
    for (const k of ['zones.gridsTitle', 'zones.stat.rateClosed', 'zones.stat.rateOnTime', 'zones.ratesNote', 'zones.due', 'zones.col.grid'] as const) {
      expect(zh[k]).toBeTruthy()
      expect(en[k]).toBeTruthy()
    }
    expect(zh['zones.stat.rateClosed']).toContain('结案率')
    expect(zh['zones.stat.rateOnTime']).toContain('按期结案率')
    expect(en['zones.stat.rateOnTime']).toMatch(/on-time closure rate/i)
  })

  test('the grid clicked is outlined thicker on the map', () => {
    const [fill] = zonesLayers({ zones, key: '7', selected: 1 })
    expect(acc(fill.props.getLineWidth, zones.features[1])).toBe(SELECTED_ZONE_LINE_PX)
    expect(acc(fill.props.getLineWidth, zones.features[0])).toBe(ZONE_LINE_PX)
    expect(fill.props.updateTriggers).toMatchObject({ getLineWidth: ['7', 1] })
    const [none] = zonesLayers({ zones, key: '7' })
    expect(acc(none.props.getLineWidth, zones.features[1])).toBe(ZONE_LINE_PX)
  })
})
