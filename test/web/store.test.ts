import { describe, expect, test } from 'vitest'
import { createStore, type HistoryPort } from '../../web/src/state/store'

/** An in-memory history with the browser's push/replace/back semantics. */
function fakeHistory(initial = '') {
  const entries = [initial]
  let at = 0
  let pop: () => void = () => {}
  const split = (u: string) => {
    const i = u.indexOf('#')
    return i < 0 ? { search: u, hash: '' } : { search: u.slice(0, i), hash: u.slice(i) }
  }
  const port: HistoryPort = {
    push(url) {
      entries.splice(at + 1)
      entries.push(url)
      at++
    },
    replace(url) {
      entries[at] = url
    },
    current: () => split(entries[at]),
    onPop: (fn) => (pop = fn),
  }
  return {
    port,
    entries,
    back() {
      at--
      pop()
    },
    forward() {
      at++
      pop()
    },
  }
}

describe('store and history', () => {
  test('discrete changes push, camera moves replace', () => {
    const h = fakeHistory('?lang=en')
    const store = createStore(h.port)
    expect(store.get().lang).toBe('en')
    store.set({ categories: ['0401'] })
    store.set({ map: { zoom: 13, lat: 39.9, lon: 116.4 } }, 'replace')
    store.set({ map: { zoom: 14, lat: 39.9, lon: 116.4 } }) // camera-only, even when asked to push
    expect(h.entries).toEqual(['?lang=en', '?lang=en&cat=0401#map=14/39.9/116.4'])
  })

  test('back and forward restore the state and notify subscribers', () => {
    const h = fakeHistory('')
    const store = createStore(h.port)
    const seen: string[] = []
    store.subscribe((next) => seen.push(next.view))
    store.set({ view: 'planner' })
    store.set({ view: 'zones' })
    h.back()
    expect(store.get().view).toBe('planner')
    h.back()
    expect(store.get().view).toBe('leader')
    h.forward()
    expect(store.get().view).toBe('planner')
    expect(seen).toEqual(['planner', 'zones', 'planner', 'leader', 'planner'])
  })

  test('a no-op set neither notifies nor writes history', () => {
    const h = fakeHistory('?view=zones')
    const store = createStore(h.port)
    let calls = 0
    store.subscribe(() => calls++)
    store.set({ view: 'zones' })
    expect(calls).toBe(0)
    expect(h.entries).toHaveLength(1)
  })
})
