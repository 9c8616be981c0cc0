import type { Locator, Page } from '@playwright/test'
import { connections, expect, pane, screen, send, shot, test } from './fixtures'

/** Every pane region a user can see (hidden ones are not in the accessibility tree). */
const panes = (app: Page): Locator => app.getByRole('region', { name: /pane \d+$/ })

async function twoPairs(app: Page): Promise<void> {
  for (const n of [2, 4]) {
    await app.getByRole('button', { name: 'New TCP pair' }).click()
    await expect(pane(app, `TCP client pane ${n}`).getByRole('status')).toContainText('connected')
  }
  await expect(panes(app)).toHaveCount(4)
}

async function boxes(app: Page): Promise<{ x: number; y: number; width: number; height: number }[]> {
  const all = await panes(app).all()
  return Promise.all(all.map(async (p) => (await p.boundingBox())!))
}

test('a maximized pane fills the workspace, the hidden panes keep receiving, and the layout comes back as it was', async ({ app }) => {
  await twoPairs(app)
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  // An uneven split first, so "as it was" cannot be the default layout.
  const separator = app.getByRole('separator', { name: 'Resize panes' }).first()
  await separator.focus()
  for (let i = 0; i < 5; i++) await separator.press('ArrowRight')
  await expect
    .poll(async () => (await server.boundingBox())!.width, { message: 'the server pane grew' })
    .toBeGreaterThan((await client.boundingBox())!.width + 20)
  const before = await boxes(app)
  const termBefore = (await server.getByRole('log').boundingBox())!.height
  const clientTerm = app.getByTestId((await client.getByRole('log').getAttribute('data-testid'))!).locator('.xterm-rows')
  await shot(app, 'maximize-before')

  await server.getByRole('button', { name: 'Maximize pane: TCP server pane 1' }).click()
  await expect(panes(app)).toHaveCount(1)
  await expect(server).toBeVisible()
  await expect(client).toBeHidden()
  await expect.poll(async () => (await server.getByRole('log').boundingBox())!.height, { message: 'the terminal got taller' }).toBeGreaterThan(termBefore * 2)

  // The server's client is hidden; what the server sends still reaches it.
  await send(server, 'sent while hidden')
  await expect(screen(server)).toContainText('sent while hidden')
  await expect(clientTerm, 'the hidden client drew it').toContainText('sent while hidden')
  await shot(app, 'maximize-on')

  await server.getByRole('button', { name: 'Restore layout: TCP server pane 1' }).click()
  await expect(panes(app)).toHaveCount(4)
  await expect(screen(client)).toContainText('sent while hidden')
  await expect((await connections(client)).getByRole('row').nth(1)).toContainText('18 B')
  const after = await boxes(app)
  after.forEach((b, i) => {
    for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b[k] - before[i]![k]), `pane ${i + 1} ${k}`).toBeLessThanOrEqual(1)
  })
  await shot(app, 'maximize-restored')
})

test('Ctrl+Alt+M maximizes the focused pane and restores the layout; closing a maximized pane or adding a pane restores it too', async ({ app }) => {
  await twoPairs(app)
  const client = pane(app, 'TCP client pane 4')
  const input = client.getByRole('textbox', { name: 'Message to send' })
  await input.focus()
  await input.press('Control+Alt+M')
  await expect(panes(app)).toHaveCount(1)
  await expect(client.getByRole('button', { name: 'Restore layout: TCP client pane 4' })).toBeVisible()
  await input.press('Control+Alt+M')
  await expect(panes(app)).toHaveCount(4)
  await expect(client.getByRole('button', { name: 'Maximize pane: TCP client pane 4' })).toBeVisible()

  await client.getByRole('button', { name: 'Maximize pane: TCP client pane 4' }).click()
  await expect(panes(app)).toHaveCount(1)
  await client.getByRole('button', { name: 'Close pane: TCP client pane 4' }).click()
  await expect(panes(app)).toHaveCount(3)
  await expect(pane(app, 'TCP server pane 3').getByRole('button', { name: 'Maximize pane: TCP server pane 3' })).toBeVisible()
  // A pane added while one is maximized brings the layout back, so the new pane is seen.
  await pane(app, 'TCP server pane 3').getByRole('button', { name: 'Maximize pane: TCP server pane 3' }).click()
  await expect(panes(app)).toHaveCount(1)
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'UDP socket' }).click()
  await expect(panes(app)).toHaveCount(4)
  await expect(pane(app, 'UDP pane 5')).toBeVisible()
  await shot(app, 'maximize-closed')
})
