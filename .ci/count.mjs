// Sums the JSON reports of vitest and Playwright into the one closing line CI reads.
// A runner that should have run but left no report (an earlier step failed) counts as one failure.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [dir, status] = process.argv.slice(2)
let passed = 0
let failed = 0
const read = (name) => {
  const f = join(dir, name)
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined
}
const unit = read('vitest.json')
if (unit) {
  passed += unit.numPassedTests
  failed += unit.numFailedTests
} else failed++
const e2e = read('playwright.json')
if (e2e) {
  passed += e2e.stats.expected
  failed += e2e.stats.unexpected + (e2e.stats.flaky ?? 0)
} else if (unit || status !== '0') failed++
if (status !== '0' && failed === 0) failed = 1
console.log(`tests: ${passed} passed, ${failed} failed`)
