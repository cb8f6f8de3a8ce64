/**
 * What the hover tooltip says, as data (title + label/value rows); `ui/tooltip.ts` draws it.
 * Kept pure so the wording is testable without a browser.
 */
import type { CaseProps, DistrictProps } from '../api/types'
import { formatNumber, t, tOr, type Lang } from '../i18n'
import type { CategoryIndex } from '../state/categories'
import { localName } from '../state/categories'
import type { HexBin } from '../layers/hex-bins'

/** Tooltip text: a title and label/value rows, plus an optional note line. */
export interface TooltipContent {
  title: string
  rows: Array<[string, string]>
  note?: string
  /** colour swatch for the title, CSS */
  swatch?: string
}

/** An instant as `YYYY-MM-DD HH:mm` in city time (UTC+8), whatever the viewer's zone. */
export function formatCityDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const ms = new Date(iso).getTime()
  if (!Number.isFinite(ms)) return iso
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** Case tooltip: category (major / minor), report time, status, source, and the community it lies in. */
export function caseTooltip(p: CaseProps, ctx: { categories: CategoryIndex | null; communityName: string | null; lang: Lang }): TooltipContent {
  const { lang } = ctx
  const cat = ctx.categories?.byCode.get(p.category_code)
  const major = ctx.categories?.majorOfCode.get(p.category_code)
  const catText = cat ? `${major ? localName(major, lang) + ' · ' : ''}${localName(cat, lang)}` : p.category_code
  const rows: Array<[string, string]> = [
    [t('tooltip.category', undefined, lang), `${catText} (${p.category_code})`],
    [t('tooltip.reported', undefined, lang), formatCityDateTime(p.reported_at)],
    [t('tooltip.status', undefined, lang), tOr(`status.${p.status}`, p.status, lang)],
  ]
  if (p.closed_at) rows.push([t('tooltip.closed', undefined, lang), formatCityDateTime(p.closed_at)])
  else if (p.due_at) rows.push([t('tooltip.due', undefined, lang), formatCityDateTime(p.due_at)])
  rows.push([t('tooltip.source', undefined, lang), tOr(`source.${p.source}`, p.source, lang)])
  rows.push([t('tooltip.community', undefined, lang), ctx.communityName ?? t('tooltip.unknown', undefined, lang)])
  return {
    title: `${t('tooltip.case', undefined, lang)} ${p.external_id ?? p.id}`,
    rows,
    note: p.stacked ? t('tooltip.stacked', undefined, lang) : undefined,
    swatch: major ? `rgb(${major.color.join(',')})` : undefined,
  }
}

/** Hexagon tooltip: count and mean cell area, with the community under the pointer. */
export function hexTooltip(bin: HexBin, ctx: { areaKm2: number; communityName: string | null; lang: Lang }): TooltipContent {
  const { lang } = ctx
  const rows: Array<[string, string]> = [[t('tooltip.area', undefined, lang), t('tooltip.areaValue', { n: ctx.areaKm2.toFixed(3) }, lang)]]
  if (ctx.communityName) rows.push([t('tooltip.community', undefined, lang), ctx.communityName])
  return { title: t('tooltip.hexCount', { n: bin.n }, lang), rows }
}

/** Community tooltip: name and area. */
export function communityTooltip(p: DistrictProps, lang: Lang): TooltipContent {
  return {
    title: lang === 'zh' ? p.name_zh : p.name_en || p.name_zh,
    rows: Number.isFinite(p.area_km2) ? [[t('tooltip.area', undefined, lang), t('tooltip.areaValue', { n: p.area_km2.toFixed(2) }, lang)]] : [],
    note: lang === 'zh' ? p.name_en : p.name_zh,
  }
}

/** Number formatting re-exported for callers that build rows themselves. */
export { formatNumber }
