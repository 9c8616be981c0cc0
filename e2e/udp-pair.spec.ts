import { expect, pane, screen, send, shot, test } from './fixtures'

test('a UDP pair: datagrams both ways, with the sender address, boundaries kept', async ({ app }) => {
  await app.getByRole('button', { name: 'New UDP pair' }).click()
  const a = pane(app, /UDP pane \d+/).first()
  const b = pane(app, /UDP pane \d+/).nth(1)
  await expect(a.getByRole('status')).toContainText(/bound on 127\.0\.0\.1:\d+/)
  await expect(b.getByRole('status')).toContainText(/bound on 127\.0\.0\.1:\d+/)
  const bPort = /:(\d+)/.exec((await b.getByRole('status').textContent()) ?? '')![1]!
  const aPort = /:(\d+)/.exec((await a.getByRole('status').textContent()) ?? '')![1]!
  await expect(a.getByRole('textbox', { name: 'Destination port' })).toHaveValue(bPort)

  await send(a, 'one')
  await send(a, 'two!')
  await expect(screen(b)).toContainText(`◀ in from 127.0.0.1:${aPort} · 4 B`)
  await expect(screen(b)).toContainText(`◀ in from 127.0.0.1:${aPort} · 5 B`)
  await send(b, 'pong')
  await expect(screen(a)).toContainText(`◀ in from 127.0.0.1:${bPort} · 5 B`)
  await expect(screen(a)).toContainText('pong\\n')
  await shot(app, 'udp-pair')
})

test('a UDP socket bound on port 0 writes down the port it got, so a reload binds the same one and its peers keep it', async ({ app }) => {
  await app.getByRole('button', { name: 'Add pane' }).click()
  await app.getByRole('menuitem', { name: 'UDP socket' }).click()
  const u = pane(app, 'UDP pane 1')
  await expect(u.getByRole('textbox', { name: 'Local port' })).toHaveValue('0')
  await u.getByRole('button', { name: 'Bind' }).click()
  await expect(u.getByRole('status')).toContainText(/bound on 127\.0\.0\.1:\d+/)
  const port = /:(\d+)/.exec((await u.getByRole('status').textContent()) ?? '')![1]!
  // While it runs, its address fields are the inspector's.
  await u.getByRole('button', { name: 'Settings: UDP pane 1' }).click()
  await expect(app.getByRole('complementary', { name: 'Inspector' }).getByRole('textbox', { name: 'Local port' })).toHaveValue(port)
  // The next visit: the restored pane binds that port again.
  await app.reload()
  const again = pane(app, 'UDP pane 1')
  await expect(again.getByRole('textbox', { name: 'Local port' })).toHaveValue(port)
  await again.getByRole('button', { name: 'Bind' }).click()
  await expect(again.getByRole('status')).toContainText(`bound on 127.0.0.1:${port}`)
})
