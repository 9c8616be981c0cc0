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
