import { describe, expect, test } from 'vitest'
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec'
import { BASE_SOURCES, buildBaseStyle, isRasterTemplate } from '../../web/src/basemap/style'
import { COMMUNITIES } from './fixtures/fake-data'

describe('base map style', () => {
  test('is a valid MapLibre style with every source and no text (so no glyph server is needed)', () => {
    const style = buildBaseStyle({ data: { communities: { type: 'FeatureCollection', features: COMMUNITIES } } })
    expect(validateStyleMin(style)).toEqual([])
    expect(Object.keys(style.sources).sort()).toEqual([...BASE_SOURCES].sort())
    expect(style.glyphs).toBeUndefined()
    // symbols are icon-only: a text-field would need a glyph server
    const symbols = style.layers.filter((l) => l.type === 'symbol')
    expect(symbols.map((l) => l.id)).toEqual(['poi'])
    for (const l of symbols) expect((l.layout as Record<string, unknown>)['text-field']).toBeUndefined()
    expect((style.sources.communities as { data: { features: unknown[] } }).data.features).toHaveLength(2)
  })

  test('roads are drawn casing first, fills after, bridges on top', () => {
    const ids = buildBaseStyle().layers.map((l) => l.id)
    expect(ids.indexOf('road-arterial-casing')).toBeLessThan(ids.indexOf('road-local'))
    expect(ids.indexOf('road-arterial')).toBeLessThan(ids.indexOf('road-bridge'))
    expect(ids[0]).toBe('background')
  })

  test('a raster template is used only when it is one', () => {
    expect(isRasterTemplate('https://tiles.example.org/{z}/{x}/{y}.png')).toBe(true)
    expect(isRasterTemplate('/tiles/{z}/{x}/{y}.png')).toBe(true)
    expect(isRasterTemplate('https://tiles.example.org/tile.png')).toBe(false)
    expect(isRasterTemplate('javascript:{z}{x}{y}')).toBe(false)
    expect(isRasterTemplate(null)).toBe(false)
    const withRaster = buildBaseStyle({ rasterUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' })
    expect(validateStyleMin(withRaster)).toEqual([])
    expect(withRaster.layers[1].id).toBe('raster')
    expect(buildBaseStyle({ rasterUrl: 'nope' }).sources.raster).toBeUndefined()
  })
})
