import net from 'node:net'
import { closedPort, expect, pane, screen, shot, test } from './fixtures'

test('a refused connection shows its plain-language message in the pane', async ({ app }) => {
  const port = await closedPort()
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP client' }).click()
  const client = pane(app, /TCP client pane/)
  await client.getByRole('textbox', { name: 'Port' }).fill(String(port))
  await client.getByRole('button', { name: 'Connect', exact: true }).click()
  const message = `Connection refused: nothing is listening on 127.0.0.1:${port} — start a server first.`
  // A stopped pane's error is the line under its header.
  await expect(client.getByRole('alert')).toContainText(message)
  await expect(screen(client)).toContainText('Connection refused: nothing is listening on')
  await shot(app, 'refused')
})

test('a bad port is refused where it was typed, and a port in use says so', async ({ app }) => {
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP server' }).click()
  const server = pane(app, /TCP server pane/)
  await server.getByRole('textbox', { name: 'Local port' }).fill('70000')
  await server.getByRole('button', { name: 'Listen' }).click()
  await expect(server.getByRole('alert')).toHaveText('Port must be a whole number from 0 to 65535')
  await expect(server.getByRole('status')).toContainText('stopped')

  const busy = net.createServer()
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
  const port = (busy.address() as net.AddressInfo).port
  try {
    await server.getByRole('textbox', { name: 'Local port' }).fill(String(port))
    await server.getByRole('button', { name: 'Listen' }).click()
    await expect(server.getByRole('alert')).toContainText(`Address in use: another socket is already bound to 127.0.0.1:${port}`)
    await shot(app, 'port-in-use')
  } finally {
    busy.close()
  }
})
