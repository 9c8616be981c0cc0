// Sessions through the engine, end to end: a TCP pair and a UDP pair exchange text, binary
// and a 300 KiB chunk, half-close and reset, all recorded by an Engine with sessions; the
// saved file opened again (in a second Engine and with openSession) gives back every flow
// with its pane, connection, byte counts, chunks, bytes and nanosecond timestamps; export,
// the recent list, the recording's lifetime, and tshark's view of the same file.
import { spawnSync } from 'node:child_process'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withSessions } from '../src/main/session/service'
import { openSession, type Flow, type OpenSession } from '../src/main/session/reader'
import type { Endpoint, SessionSummary } from '../src/shared/contract'
import { Probe } from './probe'
import { requireTshark } from './tshark'

const tmp = mkdtempSync(join(tmpdir(), 'np-sessions-engine-'))
const sessionDir = join(tmp, 'sessions')
// The display must show every record (we compare its timestamps with the file's); a roomy
// watermark and backlog keep the 300 KiB chunk from pausing it.
const display = { highWater: 64 * 1024 * 1024, maxBacklog: 64 * 1024 * 1024 }

interface Shown {
  connId: number
  dir: 'in' | 'out'
  tUs: number
  bytes: Buffer
  peer?: Endpoint
}

/** Every record a pane showed, in order (both directions). */
function shown(p: Probe, paneId: string): Shown[] {
  const out: Shown[] = []
  for (const e of p.of('data', paneId)) {
    let off = 0
    for (const r of e.records) {
      const bytes = Buffer.from(e.data.subarray(off, off + r.len))
      off += r.len
      // A record larger than a batch comes in pieces: one record on screen.
      const last = out.at(-1)
      if (r.piece && r.piece.at > 0 && last) last.bytes = Buffer.concat([last.bytes, bytes])
      else out.push({ connId: r.connId, dir: r.dir, tUs: r.tUs, bytes, ...(r.peer ? { peer: r.peer } : {}) })
    }
  }
  return out
}

/** `-z follow,tcp,raw,N`: node 0's bytes (no indent) and node 1's (indented). */
function follow(file: string, stream: number): { node0: string; a: Buffer; b: Buffer } {
  const r = spawnSync('tshark', ['-r', file, '-q', '-z', `follow,tcp,raw,${stream}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  expect(r.status, r.stderr).toBe(0)
  const lines = r.stdout.split('\n')
  const node0 = lines.find((l) => l.startsWith('Node 0: '))?.slice(8) ?? ''
  const a: string[] = []
  const b: string[] = []
  let body = false
  for (const l of lines) {
    if (l.startsWith('Node 1: ')) {
      body = true
      continue
    }
    if (!body || l.startsWith('====') || l === '') continue
    if (l.startsWith('\t')) b.push(l.slice(1))
    else a.push(l)
  }
  return { node0, a: Buffer.from(a.join(''), 'hex'), b: Buffer.from(b.join(''), 'hex') }
}

describe('a session recorded by the engine', () => {
  let rec: Probe
  let viewer: Probe
  let recordingPath = ''
  let summary: SessionSummary
  let file: OpenSession
  const saved = join(tmp, 'saved.pcapng')
  const workspace = {
    panes: [
      { id: 'srv', kind: 'tcp-server', port: 0 },
      { id: 'cli', kind: 'tcp-client' }
    ],
    layout: { split: [0.5, 0.5] },
    snippets: ['hello\\r\\n']
  }
  const text = Buffer.from('hello, server 你好\r\n')
  const binary = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i))
  const big = randomBytes(300 * 1024)
  const udpText = Buffer.from('ping over udp')
  const udpBig = randomBytes(65_000)
  let cliPort = 0
  let srvPort = 0
  let refusedPort = 0
  const closed = new Map<string, { how: string; bytesIn: number; bytesOut: number }>()

  beforeAll(async () => {
    rec = new Probe({ sessions: withSessions({ dir: sessionDir }), display })
    // TCP: a server pane and a client pane.
    srvPort = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })).local.port
    const c = await rec.ok<{ connId: number; local: Endpoint }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: srvPort })
    cliPort = c.local.port
    const s1 = (await rec.waitFor('conn.open', 'srv')).connId
    await rec.ok({ type: 'send', paneId: 'cli', target: c.connId, payload: text })
    await rec.until(() => rec.tapped('srv') >= text.length, 'text at the server')
    await rec.ok({ type: 'send', paneId: 'srv', target: s1, payload: binary })
    await rec.until(() => rec.tapped('cli') >= binary.length, 'binary at the client')
    await rec.ok({ type: 'send', paneId: 'cli', target: c.connId, payload: big })
    await rec.until(() => rec.tapped('srv') >= text.length + big.length, '300 KiB at the server')
    // Half-close from the client; the server still answers, then ends too.
    await rec.ok({ type: 'conn.end', paneId: 'cli', connId: c.connId })
    await rec.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
    await rec.ok({ type: 'send', paneId: 'srv', target: s1, payload: Buffer.from('after your FIN') })
    await rec.until(() => rec.tapped('cli') >= binary.length + 14, 'late answer at the client')
    await rec.ok({ type: 'conn.end', paneId: 'srv', connId: s1 })
    await rec.waitFor('conn.closed', 'cli')
    await rec.waitFor('conn.closed', 'srv', (e) => e.connId === s1)
    // A second client that is reset.
    const c2 = await rec.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli2', host: '127.0.0.1', port: srvPort })
    const s2 = (await rec.waitFor('conn.open', 'srv', (e) => e.connId !== s1)).connId
    await rec.ok({ type: 'send', paneId: 'cli2', target: c2.connId, payload: Buffer.from('doomed') })
    await rec.until(() => rec.tapped('srv') >= text.length + big.length + 6, 'doomed at the server')
    await rec.ok({ type: 'conn.reset', paneId: 'cli2', connId: c2.connId })
    await rec.waitFor('conn.closed', 'srv', (e) => e.connId === s2)
    await rec.waitFor('conn.closed', 'cli2')
    // UDP: two bound panes.
    const ua = (await rec.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'ua', host: '127.0.0.1', port: 0 })).local.port
    const ub = (await rec.ok<{ local: Endpoint }>({ type: 'udp.bind', paneId: 'ub', host: '127.0.0.1', port: 0 })).local.port
    await rec.ok({ type: 'send', paneId: 'ua', target: { host: '127.0.0.1', port: ub }, payload: udpText })
    await rec.until(() => rec.tapped('ub') >= udpText.length, 'datagram at ub')
    await rec.ok({ type: 'send', paneId: 'ub', target: { host: '127.0.0.1', port: ua }, payload: binary })
    await rec.ok({ type: 'send', paneId: 'ua', target: { host: '127.0.0.1', port: ub }, payload: udpBig })
    await rec.until(() => rec.tapped('ua') >= binary.length && rec.tapped('ub') >= udpText.length + udpBig.length, 'datagrams both ways')
    // A connect that is refused: a port that was free a moment ago.
    const gone = net.createServer()
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r))
    refusedPort = (gone.address() as net.AddressInfo).port
    await new Promise<void>((r) => gone.close(() => r()))
    const refused = await rec.cmd({ type: 'tcpClient.connect', paneId: 'cli3', host: '127.0.0.1', port: refusedPort })
    expect(refused).toMatchObject({ ok: false, error: { code: 'ECONNREFUSED' } })
    // The screen gets its batches a little after the taps: wait until every record was shown.
    const panes = ['srv', 'cli', 'cli2', 'ua', 'ub']
    await rec.until(() => panes.every((id) => shown(rec, id).length === rec.taps.filter((t) => t.paneId === id).length), 'every record on screen')
    for (const e of rec.of('conn.closed')) closed.set(`${e.paneId}#${e.connId}`, { how: e.how, bytesIn: e.bytesIn, bytesOut: e.bytesOut })

    await rec.ok({ type: 'session.workspace', workspace })
    recordingPath = (await rec.ok<{ path: string }>({ type: 'session.info' })).path
    const s = await rec.ok<{ path: string; bytes: number }>({ type: 'session.save', path: saved })
    expect(s.path).toBe(saved)
    expect(s.bytes).toBeGreaterThan(big.length + udpBig.length)

    viewer = new Probe({ sessions: withSessions({ dir: sessionDir }), display })
    summary = await viewer.ok<SessionSummary>({ type: 'session.open', path: saved })
    file = openSession(saved)
  })

  afterAll(async () => {
    file?.close()
    await rec?.dispose()
    await viewer?.dispose()
    rmSync(tmp, { recursive: true, force: true })
  })

  const key = (paneId: string, connId: number): string => `${paneId}#${connId}`
  /** What the engine tapped for one flow (one pane, one connection; UDP: one peer), in order. */
  const tapsOf = (f: { paneId?: string; connId?: number; remote: Endpoint }) =>
    rec.taps.filter((t) => t.paneId === f.paneId && t.connId === f.connId && (t.connId !== 0 || t.peer?.port === f.remote.port))

  it('the summary maps every flow to its pane and connection, with the right byte counts', () => {
    expect(summary.kind).toBe('session')
    expect(summary.path).toBe(saved)
    expect(summary.truncated).toBeUndefined()
    // A saved copy is sealed with the end-of-session block: it is complete.
    expect(summary.interrupted).toBeUndefined()
    expect(summary.workspace).toEqual(workspace)
    const names = summary.flows.map((f) => `${f.proto}:${key(f.paneId!, f.connId!)}`).sort()
    expect(names).toEqual(['tcp:cli#1', 'tcp:cli2#1', 'tcp:srv#1', 'tcp:srv#2', 'udp:ua#0', 'udp:ub#0'])
    for (const f of summary.flows) {
      const taps = tapsOf(f)
      const sum = (d: 'in' | 'out'): number => taps.filter((t) => t.dir === d).reduce((n, t) => n + t.bytes.length, 0)
      expect([f.bytesIn, f.bytesOut, f.chunks], key(f.paneId!, f.connId!)).toEqual([sum('in'), sum('out'), taps.length])
      // The engine's own count at close agrees.
      const c = closed.get(key(f.paneId!, f.connId!))
      if (f.proto === 'tcp') expect([f.bytesIn, f.bytesOut]).toEqual([c!.bytesIn, c!.bytesOut])
    }
    const cli = summary.flows.find((f) => f.paneId === 'cli')!
    expect([cli.bytesOut, cli.bytesIn]).toEqual([text.length + big.length, binary.length + 14])
    expect(cli.local).toMatchObject({ address: '127.0.0.1', port: cliPort })
    expect(cli.remote).toMatchObject({ address: '127.0.0.1', port: srvPort })
    const ub = summary.flows.find((f) => f.paneId === 'ub')!
    expect([ub.bytesIn, ub.bytesOut]).toEqual([udpText.length + udpBig.length, binary.length])
  })

  it('every chunk comes back with its bytes, direction and timestamp, in order', () => {
    const ix = file.index
    expect(ix.kind).toBe('session')
    expect(ix.flows.length).toBe(6)
    const first = BigInt(summary.startNs)
    const last = BigInt(summary.endNs)
    for (const f of ix.flows) {
      const what = key(f.paneId!, f.connId!)
      const taps = tapsOf(f)
      const screen = shown(rec, f.paneId!).filter((s) => s.connId === f.connId && (s.connId !== 0 || s.peer?.port === f.remote.port))
      expect(f.chunks.length, what).toBe(taps.length)
      expect(screen.length, what).toBe(taps.length)
      f.chunks.forEach((c, i) => {
        const bytes = Buffer.from(file.readSync(c))
        expect(c.dir, `${what} chunk ${i} dir`).toBe(taps[i]!.dir)
        expect(bytes.equals(Buffer.from(taps[i]!.bytes)), `${what} chunk ${i} bytes`).toBe(true)
        // The recorder keeps the tap's nanoseconds; the screen got the same instant in µs.
        expect(c.tNs, `${what} chunk ${i} ns`).toBe(taps[i]!.tNs)
        expect(c.tNs / 1000n, `${what} chunk ${i} µs`).toBe(BigInt(screen[i]!.tUs))
        expect(screen[i]!.dir).toBe(c.dir)
        expect(screen[i]!.bytes.equals(bytes)).toBe(true)
        expect(c.tNs >= first && c.tNs <= last).toBe(true)
      })
    }
    // The whole streams, as sent.
    const stream = (f: Flow, d: 'in' | 'out'): Buffer => Buffer.concat(f.chunks.filter((c) => c.dir === d).map((c) => file.readSync(c)))
    const cli = ix.flows.find((f) => f.paneId === 'cli')!
    expect(stream(cli, 'out').equals(Buffer.concat([text, big]))).toBe(true)
    expect(stream(cli, 'in').equals(Buffer.concat([binary, Buffer.from('after your FIN')]))).toBe(true)
    const srv1 = ix.flows.find((f) => f.paneId === 'srv' && f.connId === 1)!
    expect(stream(srv1, 'in').equals(Buffer.concat([text, big]))).toBe(true)
    const ub = ix.flows.find((f) => f.paneId === 'ub')!
    // Datagram boundaries are kept: one chunk each.
    const dgrams = ub.chunks.map((c) => `${c.dir}:${Buffer.from(file.readSync(c)).toString('hex')}`)
    expect(dgrams).toEqual([`in:${udpText.toString('hex')}`, `out:${binary.toString('hex')}`, `in:${udpBig.toString('hex')}`])
  })

  it('keeps the lifecycle: half-close from each side, a clean close and a reset', () => {
    const flow = (paneId: string, connId: number): Flow => file.index.flows.find((f) => f.paneId === paneId && f.connId === connId)!
    expect(flow('cli', 1).halfClosed?.map((h) => h.by)).toEqual(['local', 'peer'])
    expect(flow('srv', 1).halfClosed?.map((h) => h.by)).toEqual(['peer', 'local'])
    expect(flow('cli', 1).closed?.how).toBe('close')
    expect(flow('cli2', 1).closed?.how).toBe('reset')
    expect(flow('srv', 2).closed?.how).toBe('reset')
    expect(flow('srv', 1).initiator).toBe('remote')
    expect(flow('cli', 1).initiator).toBe('local')
    expect(closed.get('srv#2')?.how).toBe('reset')
    // Who reset: the client did, so the server pane saw the reset come from its peer.
    const closeOf = (paneId: string, connId: number) =>
      file.index.events.find((e) => e.json['t'] === 'conn.closed' && e.paneId === paneId && e.json['connId'] === connId)!.json
    expect(closeOf('cli2', 1)).toMatchObject({ how: 'reset', by: 'local' })
    expect(closeOf('srv', 2)).toMatchObject({ how: 'reset', by: 'peer', code: 'ECONNRESET' })
    expect(closeOf('cli', 1)).toMatchObject({ how: 'close' })
  })

  it('keeps pane events: the listen with its address, a refused connect as an error with its code', () => {
    const events = (paneId: string) => file.index.events.filter((e) => e.paneId === paneId && e.json['t'] === 'event').map((e) => e.json)
    const listening = events('srv').filter((e) => e['kind'] === 'listening')
    expect(listening).toHaveLength(1)
    expect(listening[0]).toMatchObject({ paneId: 'srv', local: { address: '127.0.0.1', port: srvPort, family: 'IPv4' } })
    expect(typeof listening[0]!['tNs']).toBe('string')
    // The refused client: connecting, back to idle, and the error with its code and target.
    expect(events('cli3').map((e) => e['kind'])).toEqual(['connecting', 'idle', 'error'])
    const error = events('cli3').find((e) => e['kind'] === 'error')!
    expect(error['error']).toMatchObject({ code: 'ECONNREFUSED', op: 'connect', host: '127.0.0.1', port: refusedPort })
    expect(String((error['error'] as { detail?: string }).detail)).toMatch(/ECONNREFUSED/)
    // No connection came of it.
    expect(file.index.flows.some((f) => f.paneId === 'cli3')).toBe(false)
  })

  it('session.recent lists the saved file first', async () => {
    const r = await viewer.ok<{ paths: string[] }>({ type: 'session.recent' })
    expect(r.paths[0]).toBe(saved)
    expect(new Set(r.paths).size).toBe(r.paths.length)
  })

  it('session.export writes one file per direction with exactly the bytes', async () => {
    const cli = summary.flows.find((f) => f.paneId === 'cli')!
    const out = join(tmp, 'export')
    const r = await viewer.ok<{ files: string[] }>({ type: 'session.export', sessionId: summary.sessionId, flowId: cli.id, dir: out })
    expect(r.files.length).toBe(2)
    const [to, from] = r.files.map((f) => readFileSync(f))
    expect(r.files[0]).toMatch(/-to-/)
    expect(r.files[1]).toMatch(/-from-/)
    expect(to!.equals(Buffer.concat([text, big]))).toBe(true)
    expect(from!.equals(Buffer.concat([binary, Buffer.from('after your FIN')]))).toBe(true)
    const bad = await viewer.cmd({ type: 'session.export', sessionId: summary.sessionId, flowId: 999, dir: out })
    expect(bad).toMatchObject({ ok: false, error: { code: 'NO_CONNECTION' } })
  })

  it('tshark reads the saved file, and Follow TCP Stream gives the bytes', () => {
    requireTshark()
    const r = spawnSync('tshark', ['-r', saved], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).not.toMatch(/malformed/i)
    const s = follow(saved, 0)
    expect(s.node0).toBe(`127.0.0.1:${cliPort}`)
    expect(s.a.equals(Buffer.concat([text, big])), 'client to server').toBe(true)
    expect(s.b.equals(Buffer.concat([binary, Buffer.from('after your FIN')])), 'server to client').toBe(true)
    // Both panes' copies of the reset connection show the RST coming from the client.
    const cli2 = summary.flows.find((f) => f.paneId === 'cli2')!
    const rst = spawnSync('tshark', ['-r', saved, '-Y', 'tcp.flags.reset == 1', '-T', 'fields', '-e', 'tcp.srcport'], { encoding: 'utf8' })
    expect(rst.stdout.split(/\s+/).filter(Boolean)).toEqual([String(cli2.local.port), String(cli2.local.port)])
  })

  it('Export workspace writes every documented field, defaults included, from the one schema', async () => {
    await rec.ok({ type: 'session.workspace', workspace: { panes: [{ kind: 'tcp-client', port: 80, host: 'example.org' }] } })
    const to = join(tmp, 'exported-workspace.json')
    await rec.ok({ type: 'session.exportWorkspace', path: to })
    const ws = JSON.parse(readFileSync(to, 'utf8')) as { version: number; panes: Record<string, unknown>[] }
    expect(ws.version).toBe(1)
    expect(Object.keys(ws.panes[0]!).sort()).toEqual(['composer', 'config', 'history', 'host', 'kind', 'n', 'port', 'sequences', 'snippets', 'view'])
    expect(ws.panes[0]).toMatchObject({ kind: 'tcp-client', host: 'example.org', port: '80', history: [], snippets: [], sequences: [] })
    expect(ws.panes[0]!['config']).toEqual({
      framing: { kind: 'raw' },
      transforms: [],
      autoReplies: [],
      maxInflateMiB: 4,
      connections: { limit: 256, closeOnHalfClose: false, idleTimeoutS: 0 }
    })
    expect(ws.panes[0]!['composer']).toMatchObject({ lineEnding: 'lf', mode: 'text' })
  })

  it('session.info names the recording; it exists while the engine runs and dispose removes it', async () => {
    const info = await rec.ok<{ path: string; bytes: number }>({ type: 'session.info' })
    expect(info.path).toBe(recordingPath)
    expect(info.path.startsWith(sessionDir)).toBe(true)
    expect(info.bytes).toBeGreaterThan(0)
    expect(existsSync(info.path)).toBe(true)
    await rec.dispose()
    expect(existsSync(info.path)).toBe(false)
    // The saved copy stays.
    expect(existsSync(saved)).toBe(true)
  })
})
