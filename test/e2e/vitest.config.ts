import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Browser tests: a real server (embedded database, sample city) and Debian's chromium through
// playwright-core. Run with `npm run test:e2e`. One file at a time: each starts its own server.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    globalSetup: ['test/e2e/global-setup.ts'],
  },
})
