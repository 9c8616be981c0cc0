// Issue 10, item 1: peers that connect, send FIN and stay. A server pane holds at most its
// connection limit and refuses (resets) the rest, saying so once with how many; it may close
// a connection whose peer half-closed, or one that stayed idle; and it answers a valid command
// while the flood is going and after it. Real sockets on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent, MessageRef, PaneConfigInput } from '../src/shared/contract'
import { translateRef } from '../src/shared/i18n'
import { withSessions } from '../src/main/session/service'
import { HalfClosers } from './half-closers'
import { Probe, RawClient, useProbe } from './probe'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'

let probe: Probe
let floods: HalfClosers[] = []
useProbe((p) => (probe = p), { sessions: withSessions({ record: false }) })
afterEach(() => {
  for (const f of floods) f.destroy()
  floods = []
})

type Note = Extract<EngineEvent, { type: 'pane.note' }>

async function server(connections: PaneConfigInput['connections']): Promise<number> {
  await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { connections } })
  const { local } = await probe.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  return local.port
}

const notes = (key: string): Note[] => probe.of('pane.note', 'srv').filter((n) => n.message.key === key)
const counted = (key: string): number => notes(key).reduce((n, e) => n + Number(e.message.params?.['count']), 0)
const flood = (port: number, n: number): HalfClosers => {
  const f = new HalfClosers(port, n)
  floods.push(f)
  return f
}

/** The message in both languages, every parameter filled in. */
function bothLanguages(ref: MessageRef): { en: string; zh: string } {
  const out = { en: translateRef('en', ref), zh: translateRef('zh', ref) }
  for (const text of Object.values(out)) expect(text).not.toMatch(/\{\w+\}/)
  return out
}

describe('a TCP server pane against peers that half-close and stay', () => {
  it('holds its connection limit: the peers past it are reset, counted, and said per burst, never per connection (en and zh); a valid command is answered during and after', async () => {
    const port = await server({ limit: 20 })
    const peers = flood(port, 60)
    // The attack is going until the pane has said all 40 refusals (a burst may be said in a few notes).
    await expectAnswersDuring(
      '60 half-closing peers, limit 20',
      () => probe.ok({ type: 'session.info' }),
      () => counted('log.connLimit') < 40
    )
    await peers.settled(40)
    await probe.until(() => counted('log.connLimit') >= 40, 'the connection limit notes to count 40', 10_000)
    // 20 held (half-closed by their peers, kept), 40 refused: what the peers saw and what the pane counted agree.
    expect(counted('log.connLimit')).toBe(40)
    expect(probe.of('conn.open', 'srv')).toHaveLength(20)
    expect(probe.of('conn.halfClosed', 'srv').filter((e) => e.by === 'peer')).toHaveLength(20)
    expect(probe.of('conn.closed', 'srv')).toHaveLength(0)
    expect(peers.count('reset')).toBe(40)
    expect(peers.count(undefined)).toBe(20)
    // Said per burst, not once per connection: a loaded machine may split the burst (a gap over
    // the quiet window), so a handful of notes, each with its share of the count.
    expect(notes('log.connLimit').length).toBeLessThanOrEqual(5)
    for (const note of notes('log.connLimit')) {
      expect(note.level).toBe('warn')
      expect(note.message.params).toMatchObject({ limit: 20 })
    }
    const note = notes('log.connLimit')[0]!
    const count = Number(note.message.params?.['count'])
    const said = bothLanguages(note.message)
    expect(said.en).toContain(`Connection limit (20) reached: refused ${count} connection(s)`)
    expect(said.zh).toContain(`已达到连接上限（20）：拒绝了 ${count} 个连接`)
    await expectAnswersAfter('60 half-closing peers, limit 20', () => probe.ok({ type: 'session.info' }))
    // A connection closed makes room for one more.
    await probe.ok({ type: 'conn.close', paneId: 'srv', connId: probe.of('conn.open', 'srv')[0]!.connId })
    await probe.waitFor('conn.closed', 'srv')
    const next = flood(port, 1)
    await probe.until(() => probe.of('conn.open', 'srv').length === 21, 'the 21st connection accepted')
    expect(next.count(undefined)).toBe(1)
  })

  it('a limit raised while running lets more in, up to the new limit; the next ones are refused and counted', async () => {
    const port = await server({ limit: 5 })
    await flood(port, 5).settled(0)
    await probe.until(() => probe.of('conn.open', 'srv').length === 5, '5 connections')
    await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { connections: { limit: 8 } } })
    const more = flood(port, 5)
    await more.settled(2)
    await probe.until(() => probe.of('conn.open', 'srv').length >= 8, '8 connections')
    expect(probe.of('conn.open', 'srv')).toHaveLength(8)
    expect(more.count('reset')).toBe(2)
    await probe.until(() => counted('log.connLimit') >= 2, 'the notes: 2 refused at 8')
    expect(counted('log.connLimit')).toBe(2)
    for (const note of notes('log.connLimit')) expect(note.message.params).toMatchObject({ limit: 8 })
  })

  it('Close when the peer half-closes: off by default (kept), on closes those held and each next one (said once per burst, en and zh)', async () => {
    const port = await server({})
    const first = flood(port, 5)
    await probe.until(() => probe.of('conn.halfClosed', 'srv').length === 5, '5 peers half-closed')
    expect(probe.of('conn.closed', 'srv')).toHaveLength(0)
    expect(first.count(undefined)).toBe(5)
    await probe.ok({ type: 'pane.configure', paneId: 'srv', config: { connections: { closeOnHalfClose: true } } })
    await probe.until(() => probe.of('conn.closed', 'srv').length === 5, 'the 5 held ones closed')
    await first.settled(5)
    expect(first.count('closed')).toBe(5)
    const second = flood(port, 7)
    await second.settled(7)
    await probe.until(() => probe.of('conn.closed', 'srv').length === 12, 'the 7 next ones closed as they half-closed')
    await probe.until(() => counted('log.closedHalfClosed') === 12, 'the notes: 12 closed')
    expect(notes('log.closedHalfClosed').length).toBeLessThanOrEqual(5)
    const said = bothLanguages(notes('log.closedHalfClosed')[0]!.message)
    expect(said.en).toMatch(/^Closed \d+ connection\(s\) whose peer half-closed/)
    expect(said.zh).toMatch(/^已关闭 \d+ 个对端半关闭的连接/)
  })

  it('an idle timeout closes a connection that stayed idle, and says so (en and zh)', async () => {
    const port = await server({ idleTimeoutS: 1 })
    const client = await RawClient.connect(port)
    try {
      await client.write('hi')
      await probe.untilBytes('srv', 2)
      const closed = await probe.waitFor('conn.closed', 'srv', () => true, 10_000)
      expect(closed).toMatchObject({ how: 'close', bytesIn: 2 })
      await probe.until(() => client.socket.readableEnded, 'the client to see the FIN', 5000)
      const note = await probe.waitFor('pane.note', 'srv', (n) => n.message.key === 'log.closedIdle')
      expect(note.message.params).toEqual({ count: 1, seconds: 1 })
      const said = bothLanguages(note.message)
      expect(said.en).toBe('Closed 1 connection(s) idle for 1 s (idle timeout).')
      expect(said.zh).toBe('已关闭 1 个空闲 1 秒的连接（空闲超时）。')
    } finally {
      client.close()
    }
  })
})
