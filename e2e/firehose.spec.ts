// A firehose into a pane: the connection takes every byte at full speed while the screen
// draws what it can and says, in one line, how much it did not draw. The screen is made to
// fall behind (its acknowledgements are held) rather than hoped to be slow.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, holdAcks, pane, screen, shot, test } from './fixtures'

test('20 MiB from socat into a screen that stopped drawing: every byte counted, the display skips with a marker, the pane still works', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-fire-')), 'r.bin')
  writeFileSync(file, randomBytes(20 * 1024 * 1024))
  const acks = await holdAcks(app)
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP server' }).click()
  const server = pane(app, /TCP server pane/)
  await server.getByRole('button', { name: 'Listen' }).click()
  await expect(server.getByRole('status')).toContainText(/listening on 127\.0\.0\.1:\d+/)
  const port = /:(\d+)/.exec((await server.getByRole('status').textContent()) ?? '')![1]!

  const socat = spawn('socat', ['-u', `FILE:${file}`, `TCP:127.0.0.1:${port}`], { stdio: 'ignore' })
  const exit = await new Promise<number | null>((resolve) => socat.on('exit', resolve))
  expect(exit).toBe(0)
  // The connection took every byte while the screen drew nothing more.
  await server.getByRole('button', { name: /^Connections \(\d+\)$/ }).click()
  await expect(server.getByRole('table', { name: 'Connections' })).toContainText('20.0 MiB')
  await expect.poll(() => acks.held(), { message: 'the screen drew (and acknowledged) its first batch' }).toBeGreaterThan(0)
  await expect(screen(server)).not.toContainText('not drawn')

  // The screen draws again: the backlog, then one line for what was left out, then the FIN.
  acks.release()
  await expect(screen(server)).toContainText(/MiB in \d+ record\(s\) not drawn: the display fell behind/, { timeout: 15_000 })
  await expect(screen(server)).toContainText('peer half-closed (FIN received)')
  // The pane still answers: switch to hex and see dump lines.
  await server.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(server)).toContainText(/[0-9a-f]{8} {2}([0-9a-f]{2} ){8}/)
  await shot(app, 'firehose')
})
