/**
 * 结案率 (closed ÷ due) and 按期结案率 (closed by the deadline ÷ due) per responsibility grid: the
 * cell-stats analysis run with `by=zone` on a zoning, over all cases (stacked geocoder-fallback
 * points left out, as everywhere). Pure: rows in, lookups and formatted text out.
 */
import type { AnalysisRequest } from '../api/analyses'
import type { ZoneProps } from '../api/zones'
import { formatNumber, formatPercent, type Lang } from '../i18n'

/** One row of a cell-stats result by zone (rates are ratios, null when nothing was due). */
export interface ZoneRateRow {
  zone: number
  code: string
  cases: number
  due: number
  closed: number
  closed_on_time: number
  rate_closed: number | null
  rate_on_time: number | null
}

/** Rates of one zoning by zone number. */
export type ZoneRates = ReadonlyMap<number, ZoneRateRow>

export type RateKey = 'rate_closed' | 'rate_on_time'

/** The analysis request behind a zoning's rates (same request, same stored run reused). */
export function zoneRatesRequest(zoning: number): AnalysisRequest {
  return { kind: 'cell-stats', parameters: { by: 'zone', zoning }, filters: {} }
}

/** Result rows keyed by zone number. */
export function zoneRatesByZone(rows: readonly ZoneRateRow[]): Map<number, ZoneRateRow> {
  return new Map(rows.map((r) => [r.zone, r]))
}

/** Lowest and highest rate over the grids that had cases due; null when none had. */
export function rateRange(rates: ZoneRates | null | undefined, key: RateKey): { min: number; max: number } | null {
  let min = Infinity
  let max = -Infinity
  for (const r of rates?.values() ?? []) {
    const v = r[key]
    if (v == null) continue
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  return Number.isFinite(min) ? { min, max } : null
}

/** A rate in percent with one decimal, "—" when there is none. */
export function formatRate(v: number | null | undefined, lang: Lang): string {
  return v == null ? '—' : formatPercent(v, lang)
}

/** A range of rates as "min–max", "—" when there is none. */
export function formatRateRange(r: { min: number; max: number } | null, lang: Lang): string {
  return r ? `${formatPercent(r.min, lang)}–${formatPercent(r.max, lang)}` : '—'
}

/** One line of the panel's grid table, as text; `pending` while the rates load. */
export interface ZoneRateLine { zone: number; code: string; cases: string; rateClosed: string; rateOnTime: string }

/** The grids of a zoning in code order with their cases and rates as shown ("…" while loading). */
export function zoneRateLines(zones: readonly ZoneProps[], rates: ZoneRates | null, lang: Lang): ZoneRateLine[] {
  return [...zones].sort((a, b) => a.code.localeCompare(b.code)).map((p) => {
    const r = rates?.get(p.zone)
    return {
      zone: p.zone, code: p.code, cases: formatNumber(p.cases, lang),
      rateClosed: rates ? formatRate(r?.rate_closed, lang) : '…', rateOnTime: rates ? formatRate(r?.rate_on_time, lang) : '…',
    }
  })
}
