// Issue 10, item 1, the descriptor reserve: the built web host, run under a limit of 256
// file descriptors, is flooded by peers that connect to a server pane, send FIN and stay. Its
// pane's own limit is set high, so only the reserve stands in the way: the pane refuses what
// would take the last descriptors and says so, and Save, Open and a new tab still work; a
// valid command is answered while the flood goes on and after it. (The same run on the code
// before the reserve: 256 of 256 descriptors taken, Save failed with EMFILE, a new tab was reset.)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/shared/contract'
import { translateRef } from '../src/shared/i18n'
import { DESCRIPTOR_RESERVE } from '../src/shared/limits'
import { HalfClosers } from './half-closers'
import { bounded } from './peers'
import { until } from './probe'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'
import { startHostProcess, WireClient, type HostProcess } from './web-host-client'

const NOFILE = 256
const PEERS = 300
const token = 'conn-limits-token'
let host: HostProcess | undefined
let peers: HalfClosers | undefined
let dir: string | undefined
const clients: WireClient[] = []

afterEach(async () => {
  peers?.destroy()
  for (const c of clients.splice(0)) c.ws.terminate()
  if (host && host.child.exitCode === null && host.child.signalCode === null) {
    const gone = host.exited
    host.child.kill('SIGKILL')
    await bounded(gone, 'the web host to exit')
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
  host = peers = dir = undefined
})

type Note = Extract<EngineEvent, { type: 'pane.note' }>
type Answer = { ok: boolean; result?: Record<string, unknown>; error?: unknown }
const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length

async function tab(port: number): Promise<WireClient> {
  const c = await WireClient.open(port, token)
  clients.push(c)
  return c
}

describe('the web host under a low descriptor limit, flooded by half-closing peers', () => {
  it('keeps descriptors in reserve: the pane refuses the flood past them and says so; Save, Open and a new tab still work', async () => {
    dir = mkdtempSync(join(tmpdir(), 'np-conn-limits-'))
    host = await startHostProcess(join(dir, 'sessions'), token, { nofile: NOFILE })
    const pid = host.child.pid!
    const c = await tab(host.port)
    const ask = async (body: Record<string, unknown>): Promise<Answer> => (await c.command(body, 10_000)) as Answer
    expect((await ask({ type: 'pane.configure', paneId: 'srv', config: { connections: { limit: 10_000 } } })).ok).toBe(true)
    const listen = await ask({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    expect(listen.ok).toBe(true)
    const before = openFds(pid)

    const reserveNotes = (): Note[] => c.events.filter((e): e is Note => e.type === 'pane.note' && e.paneId === 'srv' && e.message.key === 'log.connReserve')
    const refused = (): number => reserveNotes().reduce((n, e) => n + Number(e.message.params?.['count']), 0)
    const accepted = (): number => c.events.filter((e) => e.type === 'conn.open' && e.paneId === 'srv').length
    // The flood is over once every peer is held or was reset and the pane has said every refusal
    // (a burst may be said in a few notes: a loaded machine can leave a gap over the quiet window).
    const ended = (): number => PEERS - peers!.count(undefined)
    const over = (): boolean => peers!.count('connected') === PEERS && accepted() + ended() === PEERS && refused() >= ended()
    peers = new HalfClosers((listen.result!['local'] as { port: number }).port, PEERS)
    await expectAnswersDuring(
      `${PEERS} half-closing peers, ${NOFILE} descriptors`,
      () => ask({ type: 'session.info' }),
      () => !over()
    )
    await until(over, 'every peer held or refused, and every refusal said', 20_000)
    const during = openFds(pid)
    console.info(
      `reserve: ${accepted()} accepted, ${refused()} refused (the peers saw ${peers.count('reset')} resets); descriptors ${before} → ${during} of ${NOFILE}`
    )
    // Every peer is either held or was refused, and the pane counted the refusals the peers saw.
    expect(accepted()).toBeGreaterThan(0)
    expect(accepted() + refused()).toBe(PEERS)
    expect(peers.count('reset')).toBe(refused())
    expect(reserveNotes().length).toBeLessThanOrEqual(5)
    expect(during).toBeLessThanOrEqual(NOFILE - DESCRIPTOR_RESERVE)
    const note = reserveNotes()[0]!.message
    expect(note.params?.['reserve']).toBe(DESCRIPTOR_RESERVE)
    for (const lang of ['en', 'zh'] as const) expect(translateRef(lang, note)).not.toMatch(/\{\w+\}/)
    expect(translateRef('en', note)).toMatch(/^Only \d+ file descriptors were left to the app: refused \d+ connection\(s\), keeping 64 free/)
    expect(translateRef('zh', note)).toMatch(/^应用只剩 \d+ 个文件描述符：拒绝了 \d+ 个连接，保留 64 个/)

    // What the reserve is for: Save, Open and a new tab, with the flood's connections still held.
    const saved = join(dir, 'saved.pcapng')
    const save = await ask({ type: 'session.save', path: saved })
    expect(save, JSON.stringify(save)).toMatchObject({ ok: true })
    const open = await ask({ type: 'session.open', path: saved })
    expect(open, JSON.stringify(open)).toMatchObject({ ok: true })
    const second = await tab(host.port)
    expect(await second.command({ type: 'session.info' })).toMatchObject({ ok: true })
    expect(peers.count(undefined)).toBe(accepted())
    await expectAnswersAfter(`${PEERS} half-closing peers, ${NOFILE} descriptors`, () => ask({ type: 'session.info' }))
  }, 60_000)
})
