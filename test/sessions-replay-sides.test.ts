// Replay of either side, with each timing, over TCP and UDP, against live peers on loopback.
// The sessions are written with the project's SessionWriter (exact recorded times), then
// opened and replayed through the engine:
//  · timing original / scaled: the live peer sees the later message no earlier than the
//    recorded gap (divided by the speed);
//  · side server: a live Node client gets the recorded answers, and its requests are
//    compared with the recorded ones byte by byte;
//  · UDP: one datagram per recorded datagram, answers matched by order, a diff per datagram;
//  · a peer that closes early is a difference, said as such.
import dgram from 'node:dgram'
import net from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Endpoint, EngineEvent, SessionSummary } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { lineServer as sharedLineServer } from './peers'
import { sessionProbes } from './session-probes'
import { Probe, RawClient, RawUdp, sleep } from './probe'

const { dir, probe, closers } = sessionProbes('replay-sides')

type Diff = Extract<EngineEvent, { type: 'replay.diff' }>
type Done = Extract<EngineEvent, { type: 'replay.done' }>

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const MS = 1_000_000n
const T0 = 1_750_000_000_000_000_000n
/** The recorded pause before the second request (and its answer). */
const GAP_MS = 400

/** A TCP client pane's conversation: [ms after the connect, 'out' | 'in', text]. */
function tcpSession(name: string, script: [number, 'out' | 'in', string][]): string {
  const path = join(dir, name)
  const w = SessionWriter.open(path)
  w.workspace({ panes: ['client'] }, T0)
  w.connOpen({ paneId: 'client', connId: 1, local: v4('127.0.0.1', 40100), remote: v4('127.0.0.1', 7000), initiator: 'local', tNs: T0 })
  for (const [ms, d, text] of script) w.chunk({ paneId: 'client', connId: 1, dir: d, tNs: T0 + BigInt(ms) * MS, bytes: Buffer.from(text) })
  const last = script.at(-1)?.[0] ?? 0
  w.connClose({ paneId: 'client', connId: 1, how: 'close', tNs: T0 + BigInt(last + 1) * MS })
  w.close()
  return path
}

/** A UDP pane that sent datagrams to 127.0.0.1:7001 and got answers: [ms, dir, text]. */
function udpSession(name: string, script: [number, 'out' | 'in', string][]): string {
  const path = join(dir, name)
  const w = SessionWriter.open(path)
  w.workspace({ panes: ['udp'] }, T0)
  w.bind({ paneId: 'udp', local: v4('127.0.0.1', 40200), tNs: T0 })
  for (const [ms, d, text] of script)
    w.chunk({ paneId: 'udp', connId: 0, dir: d, tNs: T0 + BigInt(ms) * MS, bytes: Buffer.from(text), peer: v4('127.0.0.1', 7001) })
  w.close()
  return path
}

const timed = tcpSession('timed.pcapng', [
  [1, 'out', 'a\n'],
  [2, 'in', 'ok a\n'],
  [GAP_MS, 'out', 'b\n'],
  [GAP_MS + 1, 'in', 'ok b\n']
])
const lines = tcpSession('lines.pcapng', [
  [1, 'out', 'one\n'],
  [2, 'in', 'ok one\n'],
  [3, 'out', 'two\n'],
  [4, 'in', 'ok two\n'],
  [5, 'out', 'three\n'],
  [6, 'in', 'ok three\n']
])
const datagrams = udpSession('datagrams.pcapng', [
  [1, 'out', 'ping 1'],
  [2, 'in', 'pong 1'],
  [3, 'out', 'ping 2'],
  [4, 'in', 'pong 2a'],
  [5, 'in', 'pong 2b']
])

/** The shared line server, closed after each test. */
async function lineServer(onLine?: (line: string, sock: net.Socket) => boolean): Promise<{ port: number; arrivals: { line: string; ms: number }[] }> {
  const server = await sharedLineServer(onLine)
  closers.push(server.close)
  return server
}

async function replay(
  path: string,
  c: { side?: 'client' | 'server'; port: number; timing?: 'answer' | 'original' | 'scaled'; speed?: number; paneId?: string }
): Promise<{ p: Probe; result: { connId?: number; local?: Endpoint } }> {
  const p = probe()
  const s = await p.ok<SessionSummary>({ type: 'session.open', path })
  const result = await p.ok<{ connId?: number; local?: Endpoint }>({
    type: 'replay.resend',
    sessionId: s.sessionId,
    flowId: s.flows[0]!.id,
    paneId: c.paneId ?? 'replay',
    host: '127.0.0.1',
    ...c
  })
  return { p, result }
}

async function outcome(p: Probe, paneId = 'replay'): Promise<{ diffs: Diff[]; done: Done }> {
  const done = await p.waitFor('replay.done', paneId, () => true, 15_000)
  expect(p.schemaErrors).toEqual([])
  return { diffs: p.of('replay.diff', paneId), done }
}

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array()).toString()

describe('timing', () => {
  it('original: the live server gets the second request no earlier than the recorded gap after the connect', async () => {
    const server = await lineServer()
    const { p } = await replay(timed, { port: server.port, timing: 'original' })
    const { done } = await outcome(p)
    expect(done).toMatchObject({ exchanges: 2, differing: 0 })
    expect(server.arrivals.map((a) => a.line)).toEqual(['a', 'b'])
    expect(server.arrivals[1]!.ms).toBeGreaterThanOrEqual(GAP_MS - 20)
  })

  it('scaled at 0.5×: the second request comes no earlier than twice the recorded gap', async () => {
    const server = await lineServer()
    const { p } = await replay(timed, { port: server.port, timing: 'scaled', speed: 0.5 })
    const { done } = await outcome(p)
    expect(done).toMatchObject({ exchanges: 2, differing: 0 })
    expect(server.arrivals[1]!.ms).toBeGreaterThanOrEqual(2 * GAP_MS - 20)
  })

  it('side server, original: the live client gets the second answer no earlier than its recorded time', async () => {
    const { p, result } = await replay(timed, { side: 'server', port: 0, timing: 'original' })
    const c = await RawClient.connect(result.local!.port)
    closers.push(() => c.close())
    const connected = performance.now()
    await c.write('a\n')
    await c.untilReceived(5, 'the first recorded answer')
    await c.write('b\n')
    await c.untilReceived(10, 'the second recorded answer')
    expect(performance.now() - connected).toBeGreaterThanOrEqual(GAP_MS + 1 - 20)
    expect(c.received().toString()).toBe('ok a\nok b\n')
    c.socket.end()
    const { diffs, done } = await outcome(p)
    expect(done).toMatchObject({ exchanges: 2, differing: 0, compared: 'request' })
    expect(diffs.map((d) => [d.compared, d.same, text(d.actual)])).toEqual([
      ['request', true, 'a\n'],
      ['request', true, 'b\n']
    ])
  })
})

describe('side server', () => {
  it('plays the recorded answers to a live client and shows where its request differs', async () => {
    const { p, result } = await replay(lines, { side: 'server', port: 0 })
    expect(result.local!.port).toBeGreaterThan(0)
    const c = await RawClient.connect(result.local!.port)
    closers.push(() => c.close())
    const sent = ['one\n', 'TWO\n', 'three\n']
    const answers = ['ok one\n', 'ok two\n', 'ok three\n']
    let want = 0
    for (const [i, req] of sent.entries()) {
      // Nothing comes before its request.
      expect(c.received().toString()).toBe(answers.slice(0, i).join(''))
      await c.write(req)
      want += answers[i]!.length
      await c.untilReceived(want, `recorded answer ${i + 1}`)
    }
    expect(c.received().toString()).toBe(answers.join(''))
    c.socket.end()
    const { diffs, done } = await outcome(p)
    expect(done).toMatchObject({ exchanges: 3, differing: 1, compared: 'request' })
    expect(done.closedEarly).toBeUndefined()
    expect(diffs.map((d) => [d.exchange, d.same, d.firstDiff])).toEqual([
      [1, true, -1],
      [2, false, 0],
      [3, true, -1]
    ])
    expect([text(diffs[1]!.expected), text(diffs[1]!.actual)]).toEqual(['two\n', 'TWO\n'])
  })

  it('a live client that leaves after the first exchange: closed early, the rest counted as differing', async () => {
    const { p, result } = await replay(lines, { side: 'server', port: 0 })
    const c = await RawClient.connect(result.local!.port)
    await c.write('one\n')
    await c.untilReceived(7, 'the first recorded answer')
    c.socket.end()
    const { done } = await outcome(p)
    expect(done).toMatchObject({ exchanges: 3, compared: 'request', closedEarly: { after: 1, how: 'close' } })
    expect(done.differing).toBe(2)
    expect(p.of('replay.diff', 'replay').map((d) => [d.exchange, d.same])).toEqual([[1, true]])
  })
})

describe('a server that closes mid-replay', () => {
  it('closing after the first answer: a difference, reported as closed early after exchange 1', async () => {
    const server = await lineServer((line, sock) => {
      sock.end(`ok ${line}\n`)
      return false
    })
    const { p } = await replay(lines, { port: server.port })
    const { diffs, done } = await outcome(p)
    expect(diffs.map((d) => d.same)).toEqual([true])
    expect(done).toMatchObject({ exchanges: 3, differing: 2, closedEarly: { after: 1, how: 'close' } })
    expect(done.error).toBeUndefined()
  })

  it('resetting after the first request: reported as reset early', async () => {
    const server = await lineServer((_line, sock) => {
      sock.resetAndDestroy()
      return false
    })
    const { p } = await replay(lines, { port: server.port })
    const { diffs, done } = await outcome(p)
    expect(diffs[0]).toMatchObject({ exchange: 1, same: false, actualLen: 0 })
    expect(done).toMatchObject({ exchanges: 3, differing: 3, closedEarly: { after: 1, how: 'reset' } })
  })
})

describe('UDP', () => {
  /** A live UDP server: 'pong 1' for 'ping 1'; 'pong 2a' and `second` for 'ping 2'. */
  async function udpServer(second: string): Promise<{ port: number; got: string[] }> {
    const s = dgram.createSocket('udp4')
    const got: string[] = []
    s.on('message', (m, r) => {
      got.push(m.toString())
      const answers = m.toString() === 'ping 1' ? ['pong 1'] : ['pong 2a', second]
      for (const a of answers) s.send(a, r.port, r.address)
    })
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))
    closers.push(() => new Promise<void>((r) => s.close(() => r())))
    return { port: s.address().port, got }
  }

  it('re-send: one datagram per recorded datagram, each answer compared by order', async () => {
    const server = await udpServer('pong 2X')
    const { p, result } = await replay(datagrams, { port: server.port })
    expect(result.local!.port).toBeGreaterThan(0)
    const { diffs, done } = await outcome(p)
    expect(server.got).toEqual(['ping 1', 'ping 2'])
    expect(done).toMatchObject({ exchanges: 2, differing: 1 })
    expect(diffs.map((d) => [d.exchange, d.datagram, d.same, d.firstDiff, text(d.actual)])).toEqual([
      [1, 1, true, -1, 'pong 1'],
      [2, 1, true, -1, 'pong 2a'],
      [2, 2, false, 6, 'pong 2X']
    ])
    expect(text(diffs[2]!.expected)).toBe('pong 2b')
  })

  it('stand-in: a live UDP client gets the recorded answers, each after its request', async () => {
    const p = probe()
    const s = await p.ok<SessionSummary>({ type: 'session.open', path: datagrams })
    const r = await p.ok<{ local: Endpoint }>({
      type: 'replay.standin',
      sessionId: s.sessionId,
      flowId: s.flows[0]!.id,
      paneId: 'standin',
      host: '127.0.0.1',
      port: 0
    })
    const c = await RawUdp.bind()
    closers.push(() => c.close())
    await c.send('ping 1', r.local.port)
    expect((await c.untilDatagrams(1)).map(String)).toEqual(['pong 1'])
    await sleep(100)
    // Nothing more before the next request.
    expect(c.datagrams.length).toBe(1)
    await c.send('ping 2', r.local.port)
    expect((await c.untilDatagrams(3)).map(String)).toEqual(['pong 1', 'pong 2a', 'pong 2b'])
    const { diffs, done } = await outcome(p, 'standin')
    expect(done).toMatchObject({ exchanges: 2, differing: 0, compared: 'request' })
    expect(diffs.map((d) => [d.exchange, d.datagram, d.same, text(d.actual)])).toEqual([
      [1, 1, true, 'ping 1'],
      [2, 1, true, 'ping 2']
    ])
  })
})
