// A recorded pane that never had a connection still plays back: a client whose connect was
// refused and a server nobody reached get a read-only recorded pane each on opening the
// saved session, showing the refusal and that the server was listening.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closedPort, expect, pane, screen, shot, test } from './fixtures'

test('a refused connect and a server nobody reached, saved and opened: their recorded panes show the refusal and the listening', async ({ app }) => {
  const file = join(mkdtempSync(join(tmpdir(), 'np-no-connection-')), 'refused.pcapng')
  const port = await closedPort()
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP client' }).click()
  const client = pane(app, /TCP client pane/)
  await client.getByRole('textbox', { name: 'Port' }).fill(String(port))
  await client.getByRole('button', { name: 'Connect', exact: true }).click()
  const refusal = `Connection refused: nothing is listening on 127.0.0.1:${port}`
  // A stopped pane's error is the line under its header.
  await expect(client.getByRole('alert')).toContainText(refusal)

  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP server' }).click()
  const server = pane(app, /TCP server pane/)
  await server.getByRole('button', { name: 'Listen' }).click()
  const status = server.getByRole('status', { name: 'Status' })
  await expect(status).toContainText(/listening on 127\.0\.0\.1:\d+/)
  const listened = /listening on (127\.0\.0\.1:\d+)/.exec((await status.textContent()) ?? '')![1]!

  await app.getByRole('button', { name: 'Save as…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(app.getByRole('status').filter({ hasText: `Saved ${file}` })).toBeVisible()
  await client.getByRole('button', { name: /Close pane/ }).click()
  await server.getByRole('button', { name: /Close pane/ }).click()

  await app.getByRole('button', { name: 'Open…' }).click()
  await app.getByRole('dialog').getByRole('textbox', { name: 'Path' }).fill(file)
  await app.getByRole('dialog').getByRole('button', { name: 'Open' }).click()
  // Neither has a flow: the tab lists them by name, and shows one at a time.
  const noFlow = app.getByRole('list', { name: 'Panes without a connection' })
  await noFlow.getByRole('button', { name: /^Recorded: TCP client/ }).click()
  const recordedClient = pane(app, /Recorded: TCP client/)
  await expect(recordedClient).toBeVisible()
  await expect(screen(recordedClient)).toContainText('Connection refused: nothing is listening on')
  await noFlow.getByRole('button', { name: /^Recorded: TCP server/ }).click()
  const recordedServer = pane(app, /Recorded: TCP server/)
  await expect(recordedServer).toBeVisible()
  await expect(screen(recordedServer)).toContainText(`listening on ${listened}`)
  await shot(app, 'session-no-connection')
})
