/**
 * Panning the planner view with 100,000 cells in a real browser: the figure behind "the map stays
 * interactive with 100,000 cells". The cells are a synthetic n × n grid over the district's centre
 * with a workload hill, served through request routes so the page loads them as it would a stored
 * layout (binary attributes, one parse). Shared by the browser test (a relative check) and
 * test/bench/map-pan.bench.ts (the figures against the 30 fps target).
 */
import type { Browser, Page } from 'playwright-core'
import { mapReady, mapRect } from './harness'

/** 317² = 100,489 cells */
export const PAN_GRID_SIDE = 317
/** cell side in degrees (≈ 15 m): the grid spans about the district's middle */
const CELL_DEGREES = 0.00015
const SYNTHETIC_LAYOUT = 999_999
/** how long each pan lasts */
const PAN_MS = 4000
/** Software WebGL rasterises every pixel on the CPU: this window keeps every cell drawn with little fill. */
export const SMALL_WINDOW = { width: 480, height: 300 }

/** Frames per second while panning, and the renderer main thread's busy milliseconds per frame. */
export interface PanFigure {
  fps: number
  mainMsPerFrame: number
}

export interface PanRun {
  cells: number
  /** the scheduler view (base map, a day's coverage and tracks) at 1280×800 and in the small window */
  base: PanFigure
  baseSmall: PanFigure
  /** the planner view with the 100,000 cells coloured by workload */
  cells1280: PanFigure
  cellsSmall: PanFigure
  /** from navigation to the cells drawn with their legend */
  loadMs: number
  legend: string
}

/** Square cells of `side` degrees filling an n × n grid centred on `c`. */
function syntheticCells(n: number, side: number, c: { lon: number; lat: number }) {
  const x0 = c.lon - (n * side) / 2
  const y0 = c.lat - (n * side) / 2
  const features = []
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = x0 + j * side
      const y = y0 + i * side
      const idx = i * n + j
      features.push({
        type: 'Feature',
        id: idx,
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]] },
        properties: { idx, code: `330199001001${String(idx).padStart(6, '0')}`, community_id: null, community: null, area_m2: 225 },
      })
    }
  }
  return { type: 'FeatureCollection', layout_id: SYNTHETIC_LAYOUT, features }
}

/** Serves the synthetic layout and a stored workload (a smooth hill of cases, so every class is drawn). */
async function routeSyntheticLayout(p: Page, n: number, c: { lon: number; lat: number }): Promise<void> {
  const cells = JSON.stringify(syntheticCells(n, CELL_DEGREES, c))
  const rows = Array.from({ length: n * n }, (_, k) => {
    const i = Math.floor(k / n) - n / 2
    const j = (k % n) - n / 2
    return { cell: k, code: '', cases: Math.round(40 * Math.exp(-(i * i + j * j) / 4000)) }
  })
  const view = { id: SYNTHETIC_LAYOUT, kind: 'cell-stats', name: null, parameters: { by: 'cell' }, filters: { include_stacked: false }, layout_id: SYNTHETIC_LAYOUT, as_of: new Date().toISOString(), status: 'done', created_at: '', finished_at: '', duration_ms: 1, summary: { cases: 1, units: n * n }, error: null, result_url: `/api/analyses/${SYNTHETIC_LAYOUT}/result` }
  await p.route(`**/api/layouts/${SYNTHETIC_LAYOUT}/cells**`, (r) => r.fulfill({ contentType: 'application/geo+json', body: cells }))
  await p.route(`**/api/analyses?*layout_id=${SYNTHETIC_LAYOUT}*`, (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify({ items: [view], total: 1, limit: 200, offset: 0 }) }))
  await p.route(`**/api/analyses/${SYNTHETIC_LAYOUT}/result**`, (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify({ analysis: view, rows, total: rows.length }) }))
}

/** Pans back and forth over the map's middle for `ms` with the button held. */
async function pan(p: Page, ms: number, taskSeconds: () => Promise<number>): Promise<PanFigure> {
  const m = await mapRect(p)
  const busy0 = await taskSeconds()
  // a string, not a function: the page counts animation frames without the test's transpiled helpers
  await p.evaluate('window.__frames = 0; window.__counting = true; (function tick() { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick) })()')
  const t0 = Date.now()
  await p.mouse.move(m.x + m.w / 2, m.y + m.h / 2)
  await p.mouse.down()
  let dir = 1
  const step = Math.max(4, Math.round(m.w / 64))
  while (Date.now() - t0 < ms) {
    for (let s = 0; s < 10; s++) await p.mouse.move(m.x + m.w / 2 + dir * s * step, m.y + m.h / 2 + dir * s * step * 0.4)
    dir = -dir
  }
  await p.mouse.up()
  const frames = (await p.evaluate('window.__counting = false; window.__frames')) as number
  const seconds = (Date.now() - t0) / 1000
  const busy = (await taskSeconds()) - busy0
  return { fps: frames / seconds, mainMsPerFrame: (busy * 1000) / Math.max(1, frames) }
}

/**
 * Measures the pans on a new 1280×800 page: the scheduler view as the baseline, then the planner
 * with the 100,000 cells, each at full size and in the small window. `centre` is the district's.
 */
export async function measurePan(browser: Browser, serverUrl: string, centre: { lon: number; lat: number }, o: { screenshot?: string } = {}): Promise<PanRun> {
  const n = PAN_GRID_SIDE
  const p = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  try {
    await routeSyntheticLayout(p, n, centre)
    // Chromium's own counter of the renderer main thread's busy time (script, style, layout and
    // the WebGL calls deck.gl and MapLibre issue, including waits on the GPU process)
    const cdp = await p.context().newCDPSession(p)
    await cdp.send('Performance.enable')
    const taskSeconds = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      return metrics.find((x) => x.name === 'TaskDuration')?.value ?? NaN
    }
    const hash = `#map=15/${centre.lat.toFixed(5)}/${centre.lon.toFixed(5)}`
    const settle = () => mapReady(p, 300_000)

    await p.goto(`${serverUrl}/?view=scheduler${hash}`)
    await settle()
    const base = await pan(p, PAN_MS, taskSeconds)
    await p.setViewportSize(SMALL_WINDOW)
    await settle()
    const baseSmall = await pan(p, PAN_MS, taskSeconds)

    await p.setViewportSize({ width: 1280, height: 800 })
    const t0 = Date.now()
    await p.goto(`${serverUrl}/?view=planner&layout=${SYNTHETIC_LAYOUT}${hash}`)
    await settle()
    await p.waitForFunction(() => /工作量/.test(document.querySelector('.legend')?.textContent ?? ''), undefined, { timeout: 120_000 })
    await settle()
    const loadMs = Date.now() - t0
    if (o.screenshot) await p.screenshot({ path: o.screenshot, timeout: 300_000 })
    const legend = await p.evaluate(() => document.querySelector('.legend')?.textContent ?? '')
    const cells1280 = await pan(p, PAN_MS, taskSeconds)
    await p.setViewportSize(SMALL_WINDOW)
    await settle()
    const cellsSmall = await pan(p, PAN_MS, taskSeconds)
    return { cells: n * n, base, baseSmall, cells1280, cellsSmall, loadMs, legend }
  } finally {
    await p.close()
  }
}
