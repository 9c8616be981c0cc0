import { connections, expect, pane, screen, send, shot, test } from './fixtures'

test('the split between two panes can be resized with the keyboard', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status')).toContainText('connected')
  const separator = app.getByRole('separator', { name: 'Resize panes' }).first()
  const before = (await server.boundingBox())!.width
  await separator.focus()
  for (let i = 0; i < 5; i++) await separator.press('ArrowRight')
  await expect.poll(async () => (await server.boundingBox())!.width, { message: 'the server pane grew' }).toBeGreaterThan(before + 20)
  const after = (await client.boundingBox())!.width
  expect(after).toBeLessThan(before)
  await shot(app, 'resized')
})

test('a server with two clients sends to the one chosen in "Send to", or to all', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const first = pane(app, /TCP client pane/).first()
  await expect(first.getByRole('status')).toContainText('connected')
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec((await server.getByRole('status').textContent()) ?? '')![1]!

  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'TCP client' }).click()
  const second = pane(app, /TCP client pane/).nth(1)
  await second.getByRole('textbox', { name: 'Port' }).fill(port)
  await second.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(second.getByRole('status')).toContainText('connected')
  await expect((await connections(server)).getByRole('row')).toHaveCount(3)
  await app.keyboard.press('Escape')

  const target = server.getByRole('combobox', { name: 'Send to' })
  await expect(target.getByRole('option')).toHaveText([/All connections \(2\)/, /^#1 /, /^#2 /])
  await target.selectOption({ label: (await target.getByRole('option', { name: /^#2 / }).textContent())! })
  await send(server, 'only for two')
  await expect(screen(second)).toContainText('only for two')
  await target.selectOption({ index: 0 })
  await send(server, 'for everyone')
  await expect(screen(first)).toContainText('for everyone')
  await expect(screen(second)).toContainText('for everyone')
  // The first client got the broadcast, but never the message meant for the second.
  await expect(screen(first)).not.toContainText('only for two')
  await shot(app, 'send-to-one')
})
