/**
 * The map with 100,000 cells in a real browser (Debian chromium, software WebGL): frames per second
 * while panning the planner view, against the 30 fps target, at 1280×800 and in a 480×300 window
 * where every cell is still drawn but the CPU rasteriser has little to fill. The same pans over
 * the scheduler view (base map, a day's coverage and tracks) are the reference in the same run.
 * Starts its own server on the sample city (a minute or two). Run: npx tsx test/bench/map-pan.bench.ts
 */
import { loadavg } from 'node:os'
import { bbox } from '@turf/turf'
import type { FeatureCollection } from 'geojson'
import { launchBrowser, startServer } from '../e2e/harness'
import { measurePan, SMALL_WINDOW, type PanFigure } from '../e2e/pan'
import { report } from './report'

const BENCH = 'map-pan'

async function main(): Promise<void> {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    const res = await fetch(`${server.url}/api/districts?level=district&format=geojson`)
    const [w, s, e, n] = bbox((await res.json()) as FeatureCollection)
    const run = await measurePan(browser, server.url, { lon: (w + e) / 2, lat: (s + n) / 2 })
    const r1 = (v: number) => Math.round(v * 10) / 10
    const figure = (size: string, cells: PanFigure, base: PanFigure) => report({
      bench: BENCH,
      figure: `pan the planner view with ${run.cells.toLocaleString('en')} cells at ${size}`,
      value: r1(cells.fps),
      unit: 'fps',
      target: '≥ 30 fps',
      pass: cells.fps >= 30,
      main_thread_ms_per_frame: r1(cells.mainMsPerFrame),
      reference: 'the same pan over the scheduler view (base map, coverage, tracks) in this run',
      reference_fps: r1(base.fps),
      reference_main_thread_ms_per_frame: r1(base.mainMsPerFrame),
      ratio: r1(cells.fps / base.fps),
      renderer: 'chromium swiftshader (software WebGL: every pixel rasterised on the CPU)',
      load: r1(loadavg()[0]),
      note: 'ratio = fps with the cells / reference fps; ≥ 1 means the cells cost no more than the base map',
    })
    figure('1280×800', run.cells1280, run.base)
    figure(`${SMALL_WINDOW.width}×${SMALL_WINDOW.height}`, run.cellsSmall, run.baseSmall)
    report({ bench: BENCH, figure: `planner view: ${run.cells.toLocaleString('en')} cells loaded and drawn with their legend`, value: run.loadMs, unit: 'ms', load: r1(loadavg()[0]) })
  } finally {
    await browser.close()
    await server.stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
