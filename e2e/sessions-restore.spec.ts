// Opening a session file restores its workspace: the panes come back stopped, with their
// settings, framing, snippets, display settings and split sizes, and start again. Open panes
// that are running are only replaced after asking. A capture with more flows than panes says
// where the rest are, and its flow list pages through all of them.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, inspect, pane, screen, send, shot, test } from './fixtures'

const status = (p: Locator): Locator => p.getByRole('status', { name: 'Status' })

async function saveAs(app: Page, file: string): Promise<void> {
  await app.getByRole('button', { name: 'Save as…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
}

async function open(app: Page, file: string): Promise<void> {
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
}

const width = async (l: Locator): Promise<number> => (await l.boundingBox())!.width

/** The tab with the live panes. */
const liveTab = (app: Page): Locator => app.getByRole('tab', { name: /^Live panes \(\d+\)$/ })

test('a saved session opened in an empty window brings its panes back, stopped, with their settings, snippets, view and split sizes', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-restore-')), 'restore.pcapng')
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  await expect(status(client)).toContainText('connected')
  // The server's settings (its address too, while it runs) are in the inspector.
  let inspector = await inspect(pane(app, 'TCP server pane 1'))
  const port = await inspector.getByRole('textbox', { name: 'Local port' }).inputValue()
  expect(Number(port)).toBeGreaterThan(0)

  // The server splits messages at ';', has a snippet, shows hex in GBK with delta times.
  await inspector.getByText('Framing, transforms, auto-replies').click()
  await inspector.getByRole('combobox', { name: 'Framing' }).selectOption('delimiter')
  await inspector.getByRole('textbox', { name: 'Delimiter bytes (hex)' }).fill('3b')
  await inspector.getByRole('button', { name: 'Apply' }).click()
  await server.getByRole('textbox', { name: 'Message to send' }).fill('welcome')
  await inspector.getByText(/^Snippets \(/).click()
  await inspector.getByRole('textbox', { name: 'Snippet name' }).fill('greet')
  await inspector.getByRole('button', { name: 'Save input as snippet' }).click()
  await expect(inspector.getByRole('button', { name: 'Send snippet greet' })).toBeVisible()
  await server.getByRole('radio', { name: 'Hex' }).click()
  await inspector.getByRole('combobox', { name: 'View encoding' }).selectOption('gbk')
  await inspector.getByRole('combobox', { name: 'Timestamps' }).selectOption('delta')
  // The split between them moved: the server wider than the client.
  const split = app.getByRole('separator', { name: 'Resize panes' }).first()
  await split.focus()
  for (let i = 0; i < 4; i++) await split.press('ArrowRight')
  await expect.poll(async () => (await width(server)) / (await width(client))).toBeGreaterThan(1.2)
  const ratio = (await width(server)) / (await width(client))
  // The client's input adds no line ending.
  await client.getByRole('combobox', { name: 'Line ending' }).selectOption('none')
  await send(client, 'a;b;')
  await expect(screen(server)).toContainText('61')
  await saveAs(app, file)

  // A fresh window with nothing in it.
  await app.evaluate(() => localStorage.removeItem('np.workspace.v1'))
  await app.reload()
  await expect(app.getByText('Click "New TCP pair"')).toBeVisible()

  await open(app, file)
  await expect(app.getByRole('status').filter({ hasText: 'Restored 2 pane(s)' })).toBeVisible()
  // The recorded traffic is there too, read-only, in the file's tab (shown on opening).
  const recorded = pane(app, /Recorded: TCP server 1/)
  const rows = app.getByRole('table', { name: 'Recorded flows' }).getByRole('button', { name: /^Show flow \d+$/ })
  for (let i = 0; !(await recorded.isVisible()) && i < (await rows.count()); i++) await rows.nth(i).click()
  await expect(recorded).toBeVisible()
  await shot(app, 'session-restored-recording')
  // The restored panes, in the live tab.
  await liveTab(app).click()
  const server2 = pane(app, 'TCP server pane 1')
  const client2 = pane(app, 'TCP client pane 2')
  await expect(status(server2)).toHaveText('stopped')
  await expect(status(client2)).toHaveText('stopped')
  await expect(server2.getByRole('textbox', { name: 'Local port' })).toHaveValue(port)
  await expect(client2.getByRole('textbox', { name: 'Port' })).toHaveValue(port)
  inspector = await inspect(pane(app, 'TCP server pane 1'))
  await inspector.getByText('Framing, transforms, auto-replies').click()
  await expect(inspector.getByRole('combobox', { name: 'Framing' })).toHaveValue('delimiter')
  await expect(inspector.getByRole('textbox', { name: 'Delimiter bytes (hex)' })).toHaveValue('3b')
  await expect(server2.getByRole('radio', { name: 'Hex' })).toHaveAttribute('aria-checked', 'true')
  await expect(inspector.getByRole('combobox', { name: 'View encoding' })).toHaveValue('gbk')
  await expect(inspector.getByRole('combobox', { name: 'Timestamps' })).toHaveValue('delta')
  // The client, narrower and stopped, keeps its view buttons in its menu.
  await client2.getByRole('button', { name: 'More actions: TCP client pane 2' }).click()
  await expect(app.getByRole('menuitemradio', { name: 'Text' })).toHaveAttribute('aria-checked', 'true')
  await app.keyboard.press('Escape')
  await expect(app.getByRole('menu')).toHaveCount(0)
  await expect(client2.getByRole('combobox', { name: 'Line ending' })).toHaveValue('none')
  expect(Math.abs((await width(server2)) / (await width(client2)) - ratio)).toBeLessThan(0.05)
  await shot(app, 'session-restored')
  // The inspector closed again: the client, the narrower pane, gets its width back.
  await app.getByRole('button', { name: 'Inspector', pressed: true }).click()
  await expect(app.getByRole('complementary', { name: 'Inspector' })).toHaveCount(0)

  // They start again: the client connects to the restored server, the snippet goes across.
  await server2.getByRole('button', { name: 'Listen' }).click()
  await expect(status(server2)).toContainText(`listening on 127.0.0.1:${port}`)
  await client2.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(status(client2)).toContainText('connected')
  inspector = await inspect(pane(app, 'TCP server pane 1'))
  await inspector.getByText('Snippets (1)').click()
  await inspector.getByRole('button', { name: 'Send snippet greet' }).click()
  await expect(screen(client2)).toContainText('welcome')
  // The framing went to the engine with the start: ';' ends each message at the server.
  await server2.getByRole('radio', { name: 'Text' }).click()
  await send(client2, 'x;y;')
  await expect(screen(server2)).toContainText(/message 1 B\s+x.*message 1 B\s+y/)
})

test('opening a session while panes are running asks first: cancel keeps all, keep adds, replace replaces', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-restore-')), 'ask.pcapng')
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  await expect(status(pane(app, 'TCP client pane 2'))).toContainText('connected')
  await saveAs(app, file)
  const live = app.getByRole('region', { name: /^TCP (server|client) pane \d+$/ })

  await open(app, file)
  const ask = app.getByRole('alertdialog', { name: 'Open ask.pcapng in place of the open panes?' })
  await expect(ask).toContainText('2 of them running')
  await shot(app, 'session-replace-ask')
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(ask).toBeHidden()
  await expect(live).toHaveCount(2)
  await expect(app.getByRole('region', { name: /^Session / })).toHaveCount(0)

  await open(app, file)
  await ask.getByRole('button', { name: 'Keep them, add the restored panes' }).click()
  await liveTab(app).click()
  await expect(live).toHaveCount(4)
  await expect(status(pane(app, 'TCP client pane 2'))).toContainText('connected')
  await expect(app.getByRole('status').filter({ hasText: 'Added 2 pane(s)' })).toBeVisible()

  await open(app, file)
  await ask.getByRole('button', { name: 'Replace the open panes' }).click()
  await expect(app.getByRole('status').filter({ hasText: '4 open pane(s) closed' })).toBeVisible()
  await liveTab(app).click()
  await expect(live).toHaveCount(2)
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  await expect(status(server)).toHaveText('stopped')
  await expect(status(client)).toHaveText('stopped')

  // Stopped panes that only hold traffic not saved since: still asked, and told why.
  await server.getByRole('button', { name: 'Listen' }).click()
  await client.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(status(client)).toContainText('connected')
  await send(client, 'unsaved')
  await expect(screen(server)).toContainText('unsaved')
  await client.getByRole('button', { name: 'Disconnect' }).click()
  await server.getByRole('button', { name: 'Stop' }).click()
  await expect(status(server)).toHaveText('stopped')
  await expect(status(client)).not.toContainText('connected')
  await open(app, file)
  await expect(ask).toContainText('2 of them with traffic not saved since')
  await expect(ask).not.toContainText('running')
  await ask.getByRole('button', { name: 'Cancel' }).click()

  // Saved since: nothing at stake, so the file replaces them without a question.
  await app.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
  await open(app, file)
  await expect(app.getByRole('status').filter({ hasText: '2 open pane(s) closed' })).toBeVisible()
  await expect(ask).toHaveCount(0)
  await liveTab(app).click()
  await expect(live).toHaveCount(2)
})

/** A pcap (raw IPv4) with `n` one-datagram UDP flows, 10.0.0.1:(20000+i) → 10.0.0.2:9999. */
function udpCapture(path: string, n: number): void {
  const parts: Buffer[] = []
  const head = Buffer.alloc(24)
  head.writeUInt32LE(0xa1b2c3d4, 0)
  head.writeUInt16LE(2, 4)
  head.writeUInt16LE(4, 6)
  head.writeUInt32LE(65535, 16)
  head.writeUInt32LE(101, 20) // LINKTYPE_RAW
  parts.push(head)
  for (let i = 0; i < n; i++) {
    const payload = Buffer.from(`flow ${i}\n`)
    const ip = Buffer.alloc(28 + payload.length)
    ip.writeUInt8(0x45, 0)
    ip.writeUInt16BE(ip.length, 2)
    ip.writeUInt8(64, 8)
    ip.writeUInt8(17, 9)
    Buffer.from([10, 0, 0, 1, 10, 0, 0, 2]).copy(ip, 12)
    ip.writeUInt16BE(20000 + i, 20)
    ip.writeUInt16BE(9999, 22)
    ip.writeUInt16BE(8 + payload.length, 24)
    payload.copy(ip, 28)
    const rec = Buffer.alloc(16)
    rec.writeUInt32LE(1_700_000_000 + i, 0)
    rec.writeUInt32LE(ip.length, 8)
    rec.writeUInt32LE(ip.length, 12)
    parts.push(rec, ip)
  }
  writeFileSync(path, Buffer.concat(parts))
}

test('a capture with more flows than panes says where the rest are, and its flow list pages through all of them', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-flows-')), 'many.pcap')
  udpCapture(file, 80)
  await open(app, file)
  const bar = app.getByRole('region', { name: 'Session many.pcap' })
  await expect(bar).toContainText('80 flow(s)')
  await expect(bar.getByRole('status')).toHaveText('75 flow(s) share one conversation, “Other flows (75)”: Show flow picks one of them')
  // Five read-only panes (one conversation shown at a time, the others mounted, hidden) and
  // the pane of the other flows.
  await expect(app.getByRole('region', { name: /^Capture flow /, includeHidden: true })).toHaveCount(5)
  const others = pane(app, 'Other flows (75)')
  await expect(app.getByRole('region', { name: 'Other flows (75)', includeHidden: true })).toHaveCount(1)
  // The tab's one flow list holds every flow of the file (80), and pages through them.
  const tab = app.getByRole('tabpanel', { name: 'many.pcap', exact: true })
  const list = tab.getByRole('table', { name: 'Recorded flows' })
  await expect(list.getByRole('row')).toHaveCount(51)
  await expect(list).toContainText('10.0.0.1:20005')
  const pages = tab.getByRole('group', { name: 'Pages of the flow list' })
  await expect(pages.getByRole('status')).toHaveText('Flows 1–50 of 80')
  await expect(pages.getByRole('button', { name: '◀ Previous' })).toBeDisabled()
  // Flow 5, the first not given a pane of its own, is in the other flows' conversation.
  await list.getByRole('button', { name: 'Show flow 5', exact: true }).click()
  await expect(others).toBeVisible()
  await pages.getByRole('button', { name: 'Next ▶' }).click()
  await expect(pages.getByRole('status')).toHaveText('Flows 51–80 of 80')
  await expect(list.getByRole('row')).toHaveCount(31)
  await expect(list).toContainText('10.0.0.1:20079')
  await expect(pages.getByRole('button', { name: 'Next ▶' })).toBeDisabled()
  // Its terminal plays back all of them.
  await list.getByRole('button', { name: 'Show flow 79', exact: true }).click()
  await expect(others).toBeVisible()
  await expect(screen(others)).toContainText('flow 79')
  await shot(app, 'session-other-flows')
})
