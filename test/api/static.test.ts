import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { webDist } from '../../server/app'
import type { Database } from '../../server/db/connect'
import type { App } from '../../server/http/context'
import { openTestDatabase } from '../helpers/db'
import { testApp } from '../helpers/http'

let db: Database
let app: App
beforeAll(async () => {
  db = await openTestDatabase()
  app = await testApp(db)
})
afterAll(async () => { await app.close(); await db.close() })

describe.skipIf(!existsSync(resolve(webDist, 'index.html')))('the map page (needs npm run build:web)', () => {
  test('/ and unknown page paths serve the map; a missing bundle file is a 404', async () => {
    const root = await app.inject({ url: '/' })
    expect(root.statusCode).toBe(200)
    expect(root.headers['content-type']).toMatch(/text\/html/)
    const deep = await app.inject({ url: '/leader/anything' })
    expect(deep.statusCode).toBe(200)
    expect(deep.body).toContain('<html')
    expect((await app.inject({ url: '/assets/does-not-exist.js' })).statusCode).toBe(404)
  })
})
