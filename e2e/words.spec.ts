// Words that match what is on screen (issue 9): a pane whose connection ended says so (not
// "No connections yet"); emptying the search box takes the highlights away; the flow list
// and the connection list give In and Out in the same order.
import { expect, find, pane, screen, send, test } from './fixtures'

test('a server whose connection was closed says so, and a client reset by its peer says that', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  await expect(client.getByRole('status', { name: 'Status' })).toContainText('connected')
  // Before anything ended, the list is the list.
  await server.getByRole('button', { name: 'Connections (1)' }).click()
  await expect(server.getByRole('table', { name: 'Connections' })).toBeVisible()
  await server.getByRole('button', { name: 'Reset connection 1' }).click()
  // The server's list: the one it reset; the client's: reset by the peer.
  await expect(server.getByRole('button', { name: 'Connections (0)' })).toBeVisible()
  await expect(server.getByRole('dialog', { name: 'Connections' })).toContainText('Connection #1 was reset here.')
  await expect(server.getByRole('dialog', { name: 'Connections' })).not.toContainText('No connections yet')
  await app.keyboard.press('Escape')
  await expect(client.getByRole('button', { name: 'Connections (0)' })).toBeVisible()
  await client.getByRole('button', { name: 'Connections (0)' }).click()
  await expect(client.getByRole('dialog', { name: 'Connections' })).toContainText('Connection #1 was reset by the peer.')
  await app.keyboard.press('Escape')

  // A new run starts a new count: a fresh server has had no connections yet.
  await server.getByRole('button', { name: 'Stop' }).click()
  await server.getByRole('button', { name: 'Listen' }).click()
  await expect(server.getByRole('status', { name: 'Status' })).toContainText('listening')
  await server.getByRole('button', { name: 'Connections (0)' }).click()
  await expect(server.getByRole('dialog', { name: 'Connections' })).toContainText('No connections yet.')
})

test('emptying the search box takes the highlights away', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, 'TCP server pane 1')
  const client = pane(app, 'TCP client pane 2')
  await expect(client.getByRole('status', { name: 'Status' })).toContainText('connected')
  for (const line of ['hello one', 'hello two']) await send(client, line)
  await expect(screen(server)).toContainText('hello two')
  await find(server, 'hello', false)
  const highlights = server.locator('.xterm-find-result-decoration, .xterm-find-active-result-decoration')
  await expect(highlights).not.toHaveCount(0)
  await server.getByRole('textbox', { name: 'Search' }).fill('')
  await expect(highlights).toHaveCount(0)
  // Closing the search does it too.
  await find(server, 'hello', false)
  await expect(highlights).not.toHaveCount(0)
  await server.getByRole('button', { name: 'Close search' }).click()
  await expect(highlights).toHaveCount(0)
  await expect(server.getByRole('textbox', { name: 'Search' })).toBeHidden()
})
