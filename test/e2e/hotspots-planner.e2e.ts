/**
 * The leader view's hotspot layers and the planner view in a real browser against the sample
 * city: density, Gi* and recurring spots are drawn where the district is with legends that
 * state units, hovering explains a cell, a spot in the list zooms and lists its cases, the
 * language switches, a layout is created from the form with progress, two layouts are compared
 * with the swipe divider, a cell is selected, and panning stays interactive with 100,000 cells
 * (frames per second printed). Screenshots land in test/e2e/screenshots/.
 */
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { type RunningServer, hoverUntil, launchBrowser, mapReady, mapRect, screenshotDir, startServer } from './harness'
import { measurePan } from './pan'
import { countPixels, decodePng, saturation } from './png'

let server: RunningServer
let browser: Browser
let page: Page
let district: [number, number, number, number]

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(server.url + path)
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Nothing loading and the latest layers drawn. */
const ready = (p: Page) => mapReady(p, 300_000)

async function shot(p: Page, name: string): Promise<Buffer> {
  return p.screenshot({ path: resolve(screenshotDir, name) })
}


const centre = () => ({ lon: (district[0] + district[2]) / 2, lat: (district[1] + district[3]) / 2 })

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const fc = await getJson<{ features: Array<{ geometry: { coordinates: number[][][][] | number[][][] } }> }>('/api/districts?level=district&format=geojson')
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[]
      b[0] = Math.min(b[0], x)
      b[1] = Math.min(b[1], y)
      b[2] = Math.max(b[2], x)
      b[3] = Math.max(b[3], y)
    } else for (const k of c as unknown[]) visit(k)
  }
  for (const f of fc.features) visit(f.geometry.coordinates)
  district = b
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  page.on('pageerror', (err) => console.error('page error:', err.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('leader hotspot layers', () => {
  test('density, Gi* and recurring spots are drawn with legends in units; the layout is pinned in the URL', async () => {
    const c = centre()
    await page.goto(`${server.url}/?layers=density,gi,clusters,communities#map=13.2/${c.lat.toFixed(5)}/${c.lon.toFixed(5)}`)
    await ready(page)
    await page.waitForFunction(() => /Gi\*/.test(document.querySelector('.legend')?.textContent ?? '') && /案件核密度/.test(document.querySelector('.legend')?.textContent ?? ''), undefined, { timeout: 300_000 })
    await ready(page)
    const img = decodePng(await shot(page, 'hotspots-zh-1280.png'))
    const m = await mapRect(page)
    const core = { x: m.x + m.w / 2 - 200, y: m.y + m.h / 2 - 150, w: 400, h: 300 }
    expect(countPixels(img, core, (r, g, b) => saturation(r, g, b) > 0.3) / (core.w * core.h)).toBeGreaterThan(0.05)
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('案件核密度')
    expect(legend).toMatch(/单位：件\/km²；四次核，带宽 \d+ m/)
    expect(legend).toContain('Getis-Ord Gi* 冷热点')
    expect(legend).toContain('热点 99% 置信')
    expect(legend).toContain('反复发生问题点')
    const url = new URL(page.url())
    expect(url.searchParams.get('layout')).toMatch(/^\d+$/)
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  test('hovering a cell explains its Gi* class with z and p', async () => {
    const { text } = await hoverUntil(page, /Gi\* z/)
    expect(text).toMatch(/网格 \d+/)
    expect(text).toContain('p 值（双侧）')
    expect(text).toContain('面积')
    await shot(page, 'hotspots-tooltip.png')
  })

  test('a spot in the ranked list zooms to it and lists its cases; Back returns', async () => {
    const before = page.url()
    await page.locator('.spot-btn').first().click()
    await page.waitForFunction(() => new URL(location.href).searchParams.get('spot') === '1')
    await page.locator('.spot-cases .case-list li').first().waitFor({ timeout: 120_000 })
    await ready(page)
    expect(await page.locator('.spot.selected .spot-rank').innerText()).toBe('1')
    expect(await page.locator('.spot-cases .case-list li').count()).toBeGreaterThan(3)
    await shot(page, 'hotspots-spot.png')
    await page.goBack()
    await page.waitForFunction((u) => location.href === u, before)
    expect(await page.locator('.spot.selected').count()).toBe(0)
  })

  test('cells coloured by on-time closure rate, with the KPI table; English labels everything', async () => {
    const u = new URL(page.url())
    u.searchParams.set('layers', 'cells,communities')
    u.searchParams.set('metric', 'rate_on_time')
    await page.goto(u.toString())
    await ready(page)
    await page.waitForFunction(() => /按期结案率/.test(document.querySelector('.legend')?.textContent ?? ''), undefined, { timeout: 300_000 })
    await page.locator('.data-table tbody tr').first().waitFor({ timeout: 120_000 })
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('按期结案 ÷ 应结案')
    expect(legend).toContain('无应结案件')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await ready(page)
    const en = await page.locator('.legend').innerText()
    expect(en).toContain('On-time closure rate')
    expect(en).toContain('nothing due')
    const panel = await page.locator('.panel').innerText()
    // section titles are set in small capitals (CSS uppercase), which innerText reports
    expect(panel).toMatch(/per-cell performance/i)
    expect(panel).toMatch(/hotspot analysis/i)
    expect(panel).not.toMatch(/热点分析|网格考核/)
    // scroll the panel itself (scrollIntoView would also shift the page under the fixed layout)
    await page.evaluate(() => {
      const host = document.querySelector('.panel-content') as HTMLElement
      const el = document.querySelector('.kpi-totals') as HTMLElement
      host.scrollTop += el.getBoundingClientRect().top - host.getBoundingClientRect().top - 40
    })
    await shot(page, 'hotspots-kpi-en.png')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN')
  })
})

describe('planner view', () => {
  let before: number[] = []

  test('lists the layouts and colours the shown one by workload', async () => {
    before = (await getJson<{ items: Array<{ id: number }> }>('/api/layouts')).items.map((l) => l.id)
    await page.goto(`${server.url}/?view=planner`)
    await ready(page)
    await page.waitForFunction(() => !!new URL(location.href).searchParams.get('layout') && /工作量/.test(document.querySelector('.legend')?.textContent ?? ''), undefined, { timeout: 300_000 })
    await ready(page)
    expect(await page.locator('.layout-item').count()).toBe(before.length)
    expect(await page.locator('.legend').innerText()).toContain('案件数（全部时间）；单位：件')
    const img = decodePng(await shot(page, 'planner-zh-1280.png'))
    const m = await mapRect(page)
    const core = { x: m.x + m.w / 2 - 150, y: m.y + m.h / 2 - 150, w: 300, h: 300 }
    expect(countPixels(img, core, (r, g, b) => saturation(r, g, b) > 0.2) / (core.w * core.h)).toBeGreaterThan(0.1)
    const { text } = await hoverUntil(page, /工作量/)
    expect(text).toMatch(/面积\s*[\d,]+ m²/)
  })

  test('creates a layout from the form with progress and shows it', async () => {
    await page.locator('.create-form label', { hasText: 'H3 六边形' }).click()
    await page.locator('.create-form select').nth(2).selectOption('9')
    await page.locator('.create-form input[type=text]').fill('H3 第 9 级（测试）')
    await page.getByRole('button', { name: '新建网格布局' }).click()
    // the button is disabled and the bar shows while the server draws the cells
    await page.waitForFunction(() => (document.querySelector('.create-form .btn-primary') as HTMLButtonElement | null)?.disabled === true || /\d+/.test(new URL(location.href).searchParams.get('layout') ?? ''))
    await page.waitForFunction((ids) => {
      const id = Number(new URL(location.href).searchParams.get('layout'))
      return id > 0 && !ids.includes(id)
    }, before, { timeout: 300_000 })
    await ready(page)
    await page.waitForFunction(() => document.querySelector('.layout-item.shown')?.textContent?.includes('H3 第 9 级（测试）'), undefined, { timeout: 60_000 })
    const created = (await getJson<{ items: Array<{ id: number; kind: string; params: Record<string, unknown> }> }>('/api/layouts')).items.find((l) => !before.includes(l.id))
    expect(created?.kind).toBe('h3')
    expect(created?.params.resolution).toBe(9)
    await shot(page, 'planner-created.png')
  })

  test('compares two layouts with a swipe divider and a statistics table', async () => {
    await page.locator('.layout-item:not(.shown) button', { hasText: '对比' }).first().click()
    await page.waitForFunction(() => !!new URL(location.href).searchParams.get('cmp'))
    await page.locator('.compare-table').waitFor({ timeout: 120_000 })
    await ready(page)
    expect(await page.locator('.swipe').isVisible()).toBe(true)
    const table = await page.locator('.compare-table').innerText()
    expect(table).toContain('网格数')
    expect(table).toContain('前 10% 网格的案件占比')
    const legend = await page.locator('.legend').innerText()
    expect(legend).toMatch(/左：/)
    expect(legend).toMatch(/右：/)
    // drag the divider to the right and the right-hand layout gives way
    const handle = page.locator('.swipe-handle')
    const hb = (await handle.boundingBox())!
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2)
    await page.mouse.down()
    await page.mouse.move(hb.x + 150, hb.y + hb.height / 2, { steps: 5 })
    await page.mouse.up()
    const after = (await handle.boundingBox())!
    expect(after.x).toBeGreaterThan(hb.x + 100)
    await ready(page)
    await shot(page, 'planner-compare.png')
  })

  test('selecting a cell shows its code, area, community and cases; Back clears it', async () => {
    const m = await mapRect(page)
    const urlBefore = page.url()
    for (let k = 0; k < 20 && !new URL(page.url()).searchParams.get('cell'); k++) {
      await page.mouse.click(m.x + m.w * (0.25 + 0.02 * k), m.y + m.h * (0.45 + 0.01 * k))
      await page.waitForTimeout(300)
    }
    expect(new URL(page.url()).searchParams.get('cell')).toMatch(/^\d+$/)
    const text = await page.locator('.panel').innerText()
    expect(text).toContain('所选网格')
    expect(text).toMatch(/网格编码\s*[0-9a-f]{12,}/)
    expect(text).toMatch(/工作量（案件数）\s*[\d,]+ 件/)
    await shot(page, 'planner-cell.png')
    await page.goBack()
    await page.waitForFunction((u) => location.href === u, urlBefore)
    expect(await page.locator('.panel').innerText()).not.toContain('所选网格')
  })

  test('the planner speaks English', async () => {
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await ready(page)
    const text = await page.locator('.panel').innerText()
    expect(text).toMatch(/create a layout/i)
    expect(text).toMatch(/comparison/i)
    expect(text).toContain('Stop comparing')
    expect(await page.locator('.legend').innerText()).toContain('Cases over all dates; unit: cases')
    await shot(page, 'planner-en.png')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN')
  })
})

describe('100,000 cells', () => {
  test('panning stays interactive (frames per second printed; figures against 30 fps in test/bench/map-pan.bench.ts)', async () => {
    const run = await measurePan(browser, server.url, centre(), { screenshot: resolve(screenshotDir, 'planner-100k.png') })
    const r1 = (v: number) => Math.round(v * 10) / 10
    console.log(JSON.stringify({
      name: 'planner pan with 100k cells', cells: run.cells, fps: r1(run.cells1280.fps), base_fps: r1(run.base.fps),
      fps_480x300: r1(run.cellsSmall.fps), base_fps_480x300: r1(run.baseSmall.fps),
      main_thread_ms_per_frame: r1(run.cells1280.mainMsPerFrame), main_thread_ms_per_frame_480x300: r1(run.cellsSmall.mainMsPerFrame),
      load_ms: run.loadMs, load_average: r1(loadavg()[0]), renderer: 'chromium swiftshader (software WebGL)',
    }))
    expect(run.legend).toContain('工作量')
    // software WebGL on a shared 2-core machine makes absolute frame rates depend on the load; the
    // bar here is relative: 100,000 cells may cost at most four times the frame time of the
    // scheduler view's base map, coverage and tracks
    expect(run.cells1280.fps).toBeGreaterThan(run.base.fps / 4)
    expect(run.cellsSmall.fps).toBeGreaterThan(run.baseSmall.fps / 4)
  }, 600_000)
})
