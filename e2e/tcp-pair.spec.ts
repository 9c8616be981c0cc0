import { connections, expect, pane, screen, send, shot, test } from './fixtures'

test('a TCP pair: hello from the client arrives at the server, in text and in hex, and the answer comes back', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(server.getByRole('status')).toContainText(/listening on 127\.0\.0\.1:\d+/)
  // The header says whom the client is connected to; both ends are in its tooltip.
  await expect(client.getByRole('status')).toContainText(/connected to 127\.0\.0\.1:\d+/)
  await expect(client.getByRole('status')).toHaveAttribute('title', /connected 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/)
  await expect((await connections(server)).getByRole('row')).toHaveCount(2)

  await send(client, 'hello')
  await expect(screen(server)).toContainText('◀ in #1 · 6 B')
  await expect(screen(server)).toContainText('hello\\n')
  await expect(screen(client)).toContainText('▶ out #1 · 6 B')

  await send(server, 'hi, client\\r')
  await expect(screen(client)).toContainText('hi, client\\r\\n')
  await expect(await connections(server)).toContainText('12 B')

  await server.getByRole('radio', { name: 'Hex' }).click()
  await expect(screen(server)).toContainText('00000000  68 65 6c 6c 6f 0a')
  await expect(screen(server)).toContainText('|hello.|')
  await shot(app, 'tcp-pair')
})

test('server pane: half-close, close and reset a connection from the list', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status')).toContainText('connected')

  await (await connections(client)).getByRole('button', { name: 'Half-close connection 1' }).click()
  await expect(screen(server)).toContainText('connection #1: peer half-closed (FIN received)')
  await expect(await connections(server)).toContainText('peer sent FIN')
  // Half-closed: the server can still send, and the client still reads.
  await send(server, 'still here')
  await expect(screen(client)).toContainText('still here')

  await (await connections(server)).getByRole('button', { name: 'Reset connection 1' }).click()
  await expect(screen(server)).toContainText('connection #1 closed (reset)')
  await expect(screen(client)).toContainText('Connection reset by the peer')
  await expect(client.getByRole('status')).toContainText('stopped')
  await shot(app, 'tcp-reset')
})

test('hex input sends exact bytes; a bad hex string is marked and not sent', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status')).toContainText('connected')
  await client.getByRole('combobox', { name: 'Input mode' }).selectOption('hex')
  await send(client, '48 65 6c 6c 6f 00 ff')
  await expect(screen(server)).toContainText('Hello\\0\\xff')

  await send(client, '48 6g')
  await expect(client.getByRole('alert')).toHaveText('Not a hex digit at position 5: "g"')
  await expect(client.getByRole('textbox', { name: 'Message to send' })).toHaveValue('48 6g')
  await expect(screen(server)).not.toContainText('· 1 B')
  await shot(app, 'bad-hex')
})
