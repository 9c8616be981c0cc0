// A disk that fills up while the app records: the session says so in a notice, the panes'
// logs say so, and the sockets keep working. The web host records on a tiny tmpfs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, find, pane, results, shot, startHost, test } from './fixtures'

test('a full disk stops the recording: a notice says so and why, every pane logs it once, traffic goes on', async ({ page }) => {
  const disk = mkdtempSync(join(tmpdir(), 'np-full-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk])
  } catch (err) {
    // Mounting needs root; CI runs as root, so there this never skips.
    test.skip(process.getuid?.() !== 0, `cannot mount a tmpfs here (${String(err)})`)
    throw err
  }
  const host = await startHost(disk)
  try {
    await page.addInitScript(() => localStorage.setItem('np.lang', 'en'))
    await page.goto(host.url)
    await page.getByRole('button', { name: 'Add pane' }).click()
    await page.getByRole('menuitem', { name: 'TCP server' }).click()
    const server = pane(page, /TCP server pane/)
    await server.getByRole('button', { name: 'Listen' }).click()
    await expect(server.getByRole('status').first()).toContainText(/listening on 127\.0\.0\.1:\d+/)
    const port = Number(/:(\d+)/.exec((await server.getByRole('status').first().textContent()) ?? '')![1])
    // 256 KiB into a 64 KiB disk.
    const sock = net.connect(port, '127.0.0.1')
    await new Promise<void>((r) => sock.once('connect', () => r()))
    sock.write(Buffer.alloc(256 * 1024, 0x41))
    const alert = page.getByRole('alert').filter({ hasText: 'No space left on the disk.' })
    await expect(alert).toContainText('The recording stopped: nothing after this moment is in')
    // The pane's line comes in order among the traffic (where depends on when the disk
    // filled), so it is looked for in the whole view, not only on screen.
    await expect(async () => {
      await find(server, 'No space left on the disk.', false)
      await expect(results(server)).toHaveText('1 of 1', { timeout: 1000 })
    }).toPass({ timeout: 30_000 })
    await server.getByRole('button', { name: /^Connections \(\d+\)$/ }).click()
    await expect(server.getByRole('table', { name: 'Connections' })).toContainText('256.0 KiB')
    await shot(page, 'recording-stopped')
    sock.destroy()
  } finally {
    await page.close()
    await host.stop()
    execFileSync('umount', [disk])
    rmSync(disk, { recursive: true, force: true })
  }
})
