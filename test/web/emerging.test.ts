/**
 * The leader view's emerging hot spots and forecast evaluation without a browser: symbology
 * (17 categories, reds and blues, hatches), the binary fill, legend entries with counts, the
 * sparkline and forecast chart SVG, the analysis parameters a URL asks for, and the exports of
 * the hotspot layers (CSV with BOM, GeoJSON with the cells' outlines).
 */
import { describe, expect, test } from 'vitest'
import type { Feature, Polygon } from 'geojson'
import type { ClusterFeature, EmergingRow, EmergingTime, ForecastSummary } from '../../web/src/api/analyses'
import { buildCellGeometry, cellPolygons, cellsLayers } from '../../web/src/layers/cells-layer'
import { EMERGING_LAYER_ID, EMERGING_LEGEND_ORDER, EMERGING_NAMES, emergingCounts, emergingFillData, emergingLegendItems, emergingStyle, HATCH_MAPPING, hatchIndex } from '../../web/src/layers/emerging-layer'
import { selectedCellLayer } from '../../web/src/layers/selected-cell-layer'
import { cellGeometry, cellRowsGeoJson, clustersGeoJson, emergingRecords, hotspotExportFile, recordsCsv, withBom } from '../../web/src/export/hotspot-export'
import { UTF8_BOM } from '../../web/src/export/tabular'
import { forecastRows } from '../../web/src/panels/leader-emerging'
import { DEFAULT_STATE, parseUrlState, serializeSearch } from '../../web/src/state/url-state'
import { forecastChartSvg } from '../../web/src/ui/forecast-chart-svg'
import { patternCss } from '../../web/src/ui/legend-model'
import { sparklineSvg, Z90 } from '../../web/src/ui/sparkline-svg'
import { emergingParameters } from '../../web/src/views/leader-hotspots'

function square(x: number, y: number, s: number): number[][] {
  return [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]
}

const features: Array<Feature<Polygon, { idx: number; code: string; community: string | null; community_id: number | null; area_m2: number }>> = [0, 1, 2].map((i) => ({
  type: 'Feature',
  geometry: { type: 'Polygon', coordinates: [square(120 + i * 0.001, 30, 0.001)] },
  properties: { idx: i, code: `33019900100${i}`, community: null, community_id: null, area_m2: 10_000 },
}))
const geom = buildCellGeometry(features)

function row(cell: number, category: number, extra: Partial<EmergingRow> = {}): EmergingRow {
  const n = EMERGING_NAMES[category]
  return {
    cell, code: `33019900100${cell}`, category, category_key: n.key, category_zh: n.zh, category_en: n.en, cases: 7, n_hot: 2, n_cold: 0,
    final_z: 2.1, final_bin: 2, trend_z: 1.9, trend_p: 0.05, trend: 1, count_trend: 0, hot_steps: [9, 10], cold_steps: [],
    series_cases: [0, 0, 1, 0, 0, 0, 1, 0, 0, 2, 3], series_z: [-0.5, -0.5, 0.1, -0.4, -0.5, -0.5, 0.2, -0.3, -0.5, 1.8, 2.1],
    reason_zh: '新热点：11 个时间步中 2 个为显著热点', reason_en: 'New Hot Spot: hot spot in 2 of 11 steps', ...extra,
  }
}

const time: EmergingTime = { step: 'week', steps: 11, start: '2025-01-06', end: '2025-03-23', step_starts: Array.from({ length: 11 }, (_, i) => new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10)) }

describe('emerging hot spot symbology', () => {
  test('17 categories: hot patterns in reds, cold mirrors in the same classes of blue, no pattern clear', () => {
    expect(EMERGING_LEGEND_ORDER).toHaveLength(17)
    expect(new Set(EMERGING_LEGEND_ORDER).size).toBe(17)
    expect(emergingStyle(0)).toBeNull()
    for (let k = 1; k <= 8; k++) {
      const hot = emergingStyle(k)!
      const cold = emergingStyle(-k)!
      // reds lean red, blues lean blue, for the fill and the hatch alike
      expect(hot.fill[0]).toBeGreaterThan(hot.fill[2])
      expect(hot.line[0]).toBeGreaterThan(hot.line[2])
      expect(cold.fill[2]).toBeGreaterThan(cold.fill[0])
      expect(cold.hatch).toBe(hot.hatch)
    }
    // no two hot categories share both fill and hatch: they stay apart without hue
    const keys = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => { const s = emergingStyle(k)!; return `${s.fill.join()}|${s.line.join()}|${s.hatch}` })
    expect(new Set(keys).size).toBe(8)
    // intensifying is the darkest hot pattern
    const lum = (c: readonly number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    for (let k = 1; k <= 8; k++) if (k !== 3) expect(lum(emergingStyle(3)!.fill)).toBeLessThanOrEqual(lum(emergingStyle(k)!.fill))
  })

  test('hatch indices follow the procedural mapping; solid is 0', () => {
    expect(hatchIndex('solid')).toBe(0)
    expect(Object.keys(HATCH_MAPPING).map((k) => hatchIndex(k as never))).toEqual([1, 2, 3, 4, 5, 6])
  })

  test('the binary fill carries colour and background per vertex and a hatch per part; missing and patternless cells are clear', () => {
    const fill = emergingFillData(geom, [row(0, 4), row(1, -3)])
    const v = geom.vertexCell
    const first = (cell: number) => v.indexOf(cell)
    const a = fill.attributes
    expect(a.getFillPatternBackgroundColor.value.length).toBe(v.length * 4)
    expect(fill.partHatch).toEqual(['solid', 'cross', 'solid'])
    // persistent hot: solid, the fill colour itself, no background
    expect(Array.from(a.getFillColor.value.subarray(first(0) * 4, first(0) * 4 + 4))).toEqual(emergingStyle(4)!.fill)
    expect(a.getFillPatternBackgroundColor.value[first(0) * 4 + 3]).toBe(0)
    // intensifying cold: cross-hatch in the hatch colour over the background
    expect(Array.from(a.getFillColor.value.subarray(first(1) * 4, first(1) * 4 + 4))).toEqual(emergingStyle(-3)!.line)
    expect(Array.from(a.getFillPatternBackgroundColor.value.subarray(first(1) * 4, first(1) * 4 + 4))).toEqual(emergingStyle(-3)!.fill)
    // cell 2 is not in the result
    expect(a.getFillColor.value[first(2) * 4 + 3]).toBe(0)
  })

  test('the layer gets the hatch extension and a stable id; the selected cell is outlined', () => {
    const fill = emergingFillData(geom, [row(0, 1)])
    const [f, o] = cellsLayers({ id: EMERGING_LAYER_ID, geometry: geom, fill, line: null, visible: true, hatches: { mapping: HATCH_MAPPING, partHatch: fill.partHatch } })
    expect(f.id).toBe(EMERGING_LAYER_ID)
    expect(o.id).toBe(`${EMERGING_LAYER_ID}-outline`)
    expect(f.props.extensions.map((e) => e.constructor.name)).toContain('FillStyleExtension')
    const props = f.props as unknown as { fillPatternSizeUnits: string; getFillPattern: (d: unknown, i: { index: number }) => string }
    expect(props.fillPatternSizeUnits).toBe('pixels')
    expect([0, 1, 2].map((index) => props.getFillPattern(null, { index }))).toEqual(['dots', 'solid', 'solid'])
    const sel = selectedCellLayer({ id: 'x', geometry: geom, cell: 1 })
    expect(sel.props.data).toHaveLength(2)
    expect(cellPolygons(geom, 1)).toEqual([[square(120.001, 30, 0.001)]])
  })

  test('the legend lists the categories present with counts, in ArcGIS order, and always explains the clear cells', () => {
    const rows = [row(0, 3), row(1, 1), row(2, 1)]
    const counts = emergingCounts(rows)
    expect(counts.get(1)).toBe(2)
    const items = emergingLegendItems(counts, (c) => EMERGING_NAMES[c].zh, String)
    expect(items.map((i) => i.label)).toEqual(['新热点 (2)', '加剧热点 (1)', '无模式 (0)'])
    expect(items[0].pattern?.kind).toBe('dots')
    expect(items[1].pattern?.kind).toBe('cross')
    const en = emergingLegendItems(new Map([[-5, 4]]), (c) => EMERGING_NAMES[c].en, String)
    expect(en.map((i) => i.label)).toEqual(['No Pattern Detected (0)', 'Diminishing Cold Spot (4)'])
    expect(patternCss(en[1].pattern!)).toMatch(/^repeating-linear-gradient\(45deg, rgba\(/)
    expect(patternCss(items[0].pattern!)).toMatch(/^radial-gradient/)
  })
})

describe('sparkline and forecast chart', () => {
  const r = row(0, 1)
  const svg = sparklineSvg({ cases: r.series_cases, z: r.series_z, hot: r.hot_steps, cold: [3], starts: time.step_starts }, {
    width: 320, height: 130, title: '网格 A', desc: 'd', maxLabel: (n) => `最多 ${n}`, zLabel: 'z', stepLabel: (i) => `step ${i}`,
  })

  test('one bar per step, significant steps marked by colour and by ▲/▼ marks', () => {
    expect(svg.match(/<rect [^>]*data-step=/g)).toHaveLength(11)
    expect(svg.match(/<rect [^>]*data-sig="hot"/g)).toHaveLength(2)
    expect(svg.match(/<rect [^>]*data-sig="cold"/g)).toHaveLength(1)
    expect(svg.match(/<polygon [^>]*data-sig="hot"/g)).toHaveLength(2)
    expect(svg).toContain('最多 3')
    expect(svg).toContain('2025-01-06')
    expect(svg).toContain(time.step_starts[10])
    expect(svg).toMatch(/role="img" aria-labelledby=/)
    expect(Z90).toBeCloseTo(1.645, 3)
  })

  test('no steps, no chart', () => {
    expect(sparklineSvg({ cases: [], z: [], hot: [], cold: [], starts: [] }, { width: 1, height: 1, title: '', desc: '', maxLabel: String, zLabel: '', stepLabel: String })).toBe('')
  })

  test('the forecast chart draws one series per method with its marker, and the chance line', () => {
    const out = forecastChartSvg([0.01, 0.05, 0.1], [{ method: 'kde', label: 'KDE', y: [0.1, 0.3, 0.45] }, { method: 'last-period', label: 'Last', y: [0.08, null, 0.4] }], {
      width: 320, height: 150, title: 't', desc: 'd', xLabel: (x) => `${x * 100}%`, xCaption: 'x', yCaption: 'y',
    })
    expect(out.match(/<g data-method=/g)).toHaveLength(2)
    expect(out.match(/<rect /g)).toHaveLength(3) // kde: squares
    expect(out.match(/<polygon /g)).toHaveLength(2) // last-period: diamonds, none for the gap
    expect(out).toContain('stroke-dasharray="2 3"')
    // round ticks every 20 % up to the first above the best score
    expect(out.match(/>\d+%<\/text>/g)).toEqual(['>0%</text>', '>20%</text>', '>40%</text>', '>60%</text>'].concat(['>1%</text>', '>5%</text>', '>10%</text>']))
    expect(forecastChartSvg([], [], { width: 1, height: 1, title: '', desc: '', xLabel: String, xCaption: '', yCaption: '' })).toBe('')
  })

  test('the table rows at a share come best PAI first', () => {
    const c = (method: string, share: number, pai: number | null) => ({ method, name_zh: method, name_en: method, area_share: share, windows: 9, mean_hit_rate: 0.2, mean_pai: pai, mean_pei: null, mean_pei_star: null, mean_pai_street: null, mean_pei_street: null, mean_pei_star_street: null })
    const sum = { all_shares: [c('kde', 0.05, 4), c('gi-star', 0.05, 6), c('dbscan', 0.05, null), c('kde', 0.1, 9)] } as unknown as ForecastSummary
    expect(forecastRows(sum, 0.05).map((r) => r.method)).toEqual(['gi-star', 'kde', 'dbscan'])
    expect(forecastRows(sum, 0.1)).toHaveLength(1)
  })
})

describe('emerging state and parameters', () => {
  test('step, start, number of steps and the forecast switch round-trip; bad values are dropped', () => {
    const s = parseUrlState('?layers=emerging&estep=month&estart=2025-01-01&esteps=12&fe=1&cell=4', '')
    expect(s).toMatchObject({ layers: ['emerging'], emStep: 'month', emStart: '2025-01-01', emSteps: 12, forecast: true, cell: 4 })
    expect(serializeSearch(s)).toBe('?layers=emerging&cell=4&estep=month&estart=2025-01-01&esteps=12&fe=1')
    const bad = parseUrlState('?estep=year&estart=2025-02-30&esteps=3&fe=yes', '')
    expect(bad).toMatchObject({ emStep: 'week', emStart: null, emSteps: null, forecast: false })
    expect(serializeSearch({ ...DEFAULT_STATE })).toBe('')
  })

  test('parameters: the step alone by default; a number of steps counts from the start, or from the data', () => {
    expect(emergingParameters({ emStep: 'week', emStart: null, emSteps: null }, '2025-01-01')).toEqual({ step: 'week' })
    expect(emergingParameters({ emStep: 'week', emStart: '2025-03-03', emSteps: null }, null)).toEqual({ step: 'week', start: '2025-03-03' })
    expect(emergingParameters({ emStep: 'week', emStart: '2025-03-03', emSteps: 10 }, null)).toEqual({ step: 'week', start: '2025-03-03', end: '2025-05-12' })
    // 2025-01-01 is a Wednesday: weeks start on its Monday
    expect(emergingParameters({ emStep: 'week', emStart: null, emSteps: 26 }, '2025-01-01')).toEqual({ step: 'week', start: '2024-12-30', end: '2025-06-30' })
    expect(emergingParameters({ emStep: 'month', emStart: null, emSteps: 12 }, '2025-01-01')).toEqual({ step: 'month', start: '2025-01-01', end: '2026-01-01' })
    expect(emergingParameters({ emStep: 'day', emStart: '2025-01-30', emSteps: 10 }, null)).toEqual({ step: 'day', start: '2025-01-30', end: '2025-02-09' })
    // steps without a start wait for the data's first day
    expect(emergingParameters({ emStep: 'week', emStart: null, emSteps: 26 }, null)).toEqual({ step: 'week' })
  })
})

describe('hotspot layer exports', () => {
  test('CSV: BOM, lists joined with semicolons, objects as JSON, quoting where needed', () => {
    const csv = recordsCsv([{ a: 1, b: [1, 2, null], c: { x: 1 } }, { a: 'x,y', d: true }])
    expect(csv.startsWith(UTF8_BOM)).toBe(true)
    expect(csv.slice(1).split('\r\n')).toEqual(['a,b,c,d', '1,1;2;,"{""x"":1}",', '"x,y",,,true', ''])
    expect(withBom('a\n1\n')).toBe(`${UTF8_BOM}a\n1\n`)
    expect(withBom(withBom('a'))).toBe(`${UTF8_BOM}a`)
  })

  test('cell rows become features with the cells\' outlines', () => {
    expect(cellGeometry(geom, 1)).toEqual({ type: 'Polygon', coordinates: [square(120.001, 30, 0.001)] })
    expect(cellGeometry(geom, 9)).toBeNull()
    const fc = cellRowsGeoJson(geom, [{ cell: 2, z: 3.1 }])
    expect(fc.features[0].geometry).toEqual({ type: 'Polygon', coordinates: [square(120.002, 30, 0.001)] })
    expect(fc.features[0].properties).toEqual({ cell: 2, z: 3.1 })
  })

  test('emerging records name the category in the interface language, give the swatch colour and date the significant steps', () => {
    const [zh] = emergingRecords([row(0, 1) as unknown as Record<string, unknown>], time, 'zh')
    expect(zh).toMatchObject({ category_name: '新热点', reason: '新热点：11 个时间步中 2 个为显著热点', hot_steps: [time.step_starts[9], time.step_starts[10]] })
    expect(zh.map_color).toMatch(/^rgba\(/)
    expect(zh).not.toHaveProperty('reason_en')
    const [en] = emergingRecords([row(0, -2) as unknown as Record<string, unknown>], null, 'en')
    expect(en).toMatchObject({ category_name: 'Consecutive Cold Spot', hot_steps: ['9', '10'] })
  })

  test('export files: emerging CSV and GeoJSON named by the analysis and its period; density left to the server', () => {
    const src = { layer: 'emerging' as const, analysis: { id: 12 }, geom, rows: [row(0, 3), row(1, 0)] as unknown as Array<Record<string, unknown>>, time }
    const csv = hotspotExportFile(src, 'csv', { lang: 'en', stamp: '2025-03-01_2025-04-01' })!
    expect(csv.filename).toBe('wangge-emerging-a12-2025-01-06_2025-03-23.csv')
    expect(csv.mime).toBe('text/csv')
    const lines = csv.text.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[0].split(',').slice(0, 4)).toEqual(['cell', 'code', 'category', 'category_key'])
    expect(lines[0]).toContain('series_cases')
    expect(lines[1]).toContain('Intensifying Hot Spot')
    expect(lines[1]).toContain('0;0;1;0;0;0;1;0;0;2;3')
    const gj = hotspotExportFile(src, 'geojson', { lang: 'zh', stamp: 's' })!
    const fc = JSON.parse(gj.text)
    expect(gj.filename).toBe('wangge-emerging-a12-2025-01-06_2025-03-23.geojson')
    expect(fc.features).toHaveLength(2)
    expect(fc.features[0].geometry.type).toBe('Polygon')
    expect(fc.features[0].properties.series_cases).toHaveLength(11)
    expect(fc.time.step_starts).toEqual(time.step_starts)
    const gi = hotspotExportFile({ layer: 'gi', analysis: { id: 3 }, geom, rows: [{ cell: 0, code: 'A', z: 2.5, p: 0.01, bin: 2 }] }, 'csv', { lang: 'zh', stamp: '2025-03-01_2025-04-01' })!
    expect(gi.filename).toBe('wangge-gi-a3-2025-03-01_2025-04-01.csv')
    expect(gi.text).toBe(`${UTF8_BOM}cell,code,z,p,bin\r\n0,A,2.5,0.01,2\r\n`)
    expect(hotspotExportFile({ layer: 'density', analysis: { id: 4 }, geom: null, rows: [] }, 'csv', { lang: 'zh', stamp: 's' })).toBeNull()
  })

  test('recurring spots export their hulls and properties', () => {
    const spot = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(120, 30, 0.0005)] }, properties: { rank: 1, cluster: 0, cases: 12, categories: { '0401': 12 }, lon: 120.0002, lat: 30.0002, first_seen: '2025-01-02', last_seen: '2025-03-01', distinct_days: 9, distinct_weeks: 6, recurrence_score: 0.8, closed_on_time_share: 0.5 } } as ClusterFeature
    expect(clustersGeoJson([spot]).features[0].geometry).toEqual(spot.geometry)
    const csv = hotspotExportFile({ layer: 'clusters', analysis: { id: 9 }, geom: null, rows: [], clusters: [spot] }, 'csv', { lang: 'zh', stamp: 's' })!
    expect(csv.text.split('\r\n')[1]).toContain('"{""0401"":12}"')
  })
})

describe('the leader view\'s emerging layer: legend, tooltip, click, highlights, export source', () => {
  async function view() {
    const { LeaderHotspots } = await import('../../web/src/views/leader-hotspots')
    const patches: Array<Record<string, unknown>> = []
    const ctx = {
      status: { begin: () => ({ done() {}, update() {} }), error() {} },
      invalidate() {}, caseFilter: () => ({}), fitBounds() {}, changed() {},
      setState: (p: Record<string, unknown>) => patches.push(p),
      communityName: () => null, domainStart: () => '2025-01-01',
    }
    const hs = new LeaderHotspots(ctx as never)
    const rows = [row(0, 1), row(1, 3, { final_z: 3.5 }), row(2, 3, { final_z: 2.5 }), row(3, 0)]
    const inner = hs as unknown as { emerging: unknown; geometry: unknown; parts: { emerging: { analysis: unknown } } }
    inner.emerging = { rows, byCell: rows, time, fill: null, geomId: 1 }
    inner.geometry = { id: 1, geom, outline: null }
    inner.parts.emerging.analysis = { id: 12 }
    return { hs, patches, rows }
  }
  const state = { ...DEFAULT_STATE, layers: ['emerging' as const], layout: 1 }

  test('the legend names the patterns present with counts and the period, in both languages', async () => {
    const { hs } = await view()
    const { setLang } = await import('../../web/src/i18n')
    const [zh] = hs.legend(state)
    expect(zh.title).toBe('新兴热点（时空 Gi* 趋势）')
    expect(zh.unit).toBe('2025-01-06 – 2025-03-22，共 11 周，90% 置信；括号内为网格数')
    expect(zh.items.map((i) => i.label)).toEqual(['新热点 (1)', '加剧热点 (2)', '无模式 (1)'])
    setLang('en')
    try {
      const [en] = hs.legend(state)
      expect(en.unit).toBe('11 weekly steps, 2025-01-06 – 2025-03-22, 90% confidence; cells in brackets')
      expect(en.items[1].label).toBe('Intensifying Hot Spot (2)')
    } finally {
      setLang('zh')
    }
  })

  test('the tooltip gives the pattern, cases, significant steps and the reason; a click selects the cell', async () => {
    const { hs, patches } = await view()
    const info = { layer: { id: EMERGING_LAYER_ID }, index: 0 } as never
    const tip = hs.tooltip(info)!
    expect(tip.title).toBe('网格 330199001000')
    expect(tip.rows).toContainEqual(['模式', '新热点'])
    expect(tip.rows).toContainEqual(['显著时间步', '热点 2 个、冷点 0 个（共 11 个）'])
    expect(tip.note).toContain('新热点：11 个时间步中 2 个为显著热点')
    expect(tip.swatch).toMatch(/^rgba\(/)
    expect(hs.click(info)).toBe(true)
    expect(patches).toEqual([{ cell: 0 }])
  })

  test('highlights put the intensifying cells first, strongest now first; the export source carries rows and axis', async () => {
    const { hs } = await view()
    expect(hs.emergingHighlights(8).map((r) => r.cell)).toEqual([1, 2, 0])
    expect(hs.emergingCell(2)?.row.category).toBe(3)
    expect(hs.emergingCell(null)).toBeNull()
    const src = hs.exportSource('emerging')!
    expect(src.rows).toHaveLength(4)
    expect(src.time).toBe(time)
    expect(hs.exportSource('gi')).toBeNull()
  })
})
