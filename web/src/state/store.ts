/**
 * The app state container and its binding to the address bar. Discrete changes (view, filters,
 * window, language, layers) push a history entry so Back/Forward step through them; camera
 * moves and animation frames replace the current entry so history is not flooded.
 */
import { isDiscreteChange, parseUrlState, serializeUrlState, type UrlState } from './url-state'

/** How a change is recorded in browser history. */
export type HistoryMode = 'push' | 'replace' | 'none'

export type Listener = (next: UrlState, prev: UrlState) => void

/** A minimal observable store. */
export interface Store {
  get(): UrlState
  /** Merges `patch`; listeners run only when something changed. */
  set(patch: Partial<UrlState>, history?: HistoryMode): void
  subscribe(fn: Listener): () => void
}

/** History as the store needs it (the browser's `window.history` + `location`, or a fake). */
export interface HistoryPort {
  push(url: string): void
  replace(url: string): void
  current(): { search: string; hash: string }
  onPop(fn: () => void): void
}

/** Creates the store and keeps it in step with `history`: the URL is written on every change and read back on popstate. */
export function createStore(history: HistoryPort): Store {
  const cur = history.current()
  let state = parseUrlState(cur.search, cur.hash)
  const listeners = new Set<Listener>()

  const emit = (next: UrlState, prev: UrlState) => {
    for (const fn of listeners) fn(next, prev)
  }

  history.onPop(() => {
    const now = history.current()
    const prev = state
    state = parseUrlState(now.search, now.hash)
    emit(state, prev)
  })

  return {
    get: () => state,
    set(patch, mode = 'push') {
      const prev = state
      const next = { ...state, ...patch }
      const url = serializeUrlState(next)
      if (url === serializeUrlState(prev)) return
      state = next
      if (mode !== 'none') {
        // a camera-only change never earns a history entry, whatever the caller asked
        if (mode === 'push' && isDiscreteChange(prev, next)) history.push(url)
        else history.replace(url)
      }
      emit(next, prev)
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
  }
}

/** The browser's history as a `HistoryPort` (paths keep the page's own pathname). */
export function browserHistory(): HistoryPort {
  const withPath = (url: string) => location.pathname + (url || '')
  return {
    push: (url) => window.history.pushState(null, '', withPath(url)),
    replace: (url) => window.history.replaceState(null, '', withPath(url)),
    current: () => ({ search: location.search, hash: location.hash }),
    onPop: (fn) => window.addEventListener('popstate', fn),
  }
}
