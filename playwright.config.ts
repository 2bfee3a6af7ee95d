import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded browser (TOOLCHAIN.md §4); `npm run test:e2e` skips with a reason without it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const HEADED = process.env.HEADED === '1' // under xvfb-run for a headed browser

export default defineConfig({
  testDir: './tests/e2e',
  outputDir: './test-results/e2e',
  // Real searches run behind the UI: a whole flow takes a few minutes on 2 cores.
  timeout: 600_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './tests/e2e/globalSetup.ts',
  globalTeardown: './tests/e2e/globalTeardown.ts',
  // A stuck click fails in 30 s instead of waiting out the whole test's budget.
  use: { trace: 'off', screenshot: 'only-on-failure', actionTimeout: 30_000 },
  projects: [
    {
      name: 'debian-chromium',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1440, height: 900 },
        headless: !HEADED,
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
})
