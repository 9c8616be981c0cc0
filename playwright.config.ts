import { defineConfig } from '@playwright/test'

// The UI is tested in Debian's Chromium through the web host (no Electron binary here).
export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  workers: 1,
  retries: 0,
  // CI (.ci/run) sets NP_REPORT_DIR to collect a JSON report it can count.
  reporter: process.env['NP_REPORT_DIR'] ? [['list'], ['json', { outputFile: `${process.env['NP_REPORT_DIR']}/playwright.json` }]] : [['list']],
  use: {
    viewport: { width: 1280, height: 760 },
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    }
  }
})
