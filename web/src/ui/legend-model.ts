/**
 * Legend content as data, shared by the on-screen legend and the PNG export so both always
 * say the same thing.
 */
import { classRanges } from '../colors/classify'
import { rgbaCss, type RGB } from '../colors/ramps'
import { t, type Lang } from '../i18n'
import { localName, type MajorGroup } from '../state/categories'
import { BASE_COLORS } from '../basemap/style'
import { hexAlpha } from '../layers/hex-layer'

/** A hatched swatch: lines (or dots) of `line` over `background`, `spacing` CSS px apart. */
export interface SwatchPattern {
  kind: 'hatch' | 'cross' | 'dots'
  /** line direction in degrees, counter-clockwise from east (hatch only) */
  angle: number
  spacing: number
  line: string
  background: string
}

/** One legend entry: a swatch of some shape and a label. */
export interface LegendItem {
  shape: 'point' | 'ring' | 'hex' | 'line' | 'dash' | 'square'
  /** CSS colour */
  color: string
  /** hatch of a square swatch (the map tells these categories apart by hatch as well as colour) */
  pattern?: SwatchPattern
  label: string
}

/** CSS `background` of a hatched swatch. */
export function patternCss(p: SwatchPattern): string {
  const s = p.spacing
  if (p.kind === 'dots') return `radial-gradient(circle, ${p.line} 0 1.3px, transparent 1.6px) 0 0 / ${s}px ${s}px, ${p.background}`
  // CSS gradient angles run clockwise from north; the stripes run perpendicular to the gradient
  const stripes = (deg: number) => `repeating-linear-gradient(${(90 - deg + 90) % 360}deg, ${p.line} 0 1.3px, transparent 1.3px ${s}px)`
  if (p.kind === 'cross') return `${stripes(45)}, ${stripes(135)}, ${p.background}`
  return `${stripes(p.angle)}, ${p.background}`
}

/** A titled group of entries with an optional unit line. */
export interface LegendSection {
  title: string
  unit?: string
  items: LegendItem[]
}

export interface LegendInput {
  lang: Lang
  /** majors present in the loaded cases, in legend order; null while points are hidden */
  pointMajors: readonly MajorGroup[] | null
  /** true when some loaded cases have an unknown category code */
  unknownCategory: boolean
  /** true when stacked points are shown */
  stacked: boolean
  /** hexagon classes; null while the hexagon layer is hidden or empty */
  hex: { breaks: readonly number[]; colors: readonly RGB[]; res: number; areaKm2: number } | null
  communities: boolean
  /** true when the base map shows POI symbols (they appear from zoom 13.5) */
  pois?: boolean
  /** further sections of a view's own layers (hotspot analyses, layouts), placed after the hexagons */
  extra?: readonly LegendSection[]
}

/** Builds the legend sections for what is on the map. */
export function buildLegend(i: LegendInput): LegendSection[] {
  const { lang } = i
  const out: LegendSection[] = []
  if (i.pointMajors) {
    const items: LegendItem[] = i.pointMajors.map((g) => ({ shape: 'point', color: rgbaCss(g.color), label: localName(g, lang) }))
    if (i.unknownCategory) items.push({ shape: 'point', color: 'rgb(136, 136, 136)', label: t('legend.pointsOther', undefined, lang) })
    if (i.stacked) items.push({ shape: 'ring', color: 'rgb(40, 40, 40)', label: t('legend.stacked', undefined, lang) })
    if (items.length) out.push({ title: t('legend.points', undefined, lang), items })
  }
  if (i.hex && i.hex.breaks.length) {
    const ranges = classRanges(i.hex.breaks)
    out.push({
      title: t('legend.hex', undefined, lang),
      unit: t('legend.hexUnit', { res: String(i.hex.res), area: i.hex.areaKm2.toFixed(3) }, lang),
      items: ranges.map(([a, b], k) => ({
        shape: 'hex',
        color: rgbaCss(i.hex!.colors[k], hexAlpha(k, ranges.length) / 255),
        label: a === b ? t('legend.hexSingle', { a }, lang) : t('legend.hexRange', { a, b }, lang),
      })),
    })
  }
  if (i.extra) out.push(...i.extra)
  const bounds: LegendItem[] = [
    { shape: 'line', color: BASE_COLORS.districtLine, label: t('legend.district', undefined, lang) },
    { shape: 'dash', color: BASE_COLORS.streetAdminLine, label: t('legend.street', undefined, lang) },
  ]
  if (i.communities) bounds.push({ shape: 'line', color: 'rgba(92, 102, 118, 0.8)', label: t('legend.communities', undefined, lang) })
  out.push({ title: t('legend.boundaries', undefined, lang), items: bounds })
  if (i.pois) {
    const kinds = ['metro_exit', 'market', 'school', 'office'] as const
    out.push({ title: t('legend.pois', undefined, lang), items: kinds.map((k) => ({ shape: 'square', color: BASE_COLORS.poi[k], label: t(`poi.${k}`, undefined, lang) })) })
  }
  return out
}
