// When the recording cannot be written: a session folder that cannot be made (the app starts
// anyway, says recording is off and why, and answers every command), a disk that fills up
// while it records (every live pane and the session say so once; Save refuses to present
// the cut copy as whole), and a tab closed with traffic not saved (its recording is kept and
// offered, not deleted). Real folders, a real full disk (a tiny tmpfs), the real web host.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { ResultMap } from '../src/shared/contract'
import { errorMessage } from '../src/shared/i18n'
import { openSession } from '../src/main/session/reader'
import { withSessions } from '../src/main/session/service'
import { makeFolder } from '../src/main/session/make-folder'
import { bounded } from './peers'
import { Probe, RawClient } from './probe'
import { startHostProcess, WireClient, type HostProcess } from './web-host-client'

const tmp = mkdtempSync(join(tmpdir(), 'np-recording-problems-'))
const probes: Probe[] = []
const hosts: HostProcess[] = []
let mounted: string | undefined

afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => bounded(p.dispose(), 'engine dispose')))
  for (const h of hosts.splice(0)) {
    if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL')
    await bounded(h.exited, 'the web host to exit')
  }
  if (mounted) execFileSync('umount', [mounted])
  mounted = undefined
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function probe(dir: string): Probe {
  const p = new Probe({ sessions: withSessions({ dir }), statsIntervalMs: 20 })
  probes.push(p)
  return p
}

/** A folder nobody can make: /proc refuses new entries, even to root. */
const unwritable = '/proc/np-no-such-folder'

describe('a session folder that cannot be made', () => {
  it('the engine starts anyway, says recording is off and why, and answers every command', async () => {
    const p = probe(unwritable)
    const info = await p.ok<ResultMap['session.info']>({ type: 'session.info' })
    expect(info).toMatchObject({ recording: 'off', bytes: 0, problem: { op: 'record', reason: { key: 'why.recordingOff', params: { dir: unwritable } } } })
    expect(errorMessage('en', info.problem!)).toContain(`Recording is off: the session folder ${unwritable} cannot be written.`)
    expect(errorMessage('zh', info.problem!)).toContain(unwritable)
    // Sockets work as ever.
    const { local } = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    const c = await RawClient.connect(local.port)
    await c.write('still works')
    await p.untilBytes('srv', 11)
    c.close()
    // The pane's log says, once, that its traffic is not recorded.
    const said = p.of('error', 'srv').filter((e) => e.error.op === 'record')
    expect(said.map((e) => e.error.reason?.key)).toEqual(['why.recordingOff'])
    // Save says there is nothing to save, in words.
    const save = await p.cmd({ type: 'session.save', path: join(tmp, 'x.pcapng') })
    expect(save).toEqual({ ok: false, error: { code: 'NOT_RUNNING', reason: { key: 'why.recordingOffNoSave' } } })
    expect((await p.cmd({ type: 'session.recent' })).ok).toBe(true)
  })

  it('the web host given such a folder starts, answers a command on the first WebSocket, and stops on SIGTERM', async () => {
    const host = await startHostProcess(unwritable, 'unwritable-token')
    hosts.push(host)
    const c = await WireClient.open(host.port, 'unwritable-token')
    const info = (await c.command({ type: 'session.info' })) as { ok: boolean; result: ResultMap['session.info'] }
    expect(info).toMatchObject({ ok: true, result: { recording: 'off' } })
    const listen = (await c.command({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })) as { ok: boolean }
    expect(listen.ok).toBe(true)
    host.child.kill('SIGTERM')
    expect(await bounded(host.exited, 'the web host to stop on SIGTERM')).toBe('0')
  })
})

describe('makeFolder', () => {
  it("makes a folder and its parents, and fails at once for a path under /proc (where Node's recursive mkdir never returns)", async () => {
    const nested = join(tmp, 'a', 'b', 'c')
    makeFolder(nested)
    makeFolder(nested)
    expect(existsSync(nested)).toBe(true)
    const proc = new Promise<unknown>((resolve) => {
      try {
        makeFolder('/proc/np-no-such/inner')
        resolve(undefined)
      } catch (err) {
        resolve(err)
      }
    })
    expect(await bounded(proc, 'makeFolder to give up on /proc', 2000)).toMatchObject({ code: 'ENOENT' })
  })
})

describe('a disk that fills up while it records', () => {
  it('the recording stops once: the session and every live pane say so, traffic goes on, and Save keeps what came before without calling it whole', async (ctx) => {
    const disk = join(tmp, 'small-disk')
    mkdirSync(disk, { recursive: true })
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk])
      mounted = disk
    } catch (err) {
      // A small filesystem needs root to mount; CI runs as root, so there this never skips.
      if (process.getuid?.() === 0) throw err
      ctx.skip(`cannot mount a tmpfs here (${String(err)}); a full disk needs one`)
    }
    const p = probe(disk)
    const { local } = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    await p.ok({ type: 'udp.bind', paneId: 'udp', host: '127.0.0.1', port: 0 })
    const c = await RawClient.connect(local.port)
    // 1 MiB through a 256 KiB disk.
    for (let i = 0; i < 16; i++) await c.write(Buffer.alloc(64 * 1024, 0x30 + i))
    await p.untilBytes('srv', 1024 * 1024, undefined, 10_000)
    await p.until(() => p.events.some((e) => e.type === 'session.recording'), 'the recording to say it stopped')
    const stopped = p.events.filter((e) => e.type === 'session.recording')
    expect(stopped).toHaveLength(1)
    expect(stopped[0]).toMatchObject({ recording: 'failed', problem: { code: 'ENOSPC', op: 'record', reason: { key: 'why.recordingStopped' } } })
    // Every live pane's log says it, once.
    for (const pane of ['srv', 'udp']) {
      const errors = p.of('error', pane).filter((e) => e.error.op === 'record')
      expect(errors, pane).toHaveLength(1)
      expect(errorMessage('en', errors[0]!.error)).toMatch(/^No space left on the disk\. The recording stopped: nothing after this moment is in /)
    }
    expect((await p.ok<ResultMap['session.info']>({ type: 'session.info' })).recording).toBe('failed')
    // Traffic goes on.
    await c.write('after the disk filled')
    await p.untilBytes('srv', 1024 * 1024 + 21)
    // Save copies what was recorded, says it is not whole, and the copy opens as interrupted.
    const to = join(tmp, 'cut-by-full-disk.pcapng')
    const saved = await p.ok<ResultMap['session.save']>({ type: 'session.save', path: to })
    expect(saved.incomplete).toMatchObject({ code: 'ENOSPC' })
    const s = openSession(to)
    expect(s.index.interrupted).toBeDefined()
    expect(s.index.flows.some((f) => f.chunks.length > 0)).toBe(true)
    s.close()
    c.close()
  })
})

describe('a tab closed with traffic not saved', () => {
  async function tab(host: HostProcess, token: string, traffic: boolean): Promise<void> {
    const c = await WireClient.open(host.port, token)
    const r = (await c.command({ type: 'udp.bind', paneId: 'u', host: '127.0.0.1', port: 0 })) as { result: { local: { port: number } } }
    if (traffic) {
      await c.command({ type: 'send', paneId: 'u', target: { host: '127.0.0.1', port: r.result.local.port }, payload: new TextEncoder().encode('keep me') })
      await bounded(
        (async () => {
          while (!c.events.some((e) => e.type === 'data' && e.paneId === 'u' && e.records.some((x) => x.dir === 'in')))
            await new Promise((w) => setTimeout(w, 10))
        })(),
        'the datagram to come back'
      )
    }
    await c.close()
  }

  it('keeps its recording (closed properly) and offers it under Recent; a tab without traffic leaves nothing', async () => {
    const dir = join(tmp, 'tabs')
    const host = await startHostProcess(dir, 'tabs-token')
    hosts.push(host)
    const left = (): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.pcapng')) : [])
    await tab(host, 'tabs-token', false)
    await tab(host, 'tabs-token', true)
    await bounded(
      (async () => {
        while (!(left().length === 1 && left()[0]!.startsWith('left-'))) await new Promise((w) => setTimeout(w, 20))
      })(),
      `one left-….pcapng in ${dir} (have: ${left().join(', ')})`
    )
    const file = join(dir, left()[0]!)
    const s = openSession(file)
    expect(s.index.interrupted, 'the kept recording was closed with its closing block').toBeUndefined()
    expect(s.index.flows.flatMap((f) => f.chunks.map((ch) => Buffer.from(s.readSync(ch)).toString()))).toContain('keep me')
    s.close()
    // The next tab is offered it.
    const next = await WireClient.open(host.port, 'tabs-token')
    const recent = (await next.command({ type: 'session.recent' })) as { result: ResultMap['session.recent'] }
    expect(recent.result.recovered.map((r) => r.path)).toContain(file)
    await next.close()
  })
})
