// The composer in the browser: history and snippets kept across a reload, sequences of
// snippets run by the engine (in order, with progress and Stop), files through framing
// and over UDP, and the auto-reply and transform controls.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { expect, pane, screen, send, shot, tcpPair, test } from './fixtures'

/** The inspector, showing the settings of `p` (opened from the pane's menu). */
async function inspect(p: Locator): Promise<Locator> {
  const app = p.page()
  await p.getByRole('button', { name: /^More actions: / }).click()
  await app.getByRole('menuitem', { name: 'Settings', exact: true }).click()
  const inspector = app.getByRole('complementary', { name: 'Inspector' })
  await expect(inspector.getByRole('heading', { name: `Settings of ${await p.getAttribute('aria-label')}` })).toBeVisible()
  return inspector
}

/** Saves the input of pane `p` as a snippet, from its snippets in the inspector `s`. */
async function saveSnippet(p: Locator, s: Locator, name: string, text: string): Promise<void> {
  await p.getByRole('textbox', { name: 'Message to send' }).fill(text)
  await s.getByRole('textbox', { name: 'Snippet name' }).fill(name)
  await s.getByRole('button', { name: 'Save input as snippet' }).click()
  await expect(s.getByRole('button', { name: `Send snippet ${name}` })).toBeVisible()
}

const input = (p: Locator): Locator => p.getByRole('textbox', { name: 'Message to send' })

test('history (up/down) and snippets and sequences come back after a reload', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await send(client, 'first')
  await send(client, 'second')
  await expect(screen(server)).toContainText('second\\n')
  const s = await inspect(client)
  await s.getByText(/Snippets \(0\)/).click()
  await saveSnippet(client, s, 'greet', 'hello {{seq}}')
  await s.getByRole('textbox', { name: 'Sequence name' }).fill('login')
  await s.getByRole('button', { name: 'New sequence' }).click()
  await expect(s.getByRole('group', { name: 'Sequence login' })).toBeVisible()

  await app.reload()
  const client2 = pane(app, /TCP client pane/)
  await expect(client2).toBeVisible()
  await input(client2).click()
  await input(client2).press('ArrowUp')
  await expect(input(client2)).toHaveValue('second')
  await input(client2).press('ArrowUp')
  await expect(input(client2)).toHaveValue('first')
  await input(client2).press('ArrowDown')
  await expect(input(client2)).toHaveValue('second')
  const s2 = await inspect(client2)
  await s2.getByText(/Snippets \(1\)/).click()
  await expect(s2.getByRole('button', { name: 'Send snippet greet' })).toBeVisible()
  await expect(s2.getByRole('group', { name: 'Sequence login' }).getByRole('combobox', { name: 'Step 1 snippet' })).toHaveValue('greet')
})

test('a sequence: steps picked, delayed and reordered run in order with "step k of n"; Stop halts one', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const s = await inspect(client)
  await s.getByText(/Snippets \(0\)/).click()
  await saveSnippet(client, s, 'a', 'alpha')
  await saveSnippet(client, s, 'b', 'beta')
  await saveSnippet(client, s, 'c', 'gamma')
  await s.getByRole('textbox', { name: 'Sequence name' }).fill('demo')
  await s.getByRole('button', { name: 'New sequence' }).click()
  const seq = s.getByRole('group', { name: 'Sequence demo' })
  await seq.getByRole('button', { name: '+ Step' }).click()
  await seq.getByRole('button', { name: '+ Step' }).click()
  await seq.getByRole('combobox', { name: 'Step 2 snippet' }).selectOption('b')
  await seq.getByRole('combobox', { name: 'Step 3 snippet' }).selectOption('c')
  // A bad delay is marked where it was typed, and the sequence does not run.
  await seq.getByRole('textbox', { name: 'Step 2 delay (ms)' }).fill('soon')
  await expect(seq.getByRole('alert')).toHaveText('A delay is a whole number of milliseconds, 0 to 600000')
  await seq.getByRole('textbox', { name: 'Step 2 delay (ms)' }).fill('1500')
  await expect(seq.getByRole('alert')).toHaveCount(0)
  await seq.getByRole('textbox', { name: 'Step 3 delay (ms)' }).fill('100')
  // c moves before b: alpha, gamma, beta.
  await seq.getByRole('button', { name: 'Move step 3 up' }).click()
  await expect(seq.getByRole('combobox', { name: 'Step 2 snippet' })).toHaveValue('c')
  await expect(seq.getByRole('textbox', { name: 'Step 2 delay (ms)' })).toHaveValue('100')
  await shot(app, 'sequence')
  await seq.getByRole('button', { name: 'Run sequence demo' }).click()
  const status = client.getByRole('status', { name: /Job \d+/ })
  await expect(status).toContainText('step 2 of 3')
  await expect(status).toContainText('step 3 of 3 · done')
  await expect(screen(server)).toContainText('beta\\n')
  const shown = (await screen(server).textContent()) ?? ''
  expect(shown.indexOf('alpha')).toBeGreaterThanOrEqual(0)
  expect(shown.indexOf('alpha')).toBeLessThan(shown.indexOf('gamma'))
  expect(shown.indexOf('gamma')).toBeLessThan(shown.indexOf('beta'))

  // A long wait before step 2, then Stop: only step 1 goes out.
  await seq.getByRole('textbox', { name: 'Step 2 delay (ms)' }).fill('600000')
  await seq.getByRole('button', { name: 'Run sequence demo' }).click()
  const second = client.getByRole('status', { name: /Job \d+/ }).last()
  await expect(second).toContainText('step 1 of 3')
  await client.getByRole('button', { name: /Stop job \d+/ }).click()
  await expect(second).toContainText('step 1 of 3 · done')
  await expect(client.getByRole('button', { name: /Stop job \d+/ })).toHaveCount(0)
})

test('a file with length framing goes out as one framed message; one over 16 MiB is refused in the composer', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'np-file-'))
  const small = join(dir, 'small.bin')
  writeFileSync(small, 'x'.repeat(200))
  const big = join(dir, 'big.bin')
  writeFileSync(big, Buffer.alloc(17 * 1024 * 1024))
  const { server, client } = await tcpPair(app)
  for (const p of [server, client]) {
    const s = await inspect(p)
    await s.getByText('Framing, transforms, auto-replies').click()
    await s.getByRole('combobox', { name: 'Framing' }).selectOption('length')
    await s.getByRole('combobox', { name: 'Length header size' }).selectOption('4')
    await s.getByRole('button', { name: 'Apply' }).click()
    await expect(s.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
    await s.getByText('Framing, transforms, auto-replies').click()
  }
  await client.getByRole('combobox', { name: 'Input mode' }).selectOption('file')
  await client.getByRole('textbox', { name: 'File to send' }).fill(small)
  await client.getByRole('button', { name: 'Send file' }).click()
  await expect(client.getByRole('status', { name: /Job \d+/ })).toContainText('200 B / 200 B · done')
  // One message of 200 bytes (the wire had 204: the 4-byte length first).
  await expect(screen(server)).toContainText('◀ in #1 · message 200 B')
  // The wire's count is in the server's connections (a popover under its header).
  await server.getByRole('button', { name: /^Connections \(\d+\)$/ }).click()
  await expect(server.getByTitle('204 bytes')).toBeVisible()
  await app.keyboard.press('Escape')
  await client.getByRole('textbox', { name: 'File to send' }).fill(big)
  await client.getByRole('button', { name: 'Send file' }).click()
  await expect(client.getByRole('alert')).toContainText('a file is sent as one message of up to 16.0 MiB')
  await shot(app, 'file-framed-too-big')
})

test('UDP File mode: datagrams of the chosen size (a size over 65507 refused where typed)', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-udp-')), 'data.bin')
  writeFileSync(file, 'abcdefghij'.repeat(4) + 'tail!')
  await app.getByRole('button', { name: 'New UDP pair' }).click()
  const a = pane(app, /UDP pane \d+/).first()
  const b = pane(app, /UDP pane \d+/).nth(1)
  await expect(b.getByRole('status').first()).toContainText(/bound on 127\.0\.0\.1:\d+/)
  await expect(a.getByRole('textbox', { name: 'Destination port' })).not.toHaveValue('')
  await a.getByRole('combobox', { name: 'Input mode' }).selectOption('file')
  await a.getByRole('textbox', { name: 'File to send' }).fill(file)
  await expect(a.getByRole('textbox', { name: 'Datagram size (bytes)' })).toHaveValue('1024')
  await a.getByRole('textbox', { name: 'Datagram size (bytes)' }).fill('65508')
  await expect(a.getByRole('alert')).toHaveText('The datagram size must be a whole number of bytes, 1 to 65507')
  await a.getByRole('button', { name: 'Send file' }).click()
  await expect(a.getByRole('status', { name: /Job \d+/ })).toHaveCount(0)
  await a.getByRole('textbox', { name: 'Datagram size (bytes)' }).fill('10')
  await expect(a.getByRole('alert')).toHaveCount(0)
  await a.getByRole('button', { name: 'Send file' }).click()
  await expect(a.getByRole('status', { name: /Job \d+/ })).toContainText('45 B / 45 B · done')
  // Four datagrams of 10 bytes, then one of 5.
  await expect(screen(b)).toContainText('· 5 B')
  await expect(screen(b)).toContainText('tail!')
  await expect.poll(async () => ((await screen(b).textContent()) ?? '').match(/· 10 B/g)?.length).toBe(4)
  await shot(app, 'udp-file')
})

test('auto-reply flags and encodings, and a CRC checked on incoming only', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  const s = await inspect(server)
  await s.getByText('Framing, transforms, auto-replies').click()
  await s.getByRole('button', { name: '+ Add rule' }).click()
  await s.getByRole('combobox', { name: 'Rule 1 matches' }).selectOption('regex')
  await s.getByRole('textbox', { name: 'Rule 1 pattern' }).fill('^ping')
  await s.getByRole('textbox', { name: 'Rule 1 regex flags' }).fill('ix')
  await expect(s.getByRole('alert')).toHaveText('Rule 1: regex flags are i, m, s and u, each at most once')
  await s.getByRole('textbox', { name: 'Rule 1 regex flags' }).fill('i')
  await expect(s.getByRole('alert')).toHaveCount(0)
  await s.getByRole('combobox', { name: 'Rule 1 reply' }).selectOption('template')
  await s.getByRole('textbox', { name: 'Rule 1 reply text' }).fill('再见')
  await s.getByRole('combobox', { name: 'Rule 1 reply encoding' }).selectOption('gbk')
  // Steps: compression then a checksum; the checksum moves up and works on incoming only.
  await s.getByRole('button', { name: '+ Compression' }).click()
  await s.getByRole('button', { name: '+ Checksum' }).click()
  await s.getByRole('button', { name: 'Move step 2 up' }).click()
  await expect(s.getByRole('combobox', { name: 'Step 1 algorithm' })).toHaveValue('crc32')
  await s.getByRole('button', { name: 'Remove step 2' }).click()
  await s.getByRole('combobox', { name: 'Step 1 direction' }).selectOption('in')
  await shot(app, 'settings-flags-dir')
  await s.getByRole('button', { name: 'Apply' }).click()
  await expect(s.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  await s.getByText('Framing, transforms, auto-replies').click()

  const c = await inspect(client)
  await c.getByText('Framing, transforms, auto-replies').click()
  await c.getByRole('button', { name: '+ Checksum' }).click()
  await c.getByRole('combobox', { name: 'Step 1 direction' }).selectOption('out')
  await c.getByRole('button', { name: 'Apply' }).click()
  await expect(c.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  await c.getByText('Framing, transforms, auto-replies').click()

  await client.getByRole('combobox', { name: 'Line ending' }).selectOption('none')
  await send(client, 'PING')
  await (await inspect(server)).getByRole('checkbox', { name: 'Steps' }).check()
  await expect(screen(server)).toContainText('checksum ok')
  // The reply goes out in GBK without a CRC (the server's step is incoming only): d4 d9 bc fb.
  await (await inspect(client)).getByRole('combobox', { name: 'View encoding' }).selectOption('gbk')
  await expect(screen(client)).toContainText('再见')
  await client.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(client)).toContainText('d4 d9 bc fb')
  await expect(screen(client)).toContainText('◀ in #1 · message 4 B')
})
