// Leaving the page (close, reload) while a live pane has traffic not saved since the last Save:
// the browser asks first. After Save it does not.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, screen, send, shot, tcpPair, test } from './fixtures'

test('closing the page with traffic not saved asks first; after Save it closes without asking', async ({ app }) => {
  const { server, client } = await tcpPair(app)
  await send(client, 'hello')
  await expect(screen(server)).toContainText('hello\\n')
  const asked: string[] = []
  app.on('dialog', (d) => {
    asked.push(d.type())
    // Stay on the page.
    void d.dismiss()
  })

  await app.close({ runBeforeUnload: true })
  await expect.poll(() => asked).toEqual(['beforeunload'])
  expect(app.isClosed()).toBe(false)
  await expect(screen(server)).toContainText('hello\\n')
  await shot(app, 'unload-stayed')

  const file = join(mkdtempSync(join(tmpdir(), 'np-unload-')), 'saved.pcapng')
  await app.getByRole('button', { name: 'Save as…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
  const closed = app.waitForEvent('close')
  await app.close({ runBeforeUnload: true })
  await closed
  expect(asked).toEqual(['beforeunload'])
})
