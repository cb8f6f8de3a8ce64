/**
 * The leader view in a real browser against a real server with the sample city: layers are
 * drawn where the district is, the legend states units, hovering a case explains it, the
 * language switches, the time slider moves the window and Back undoes it, the PNG export
 * carries title and legend, and the tabs move between the views. Screenshots land in
 * test/e2e/screenshots/ for review.
 */
import { resolve } from 'node:path'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { type RunningServer, launchBrowser, mapRect, offsetFromCentre, screenshotDir, startServer } from './harness'
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
