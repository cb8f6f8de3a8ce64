/** Cases: points, time series and summary figures under one filter. */
import { getJson, type QueryValue } from './client'
import type { CaseCollection, CaseFeature, CaseFilter, CaseSummary, TimeSeries } from './types'

/** Points fetched per request; the server pages with limit/offset. */
export const CASE_PAGE_SIZE = 10_000
/**
 * Most points the map loads for one window. Beyond this the browser spends seconds parsing
 * GeoJSON and the picture is a blur of dots anyway; the UI says when the cap bites.
 */
export const CASE_POINT_CAP = 60_000

/** The filter as query parameters shared by all case endpoints. */
export function filterParams(f: CaseFilter): Record<string, QueryValue> {
  return {
    from: f.from,
    to: f.to,
    category: f.categories,
    source: f.sources,
    community: f.community,
    bbox: f.bbox,
    include_stacked: f.includeStacked ? true : undefined,
  }
}

/** `GET /api/cases/summary` for a filter. */
export function fetchSummary(f: CaseFilter, signal?: AbortSignal): Promise<CaseSummary> {
  return getJson<CaseSummary>('/api/cases/summary', filterParams(f), signal)
}

/** `GET /api/cases/timeseries` for a filter, binned by `step`. */
export function fetchTimeSeries(f: CaseFilter, step: 'day' | 'week' | 'month', signal?: AbortSignal): Promise<TimeSeries> {
  return getJson<TimeSeries>('/api/cases/timeseries', { step, ...filterParams(f) }, signal)
}

/** Result of loading case points: the features and whether the cap cut them short. */
export interface LoadedCases {
  features: CaseFeature[]
  /** true when more cases matched than `CASE_POINT_CAP` */
  capped: boolean
}

/**
 * Loads the case points of a filter page by page (`format=geojson`), up to `cap`. Offsets
 * advance by what actually arrived, so a server that serves shorter pages than asked for is
 * paged correctly; the end is the served `total` (or `expected`), or an empty page.
 * @param expected  number of matching cases if known (from the summary)
 * @param onProgress called after each page with the count loaded so far
 */
export async function fetchCasePoints(
  f: CaseFilter,
  opts: { expected?: number; cap?: number; signal?: AbortSignal; onProgress?: (loaded: number) => void } = {},
): Promise<LoadedCases> {
  const cap = opts.cap ?? CASE_POINT_CAP
  const features: CaseFeature[] = []
  let total: number | undefined = opts.expected
  while (features.length < cap) {
    const limit = Math.min(CASE_PAGE_SIZE, cap - features.length)
    const page = await getJson<CaseCollection>('/api/cases', { format: 'geojson', ...filterParams(f), limit, offset: features.length }, opts.signal)
    for (const feat of page.features) features.push(feat)
    total = page.total ?? total
    opts.onProgress?.(features.length)
    if (page.features.length === 0 || (total !== undefined && features.length >= total)) return { features, capped: false }
  }
  // at the cap: capped unless the total says nothing is left
  return { features, capped: total === undefined ? true : total > features.length }
}
