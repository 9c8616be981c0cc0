// Keys in sessions: Save asks whether the AES keys go into the file (Leave keys out is the
// default). Left out, neither the saved file nor the running recording holds the passphrase
// anywhere, the restored pane asks for its key and refuses to start without it; included, the
// file has it.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { openSession } from '../src/main/session/reader'
import { readWorkspace } from '../src/shared/workspace'
import { expect, inspect, pane, screen, send, shot, test } from './fixtures'

const PASSPHRASE = 'tr0ub4dor&3 sesame'
const status = (p: Locator): Locator => p.getByRole('status', { name: 'Status' })

/** The encrypt steps of the last workspace the file holds, pane by pane. */
function savedSteps(file: string): unknown[][] {
  const f = openSession(file)
  try {
    return readWorkspace(f.index.workspace).panes.map((p) => p.config.transforms)
  } finally {
    f.close()
  }
}

async function encrypt(app: Page, title: string): Promise<void> {
  const p = await inspect(pane(app, title))
  await p.getByText('Framing, transforms, auto-replies').click()
  await p.getByRole('button', { name: '+ Encryption' }).click()
  await p.getByRole('textbox', { name: 'Step 1 passphrase' }).fill(PASSPHRASE)
  await p.getByRole('button', { name: 'Apply' }).click()
  await expect(p.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
}

/** Save as… to `file`, answering the question about keys with `answer`. */
async function saveAs(app: Page, file: string, answer: 'Leave keys out' | 'Include keys', picture?: string): Promise<void> {
  await app.getByRole('button', { name: 'Save as…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  const ask = app.getByRole('alertdialog', { name: 'Include the keys in the file?' })
  await expect(ask).toContainText('2 encryption step(s) have a key or passphrase')
  // Leaving them out is the default: Enter would choose it.
  await expect(ask.getByRole('button', { name: 'Leave keys out' })).toBeFocused()
  if (picture) await shot(app, picture)
  await ask.getByRole('button', { name: answer }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
}

test('a session saved without its keys holds no key anywhere; the restored pane asks for it and starts once given; saved with them, the file has them', async ({
  app,
  sessionDir
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'np-keys-'))
  const without = join(dir, 'no-keys.pcapng')
  const withKeys = join(dir, 'with-keys.pcapng')
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  await expect(status(client)).toContainText('connected')
  await encrypt(app, 'TCP server pane 1')
  await encrypt(app, 'TCP client pane 2')
  await send(client, 'attack at dawn')
  await expect(screen(server)).toContainText('attack at dawn')

  await saveAs(app, without, 'Leave keys out', 'keys-ask')
  // The file's workspace keeps the steps, marked, without the passphrase; no byte of the file
  // (the recording it copies included), nor of the running recording, holds it.
  const omitted = { kind: 'encrypt', algo: 'aes-256-gcm', keyOmitted: 'passphrase' }
  expect(savedSteps(without)).toEqual([[omitted], [omitted]])
  expect(readFileSync(without).includes(PASSPHRASE)).toBe(false)
  const recordings = readdirSync(sessionDir).filter((n) => n.endsWith('.pcapng'))
  expect(recordings.length).toBeGreaterThan(0)
  for (const r of recordings) expect(readFileSync(join(sessionDir, r)).includes(PASSPHRASE), r).toBe(false)

  // Opened in a fresh window: the restored server asks for its key, its field focused.
  await app.evaluate(() => localStorage.removeItem('np.workspace.v1'))
  await app.reload()
  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(without)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  await expect(app.getByRole('status').filter({ hasText: 'Restored 2 pane(s)' })).toBeVisible()
  const server2 = pane(app, 'TCP server pane 1')
  const client2 = pane(app, 'TCP client pane 2')
  const ask = "Step 1: this step's key was left out of the saved session: enter it, then press Apply"
  // The inspector opened at the first such pane's settings (the server's), its key field focused.
  const inspector = app.getByRole('complementary', { name: 'Inspector' })
  await expect(inspector.getByRole('heading', { name: 'Settings of TCP server pane 1' })).toBeVisible()
  await expect(inspector.getByRole('alert').filter({ hasText: ask })).toBeVisible()
  await expect(inspector.getByRole('textbox', { name: 'Step 1 passphrase' })).toBeFocused()
  // The recorded server, without the key, shows the wire bytes and why they are not decrypted
  // (the file's tab: the live panes stayed in view while a key is wanted).
  await shot(app, 'keys-restored')
  await app.getByRole('tab', { name: /\.pcapng$/ }).click()
  const recorded = pane(app, /Recorded: TCP server 1/)
  const shows = app.getByRole('table', { name: 'Recorded flows' }).getByRole('button', { name: /^Show flow \d+$/ })
  for (let i = 0; !(await recorded.isVisible()) && i < (await shows.count()); i++) await shows.nth(i).click()
  await expect(recorded).toBeVisible()
  await expect(screen(recorded)).toContainText('the key was left out of the saved session')
  await shot(app, 'keys-playback')
  // The client asks too.
  await app.getByRole('tab', { name: /^Live panes/ }).click()
  await expect((await inspect(pane(app, 'TCP client pane 2'))).getByRole('alert').filter({ hasText: ask })).toBeVisible()

  // Start is refused, and says why, until the key is given and applied.
  await server2.getByRole('button', { name: 'Listen' }).click()
  const refused = 'Not started: the key of step 1 (aes-256-gcm) was left out of the saved session.'
  await expect(server2.getByRole('alert').filter({ hasText: refused })).toBeVisible()
  await expect(status(server2)).toHaveText('stopped')
  await expect(inspector.getByRole('heading', { name: 'Settings of TCP server pane 1' })).toBeVisible()
  await expect(inspector.getByRole('textbox', { name: 'Step 1 passphrase' })).toBeFocused()
  await shot(app, 'keys-start-refused')
  for (const title of ['TCP server pane 1', 'TCP client pane 2']) {
    const p = await inspect(pane(app, title))
    await p.getByRole('textbox', { name: 'Step 1 passphrase' }).fill(PASSPHRASE)
    await expect(p.getByRole('alert').filter({ hasText: ask })).toHaveCount(0)
    await p.getByRole('button', { name: 'Apply' }).click()
    await expect(p.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  }
  await expect(server2.getByRole('alert').filter({ hasText: refused })).toHaveCount(0)
  await server2.getByRole('button', { name: 'Listen' }).click()
  await expect(status(server2)).toContainText('listening on')
  await client2.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(status(client2)).toContainText('connected')
  await send(client2, 'retreat at dusk')
  await expect(screen(server2)).toContainText('retreat at dusk')

  // Saved again with its keys: the file has them.
  await saveAs(app, withKeys, 'Include keys')
  expect(savedSteps(withKeys)).toEqual([
    [{ kind: 'encrypt', algo: 'aes-256-gcm', passphrase: PASSPHRASE }],
    [{ kind: 'encrypt', algo: 'aes-256-gcm', passphrase: PASSPHRASE }]
  ])
  expect(readFileSync(withKeys).includes(PASSPHRASE)).toBe(true)
  for (const r of readdirSync(sessionDir).filter((n) => n.endsWith('.pcapng'))) expect(readFileSync(join(sessionDir, r)).includes(PASSPHRASE), r).toBe(false)
})
