// Reading bytes in the browser: a 1 MiB payload shown whole, hex search across the dump's
// gaps, pause/resume, clear, the direction filter, control pictures and copy formats.
import net from 'node:net'
import { once } from 'node:events'
import type { Locator, Page } from '@playwright/test'
import { connections, dragOver, expect, find, inspect, pane, paneMenu, results, screen, send, shot, tcpPair, test } from './fixtures'

const MiB = 1024 * 1024

/** The ASCII column of the hex dump rows on screen, joined (a read may start mid-row). */
async function asciiColumn(p: Locator): Promise<string> {
  const rows = await screen(p).locator(':scope > div').allTextContents()
  return rows.map((r) => /^ {2}[0-9a-f]{8} {2}.{50}\|(.*)\|\s*$/.exec(r.replaceAll('\u00a0', ' '))?.[1] ?? '\n').join('')
}

/** The renderer's JS heap plus the array buffers behind it (xterm keeps its rows in those), in MiB. */
async function heapMiB(app: Page): Promise<number> {
  const cdp = await app.context().newCDPSession(app)
  await cdp.send('HeapProfiler.collectGarbage')
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number; embedderHeapUsedSize?: number }
  await cdp.detach()
  return (usage.usedSize + (usage.backingStorageSize ?? 0)) / MiB
}

/** Copies the selection of `p` from the pane's menu ("Copy as <format>"). */
const copy = (p: Locator): Promise<void> => paneMenu(p, /^Copy as /)

/** The pane's connections, opened from its header (a popover); `check` looks, then it closes. */
async function lookAtConnections(p: Locator, check: (table: Locator) => Promise<void>): Promise<void> {
  await check(await connections(p))
  await p.page().keyboard.press('Escape')
  await expect(p.getByRole('table', { name: 'Connections' })).toBeHidden()
}

test('a 1 MiB payload is shown whole: its first and its last bytes are found in the hex view', async ({ app }) => {
  test.setTimeout(120_000)
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP server' }).click()
  const server = pane(app, /TCP server pane/)
  await server.getByRole('button', { name: 'Listen' }).click()
  await expect(server.getByRole('status').first()).toContainText(/listening on 127\.0\.0\.1:\d+/)
  const port = Number(/:(\d+)/.exec((await server.getByRole('status').first().textContent()) ?? '')![1])
  const before = await heapMiB(app)

  // Digits in between, so each marker is found exactly once; one write of the whole MiB.
  const payload = Buffer.alloc(MiB, 0)
  for (let i = 0; i < MiB; i++) payload[i] = 0x30 + ((i * 7 + (i >> 10)) % 10)
  payload.write('<<BEGIN-OF-MiB>>', 0, 'latin1')
  payload.write('<<END-OF-1-MiB>>', MiB - 16, 'latin1')
  const sock = net.connect(port, '127.0.0.1')
  await once(sock, 'connect')
  sock.end(payload)
  await once(sock, 'finish')
  // The FIN is shown after the data it follows, so once it is there all the data was drawn.
  await expect(screen(server)).toContainText('peer half-closed (FIN received)', { timeout: 60_000 })
  await find(server, 'not drawn', false)
  // Searching the text of 1 MiB on screen takes a few seconds on a slow machine.
  await expect(server.getByText('Not found')).toBeVisible({ timeout: 30_000 })

  await server.getByRole('radio', { name: 'Hex' }).click()
  await find(server, '3c 3c 42 45 47 49 4e', true)
  await expect(results(server)).toHaveText('1 of 1', { timeout: 30_000 })
  await expect.poll(() => asciiColumn(server)).toContain('<<BEGIN-OF-MiB>>')
  await find(server, '3c 3c 45 4e 44', true)
  await expect(results(server)).toHaveText('1 of 1')
  await expect.poll(() => asciiColumn(server)).toContain('<<END-OF-1-MiB>>')
  const after = await heapMiB(app)
  console.log(`renderer JS heap: ${before.toFixed(1)} MiB before, ${after.toFixed(1)} MiB with 1 MiB drawn in hex (+${(after - before).toFixed(1)} MiB)`)
  await shot(app, 'one-mib-hex')
  sock.destroy()
})

test('hex search finds bytes across the dump gap and a line break; text search; find previous', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const line = 'abcdefghijklmnopqrstuvwxyz0123456789'
  await send(client, line)
  await send(client, line)
  await expect(screen(server)).toContainText(`${line}\\n`)
  await lookAtConnections(server, (table) => expect(table).toContainText('74 B'))

  // "h i" are bytes 7 and 8: the two-space gap of the dump falls between them.
  await find(server, '68 69', true)
  await expect(server.getByRole('radio', { name: 'Hex' })).toHaveAttribute('aria-checked', 'true')
  await expect(results(server)).toHaveText('1 of 2')
  await server.getByRole('button', { name: 'Find next' }).click()
  await expect(results(server)).toHaveText('2 of 2')
  await server.getByRole('button', { name: 'Find previous' }).click()
  await expect(results(server)).toHaveText('1 of 2')
  // "o p q r" are bytes 14 to 17: the dump breaks the line after byte 15.
  await find(server, '6f7071 72', true)
  await expect(results(server)).toHaveText('1 of 2')
  // The same bytes written another way: the same search, so previous wraps to the last.
  await find(server, '6f 70 71 72', true, 'previous')
  await expect(results(server)).toHaveText('2 of 2')
  await shot(app, 'hex-search')

  await server.getByRole('radio', { name: 'Text' }).click()
  await find(server, 'xyz01', false)
  await expect(results(server)).toHaveText('1 of 2')
  await server.getByRole('button', { name: 'Find next' }).click()
  await expect(results(server)).toHaveText('2 of 2')
  await server.getByRole('button', { name: 'Find previous' }).click()
  await expect(results(server)).toHaveText('1 of 2')
  await find(server, 'no such text', false)
  await expect(server.getByText('Not found')).toBeVisible()
})

test('pause and resume, control pictures, the direction filter, clear, and copy as a C array and base64', async ({ app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const { server, client } = await tcpPair(app)
  await send(client, 'one')
  await expect(screen(server)).toContainText('one\\n')

  // Paused, the screen keeps what it shows; traffic goes on and is drawn on resume.
  await server.getByRole('button', { name: 'Pause' }).click()
  await send(client, 'two')
  await expect(screen(client)).toContainText('two\\n')
  await lookAtConnections(server, (table) => expect(table).toContainText('8 B'))
  await expect(screen(server)).toContainText('one\\n')
  await expect(screen(server)).not.toContainText('two')
  await server.getByRole('button', { name: 'Resume' }).click()
  await expect(screen(server)).toContainText('two\\n')

  // The inspector takes width from the panes: Clear is then in the pane's menu.
  await (await inspect(server)).getByRole('combobox', { name: 'Control characters' }).selectOption('pictures')
  await expect(screen(server)).toContainText('one␊')
  await expect(screen(server)).toContainText('two␊')

  // The client sent two records and gets one answer: filter each way.
  await send(server, 'pong')
  await expect(screen(client)).toContainText('pong\\n')
  const direction = (await inspect(client)).getByRole('combobox', { name: 'Show direction' })
  await direction.selectOption('in')
  await expect(screen(client)).toContainText('◀ in #1 · 5 B')
  await expect(screen(client)).not.toContainText('▶ out')
  await direction.selectOption('out')
  await expect(screen(client)).toContainText('two\\n')
  await expect(screen(client)).not.toContainText('◀ in')
  await shot(app, 'view-filter')

  await paneMenu(server, 'Clear')
  await send(client, 'three')
  await expect(screen(server)).toContainText('three␊')
  await expect(screen(server)).not.toContainText('one')

  // The picture of the line feed is its byte.
  const format = (await inspect(server)).getByRole('combobox', { name: 'Copy as' })
  await dragOver(app, server, 'three␊')
  await format.selectOption('c')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 6 B of the selection as C array' })).toBeVisible()
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe('{ 0x74, 0x68, 0x72, 0x65, 0x65, 0x0a }')
  await format.selectOption('base64')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'as Base64' })).toBeVisible()
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe('dGhyZWUK')
})

test('copy takes exactly the bytes selected with the mouse, in the hex view and in the text view', async ({ app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const { server, client } = await tcpPair(app)
  await send(client, 'abcdefghijklmnopqrstuvwxyz0123456789')
  await expect(screen(server)).toContainText('0123456789\\n')
  const inspector = await inspect(server)
  await inspector.getByRole('combobox', { name: 'Copy as' }).selectOption('c')
  // Closed again, so the pane is wide enough for a whole dump line on one row.
  await inspector.getByRole('button', { name: 'Close the inspector' }).click()
  await expect(inspector).toBeHidden()

  // Hex: "64 65 66" in the middle of the first dump line.
  await server.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(server)).toContainText('00000000  61 62 63 64 65 66')
  await dragOver(app, server, '64 65 66')
  await shot(app, 'copy-hex-selection')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 3 B of the selection as C array' })).toBeVisible()
  await expect.poll(() => app.evaluate(() => navigator.clipboard.readText())).toBe('{ 0x64, 0x65, 0x66 }')

  // From "6e" into the ASCII column: the pairs only, the |ASCII| column adds nothing.
  await dragOver(app, server, '6e 6f 70  |abc', '6d ')
  await copy(server)
  await expect.poll(() => app.evaluate(() => navigator.clipboard.readText())).toBe('{ 0x6e, 0x6f, 0x70 }')

  // Text: "89" and the escape of the line feed are the bytes 38 39 0a.
  await server.getByRole('radio', { name: 'Text' }).click()
  await expect(screen(server)).not.toContainText('00000000')
  await dragOver(app, server, '89\\n')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 3 B of the selection as C array' })).toBeVisible()
  await expect.poll(() => app.evaluate(() => navigator.clipboard.readText())).toBe('{ 0x38, 0x39, 0x0a }')
  await shot(app, 'copy-text-selection')

  // Only the header selected: the whole record, as before.
  await dragOver(app, server, '◀ in')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 1 record(s), 37 bytes, as C array' })).toBeVisible()
})

test('copy takes the selection each time, in every format; its notice never moves the terminal; with nothing selected it says so', async ({ app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const { server, client } = await tcpPair(app)
  await send(client, 'abcdefghijklmnopqrstuvwxyz0123456789')
  await expect(screen(server)).toContainText('0123456789\\n')
  await send(client, 'LAST')
  await expect(screen(server)).toContainText('LAST\\n')
  const clipboard = (): Promise<string> => app.evaluate(() => navigator.clipboard.readText())
  const terminal = server.getByRole('log')
  // The inspector opens first: it takes width from the panes, and a resize drops the selection.
  const format = (await inspect(server)).getByRole('combobox', { name: 'Copy as' })

  await server.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(server)).toContainText('00000000  61 62 63 64 65 66')
  await dragOver(app, server, '64 65 66')
  const box = await terminal.boundingBox()
  await format.selectOption('c')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 3 B of the selection as C array' })).toBeVisible()
  expect(await terminal.boundingBox()).toEqual(box)
  await expect.poll(clipboard).toBe('{ 0x64, 0x65, 0x66 }')
  await shot(app, 'copy-notice')

  // The selection is still there: a second copy in another format takes the same bytes.
  await format.selectOption('base64')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 3 B of the selection as Base64' })).toBeVisible()
  expect(await terminal.boundingBox()).toEqual(box)
  await expect.poll(clipboard).toBe('ZGVm')

  // A click clears the selection: Copy says there is none and leaves the clipboard alone.
  await terminal.click()
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Nothing selected' })).toBeVisible()
  expect(await terminal.boundingBox()).toEqual(box)
  expect(await clipboard()).toBe('ZGVm')
  await shot(app, 'copy-nothing-selected')
})

test('invalid bytes stand out in inverse red; control characters are dim, right after an invalid byte too', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await send(client, 'bad \\xff\\xfe\\t ok\\r')
  await expect(screen(server)).toContainText('bad \\xff\\xfe\\t ok\\r\\n')
  const invalid = screen(server).locator('span', { hasText: '\\xff\\xfe' })
  const control = screen(server).locator('span', { hasText: '\\r\\n' })
  const afterInvalid = screen(server).locator('span', { hasText: '\\t' })
  // Inverse red: red behind the bytes. Control escapes: dim grey text on no background.
  await expect(invalid.first()).toHaveCSS('background-color', 'rgb(240, 84, 84)')
  await expect(control.first()).toHaveCSS('background-color', 'rgba(0, 0, 0, 0)')
  await expect(control.first()).toHaveCSS('color', 'rgb(132, 138, 148)')
  await expect(afterInvalid.first()).toHaveCSS('color', 'rgb(132, 138, 148)')
  await shot(app, 'invalid-bytes')
})
