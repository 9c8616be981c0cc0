import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20000,
    hookTimeout: 20000,
    pool: 'forks',
    // CI (.ci/run) sets NP_REPORT_DIR to collect a JSON report it can count.
    reporters: process.env['NP_REPORT_DIR'] ? ['default', 'json'] : ['default'],
    outputFile: process.env['NP_REPORT_DIR'] ? { json: `${process.env['NP_REPORT_DIR']}/vitest.json` } : undefined
  }
})
