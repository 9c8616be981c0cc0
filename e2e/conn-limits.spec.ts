// A server pane's connection settings (issue 10, item 1): shown and settable in its settings,
// applied to the running pane; peers past the limit are refused and the pane says so once.
import net from 'node:net'
import { expect, inspect, pane, screen, shot, test } from './fixtures'

/** `n` peers that connect, send FIN and stay; destroyed by the caller. */
function halfClosers(port: number, n: number): net.Socket[] {
  return Array.from({ length: n }, () => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => s.end())
    s.on('error', () => {})
    return s
  })
}

test('the connection limit is shown and settable in the server pane settings; peers past it are refused and counted once on the pane', async ({ app }) => {
  await app.getByRole('button', { name: 'New TCP pair' }).click()
  const server = pane(app, /TCP server pane/)
  const client = pane(app, /TCP client pane/)
  await expect(client.getByRole('status')).toContainText('connected')
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec((await server.getByRole('status').textContent()) ?? '')?.[1])

  const inspector = await inspect(server)
  await inspector.getByText('Framing, transforms, auto-replies, connections').click()
  const limit = inspector.getByRole('spinbutton', { name: 'Connection limit' })
  await expect(limit).toHaveValue('256')
  await expect(inspector.getByRole('spinbutton', { name: 'Idle timeout (s)' })).toHaveValue('0')
  await expect(inspector.getByRole('checkbox', { name: 'Close when the peer half-closes' })).not.toBeChecked()

  // A limit the contract refuses is shown as a problem and not applied.
  await limit.fill('0')
  await inspector.getByRole('button', { name: 'Apply' }).click()
  await expect(inspector.getByRole('alert')).toContainText('Check Connection limit: a whole number from 1 to 100000')
  // The client pane's connection is the one the pane holds; the next three are refused.
  await limit.fill('1')
  await inspector.getByRole('button', { name: 'Apply' }).click()
  await expect(inspector.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()
  const peers = halfClosers(port, 3)
  try {
    await expect(screen(server)).toContainText('Connection limit (1) reached: refused 3 connection(s).')
    await expect(screen(server)).not.toContainText('connection #2')
    await shot(app, 'conn-limit')
  } finally {
    for (const s of peers) s.destroy()
  }
})
