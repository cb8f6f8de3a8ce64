/**
 * The scheduler view (巡查调度) in a real browser against the sample city: coverage cells and
 * tracks are drawn where the district is, the legend states units, the language switches, and a
 * route plan is created from the panel with its numbered stops and export links. Screenshots
 * land in test/e2e/screenshots/ for review.
 */
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { type RunningServer, launchBrowser, mapReady, mapRect, screenshotDir, startServer } from './harness'
import { countPixels, decodePng, saturation } from './png'

let server: RunningServer
let browser: Browser
let page: Page

/** Nothing loading and the latest layers drawn. */
const ready = (p: Page) => mapReady(p, 240_000)


beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  page.on('pageerror', (err) => console.error('page error:', err.message))
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('scheduler view', () => {
  test('draws coverage and tracks over the district, with a legend that states units, and pins the day in the URL', async () => {
    await page.goto(`${server.url}/?view=scheduler`)
    await page.waitForFunction(() => /day=\d{4}-\d{2}-\d{2}/.test(location.search), undefined, { timeout: 120_000 })
    await page.locator('.scheduler .stat-grid').waitFor({ timeout: 240_000 })
    await ready(page)
    const img = decodePng(await page.screenshot({ path: resolve(screenshotDir, 'scheduler-zh-1280.png') }))
    const m = await mapRect(page)
    const core = { x: m.x + m.w / 2 - 250, y: m.y + m.h / 2 - 200, w: 500, h: 400 }
    // coverage classes (viridis) and worker tracks (Okabe–Ito) are saturated; the base map is grey
    expect(countPixels(img, core, (r, g, b) => saturation(r, g, b) > 0.35) / (core.w * core.h)).toBeGreaterThan(0.05)
    const legend = await page.locator('.legend').innerText()
    expect(legend).toContain('当日经过次数 / 单元网格')
    expect(legend).toContain('单位：次')
    expect(legend).toMatch(/连续 3 天未巡查/)
    expect(legend).toContain('GPS 轨迹（按网格员着色）')
    const panel = await page.locator('.panel-content').innerText()
    expect(panel).toContain('见巡率')
    expect(panel).toContain('网格员见巡率')
    expect(panel).not.toContain('暂不可用')
  })

  test('the language switch translates panel and legend; Back restores Chinese', async () => {
    await page.locator('.btn-lang').click()
    await page.waitForFunction(() => document.documentElement.lang === 'en')
    await ready(page)
    expect(await page.locator('.legend').innerText()).toContain('Passes per unit cell that day')
    expect(await page.locator('.panel-content').innerText()).toContain('Visit rate per worker')
    await page.screenshot({ path: resolve(screenshotDir, 'scheduler-en-1280.png') })
    await page.goBack()
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN')
  })

  test('plans routes for two workers from the panel and shows the numbered stops with ETAs and export links', async () => {
    const boxes = page.locator('.check-list input[type=checkbox]')
    const n = await boxes.count()
    expect(n).toBeGreaterThan(2)
    // two workers keep the plan quick; the first two in the list
    for (let i = 2; i < n; i++) await boxes.nth(i).uncheck()
    const worker = await boxes.nth(0).getAttribute('value')
    await page.getByRole('button', { name: '生成路线' }).click()
    await page.waitForFunction(() => /plan=\d+/.test(location.search), undefined, { timeout: 240_000 })
    await page.locator('.scheduler select.select-wide').selectOption(worker!)
    await page.locator('.stop-table tbody tr').first().waitFor({ timeout: 60_000 })
    await ready(page)
    expect(new URL(page.url()).searchParams.get('worker')).toBe(worker)
    const rows = await page.locator('.stop-table tbody tr').count()
    expect(rows).toBeGreaterThan(0)
    expect(await page.locator('.stop-table tbody tr').first().innerText()).toMatch(/^1\s/)
    expect(await page.locator('.stop-table tbody tr').first().innerText()).toMatch(/\d{1,2}:\d{2}–\d{1,2}:\d{2}/)
    const sheet = await page.getByRole('link', { name: '打印路线单' }).getAttribute('href')
    expect(sheet).toMatch(new RegExp(`^/api/patrol/plans/\\d+\\.html\\?worker=${worker}$`))
    const gpx = await page.getByRole('link', { name: '下载 GPX' }).getAttribute('href')
    const res = await fetch(server.url + gpx)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<gpx')
    expect(await page.locator('.legend').innerText()).toContain('路线方案 #')
    await page.screenshot({ path: resolve(screenshotDir, 'scheduler-plan.png') })
  }, 420_000) // the planner's own budget plus loading the street graph, on a loaded CI machine
})
