// A recording a crash cut in the middle of a packet, saved with "Save a copy…", ends at its
// last whole block with its end: tshark reads it (issue 10, item 9).
// A capture of 5,000 UDP flows: the engine sends the first 1,000 and the count (issue 10,
// item 5); the tab says 5,000, the flow list pages past what came with the file, fetching a
// page when it is turned to, and a flow far past the first page is reached by its number and
// shown in the pane of the other flows.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SessionWriter } from '../src/main/session/writer'
import { writeManyUdpFlows } from '../test/many-flows.mjs'
import { expect, pane, shot, startHost, test } from './fixtures'

test('a capture of 5,000 flows shows the first page and the count, and reaches flow 4500 by its number', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-many-flows-')), 'five-thousand.pcap')
  writeManyUdpFlows(file, 5000)
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  const bar = app.getByRole('region', { name: 'Session five-thousand.pcap' })
  await expect(bar).toContainText('5000 flow(s)')
  const tab = app.getByRole('tabpanel', { name: 'five-thousand.pcap', exact: true })
  const list = tab.getByRole('table', { name: 'Recorded flows' })
  const pages = tab.getByRole('group', { name: 'Pages of the flow list' })
  await expect(pages.getByRole('status')).toHaveText('Flows 1–50 of 5000')
  await expect(list.getByRole('row')).toHaveCount(51)
  // Past the 1,000 flows that came with the file: fetched from the engine.
  await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).fill('4500')
  await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).press('Enter')
  await expect(pages.getByRole('status')).toHaveText('Flows 4501–4550 of 5000')
  await expect(list.getByRole('row')).toHaveCount(51)
  // Flow 4500 comes from 10.0.17.148:1024.
  await expect(list).toContainText('10.0.17.148:1024')
  const show = list.getByRole('button', { name: 'Show flow 4500', exact: true })
  await show.click()
  await expect(show).toHaveAttribute('aria-pressed', 'true')
  const others = pane(app, 'Other flows (4995)')
  await expect(others).toBeVisible()
  await pages.getByRole('button', { name: 'Next ▶' }).click()
  await expect(pages.getByRole('status')).toHaveText('Flows 4551–4600 of 5000')
  await shot(app, 'session-many-flows')
  await pages.scrollIntoViewIfNeeded()
  await pages.screenshot({ path: join(__dirname, 'screenshots', 'session-many-flows-pager.png') })
})

test('a recording cut in the middle of a packet, saved with Save a copy, is read by tshark', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'np-save-copy-'))
  const whole = join(dir, 'whole.pcapng')
  const v4 = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
  const t0 = BigInt(Date.now()) * 1_000_000n
  const w = SessionWriter.open(whole, { flushMs: 0 })
  w.connOpen({ paneId: 'p1', connId: 1, local: v4(40001), remote: v4(9000), initiator: 'local', tNs: t0 })
  w.chunk({ paneId: 'p1', connId: 1, dir: 'out', tNs: t0 + 1n, bytes: Buffer.from('kept\n') })
  w.chunk({ paneId: 'p1', connId: 1, dir: 'in', tNs: t0 + 2n, bytes: Buffer.alloc(400, 0x61) })
  w.flush()
  // Cut 100 bytes into the last packet block (the 400-byte answer), as a SIGKILL may leave it.
  const bytes = readFileSync(whole)
  const cut = join(dir, 'cut.pcapng')
  writeFileSync(cut, bytes.subarray(0, bytes.length - 400))
  expect(spawnSync('tshark', ['-r', cut, '-q'], { encoding: 'utf8' }).stderr).toMatch(/cut short in the middle of a packet/)
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(cut)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  const bar = app.getByRole('region', { name: 'Session cut.pcapng' })
  await expect(bar.getByRole('alert')).toContainText('ended without its closing block')
  await bar.getByRole('button', { name: 'Save a copy…' }).click()
  const copy = join(dir, 'copy.pcapng')
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(copy)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${copy}, without the last` })).toBeVisible()
  const r = spawnSync('tshark', ['-r', copy, '-q'], { encoding: 'utf8' })
  expect(r.stderr).not.toMatch(/cut short/)
  expect(r.status).toBe(0)
})

// The page past the first 1,000 flows is fetched from the host: with the host gone (stopped, as
// a crash or a closed terminal leaves it), the list says which flows could not be fetched and
// why, and offers Retry, which asks again (and says so again while the host is still gone).
test('a page of flows that cannot be fetched says so in the list, with Retry', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'np-flows-failed-'))
  const host = await startHost(join(dir, 'sessions'))
  try {
    const file = join(dir, 'five-thousand.pcap')
    writeManyUdpFlows(file, 5000)
    await page.addInitScript(() => localStorage.setItem('np.lang', 'en'))
    await page.goto(host.url)
    await page.getByRole('button', { name: 'Open…' }).click()
    await page.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
    await page.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
    const tab = page.getByRole('tabpanel', { name: 'five-thousand.pcap', exact: true })
    const list = tab.getByRole('table', { name: 'Recorded flows' })
    const pages = tab.getByRole('group', { name: 'Pages of the flow list' })
    await expect(list.getByRole('row')).toHaveCount(51)
    await host.stop()
    // The first 1,000 came with the file and are still shown; flow 4500 must be fetched.
    await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).fill('4500')
    await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).press('Enter')
    await expect(pages.getByRole('status')).toHaveText('Flows 4501–4550 of 5000')
    const failed = tab.getByRole('alert').filter({ hasText: 'Flows 4501–4550 could not be fetched' })
    await expect(failed).toContainText('the connection to the web host is lost: reload the page.')
    await expect(list.getByRole('row')).toHaveCount(1)
    const retry = failed.getByRole('button', { name: 'Retry' })
    await expect(retry).toBeVisible()
    await shot(page, 'session-flows-failed')
    await retry.click()
    await expect(failed).toBeVisible()
    // Back to a page that came with the file: shown, no failure.
    await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).fill('10')
    await pages.getByRole('textbox', { name: 'Go to flow (its number, then Enter)' }).press('Enter')
    await expect(pages.getByRole('status')).toHaveText('Flows 1–50 of 5000')
    await expect(list.getByRole('row')).toHaveCount(51)
    await expect(failed).toHaveCount(0)
  } finally {
    await host.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
