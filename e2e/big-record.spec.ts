// A send larger than the screen's batch reaches the page in pieces (issue 10, item 4) and the
// terminal shows it as one message: one header with its whole size, hex offsets going on past
// the first piece, and Find reaching bytes in the last piece.
import { expect, find, results, screen, send, shot, tcpPair, test } from './fixtures'

test('a 384 KiB send is one message on screen: one header, hex offsets going on across its pieces, its last bytes found', async ({ app }) => {
  test.setTimeout(120_000)
  const { client } = await tcpPair(app)
  await client.getByRole('radio', { name: 'Hex' }).click()
  // 6 × 64 KiB of random bytes, then a marker: 384 KiB + 8 B in one write, two pieces (the
  // hex dump, two terminal rows a line in this pane, fits the scrollback whole).
  await send(client, '{{random:65536}}'.repeat(6) + '<<LAST>>')
  await expect(screen(client)).toContainText(/00060000 {2}3c 3c 4c 41 53 54 3e 3e/, { timeout: 60_000 })
  // One header for the whole message.
  await find(client, '▶ out', false)
  await expect(results(client)).toHaveText('1 of 1', { timeout: 30_000 })
  await find(client, '· 384.0 KiB', false)
  await expect(results(client)).toHaveText('1 of 1', { timeout: 30_000 })
  // The dump's offsets go on where the second piece starts (256 KiB), and Find reaches the end.
  await find(client, '00040000  ', false)
  await expect(results(client)).toHaveText('1 of 1', { timeout: 30_000 })
  await find(client, '3c 3c 4c 41 53 54 3e 3e', true)
  await expect(results(client)).toHaveText('1 of 1', { timeout: 30_000 })
  await shot(app, 'big-record-hex')
})
