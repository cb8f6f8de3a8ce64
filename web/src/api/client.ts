/**
 * The one way the front end talks to the server: same-origin JSON over fetch. Failures become
 * `ApiError`, carrying the server's problem+json fields so the UI can say what went wrong.
 */

/** A failed request: HTTP error with a problem+json body, an unreadable body, or no answer at all. */
export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached */
  readonly status: number
  /** problem+json `title` (or the HTTP status text) */
  readonly title: string
  /** problem+json `detail`, when the server gave one */
  readonly detail: string | undefined
  /** problem+json `code`, e.g. `WG_BAD_BBOX` */
  readonly code: string | undefined
  /** the path that failed, for logs */
  readonly path: string

  constructor(init: { status: number; title: string; detail?: string; code?: string; path: string }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title)
    this.name = 'ApiError'
    this.status = init.status
    this.title = init.title
    this.detail = init.detail
    this.code = init.code
    this.path = init.path
  }

  /** True when the request never got an HTTP answer (server down, offline). */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

/** Query values; arrays are joined with commas, undefined/empty values are left out. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null

/** `path` plus a query string built from `params` (stable order: as given). */
export function buildUrl(path: string, params: Record<string, QueryValue> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','))
    } else q.set(k, String(v))
  }
  const s = q.toString().replace(/%2C/g, ',')
  return s ? `${path}?${s}` : path
}

/** GETs JSON; throws `ApiError` for network failures, non-2xx answers and unparsable bodies. */
export async function getJson<T>(path: string, params: Record<string, QueryValue> = {}, signal?: AbortSignal): Promise<T> {
  const url = buildUrl(path, params)
  let res: Response
  try {
    res = await fetch(url, { headers: { accept: 'application/json, application/geo+json, application/problem+json' }, signal })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError({ status: 0, title: 'Network error', detail: (err as Error).message, path })
  }
  if (!res.ok) {
    let body: { title?: string; detail?: string; code?: string } = {}
    try {
      body = (await res.json()) as typeof body
    } catch {
      // a proxy's HTML error page: keep the status line
    }
    throw new ApiError({ status: res.status, title: body.title ?? res.statusText ?? 'HTTP error', detail: body.detail, code: body.code, path })
  }
  try {
    return (await res.json()) as T
  } catch (err) {
    throw new ApiError({ status: res.status, title: 'Unreadable response', detail: (err as Error).message, path })
  }
}

/**
 * Sends JSON (`POST` by default) and reads the JSON answer with its status, so callers can tell
 * a finished run (200/201) from an accepted job (202). Failures as `getJson`.
 */
export async function sendJson<T>(path: string, body: unknown, opts: { method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; signal?: AbortSignal } = {}): Promise<{ status: number; body: T }> {
  let res: Response
  try {
    res = await fetch(path, {
      method: opts.method ?? 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
      body: JSON.stringify(body),
      signal: opts.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError({ status: 0, title: 'Network error', detail: (err as Error).message, path })
  }
  let parsed: unknown = null
  try {
    parsed = await res.json()
  } catch {
    // no body, or a proxy's HTML error page
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { title?: string; detail?: string; code?: string }
    throw new ApiError({ status: res.status, title: p.title ?? res.statusText ?? 'HTTP error', detail: p.detail, code: p.code, path })
  }
  return { status: res.status, body: parsed as T }
}

/** True for the rejection of an aborted request (superseded by a newer one, not an error). */
export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError'
}
