// Recent sessions: a file that is gone says so (a toast), and leaves the list.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, screen, send, shot, tcpPair, test } from './fixtures'

test('picking a recent session whose file is gone says so in a toast, and the list stops offering it', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-recent-')), 'gone.pcapng')
  const { server, client } = await tcpPair(app)
  await send(client, 'hello')
  await expect(screen(server)).toContainText('hello\\n')
  await app.getByRole('button', { name: 'Save as…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
  const recent = app.getByRole('combobox', { name: 'Recent sessions' })
  await expect(recent.getByRole('option', { name: file, exact: true })).toHaveCount(1)

  rmSync(file)
  const workspace = app.getByRole('main')
  const box = await workspace.boundingBox()
  await recent.selectOption(file)
  // Window notices are toasts, laid over the window's corner.
  const alert = app.getByRole('alert')
  await expect(alert).toContainText('No such file')
  await expect(alert).toContainText(file)
  expect(await workspace.boundingBox()).toEqual(box)
  await expect(recent.getByRole('option', { name: file, exact: true })).toHaveCount(0)
  await shot(app, 'recent-gone')
})
