// Session files: write with SessionWriter, read back with openSession. Every byte, every
// chunk boundary and every nanosecond timestamp must come back, mapped to its pane and
// connection; the last workspace wins; both ends of one connection in the app stay apart.
import { closeSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { Endpoint } from '../src/shared/contract'
import { SessionWriter } from '../src/main/session/writer'
import { openSession, type Flow, type OpenSession } from '../src/main/session/reader'
import { english } from './message-refs'

const dir = mkdtempSync(join(tmpdir(), 'np-session-rt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const u8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const v6 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv6' })

interface Sent {
  dir: 'in' | 'out'
  tNs: bigint
  bytes: Uint8Array
}

/** Reads every chunk of a flow back. */
function chunksOf(s: OpenSession, f: Flow): Sent[] {
  return f.chunks.map((c) => ({ dir: c.dir, tNs: c.tNs, bytes: s.readSync(c) }))
}

function expectSame(got: Sent[], want: Sent[]): void {
  expect(got.length).toBe(want.length)
  for (let i = 0; i < want.length; i++) {
    expect(got[i]!.dir, `chunk ${i} dir`).toBe(want[i]!.dir)
    expect(got[i]!.tNs, `chunk ${i} time`).toBe(want[i]!.tNs)
    expect(got[i]!.bytes.length, `chunk ${i} length`).toBe(want[i]!.bytes.length)
    expect(Buffer.compare(Buffer.from(got[i]!.bytes), Buffer.from(want[i]!.bytes)), `chunk ${i} bytes`).toBe(0)
  }
}

describe('round trip', () => {
  const path = join(dir, 'round.pcapng')
  const T0 = 1_732_000_000_123_456_789n
  let t = T0
  const next = (): bigint => (t += 1_000_003n)
  const tcpA: Sent[] = []
  const tcpB: Sent[] = []
  const udp1: Sent[] = []
  const udp2: Sent[] = []
  const big = randomBytes(200 * 1024)
  const A = { paneId: 'client-1', connId: 1 }
  const B = { paneId: 'server_2', connId: 7 }
  const P1 = v4('127.0.0.1', 47301)
  const P2 = v6('::1', 47302)
  let opened = 0n
  let workspaceT = 0n

  it('writes a session with TCP over IPv4 and IPv6, UDP, events and workspaces', () => {
    const w = SessionWriter.open(path, { application: 'Net Playground test' })
    w.workspace({ panes: ['first'] }, next())
    w.event({ paneId: 'server_2', tNs: next(), kind: 'listening', local: v6('::', 47200) })
    opened = next()
    w.connOpen({ ...A, local: v4('127.0.0.1', 47101), remote: v4('127.0.0.1', 47100), initiator: 'local', tNs: opened })
    w.connOpen({ ...B, local: v6('::1', 47200), remote: v6('::1', 47201), initiator: 'remote', tNs: next() })
    const sendA = (d: 'in' | 'out', bytes: Uint8Array): void => {
      const c = { dir: d, tNs: next(), bytes }
      tcpA.push(c)
      w.chunk({ ...A, ...c })
    }
    const sendB = (d: 'in' | 'out', bytes: Uint8Array): void => {
      const c = { dir: d, tNs: next(), bytes }
      tcpB.push(c)
      w.chunk({ ...B, ...c })
    }
    sendA('out', u8('hello server\n'))
    sendB('in', u8('GET / HTTP/1.0\r\n\r\n'))
    sendA('in', big)
    sendB('out', randomBytes(70_000))
    sendA('out', Uint8Array.of(0, 1, 2, 255))
    w.halfClose({ ...A, by: 'local', tNs: next() })
    sendA('in', u8('bye\n'))
    w.close({ ...A, how: 'close', tNs: next() })
    sendB('in', u8('x'))
    w.close({ ...B, how: 'reset', by: 'peer', code: 'ECONNRESET', tNs: next() })

    w.bind({ paneId: 'udp-1', local: v6('::', 47300), tNs: next() })
    const sendU = (list: Sent[], d: 'in' | 'out', peer: Endpoint, bytes: Uint8Array): void => {
      const c = { dir: d, tNs: next(), bytes }
      list.push(c)
      w.chunk({ paneId: 'udp-1', connId: 0, peer, ...c })
    }
    sendU(udp1, 'out', P1, u8('ping'))
    sendU(udp1, 'in', P1, u8('pong'))
    sendU(udp2, 'in', P2, randomBytes(1200))
    sendU(udp1, 'out', P1, new Uint8Array(0))
    sendU(udp2, 'out', P2, u8('hi six'))
    w.event({ paneId: 'client-1', tNs: next(), kind: 'error', error: { code: 'ECONNREFUSED', op: 'connect', port: 1 }, big: 12345678901234567890n })
    workspaceT = next()
    w.workspace({ panes: ['first', 'second'], layout: { split: 0.5 } }, workspaceT)
    w.close()
    expect(statSync(path).size).toBe(w.bytesWritten)
  })

  it('reads every chunk back, byte and nanosecond exact, mapped to its pane and connection', () => {
    const s = openSession(path)
    const ix = s.index
    expect(ix.kind).toBe('session')
    expect(ix.truncated).toBeUndefined()
    // Closed by the writer: it ends with the end-of-session block.
    expect(ix.interrupted).toBeUndefined()
    expect(ix.notes).toBeUndefined()
    expect(ix.flows.map((f) => [f.proto, f.paneId, f.connId])).toEqual([
      ['tcp', 'client-1', 1],
      ['tcp', 'server_2', 7],
      ['udp', 'udp-1', 0],
      ['udp', 'udp-1', 0]
    ])
    ix.flows.forEach((f, i) => expect(f.id).toBe(i))
    const [fa, fb, fu1, fu2] = ix.flows as [Flow, Flow, Flow, Flow]
    expect(fa.local).toEqual(v4('127.0.0.1', 47101))
    expect(fa.remote).toEqual(v4('127.0.0.1', 47100))
    expect(fa.initiator).toBe('local')
    expect(fa.opened).toBe(opened)
    expect(fb.local).toEqual(v6('::1', 47200))
    expect(fb.initiator).toBe('remote')
    expect(fu1.remote).toEqual(P1)
    expect(fu1.local).toEqual(v6('::', 47300))
    expect(fu1.initiator).toBe('local')
    expect(fu2.remote).toEqual(P2)
    expect(fu2.initiator).toBe('remote')

    expectSame(chunksOf(s, fa), tcpA)
    expectSame(chunksOf(s, fb), tcpB)
    expectSame(chunksOf(s, fu1), udp1)
    expectSame(chunksOf(s, fu2), udp2)
    // The 200 KiB chunk went out as several packets and came back as one chunk.
    const bigRef = fa.chunks[1]!
    expect(bigRef.len).toBe(200 * 1024)
    expect(bigRef.parts!.length).toBe(4)
    expect(fb.chunks[1]!.parts!.length).toBe(2)

    expect(fa.halfClosed).toEqual([{ by: 'local', tNs: tcpA[2]!.tNs + 1_000_003n }])
    expect(fa.closed?.how).toBe('close')
    expect(fb.closed?.how).toBe('reset')
    expect(fu1.closed).toBeUndefined()

    expect(ix.workspace).toEqual({ panes: ['first', 'second'], layout: { split: 0.5 } })
    const kinds = ix.events.map((e) => `${e.json['t']}:${e.paneId}`)
    expect(kinds).toEqual([
      'event:server_2',
      'conn.open:client-1',
      'conn.open:server_2',
      'conn.halfClosed:client-1',
      'conn.closed:client-1',
      'conn.closed:server_2',
      'bind:udp-1',
      'conn.open:udp-1',
      'conn.open:udp-1',
      'event:client-1'
    ])
    const err = ix.events.at(-1)!
    expect(err.json['error']).toEqual({ code: 'ECONNREFUSED', op: 'connect', port: 1 })
    expect(err.json['big']).toBe('12345678901234567890')
    expect(err.tNs).toBe(workspaceT - 1_000_003n)
    expect(ix.events.find((e) => e.json['t'] === 'conn.closed' && e.paneId === 'server_2')!.json).toMatchObject({
      how: 'reset',
      by: 'peer',
      code: 'ECONNRESET'
    })

    // 3 handshake + 1 + 4 (200 KiB) + 1 + FIN + 1 + FIN + ACK = 13 packets for A; B: 3 + 1 + 2 + 1 + RST = 8; UDP: 5.
    expect(ix.packets).toBe(13 + 8 + 5)
    expect(ix.firstNs).toBe(opened)
    expect(ix.lastNs).toBe(udp2[1]!.tNs)
    s.close()
  })

  it('reads asynchronously the same bytes', async () => {
    const s = openSession(path)
    const f = s.index.flows[0]!
    for (const c of f.chunks) expect(Buffer.from(await s.read(c)).equals(Buffer.from(s.readSync(c)))).toBe(true)
    s.close()
    expect(() => s.readSync(f.chunks[0]!)).toThrow(/closed/)
  })
})

describe('both ends of one connection recorded by two panes', () => {
  it('keeps each pane its own flow and chunks', () => {
    const path = join(dir, 'mirror.pcapng')
    const w = SessionWriter.open(path)
    const C = v4('127.0.0.1', 47001)
    const S = v6('::ffff:127.0.0.1', 47002)
    let t = 1n
    w.connOpen({ paneId: 'cli', connId: 1, local: C, remote: v4('127.0.0.1', 47002), initiator: 'local', tNs: t++ })
    w.connOpen({ paneId: 'srv', connId: 1, local: S, remote: v6('::ffff:127.0.0.1', 47001), initiator: 'remote', tNs: t++ })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'out', tNs: t++, bytes: u8('hello ') })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'out', tNs: t++, bytes: u8('world') })
    w.chunk({ paneId: 'srv', connId: 1, dir: 'in', tNs: t++, bytes: u8('hello world') })
    w.chunk({ paneId: 'srv', connId: 1, dir: 'out', tNs: t++, bytes: u8('OK') })
    w.chunk({ paneId: 'cli', connId: 1, dir: 'in', tNs: t++, bytes: u8('OK') })
    w.close({ paneId: 'cli', connId: 1, how: 'close', tNs: t++ })
    w.close({ paneId: 'srv', connId: 1, how: 'close', tNs: t++ })
    w.close()
    const s = openSession(path)
    const [cli, srv] = s.index.flows as [Flow, Flow]
    expect([cli.paneId, srv.paneId]).toEqual(['cli', 'srv'])
    expect(chunksOf(s, cli).map((c) => `${c.dir}:${Buffer.from(c.bytes).toString()}`)).toEqual(['out:hello ', 'out:world', 'in:OK'])
    expect(chunksOf(s, srv).map((c) => `${c.dir}:${Buffer.from(c.bytes).toString()}`)).toEqual(['in:hello world', 'out:OK'])
    expect(srv.local).toEqual(S)
    s.close()
  })
})

describe('writer', () => {
  it('appends buffered blocks after flushMs, at flushBytes, and keeps memory bounded', async () => {
    const path = join(dir, 'flush.pcapng')
    const w = SessionWriter.open(path, { flushMs: 30, flushBytes: 64 * 1024 })
    const header = statSync(path).size
    expect(header).toBe(w.bytesWritten)
    w.connOpen({ paneId: 'p', connId: 1, local: v4('10.0.0.1', 1000), remote: v4('10.0.0.2', 2000), initiator: 'local', tNs: 5n })
    expect(statSync(path).size).toBe(header) // buffered
    await new Promise((r) => setTimeout(r, 120))
    expect(statSync(path).size).toBe(w.bytesWritten) // written by the timer
    const chunk = randomBytes(10_000)
    for (let i = 0; i < 2000; i++) {
      w.chunk({ paneId: 'p', connId: 1, dir: i % 3 ? 'out' : 'in', tNs: BigInt(10 + i), bytes: chunk })
      // Never more than flushBytes (plus one block) waits in memory.
      expect(w.bytesWritten - statSync(path).size).toBeLessThan(64 * 1024 + 11_000)
    }
    w.close()
    expect(statSync(path).size).toBe(w.bytesWritten)
    const s = openSession(path)
    expect(s.index.flows[0]!.chunks.length).toBe(2000)
    expect(s.index.flows[0]!.chunks.reduce((n, c) => n + c.len, 0)).toBe(20_000_000)
    s.close()
  })

  it('keeps recording a connection it was never told about, and ignores calls after close', () => {
    const path = join(dir, 'orphan.pcapng')
    const w = SessionWriter.open(path, { flushMs: 0 })
    w.chunk({ paneId: 'p', connId: 3, dir: 'in', tNs: 1n, bytes: u8('late') })
    w.close()
    const size = statSync(path).size
    w.chunk({ paneId: 'p', connId: 3, dir: 'in', tNs: 2n, bytes: u8('after close') })
    w.close()
    expect(statSync(path).size).toBe(size)
    const s = openSession(path)
    expect(s.index.events[0]!.json).toMatchObject({ t: 'conn.open', implicit: true, paneId: 'p', connId: 3 })
    expect(Buffer.from(s.readSync(s.index.flows[0]!.chunks[0]!)).toString()).toBe('late')
    s.close()
  })

  it('reports a write failure once and stops instead of throwing', () => {
    const path = join(dir, 'fail.pcapng')
    const errors: Error[] = []
    const w = SessionWriter.open(path, { flushMs: 0, onError: (e) => errors.push(e) })
    // Simulate the disk going away: close the descriptor behind the writer's back.
    const fd = (w as unknown as { fd: number }).fd
    closeSync(fd)
    expect(() => w.chunk({ paneId: 'p', connId: 0, dir: 'out', tNs: 1n, bytes: u8('x'), peer: v4('1.2.3.4', 5) })).not.toThrow()
    expect(() => w.chunk({ paneId: 'p', connId: 0, dir: 'out', tNs: 2n, bytes: u8('y'), peer: v4('1.2.3.4', 5) })).not.toThrow()
    expect(errors.length).toBe(1)
    expect(w.error).toBe(errors[0])
    expect(() => w.close()).not.toThrow()
  })
})

describe('a workspace too large for one block', () => {
  it('is replaced by a note of its size, so the file stays readable', () => {
    const path = join(dir, 'huge-workspace.pcapng')
    const w = SessionWriter.open(path)
    w.workspace({ small: true }, 0n)
    w.workspace({ blob: 'x'.repeat(65 * 1024 * 1024) }, 1n)
    w.chunk({ paneId: 'u', connId: 0, dir: 'in', tNs: 2n, bytes: u8('after'), peer: v4('1.1.1.1', 1) })
    w.close()
    const s = openSession(path)
    expect(s.index.truncated).toBeUndefined()
    expect(s.index.workspace).toEqual({ small: true })
    expect(s.index.notes?.map(english).join(' ')).toMatch(/too large/)
    expect(s.index.flows[0]!.chunks.length).toBe(1)
    expect(statSync(path).size).toBeLessThan(10_000)
    s.close()
  })
})

describe('calls the writer cannot make sense of', () => {
  it('are reported and dropped, never thrown', () => {
    const path = join(dir, 'nonsense.pcapng')
    const errors: Error[] = []
    const w = SessionWriter.open(path, { onError: (e) => errors.push(e) })
    const bad = undefined as unknown as Endpoint
    expect(() => w.connOpen({ paneId: 'p', connId: 1, local: bad, remote: bad, initiator: 'local', tNs: 1n })).not.toThrow()
    expect(() => w.chunk({ paneId: 'p', connId: 0, dir: 'out', tNs: 1n, bytes: null as unknown as Uint8Array, peer: v4('1.2.3.4', 1) })).not.toThrow()
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(() => w.workspace(cyclic, 2n)).not.toThrow()
    w.chunk({ paneId: 'p', connId: 0, dir: 'out', tNs: 3n, bytes: u8('still recording'), peer: v4('1.2.3.4', 1) })
    w.close()
    expect(errors.length).toBe(2)
    const s = openSession(path)
    expect(s.index.truncated).toBeUndefined()
    const f = s.index.flows.at(-1)!
    expect(Buffer.from(s.readSync(f.chunks.at(-1)!)).toString()).toBe('still recording')
    expect(s.index.notes?.map(english).join(' ')).toMatch(/could not be saved/)
    s.close()
  })
})
