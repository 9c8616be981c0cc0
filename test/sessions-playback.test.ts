// Playback on screen: an opened session's flows shown in read-only view panes. Seeking to
// the end shows every recorded chunk (bytes, direction, connection, time); seeking back
// clears the panes and shows exactly what came before the new moment; playing instantly
// (speed 0) or in real time shows everything again, with playback.position reports.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Endpoint, EngineEvent, SessionSummary } from '../src/shared/contract'
import { withSessions } from '../src/main/session/service'
import { SessionWriter } from '../src/main/session/writer'
import { Probe, sleep } from './probe'

const dir = mkdtempSync(join(tmpdir(), 'np-sessions-playback-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const MS = 1_000_000n

interface Rec {
  connId: number
  dir: 'in' | 'out'
  tNs: bigint
  bytes: Buffer
  peer?: Endpoint
}

/** The session: a TCP client pane and a UDP pane, chunks a few ms apart. */
const T0 = 1_750_000_000_000_000_000n
const tcp: Rec[] = [
  { connId: 1, dir: 'out', tNs: T0 + 2n * MS, bytes: Buffer.from('GET /big HTTP/1.0\r\n\r\n') },
  { connId: 1, dir: 'in', tNs: T0 + 5n * MS, bytes: randomBytes(100 * 1024) },
  { connId: 1, dir: 'out', tNs: T0 + 9n * MS, bytes: Buffer.from([0, 1, 2, 0xfe, 0xff]) },
  { connId: 1, dir: 'in', tNs: T0 + 14n * MS + 123n, bytes: Buffer.from('bye\n') }
]
const peer = v4('127.0.0.1', 5353)
const udp: Rec[] = [
  { connId: 0, dir: 'out', tNs: T0 + 3n * MS, bytes: Buffer.from('ping'), peer },
  { connId: 0, dir: 'in', tNs: T0 + 12n * MS, bytes: Buffer.from('pong!'), peer }
]
const path = join(dir, 'playback.pcapng')

beforeAll(() => {
  const w = SessionWriter.open(path, { flushMs: 0 })
  w.workspace({ panes: ['c', 'u'] }, T0)
  w.connOpen({ paneId: 'c', connId: 1, local: v4('127.0.0.1', 40001), remote: v4('127.0.0.1', 8080), initiator: 'local', tNs: T0 + MS })
  w.bind({ paneId: 'u', local: v4('127.0.0.1', 40002), tNs: T0 + MS })
  for (const r of [...tcp, ...udp].sort((a, b) => (a.tNs < b.tNs ? -1 : 1))) {
    if (r.connId === 1) w.chunk({ paneId: 'c', connId: 1, dir: r.dir, tNs: r.tNs, bytes: r.bytes })
    else w.chunk({ paneId: 'u', connId: 0, dir: r.dir, tNs: r.tNs, bytes: r.bytes, peer: r.peer! })
  }
  w.close({ paneId: 'c', connId: 1, how: 'close', tNs: T0 + 15n * MS })
  w.close()
})

/** Records shown on a pane in the events from `from` on, in order. */
function shownSince(p: Probe, from: number, paneId: string): Rec[] {
  const out: Rec[] = []
  for (const e of p.events.slice(from)) {
    if (e.type !== 'data' || e.paneId !== paneId) continue
    let off = 0
    for (const r of e.records) {
      out.push({
        connId: r.connId,
        dir: r.dir,
        tNs: BigInt(r.tUs) * 1000n,
        bytes: Buffer.from(e.data.subarray(off, off + r.len)),
        ...(r.peer ? { peer: r.peer } : {})
      })
      off += r.len
    }
  }
  return out
}

/** The screen shows µs: a recorded chunk as the screen gets it. */
const asShown = (r: Rec): Rec => ({ ...r, tNs: (r.tNs / 1000n) * 1000n })
const hexOf = (rs: Rec[]): unknown[] => rs.map((r) => ({ ...r, tNs: String(r.tNs), bytes: r.bytes.toString('hex') }))

let p: Probe
let summary: SessionSummary
let startNs = 0n
let endNs = 0n
let tcpFlow = 0
let udpFlow = 0
const panes = (): { paneId: string; flowIds: number[] }[] => [
  { paneId: 'view-tcp', flowIds: [tcpFlow] },
  { paneId: 'view-udp', flowIds: [udpFlow] }
]

beforeEach(async () => {
  p = new Probe({ sessions: withSessions({ dir, record: false }) })
  summary = await p.ok<SessionSummary>({ type: 'session.open', path })
  tcpFlow = summary.flows.find((f) => f.paneId === 'c')!.id
  udpFlow = summary.flows.find((f) => f.paneId === 'u')!.id
  const r = await p.ok<{ startNs: string; endNs: string }>({ type: 'playback.start', sessionId: summary.sessionId, panes: panes() })
  startNs = BigInt(r.startNs)
  endNs = BigInt(r.endNs)
})
afterEach(() => p.dispose())

const positions = (from: number): Extract<EngineEvent, { type: 'playback.position' }>[] =>
  p.events.slice(from).filter((e): e is Extract<EngineEvent, { type: 'playback.position' }> => e.type === 'playback.position')

async function untilShown(from: number, nTcp: number, nUdp: number): Promise<void> {
  await p.until(
    () => shownSince(p, from, 'view-tcp').length >= nTcp && shownSince(p, from, 'view-udp').length >= nUdp,
    `${nTcp}+${nUdp} records on the view panes`
  )
}

describe('playback', () => {
  it('starts with the session span and shows nothing before it is told to', () => {
    expect(startNs).toBe(BigInt(summary.startNs))
    expect(endNs).toBe(BigInt(summary.endNs))
    expect(startNs).toBeLessThanOrEqual(tcp[0]!.tNs)
    expect(endNs).toBeGreaterThanOrEqual(tcp[3]!.tNs)
    expect(p.of('data').length).toBe(0)
  })

  it('seek to the end shows exactly the recorded chunks on their panes; seek back clears and shows what came before', async () => {
    const m0 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(endNs - startNs) })
    await untilShown(m0, tcp.length, udp.length)
    expect(hexOf(shownSince(p, m0, 'view-tcp'))).toEqual(hexOf(tcp.map(asShown)))
    expect(hexOf(shownSince(p, m0, 'view-udp'))).toEqual(hexOf(udp.map(asShown)))
    const at = positions(m0).at(-1)!
    expect(at).toMatchObject({ sessionId: summary.sessionId, offsetNs: String(endNs - startNs), playing: false })

    // Back to the moment of the third TCP chunk: both panes start over, then show what came by then.
    const m1 = p.events.length
    const mid = tcp[2]!.tNs - startNs
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(mid) })
    expect(
      p.events
        .slice(m1)
        .filter((e) => e.type === 'pane.cleared')
        .map((e) => (e as { paneId: string }).paneId)
        .sort()
    ).toEqual(['view-tcp', 'view-udp'])
    await untilShown(m1, 3, 1)
    expect(hexOf(shownSince(p, m1, 'view-tcp'))).toEqual(hexOf(tcp.slice(0, 3).map(asShown)))
    expect(hexOf(shownSince(p, m1, 'view-udp'))).toEqual(hexOf(udp.slice(0, 1).map(asShown)))
    expect(positions(m1).at(-1)!.offsetNs).toBe(String(mid))

    // Seeking forward adds only what is new.
    const m2 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(endNs - startNs) })
    await untilShown(m2, 1, 1)
    expect(p.events.slice(m2).some((e) => e.type === 'pane.cleared')).toBe(false)
    expect(hexOf(shownSince(p, m2, 'view-tcp'))).toEqual(hexOf(tcp.slice(3).map(asShown)))
    expect(hexOf(shownSince(p, m2, 'view-udp'))).toEqual(hexOf(udp.slice(1).map(asShown)))
  })

  it('seek to 0 clears the panes; play at speed 0 shows everything again at once', async () => {
    const m0 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(endNs - startNs) })
    await untilShown(m0, tcp.length, udp.length)

    const m1 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: '0' })
    const cleared = p.events.slice(m1).filter((e) => e.type === 'pane.cleared')
    expect(cleared.map((e) => (e as { paneId: string }).paneId).sort()).toEqual(['view-tcp', 'view-udp'])
    expect(positions(m1).at(-1)).toMatchObject({ offsetNs: '0', playing: false })
    // Nothing was recorded at offset 0 on these flows: the panes stay empty.
    expect(shownSince(p, m1, 'view-tcp').length + shownSince(p, m1, 'view-udp').length).toBe(0)

    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'speed', speed: 0 })
    const m2 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })
    await untilShown(m2, tcp.length, udp.length)
    expect(hexOf(shownSince(p, m2, 'view-tcp'))).toEqual(hexOf(tcp.map(asShown)))
    expect(hexOf(shownSince(p, m2, 'view-udp'))).toEqual(hexOf(udp.map(asShown)))
    await p.until(() => positions(m2).some((e) => !e.playing), 'the playback to stop at the end')
    expect(positions(m2).at(-1)).toMatchObject({ offsetNs: String(endNs - startNs), playing: false, speed: 0 })
  })

  it('plays in real time to the end, reporting positions that only move forward', async () => {
    const m0 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })
    await p.until(() => positions(m0).some((e) => !e.playing && e.offsetNs === String(endNs - startNs)), 'the playback to reach the end', 10_000)
    await untilShown(m0, tcp.length, udp.length)
    expect(hexOf(shownSince(p, m0, 'view-tcp'))).toEqual(hexOf(tcp.map(asShown)))
    expect(hexOf(shownSince(p, m0, 'view-udp'))).toEqual(hexOf(udp.map(asShown)))
    const offs = positions(m0).map((e) => BigInt(e.offsetNs))
    expect(offs.length).toBeGreaterThan(1)
    for (let i = 1; i < offs.length; i++) expect(offs[i]! >= offs[i - 1]!).toBe(true)
    // It starts where the playback stood (the beginning), not wherever the wall clock says:
    // the first report comes before the first chunk is due.
    expect(positions(m0)[0]).toMatchObject({ playing: true, speed: 1 })
    expect(offs[0]! < tcp[0]!.tNs - startNs).toBe(true)
  })

  it('seeking while playing moves the playback there, and it goes on from that point', async () => {
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'speed', speed: 0.01 })
    const m0 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })
    const mid = tcp[2]!.tNs - startNs
    const m1 = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(mid) })
    // Reported from the new place (plus the few ns the slow clock moved since).
    expect(positions(m1)[0]).toMatchObject({ playing: true, speed: 0.01 })
    const at = BigInt(positions(m1)[0]!.offsetNs)
    expect(at >= mid && at - mid < 100_000n, `seeked to ${mid}, reported ${at}`).toBe(true)
    await untilShown(m0, 3, 1)
    // Finish at once: every chunk shown exactly once, in order.
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'speed', speed: 0 })
    await untilShown(m0, tcp.length, udp.length)
    await p.until(() => positions(m1).some((e) => !e.playing), 'the playback to stop at the end')
    expect(hexOf(shownSince(p, m0, 'view-tcp'))).toEqual(hexOf(tcp.map(asShown)))
    expect(hexOf(shownSince(p, m0, 'view-udp'))).toEqual(hexOf(udp.map(asShown)))
    const offs = positions(m1).map((e) => BigInt(e.offsetNs))
    for (let i = 1; i < offs.length; i++) expect(offs[i]! >= offs[i - 1]!).toBe(true)
  })

  it('pause then play resumes where it paused: the time spent paused is not played', async () => {
    const mid = tcp[1]!.tNs - startNs
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(mid) })
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'speed', speed: 0.01 })
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'pause' })
    const paused = BigInt(positions(0).at(-1)!.offsetNs)
    expect(positions(0).at(-1)!.playing).toBe(false)
    await sleep(150) // paused: 150 ms of wall time, which at speed 0.01 would be 1.5 ms of session
    const m = p.events.length
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })
    const resumed = BigInt(positions(m)[0]!.offsetNs)
    expect(resumed >= paused).toBe(true)
    // Far less than the 1 ms of session time between the chunks.
    expect(resumed - paused < 500_000n, `resumed at ${resumed}, paused at ${paused}`).toBe(true)
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'pause' })
  })

  it('answers NOT_RUNNING for a session that is not open or a playback not started', async () => {
    const bad = await p.cmd({ type: 'playback.control', sessionId: 9999, action: 'play' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'NOT_RUNNING' } })
    const badStart = await p.cmd({ type: 'playback.start', sessionId: 9999, panes: [{ paneId: 'v', flowIds: [0] }] })
    expect(badStart).toMatchObject({ ok: false, error: { code: 'NOT_RUNNING' } })
    // A second session, opened but never played.
    const other = await p.ok<SessionSummary>({ type: 'session.open', path })
    expect(await p.cmd({ type: 'playback.control', sessionId: other.sessionId, action: 'seek', offsetNs: '0' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_RUNNING' }
    })
    // Closing a session ends its playback.
    await p.ok({ type: 'session.close', sessionId: summary.sessionId })
    expect(await p.cmd({ type: 'playback.control', sessionId: summary.sessionId, action: 'play' })).toMatchObject({ ok: false, error: { code: 'NOT_RUNNING' } })
    expect(p.schemaErrors).toEqual([])
  })
})

// Playback through the engine: a session recorded by real panes (length framing and a
// checksum transform on both sides, a reset at the end) shows on its view panes exactly the
// lines the recorded panes showed: the messages with their parts, the connection opening,
// the error and the reset, the state changes, and the connection list's byte counts.
describe('playback of a recorded session shows what its panes showed', () => {
  const config = {
    framing: { kind: 'length' as const, bytes: 2 as const, endian: 'be' as const, includesHeader: false },
    transforms: [{ kind: 'checksum' as const, algo: 'crc16-modbus' as const }],
    autoReplies: []
  }
  const display = { highWater: 64 * 1024 * 1024, lowWater: 32 * 1024 * 1024 }
  const saved = join(dir, 'framed.pcapng')
  let rec: Probe
  let viewer: Probe
  let s: SessionSummary

  /** What a pane's screen got: its lines, in order (times in µs, bytes in hex). */
  function lines(probe: Probe, paneId: string): string[] {
    const out: string[] = []
    for (const e of probe.events) {
      if (!('paneId' in e) || e.paneId !== paneId) continue
      if (e.type === 'data') {
        let off = 0
        for (const r of e.records) {
          const parts = (r.parts ?? []).map((x) => `${x.label}:${x.op}:${x.ok}:${x.len}`).join(',')
          out.push(`data #${r.connId} ${r.dir} ${r.tUs} ok=${r.ok} [${parts}] ${Buffer.from(e.data.subarray(off, off + r.len)).toString('hex')}`)
          off += r.len
        }
      } else if (e.type === 'conn.open') out.push(`open #${e.connId} ${e.remote.address}:${e.remote.port} ${e.initiator} ${e.tUs}`)
      else if (e.type === 'conn.halfClosed') out.push(`half #${e.connId} ${e.by} ${e.tUs}`)
      else if (e.type === 'conn.closed') out.push(`closed #${e.connId} ${e.how} in=${e.bytesIn} out=${e.bytesOut} ${e.tUs}`)
      else if (e.type === 'error') out.push(`error ${e.error.code} ${e.error.op} #${e.error.connId}`)
      else if (e.type === 'pane.state') out.push(`state ${e.state}${e.local ? ` ${e.local.port}` : ''}`)
    }
    return out
  }

  beforeAll(async () => {
    rec = new Probe({ sessions: withSessions({ dir: join(dir, 'rec') }), display })
    for (const id of ['srv', 'cli']) await rec.ok({ type: 'pane.configure', paneId: id, config })
    const port = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })).local.port
    const c = await rec.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port })
    const sc = (await rec.waitFor('conn.open', 'srv')).connId
    await rec.ok({ type: 'send', paneId: 'cli', target: c.connId, payload: Buffer.from('one') })
    await rec.ok({ type: 'send', paneId: 'cli', target: c.connId, payload: Buffer.from('two, a little longer') })
    await rec.untilRecords('srv', 2)
    await rec.ok({ type: 'send', paneId: 'srv', target: sc, payload: Buffer.from('hello back') })
    await rec.untilRecords('cli', 1)
    await rec.ok({ type: 'conn.reset', paneId: 'cli', connId: c.connId })
    await rec.waitFor('conn.closed', 'srv')
    await rec.waitFor('conn.closed', 'cli')
    await rec.waitFor('pane.state', 'cli', (e) => e.state === 'idle')
    const pane = (id: string, kind: string, n: number) => ({ id, kind, n, host: '127.0.0.1', port: String(port), config, snippets: [] })
    await rec.ok({ type: 'session.workspace', workspace: { version: 1, panes: [pane('srv', 'tcp-server', 1), pane('cli', 'tcp-client', 2)] } })
    await rec.ok({ type: 'session.save', path: saved })

    viewer = new Probe({ sessions: withSessions({ dir: join(dir, 'viewer'), record: false }), display })
    s = await viewer.ok<SessionSummary>({ type: 'session.open', path: saved })
    const flows = (id: string): number[] => s.flows.filter((f) => f.paneId === id).map((f) => f.id)
    await viewer.ok({
      type: 'playback.start',
      sessionId: s.sessionId,
      panes: [
        { paneId: 'v-srv', flowIds: flows('srv') },
        { paneId: 'v-cli', flowIds: flows('cli') }
      ]
    })
  })
  afterAll(async () => {
    await rec?.dispose()
    await viewer?.dispose()
  })

  it('seeking to the end shows every line of the recorded panes: messages, open, error, reset, states', async () => {
    await viewer.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(BigInt(s.endNs) - BigInt(s.startNs)) })
    const want = { 'v-srv': lines(rec, 'srv'), 'v-cli': lines(rec, 'cli') }
    await viewer.until(
      () => lines(viewer, 'v-srv').length >= want['v-srv'].length && lines(viewer, 'v-cli').length >= want['v-cli'].length,
      'the recorded lines on the view panes'
    )
    expect(lines(viewer, 'v-srv')).toEqual(want['v-srv'])
    expect(lines(viewer, 'v-cli')).toEqual(want['v-cli'])
    // What that means: messages, not raw reads (the frame undone, the checksum checked) ...
    const srvIn = viewer.records('v-srv', 'in')
    expect(srvIn.map((r) => r.parts.at(-1)!.bytes.toString())).toEqual(['one', 'two, a little longer'])
    expect(srvIn[0]!.parts.map((p) => p.part.op)).toEqual(['wire', 'unframe', expect.any(String)])
    // ... a write shown as it was sent (payload, checksum, frame) ...
    const srvOut = viewer.records('v-srv', 'out')
    expect(srvOut).toHaveLength(1)
    expect(srvOut[0]!.parts[0]!.part.op).toBe('payload')
    expect(srvOut[0]!.parts[0]!.bytes.toString()).toBe('hello back')
    expect(srvOut[0]!.parts.at(-1)!.part.op).toBe('frame')
    // ... and the reset: the server's error from its peer, then the connection reset.
    expect(
      lines(viewer, 'v-srv')
        .filter((l) => /^(error|closed)/.test(l))
        .map((l) => l.replace(/ \d+$/, ''))
    ).toEqual(['error ECONNRESET read #1', `closed #1 reset in=${rec.tapped('srv', 'in')} out=${rec.tapped('srv', 'out')}`])
    expect(lines(viewer, 'v-cli').some((l) => l.startsWith('closed #1 reset'))).toBe(true)
    expect(viewer.schemaErrors).toEqual([])
  })

  it('in the middle, the connection is open with the byte counts it had then; going back clears it', async () => {
    const srv = s.flows.find((f) => f.paneId === 'srv')!
    const file = (await import('../src/main/session/reader')).openSession(saved)
    const chunks = file.index.flows.find((f) => f.id === srv.id)!.chunks
    file.close()
    // Just after the server's first message arrived.
    const at = chunks[0]!.tNs - BigInt(s.startNs)
    const m = viewer.events.length
    await viewer.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(at) })
    const since = viewer.events.slice(m).filter((e) => 'paneId' in e && e.paneId === 'v-srv')
    expect(since[0]?.type).toBe('pane.cleared')
    expect(since.filter((e) => e.type === 'conn.open')).toHaveLength(1)
    expect(since.some((e) => e.type === 'conn.closed')).toBe(false)
    const stats = since.filter((e): e is Extract<EngineEvent, { type: 'conn.stats' }> => e.type === 'conn.stats').at(-1)
    expect(stats?.stats).toEqual([{ connId: 1, bytesIn: chunks[0]!.len, bytesOut: 0 }])
  })
})

// A recorded pane that never had a connection (a connect refused, a server nobody reached)
// has no flow, but it is in the session's panes and its own lines (states, the error) play
// back on the view pane that stands for it.
describe('playback of a recorded pane without a connection', () => {
  const saved = join(dir, 'no-connection.pcapng')
  const again = join(dir, 'no-connection-after-playback.pcapng')
  let rec: Probe
  let viewer: Probe
  let s: SessionSummary
  let port = 0
  let listening = 0
  const line = (e: EngineEvent): string | undefined =>
    e.type === 'error'
      ? `error ${e.error.code} ${e.error.op} ${e.error.port}`
      : e.type === 'pane.state'
        ? `state ${e.state}${e.local ? ` ${e.local.port}` : ''}`
        : e.type === 'conn.open'
          ? 'open'
          : undefined
  const lines = (probe: Probe, paneId: string): string[] => probe.events.flatMap((e) => ('paneId' in e && e.paneId === paneId ? (line(e) ?? []) : []))

  beforeAll(async () => {
    rec = new Probe({ sessions: withSessions({ dir: join(dir, 'rec-none') }) })
    // A port nothing listens on: listened on, then closed.
    port = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'gone', host: '127.0.0.1', port: 0 })).local.port
    await rec.ok({ type: 'pane.close', paneId: 'gone' })
    await rec.fails({ type: 'tcpClient.connect', paneId: 'refused', host: '127.0.0.1', port }, 'ECONNREFUSED')
    listening = (await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'lonely', host: '127.0.0.1', port: 0 })).local.port
    await rec.ok({ type: 'session.save', path: saved })
    viewer = new Probe({ sessions: withSessions({ dir: join(dir, 'viewer-none'), record: false }) })
    s = await viewer.ok<SessionSummary>({ type: 'session.open', path: saved })
  })
  afterAll(async () => {
    await rec?.dispose()
    await viewer?.dispose()
  })

  it('the summary lists the recorded panes, those without a flow too', () => {
    expect(s.flows).toEqual([])
    expect(s.panes.map((p) => p.paneId)).toEqual(['gone', 'refused', 'lonely'])
    for (const p of s.panes) expect(p.events).toBeGreaterThan(0)
  })

  it('a refused connect shows its ECONNREFUSED error on its view pane; a server nobody reached shows it was listening', async () => {
    await viewer.ok({
      type: 'playback.start',
      sessionId: s.sessionId,
      panes: [
        { paneId: 'v-refused', flowIds: [], recordedPane: 'refused' },
        { paneId: 'v-lonely', flowIds: [], recordedPane: 'lonely' }
      ]
    })
    await viewer.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(BigInt(s.endNs) - BigInt(s.startNs)) })
    await viewer.until(() => lines(viewer, 'v-refused').some((l) => l.startsWith('error')), 'the refusal on the view pane')
    expect(lines(viewer, 'v-refused')).toEqual(lines(rec, 'refused'))
    expect(lines(viewer, 'v-refused')).toContain(`error ECONNREFUSED connect ${port}`)
    expect(lines(viewer, 'v-lonely')).toEqual([`state listening ${listening}`])
    // The error is placed at its recorded time.
    const err = viewer.of('error', 'v-refused')[0]!
    expect(err.tUs).toBeGreaterThanOrEqual(Number(BigInt(s.startNs) / 1000n))
    expect(viewer.schemaErrors).toEqual([])
  })

  it("a playback's view panes are not recorded again: saved after playing it back, the session has the same panes", async () => {
    const opened = await rec.ok<SessionSummary>({ type: 'session.open', path: saved })
    await rec.ok({ type: 'playback.start', sessionId: opened.sessionId, panes: [{ paneId: 'v-again', flowIds: [], recordedPane: 'refused' }] })
    await rec.ok({ type: 'playback.control', sessionId: opened.sessionId, action: 'seek', offsetNs: String(BigInt(opened.endNs) - BigInt(opened.startNs)) })
    await rec.until(() => lines(rec, 'v-again').some((l) => l.startsWith('error')), 'the refusal played back in the recording engine')
    await rec.ok({ type: 'session.save', path: again })
    const reopened = await viewer.ok<SessionSummary>({ type: 'session.open', path: again })
    expect(reopened.panes.map((p) => p.paneId)).toEqual(['gone', 'refused', 'lonely'])
  })
})
