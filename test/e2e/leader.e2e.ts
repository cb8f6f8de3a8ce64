/**
 * The leader view in a real browser against a real server with the sample city: layers are
 * drawn where the district is, the legend states units, hovering a case explains it, the
 * language switches, the time slider moves the window and Back undoes it, the PNG export
 * carries title and legend, and the tabs move between the views. Emerging hot spots are run from
 * the panel (layer drawn, legend with counts, tooltip, sparkline on click, English), the forecast
 * evaluation fills its table, and the hotspot layers export as CSV, GeoJSON and PNG.
 * Screenshots land in test/e2e/screenshots/ for review.
 */
import { resolve } from 'node:path'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { type RunningServer, hoverUntil, launchBrowser, mapReady, mapRect, offsetFromCentre, screenshotDir, startServer } from './harness'
import { countPixels, decodePng, saturation } from './png'

interface Fc {
  features: Array<{ geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }>
}

let server: RunningServer
let browser: Browser
let page: Page
let centre: { lon: number; lat: number; zoom: number }

const ZOOM = 14

function bbox(fc: Fc): [number, number, number, number] {
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
  return b
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(server.url + path)
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/**
 * Waits until nothing is loading (the map area's aria-busy) and the map has drawn the latest
 * layers (data-rendered catches up with data-requested), so screenshots show the final frame.
 */
async function ready(p: Page): Promise<void> {
  await p.waitForFunction(
    () => {
      const wrap = document.querySelector('.map-wrap')
      const map = document.getElementById('map')
      return (
        wrap?.getAttribute('aria-busy') === 'false' &&
        /\d/.test(document.querySelector('.kpi-value')?.textContent ?? '') &&
        !!map?.dataset.requested &&
        map.dataset.rendered === map.dataset.requested
      )
    },
    undefined,
    { timeout: 90_000, polling: 250 },
  )
}

async function shot(p: Page, name: string): Promise<Buffer> {
  const buf = await p.screenshot({ path: resolve(screenshotDir, name) })
  return buf
}


beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const district = await getJson<Fc>('/api/districts?level=district&format=geojson')
  expect(district.features.length).toBeGreaterThan(0)
  const [x0, y0, x1, y1] = bbox(district)
  centre = { lon: (x0 + x1) / 2, lat: (y0 + y1) / 2, zoom: ZOOM }
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  page.on('pageerror', (err) => console.error('page error:', err.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('leader view', () => {
  test('draws the base map and the case layers where the district is, with a legend that states units', async () => {
    await page.goto(`${server.url}/?layers=points,hex,communities#map=${ZOOM}/${centre.lat.toFixed(5)}/${centre.lon.toFixed(5)}`)
    await ready(page)
    const img = decodePng(await shot(page, 'leader-zh-1280.png'))
    const m = await mapRect(page)
    const core = { x: m.x + m.w / 2 - 200, y: m.y + m.h / 2 - 150, w: 400, h: 300 }
    const area = core.w * core.h
    // analytical colours (viridis hexagons, category points) are saturated; the base map is grey
    const colourful = countPixels(img, core, (r, g, b) => saturation(r, g, b) > 0.35)
    // the base map draws land and white roads inside the district
    const light = countPixels(img, core, (r, g, b) => r > 235 && g > 235 && b > 230)
    expect(colourful / area).toBeGreaterThan(0.05)
    expect(light / area).toBeGreaterThan(0.02)

    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('案件大类')
    expect(legend).toContain('案件数 / 六边形')
    expect(legend).toMatch(/H3 第 \d+ 级六边形，平均面积 ≈ [\d.]+ km²；单位：件/)
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    // the default window is pinned into the URL so the link reproduces the map
    expect(page.url()).toMatch(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/)
  })

  test('hovering a case shows its category, time, status and community', async () => {
    const u = new URL(page.url())
    const from = u.searchParams.get('from')!
    const to = u.searchParams.get('to')!
    const fc = await getJson<Fc>(`/api/cases?format=geojson&from=${from}T00:00:00%2B08:00&to=${to}T00:00:00%2B08:00&limit=5000`)
    const m = await mapRect(page)
    // a case near the centre with no other case within 8 px, so the pick is unambiguous
    const pts = fc.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates as [number, number]
      const [dx, dy] = offsetFromCentre(lon, lat, centre)
      return { dx, dy, f }
    })
    const target = pts.find((p) => Math.abs(p.dx) < 250 && Math.abs(p.dy) < 200 && !p.f.properties.stacked && pts.every((q) => q === p || Math.hypot(q.dx - p.dx, q.dy - p.dy) > 8))
    expect(target, 'an isolated case near the centre').toBeTruthy()
    await page.mouse.move(m.x + m.w / 2 + target!.dx, m.y + m.h / 2 + target!.dy)
    const tip = page.locator('.tooltip')
    await tip.waitFor({ state: 'visible', timeout: 10_000 })
    const text = await tip.innerText()
    expect(text).toContain(String(target!.f.properties.external_id ?? target!.f.properties.id))
    expect(text).toContain('类别')
    expect(text).toContain(String(target!.f.properties.category_code))
    expect(text).toContain('上报时间')
    expect(text).toContain('社区')
    await shot(page, 'leader-tooltip.png')
    await page.mouse.move(m.x + 5, m.y + m.h - 5)
  })

  test('the time slider moves the window, and Back restores it', async () => {
    const before = new URL(page.url()).searchParams.get('from')
    const label = page.locator('.window-label')
    const labelBefore = await label.innerText()
    await page.locator('.slider').focus()
    await page.keyboard.press('ArrowLeft')
    await page.waitForFunction((f) => new URL(location.href).searchParams.get('from') !== f, before)
    await ready(page)
    const after = new URL(page.url()).searchParams.get('from')!
    expect(after < before!).toBe(true)
    expect(await label.innerText()).not.toBe(labelBefore)
    await shot(page, 'leader-slider.png')
    await page.goBack()
    await page.waitForFunction((f) => new URL(location.href).searchParams.get('from') === f, before)
    await ready(page)
    expect(await label.innerText()).toBe(labelBefore)
  })

  test('play animates the window and pause stops it', async () => {
    // start from the first window so there is room to play
    const first = page.locator('.slider')
    await first.focus()
    await page.keyboard.press('Home')
    await ready(page)
    const start = new URL(page.url()).searchParams.get('from')
    const play = page.locator('.btn-play')
    await play.click()
    expect(await play.getAttribute('aria-pressed')).toBe('true')
    await page.waitForFunction((f) => new URL(location.href).searchParams.get('from') !== f, start, { timeout: 30_000 })
    await play.click()
    expect(await play.getAttribute('aria-pressed')).toBe('false')
  })

  test('the language switch translates the panel, legend and URL', async () => {
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await ready(page)
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en')
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('Cases per hexagon')
    expect(legend).toMatch(/H3 resolution \d+ hexagons, mean area ≈ [\d.]+ km²; unit: cases/)
    expect(await page.locator('.panel').innerText()).toContain('On-time closure rate')
    await shot(page, 'leader-en-1280.png')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN')
  })

  test('a category filter with no cases says so by name', async () => {
    const u = new URL(page.url())
    const cats = await getJson<{ items: Array<{ code: string; name_zh: string }> }>('/api/categories')
    // pick the rarest category in this window, if one has no cases at all
    const summary = await getJson<{ by_category: Array<{ code: string; n: number }> }>(`/api/cases/summary?from=${u.searchParams.get('from')}T00:00:00%2B08:00&to=${u.searchParams.get('to')}T00:00:00%2B08:00&include_stacked=true`)
    const seen = new Set(summary.by_category.filter((r) => r.n > 0).map((r) => r.code))
    const empty = cats.items.find((c) => !seen.has(c.code))
    expect(empty, 'a category without cases in the window').toBeTruthy()
    u.searchParams.set('cat', empty!.code)
    await page.goto(u.toString())
    await ready(page)
    const notice = page.locator('.map-notice')
    await notice.waitFor({ state: 'visible' })
    expect(await notice.innerText()).toContain(`此时间段内没有 ${empty!.name_zh} 案件`)
    await shot(page, 'leader-empty.png')
  })

  test('PNG export holds the map with a title band and the legend', async () => {
    const u = new URL(page.url())
    u.searchParams.delete('cat')
    await page.goto(u.toString())
    await ready(page)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出地图 PNG' }).click()])
    const path = resolve(screenshotDir, 'export.png')
    await download.saveAs(path)
    const { readFileSync } = await import('node:fs')
    const img = decodePng(readFileSync(path))
    const m = await mapRect(page)
    expect(img.width).toBe(m.w)
    expect(img.height).toBeGreaterThan(m.h)
    // the title band is white with dark text
    const band = { x: 0, y: 0, w: img.width, h: 60 }
    expect(countPixels(img, band, (r, g, b) => r < 80 && g < 80 && b < 80)).toBeGreaterThan(200)
    // and the map part has the analytical colours
    expect(countPixels(img, { x: 0, y: 64, w: img.width, h: m.h }, (r, g, b) => saturation(r, g, b) > 0.35)).toBeGreaterThan(5000)
  })

  test('CSV export of the case points has a header and one row per loaded case', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()])
    const path = resolve(screenshotDir, 'export.csv')
    await download.saveAs(path)
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(path, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const lines = text.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,external_id,category_code,category_name,source,status,reported_at,due_at,closed_at,stacked,lon,lat')
    expect(lines.length).toBeGreaterThan(10)
  })

  test('every view has its own panel, and the arrow keys move between the tabs with Back returning', async () => {
    await page.getByRole('tab', { name: '网格规划' }).click()
    await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'planner')
    // arrow keys move between tabs; the scheduler and zones panels replace the old "unavailable" notes
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'scheduler')
    await page.locator('.panel-body.scheduler').waitFor()
    expect(await page.locator('.panel-content').innerText()).not.toContain('暂不可用')
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'zones')
    await page.locator('.panel-body.zones').waitFor()
    expect(await page.locator('.panel-content').innerText()).not.toContain('暂不可用')
    await page.goBack()
    await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'scheduler')
    await page.getByRole('tab', { name: '领导看板' }).click()
  })

  test('a wall screen gets a larger panel and type', async () => {
    const wall = await browser.newPage({ viewport: { width: 2560, height: 1440 }, deviceScaleFactor: 1 })
    await wall.goto(`${server.url}/#map=${ZOOM + 0.5}/${centre.lat.toFixed(5)}/${centre.lon.toFixed(5)}`)
    await ready(wall)
    const panelWidth = await wall.locator('.panel').evaluate((el) => el.getBoundingClientRect().width)
    expect(panelWidth).toBeGreaterThanOrEqual(480)
    const buf = await wall.screenshot()
    writeFileSync(resolve(screenshotDir, 'leader-wall-2560.png'), buf)
    const img = decodePng(buf)
    const m = await mapRect(wall)
    const colourful = countPixels(img, m, (r, g, b) => saturation(r, g, b) > 0.2)
    expect(colourful / (m.w * m.h)).toBeGreaterThan(0.05)
    await wall.close()
  })
})

describe('leader view: emerging hot spots, forecast evaluation, hotspot exports', () => {
  /** analyses run on the embedded database of a loaded machine */
  const LONG = 400_000
  const settled = (p: Page) => mapReady(p, LONG)

  /**
   * Scrolls the panel so `selector` sits near its top. Playwright's clicks scroll every ancestor
   * into view, the page's own scroller included, which shifts the fixed layout: undo that first.
   */
  async function scrollPanelTo(p: Page, selector: string | null, offset = 60): Promise<void> {
    await p.evaluate(([sel, off]) => {
      document.scrollingElement?.scrollTo(0, 0)
      const host = document.querySelector('.panel-content') as HTMLElement
      const el = sel ? (document.querySelector(sel as string) as HTMLElement | null) : null
      host.scrollTop = el ? host.scrollTop + el.getBoundingClientRect().top - host.getBoundingClientRect().top - (off as number) : 0
    }, [selector, offset] as const)
  }

  test('the emerging analysis runs from the panel and draws its patterns with a legend of names and counts', async () => {
    await page.goto(`${server.url}/?layers=communities#map=13.2/${centre.lat.toFixed(5)}/${centre.lon.toFixed(5)}`)
    await ready(page)
    const m = await mapRect(page)
    const core = { x: m.x + m.w / 2 - 250, y: m.y + m.h / 2 - 180, w: 500, h: 360 }
    const before = countPixels(decodePng(await page.screenshot()), core, (r, g, b) => saturation(r, g, b) > 0.25)
    await page.locator('input[data-layer="emerging"]').check()
    const form = page.locator('.em-form')
    await form.waitFor({ state: 'visible' })
    await form.getByLabel('时间步', { exact: true }).selectOption('week')
    await page.getByRole('button', { name: '运行分析' }).click()
    await page.waitForFunction(() => /新兴热点/.test(document.querySelector('.legend')?.textContent ?? ''), undefined, { timeout: LONG })
    await settled(page)
    const url = new URL(page.url())
    expect(url.searchParams.get('layers')).toContain('emerging')
    expect(url.searchParams.get('layout')).toMatch(/^\d+$/)
    await scrollPanelTo(page, '.em-form', 150)
    const img = decodePng(await shot(page, 'emerging-zh-1280.png'))
    // hatched reds and blues over the grey base map
    const after = countPixels(img, core, (r, g, b) => saturation(r, g, b) > 0.25)
    expect(after - before).toBeGreaterThan(800)
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('新兴热点（时空 Gi* 趋势）')
    expect(legend).toMatch(/共 \d+ 周，90% 置信/)
    expect(legend).toMatch(/无模式 \([\d,]+\)/)
    expect(legend).toMatch(/(新|连续|加剧|持续|减弱|零星|振荡|历史)(热|冷)点 \([\d,]+\)/)
    expect(await page.locator('.em-status').innerText()).toMatch(/共 \d+ 周/)
  })

  test('hovering a cell names its pattern and the reason; a click shows its sparkline', async () => {
    const hit = await hoverUntil(page, /模式\s*(新|连续|加剧|持续|减弱|零星|振荡|历史)(热|冷)点/, { tries: 80, spread: 0.5 })
    expect(hit.text).toMatch(/Mann-Kendall z = /)
    expect(hit.text).toContain('显著时间步')
    await shot(page, 'emerging-tooltip.png')
    // a click right after a hover is sometimes taken for the end of a drag: nudge and retry
    for (let k = 0; k < 10 && !new URL(page.url()).searchParams.has('cell'); k++) {
      await page.mouse.click(hit.x + (k % 3) - 1, hit.y + ((k >> 1) % 3) - 1)
      await page.waitForTimeout(300)
    }
    expect(new URL(page.url()).searchParams.get('cell')).toMatch(/^\d+$/)
    const spark = page.locator('.em-card .sparkline-wrap svg')
    await spark.waitFor({ state: 'visible' })
    const steps = await spark.locator('rect[data-step]').count()
    expect(steps).toBeGreaterThanOrEqual(10)
    // the cell is significant in some step: at least one marked bar
    expect(await spark.locator('[data-sig]').count()).toBeGreaterThan(0)
    expect(await page.locator('.em-card .em-reason').innerText()).toMatch(/个时间步中 \d+ 个为显著热点/)
    await page.mouse.move((await mapRect(page)).x + 5, (await mapRect(page)).y + 5)
    await settled(page)
    await scrollPanelTo(page, '.em-card')
    await shot(page, 'emerging-sparkline.png')
    // the list of cells worth a look selects by keyboard too
    const first = page.locator('.em-btn').first()
    if (await first.count()) {
      await first.focus()
      await page.keyboard.press('Enter')
      await page.waitForFunction((c) => new URL(location.href).searchParams.get('cell') === c, await first.getAttribute('data-cell'))
    }
  })

  test('the hotspot layer exports as CSV (BOM) and GeoJSON, and the PNG carries its title and legend', async () => {
    const layerSelect = page.getByLabel('导出图层')
    expect(await layerSelect.inputValue()).toBe('emerging')
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()])
    const csvPath = resolve(screenshotDir, 'export-emerging.csv')
    await csv.saveAs(csvPath)
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(csvPath, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const lines = text.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^cell,code,category,category_key,/)
    expect(lines[0]).toContain('category_name')
    expect(lines[0]).toContain('series_cases')
    expect(lines.length).toBeGreaterThan(100)
    const [gj] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 GeoJSON' }).click()])
    const gjPath = resolve(screenshotDir, 'export-emerging.geojson')
    await gj.saveAs(gjPath)
    const fc = JSON.parse(readFileSync(gjPath, 'utf8')) as { features: Array<{ geometry: { type: string } | null; properties: Record<string, unknown> }>; time: { step_starts: string[] } }
    expect(fc.features.length).toBe(lines.length - 1)
    expect(['Polygon', 'MultiPolygon']).toContain(fc.features[0].geometry?.type)
    expect(Array.isArray(fc.features[0].properties.series_cases)).toBe(true)
    expect(fc.time.step_starts.length).toBe((fc.features[0].properties.series_cases as number[]).length)
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出地图 PNG' }).click()])
    expect(png.suggestedFilename()).toMatch(/\.png$/)
    const pngPath = resolve(screenshotDir, 'export-emerging.png')
    await png.saveAs(pngPath)
    const img = decodePng(readFileSync(pngPath))
    expect(countPixels(img, { x: 0, y: 0, w: img.width, h: 60 }, (r, g, b) => r < 80 && g < 80 && b < 80)).toBeGreaterThan(200)
    // the legend box holds the red swatches of the patterns
    const legendBox = { x: img.width - 250, y: 64, w: 250, h: img.height - 64 - 28 }
    expect(countPixels(img, legendBox, (r, g, b) => r > 150 && g < 120 && b < 120)).toBeGreaterThan(30)
  })

  test('the forecast evaluation shows a table per method and a chart, in both languages', async () => {
    const u = new URL(page.url())
    // two categories keep the rolling windows quick on the embedded database
    u.searchParams.set('cat', '0401,0402')
    u.searchParams.delete('cell')
    // back to the whole district (the list above zoomed to a cell)
    u.hash = `map=13.2/${centre.lat.toFixed(5)}/${centre.lon.toFixed(5)}`
    await page.goto(u.toString())
    await settled(page)
    await page.getByRole('button', { name: '评估各热点方法' }).click()
    await page.waitForFunction(() => new URL(location.href).searchParams.get('fe') === '1')
    const cols = page.locator('.fc-table thead th[data-method]')
    await cols.first().waitFor({ timeout: LONG })
    expect(await cols.count()).toBe(4)
    const methods = await cols.evaluateAll((ths) => ths.map((th) => (th as HTMLElement).dataset.method))
    expect(methods.sort()).toEqual(['dbscan', 'gi-star', 'kde', 'last-period'])
    expect(await page.locator('.fc-best').innerText()).toMatch(/预测最好/)
    // hit rate, PAI, PEI, PEI* by area, and by street length (the sample city has streets)
    expect(await page.locator('.fc-table tbody tr').count()).toBe(7)
    expect(await page.locator('.fc-table tbody').innerText()).toMatch(/命中率[\s\S]*PAI[\s\S]*PEI\*（街长）/)
    expect(await page.locator('.fc-chart svg g[data-method]').count()).toBe(4)
    await page.getByLabel('圈定面积', { exact: true }).selectOption('0.1')
    expect(await page.locator('.fc-table caption').innerText()).toContain('10.0%')
    await settled(page)
    await scrollPanelTo(page, '.fc-best', 120)
    await shot(page, 'forecast-zh-1280.png')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await settled(page)
    expect(await page.locator('.fc-best').innerText()).toMatch(/forecast best/)
    expect(await page.locator('.fc-table tbody').innerText()).toMatch(/Hit rate/)
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('Emerging hot spots (space-time Gi* trend)')
    expect(legend).toMatch(/No Pattern Detected \(/)
    await scrollPanelTo(page, '.em-form', 150)
    await shot(page, 'emerging-en-1280.png')
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN')
  })
})
