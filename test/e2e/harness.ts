/**
 * Starts a Wangge server for the browser tests (embedded database in a temp folder, random
 * port, sample city) and Debian's chromium. WANGGE_E2E_URL points the tests at a server that
 * is already running instead; WANGGE_E2E_ROOT runs `server/main.ts` from another checkout.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { projectRoot } from '../helpers/paths'

/** Where screenshots go (gitignored). */
export const screenshotDir = resolve(projectRoot, 'test/e2e/screenshots')
mkdirSync(screenshotDir, { recursive: true })

/** Server start includes migrating an empty database and loading the sample city. */
const SERVER_START_TIMEOUT_MS = 15 * 60_000

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

/** Starts `npx tsx server/main.ts` on a free port and resolves with its URL once it listens. */
export async function startServer(): Promise<RunningServer> {
  if (process.env.WANGGE_E2E_URL) return { url: process.env.WANGGE_E2E_URL.replace(/\/$/, ''), stop: async () => {} }
  const dataDir = mkdtempSync(join(tmpdir(), 'wangge-e2e-'))
  const cwd = process.env.WANGGE_E2E_ROOT ? resolve(process.env.WANGGE_E2E_ROOT) : projectRoot
  const child: ChildProcess = spawn(process.execPath, [resolve(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'server/main.ts'], {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', WANGGE_DATA_DIR: dataDir, WANGGE_OPEN: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${log}`)), SERVER_START_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      log += chunk.toString()
      const m = /Wangge on (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with code ${code}:\n${log}`))
    })
  })
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        child.removeAllListeners('exit')
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true })
          done()
        })
        child.kill('SIGTERM')
      }),
  }
}

/** Debian's chromium with software WebGL (SwiftShader) and no background network traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--ignore-gpu-blocklist'],
  })
}

/** Web-mercator pixel position of lon/lat relative to the viewport centre (MapLibre's 512 px world at zoom 0). */
export function offsetFromCentre(lon: number, lat: number, centre: { lon: number; lat: number; zoom: number }): [number, number] {
  const world = 512 * 2 ** centre.zoom
  const x = (l: number) => ((l + 180) / 360) * world
  const y = (p: number) => {
    const s = Math.sin((p * Math.PI) / 180)
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world
  }
  return [x(lon) - x(centre.lon), y(lat) - y(centre.lat)]
}

/**
 * Waits until nothing is loading (the map area's aria-busy) and the map has drawn the latest
 * layers (data-rendered catches up with data-requested), so screenshots show the final frame.
 */
export async function mapReady(p: Page, timeoutMs: number): Promise<void> {
  await p.waitForFunction(
    () => {
      const wrap = document.querySelector('.map-wrap')
      const map = document.getElementById('map')
      return wrap?.getAttribute('aria-busy') === 'false' && !!map?.dataset.requested && map.dataset.rendered === map.dataset.requested
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  )
}

/** The map element's rectangle in screenshot pixels. */
export async function mapRect(p: Page): Promise<{ x: number; y: number; w: number; h: number }> {
  const r = await p.locator('#map').boundingBox()
  if (!r) throw new Error('map element not found')
  return { x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) }
}

/**
 * Moves the pointer over the map's middle (the central `spread` of its width and height, in a
 * scattered but fixed order) until the tooltip shows text matching `re`; where that was and the
 * text. Throws after `tries` positions.
 */
export async function hoverUntil(p: Page, re: RegExp, o: { tries?: number; spread?: number } = {}): Promise<{ x: number; y: number; text: string }> {
  const tries = o.tries ?? 60
  const spread = o.spread ?? 0.4
  const m = await mapRect(p)
  for (let k = 0; k < tries; k++) {
    const x = m.x + m.w * ((1 - spread) / 2 + spread * (((k * 7) % 11) / 10))
    const y = m.y + m.h * ((1 - spread) / 2 + spread * (((k * 5) % 13) / 12))
    await p.mouse.move(x, y)
    await p.waitForTimeout(120)
    const tip = p.locator('.tooltip')
    if (await tip.isVisible()) {
      const text = await tip.innerText()
      if (re.test(text)) return { x, y, text }
    }
  }
  throw new Error(`no tooltip matching ${re}`)
}
