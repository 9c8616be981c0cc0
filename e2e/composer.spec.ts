// The composer in the browser: history and snippets kept across a reload, sequences of
// snippets run by the engine (in order, with progress and Stop), files through framing
// and over UDP, and the auto-reply and transform controls.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, pane, screen, send, shot, test } from './fixtures'

async function tcpPair(app: Page): Promise<{ server: Locator; client: Locator }> {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status').first()).toContainText('connected')
  return { server, client }
}

async function saveSnippet(p: Locator, name: string, text: string): Promise<void> {
  await p.getByRole('textbox', { name: 'Message to send' }).fill(text)
  await p.getByRole('textbox', { name: 'Snippet name' }).fill(name)
  await p.getByRole('button', { name: 'Save input as snippet' }).click()
  await expect(p.getByRole('button', { name: `Send snippet ${name}` })).toBeVisible()
}

const input = (p: Locator): Locator => p.getByRole('textbox', { name: 'Message to send' })

test('history (up/down) and snippets and sequences come back after a reload', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await send(client, 'first')
  await send(client, 'second')
  await expect(screen(server)).toContainText('second\\n')
  await client.getByText(/Snippets \(0\)/).click()
  await saveSnippet(client, 'greet', 'hello {{seq}}')
  await client.getByRole('textbox', { name: 'Sequence name' }).fill('login')
  await client.getByRole('button', { name: 'New sequence' }).click()
  await expect(client.getByRole('group', { name: 'Sequence login' })).toBeVisible()

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
  await client2.getByText(/Snippets \(1\)/).click()
  await expect(client2.getByRole('button', { name: 'Send snippet greet' })).toBeVisible()
  await expect(client2.getByRole('group', { name: 'Sequence login' }).getByRole('combobox', { name: 'Step 1 snippet' })).toHaveValue('greet')
})

test('a sequence: steps picked, delayed and reordered run in order with "step k of n"; Stop halts one', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await client.getByText(/Snippets \(0\)/).click()
  await saveSnippet(client, 'a', 'alpha')
  await saveSnippet(client, 'b', 'beta')
  await saveSnippet(client, 'c', 'gamma')
  await client.getByRole('textbox', { name: 'Sequence name' }).fill('demo')
  await client.getByRole('button', { name: 'New sequence' }).click()
  const seq = client.getByRole('group', { name: 'Sequence demo' })
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
    await p.getByText('Framing, transforms, auto-replies').click()
    await p.getByRole('combobox', { name: 'Framing' }).selectOption('length')
    await p.getByRole('combobox', { name: 'Length header size' }).selectOption('4')
    await p.getByRole('button', { name: 'Apply' }).click()
    await expect(p.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
    await p.getByText('Framing, transforms, auto-replies').click()
  }
  await client.getByRole('combobox', { name: 'Input mode' }).selectOption('file')
  await client.getByRole('textbox', { name: 'File to send' }).fill(small)
  await client.getByRole('button', { name: 'Send file' }).click()
  await expect(client.getByRole('status', { name: /Job \d+/ })).toContainText('200 B / 200 B · done')
  // One message of 200 bytes (the wire had 204: the 4-byte length first).
  await expect(screen(server)).toContainText('◀ in #1 · message 200 B')
  await expect(server.getByTitle('204 bytes')).toBeVisible()
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
  await server.getByText('Framing, transforms, auto-replies').click()
  await server.getByRole('button', { name: '+ Add rule' }).click()
  await server.getByRole('combobox', { name: 'Rule 1 matches' }).selectOption('regex')
  await server.getByRole('textbox', { name: 'Rule 1 pattern' }).fill('^ping')
  await server.getByRole('textbox', { name: 'Rule 1 regex flags' }).fill('ix')
  await expect(server.getByRole('alert')).toHaveText('Rule 1: regex flags are i, m, s and u, each at most once')
  await server.getByRole('textbox', { name: 'Rule 1 regex flags' }).fill('i')
  await expect(server.getByRole('alert')).toHaveCount(0)
  await server.getByRole('combobox', { name: 'Rule 1 reply' }).selectOption('template')
  await server.getByRole('textbox', { name: 'Rule 1 reply text' }).fill('再见')
  await server.getByRole('combobox', { name: 'Rule 1 reply encoding' }).selectOption('gbk')
  // Steps: compression then a checksum; the checksum moves up and works on incoming only.
  await server.getByRole('button', { name: '+ Compression' }).click()
  await server.getByRole('button', { name: '+ Checksum' }).click()
  await server.getByRole('button', { name: 'Move step 2 up' }).click()
  await expect(server.getByRole('combobox', { name: 'Step 1 algorithm' })).toHaveValue('crc32')
  await server.getByRole('button', { name: 'Remove step 2' }).click()
  await server.getByRole('combobox', { name: 'Step 1 direction' }).selectOption('in')
  await shot(app, 'settings-flags-dir')
  await server.getByRole('button', { name: 'Apply' }).click()
  await expect(server.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  await server.getByText('Framing, transforms, auto-replies').click()

  await client.getByText('Framing, transforms, auto-replies').click()
  await client.getByRole('button', { name: '+ Checksum' }).click()
  await client.getByRole('combobox', { name: 'Step 1 direction' }).selectOption('out')
  await client.getByRole('button', { name: 'Apply' }).click()
  await expect(client.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  await client.getByText('Framing, transforms, auto-replies').click()

  await client.getByRole('combobox', { name: 'Line ending' }).selectOption('none')
  await send(client, 'PING')
  await server.getByRole('checkbox', { name: 'Steps' }).check()
  await expect(screen(server)).toContainText('checksum ok')
  // The reply goes out in GBK without a CRC (the server's step is incoming only): d4 d9 bc fb.
  await client.getByRole('combobox', { name: 'View encoding' }).selectOption('gbk')
  await expect(screen(client)).toContainText('再见')
  await client.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(client)).toContainText('d4 d9 bc fb')
  await expect(screen(client)).toContainText('◀ in #1 · message 4 B')
})
