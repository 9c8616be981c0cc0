// Issue 3 in the browser: bytes in other encodings, framing, checksums, auto-replies,
// repeats, files, copy and search — each seen in the other pane.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { connections, dragOver, expect, inspect, screen, send, shot, tcpPair, test } from './fixtures'

/** Opens the pane's message settings in the inspector; returns the inspector. */
async function openSettings(p: Locator): Promise<Locator> {
  const s = await inspect(p)
  await s.getByText('Framing, transforms, auto-replies').click()
  return s
}

/** Applies the message settings shown in the inspector `s`, then folds them away. */
async function apply(s: Locator): Promise<void> {
  await s.getByRole('button', { name: 'Apply' }).click()
  await expect(s.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  await s.getByText('Framing, transforms, auto-replies').click()
}

/** Copies the selection of `p` from the pane's menu ("Copy as <format>"). */
async function copy(p: Locator): Promise<void> {
  await p.getByRole('button', { name: /^More actions: / }).click()
  await p
    .page()
    .getByRole('menuitem', { name: /^Copy as / })
    .click()
}

test('a GBK string: sent as GBK bytes, read in GBK on the other side', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await client.getByRole('combobox', { name: 'Send encoding' }).selectOption('gbk')
  await send(client, '你好，世界')
  await expect(screen(server)).toContainText('◀ in #1 · 11 B')
  await (await inspect(server)).getByRole('combobox', { name: 'View encoding' }).selectOption('gbk')
  await expect(screen(server)).toContainText('你好，世界\\n')
  await server.getByRole('radio', { name: 'Split' }).click()
  await expect(screen(server)).toContainText('c4 e3 ba c3')
  await shot(app, 'gbk')
})

test('a length-prefixed message with a CRC-32: framed on the wire, shown as one message with its steps', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  for (const p of [server, client]) {
    const s = await openSettings(p)
    await s.getByRole('combobox', { name: 'Framing' }).selectOption('length')
    await s.getByRole('button', { name: '+ Checksum' }).click()
    await apply(s)
  }
  await client.getByRole('combobox', { name: 'Line ending' }).selectOption('none')
  await send(client, '123456789')
  await (await inspect(server)).getByRole('checkbox', { name: 'Steps' }).check()
  await expect(screen(server)).toContainText('◀ in #1 · message 9 B')
  await expect(screen(server)).toContainText('123456789')
  // On the wire: a 2-byte big-endian length (13 = 9 + 4), the payload, CRC-32 cb f4 39 26.
  await expect(screen(server)).toContainText('00 0d 31 32 33 34 35 36 37 38 39 cb f4 39 26')
  await expect(screen(server)).toContainText('checksum ok: cb f4 39 26')
  await shot(app, 'framed-crc')
})

test('a checksum mismatch is shown on the record, with the payload', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const c = await openSettings(client)
  await c.getByRole('button', { name: '+ Checksum' }).click()
  await apply(c)
  const s = await openSettings(server)
  await s.getByRole('button', { name: '+ Checksum' }).click()
  await s.getByRole('combobox', { name: 'Step 1 algorithm' }).selectOption('crc16-modbus')
  await apply(s)
  await send(client, 'data')
  await expect(screen(server)).toContainText('✗ checksum mismatch')
  await expect(screen(server)).toContainText('data')
})

test('an auto-reply: the server answers "ping" with "pong" and a counter', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const s = await openSettings(server)
  await s.getByRole('button', { name: '+ Add rule' }).click()
  await s.getByRole('combobox', { name: 'Rule 1 matches' }).selectOption('regex')
  await s.getByRole('textbox', { name: 'Rule 1 pattern' }).fill('ping (\\w+)')
  await s.getByRole('combobox', { name: 'Rule 1 reply' }).selectOption('template')
  await s.getByRole('textbox', { name: 'Rule 1 reply text' }).fill('pong $1 #{{seq}}\\n')
  await apply(s)
  await send(client, 'ping alice')
  await expect(screen(client)).toContainText('pong alice #1\\n')
  await send(client, 'ping bob')
  await expect(screen(client)).toContainText('pong bob #2\\n')
  await send(client, 'hello')
  await expect(screen(server)).toContainText('hello\\n')
  // A message sent after it is answered: any reply to "hello" would have been drawn before.
  await send(client, 'ping carol')
  await expect(screen(client)).toContainText(/pong carol #\d+\\n/)
  await expect(screen(client)).not.toContainText('pong hello')
  await shot(app, 'auto-reply')
})

test('repeat: five sends, counted, then done; a bad interval is refused where typed', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const repeat = client.getByRole('button', { name: 'Repeat', exact: true })
  await repeat.click()
  await expect(repeat).toHaveAttribute('aria-pressed', 'true')
  await client.getByRole('textbox', { name: 'Repeat every (ms)' }).fill('abc')
  await send(client, 'tick {{seq}}')
  await expect(client.getByRole('alert')).toHaveText('The interval must be a whole number of milliseconds, 1 to 3600000')
  await client.getByRole('textbox', { name: 'Repeat every (ms)' }).fill('30')
  await client.getByRole('textbox', { name: 'How many times (0 = until stopped)' }).fill('5')
  await client.getByRole('button', { name: 'Start', exact: true }).click()
  await expect(client.getByRole('status', { name: /Job \d+/ })).toContainText('sent 5 of 5 · done')
  for (let i = 1; i <= 5; i++) await expect(screen(server)).toContainText(`tick ${i}\\n`)
})

test('a 20 MiB file goes out with a progress bar and arrives whole', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-file-')), 'blob.bin')
  writeFileSync(file, randomBytes(20 * 1024 * 1024))
  const { server, client } = await tcpPair(app)
  await client.getByRole('combobox', { name: 'Input mode' }).selectOption('file')
  await client.getByRole('textbox', { name: 'File to send' }).fill(file)
  // Every value the progress bar takes, recorded as the page draws it.
  await client.evaluate((el) => {
    const seen: number[] = []
    ;(window as unknown as { progressSeen: number[] }).progressSeen = seen
    new MutationObserver(() => {
      for (const bar of Array.from(el.querySelectorAll('progress'))) seen.push(bar.value / bar.max)
    }).observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max'] })
  })
  await client.getByRole('button', { name: 'Send file' }).click()
  await expect(client.getByRole('progressbar', { name: /Progress of job/ })).toBeVisible()
  await expect(client.getByRole('status', { name: /Job \d+/ })).toContainText('20.0 MiB / 20.0 MiB · done', { timeout: 20_000 })
  const seen = await app.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen)
  expect(
    seen.some((v) => v > 0 && v < 1),
    `a value between 0 and the total among ${seen.join(', ')}`
  ).toBe(true)
  // Every byte arrived: the server's exact count in.
  await expect((await connections(server)).getByTitle(`${20 * 1024 * 1024} bytes`).first()).toBeVisible()
  await shot(app, 'file-send')
  await app.keyboard.press('Escape')
  await client.getByRole('textbox', { name: 'File to send' }).fill('/nonexistent/file.bin')
  await client.getByRole('button', { name: 'Send file' }).click()
  // The error waits behind what the screen has still to draw of the file (in order, bounded
  // to about two seconds of drawing; tested with a clock of its own in flow-control.test.ts).
  await expect(screen(client)).toContainText('No such file', { timeout: 20_000 })
})

test("a message that would decompress past the pane's limit stops there and says so; the limit is a setting", async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-bomb-')), 'zeros.bin')
  writeFileSync(file, Buffer.alloc(2 * 1024 * 1024))
  const { server, client } = await tcpPair(app)
  for (const p of [server, client]) {
    const s = await openSettings(p)
    await s.getByRole('button', { name: '+ Compress' }).click()
    const limit = s.getByRole('textbox', { name: 'Largest decompressed message, MiB' })
    await expect(limit).toHaveValue('4')
    if (p === server) await limit.fill('1')
    await apply(s)
  }
  await client.getByRole('combobox', { name: 'Input mode' }).selectOption('file')
  await client.getByRole('textbox', { name: 'File to send' }).fill(file)
  await client.getByRole('button', { name: 'Send file' }).click()
  // The record's line says why; the bytes that arrived follow it, so search for it (the view scrolls to it).
  await server.getByRole('button', { name: 'Search', exact: true }).click()
  await server.getByRole('textbox', { name: 'Search' }).fill('larger than 1.0 MiB')
  await server.getByRole('button', { name: 'Find next' }).click()
  await expect(server.getByRole('status', { name: 'Search results' })).toHaveText('1 of 1')
  await expect(screen(server)).toContainText(
    "✗ decompressed data would be larger than 1.0 MiB (the pane's limit: Transforms › Largest decompressed message); stopped"
  )
  await shot(app, 'inflate-limit')
  // The setting stays as applied when the settings open again.
  await expect((await openSettings(server)).getByRole('textbox', { name: 'Largest decompressed message, MiB' })).toHaveValue('1')
  await shot(app, 'inflate-limit-setting')
})

test('copy a record as a Python bytes literal, and search the hex dump', async ({ app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const { server, client } = await tcpPair(app)
  await send(client, "it's\\x00")
  await expect(screen(server)).toContainText("it's\\0\\n")
  // The inspector opens first: it takes width from the panes, and a resize drops the selection.
  const s = await inspect(server)
  // Its header selected: the whole record.
  await dragOver(app, server, '◀ in')
  await s.getByRole('combobox', { name: 'Copy as' }).selectOption('python')
  await copy(server)
  await expect(server.getByRole('status').filter({ hasText: 'Copied 1 record(s), 6 bytes, as Python bytes' })).toBeVisible()
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe("b'it\\'s\\x00\\n'")
  await server.getByRole('button', { name: 'Search', exact: true }).click()
  await server.getByRole('textbox', { name: 'Search' }).fill('27 73')
  await server.getByRole('checkbox', { name: 'Hex' }).check()
  await server.getByRole('button', { name: 'Find next' }).click()
  await expect(server.getByRole('radio', { name: 'Hex' })).toHaveAttribute('aria-checked', 'true')
  await expect(server.getByRole('status', { name: 'Search results' })).toHaveText('1 of 1')
  await server.getByRole('textbox', { name: 'Search' }).fill('ff ee')
  await server.getByRole('button', { name: 'Find next' }).click()
  await expect(server.getByText('Not found')).toBeVisible()
})
