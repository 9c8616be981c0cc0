// The web host's token never shows in the process list (issue 10, item 8): it comes from
// NP_WEB_TOKEN (or is made up and printed); `--token` on the command line, which every local
// user's `ps` shows, is refused with the way to do it instead. The real built host.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bounded } from './peers'
import { startHostProcess, webJs } from './web-host-client'

const dir = mkdtempSync(join(tmpdir(), 'np-token-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the web host token', () => {
  it('comes from the environment and is not in the command line others can read', async () => {
    const token = 'c0ffee'.repeat(6)
    const host = await startHostProcess(dir, token)
    try {
      expect(host.output()).toContain(`?token=${token}`)
      const cmdline = readFileSync(`/proc/${host.child.pid}/cmdline`, 'utf8')
      expect(cmdline).toContain('web.js')
      expect(cmdline).not.toContain(token)
    } finally {
      host.child.kill('SIGTERM')
      await bounded(host.exited, 'the web host to exit')
    }
  })

  it('refuses --token on the command line, saying what to do instead', () => {
    const r = spawnSync(process.execPath, [webJs, '--port', '0', '--token', 'visible-to-all'], { encoding: 'utf8', timeout: 10_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--token would show in every local user')
    expect(r.stderr).toContain('NP_WEB_TOKEN')
  })
})
