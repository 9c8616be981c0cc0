// A huge record reaches the screen in pieces no larger than its batch, drawn as one message,
// while the recording keeps it whole (issue 10, item 4): a peer's 20 MiB framed message, a
// 16 MiB template send, a recorded 20 MiB chunk played back. The host answers a valid command
// while the screen is still being given the pieces and after.
import net from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EngineEvent, SessionSummary, TrafficRecord } from '../src/shared/contract'
import { SCREEN_BATCH_BYTES } from '../src/shared/limits'
import { openSession } from '../src/main/session/reader'
import { SessionWriter } from '../src/main/session/writer'
import { formatBytes } from '../src/shared/bytes'
import { TerminalRenderer, defaultRenderOptions } from '../src/renderer/src/pane/render'
import type { Probe } from './probe'
import { expectAnswersAfter, expectAnswersDuring } from './responsive'
import { sessionProbes } from './session-probes'

const MiB = 1024 * 1024
const { dir, probe, closers } = sessionProbes('screen-pieces')

/** The records a pane's screen got (one direction), with their bytes; every data event checked against the batch limit. */
function screen(p: Probe, paneId: string, dir: 'in' | 'out'): { rec: TrafficRecord; bytes: Uint8Array }[] {
  const out: { rec: TrafficRecord; bytes: Uint8Array }[] = []
  for (const e of p.of('data', paneId)) {
    expect(e.data.byteLength).toBeLessThanOrEqual(SCREEN_BATCH_BYTES)
    let off = 0
    for (const rec of e.records) {
      if (rec.dir === dir) out.push({ rec, bytes: e.data.subarray(off, off + rec.len) })
      off += rec.len
    }
  }
  return out
}

const shownBytes = (p: Probe, paneId: string): number => p.of('data', paneId).reduce((n, e) => n + e.data.byteLength, 0)

/** The pieces make one record of `of` bytes: in order, none past the batch, same time and parts; returns its bytes. */
function oneRecord(pieces: { rec: TrafficRecord; bytes: Uint8Array }[], of: number): Buffer {
  const spans = pieces[0]!.rec.parts?.map((x) => x.len) ?? [of]
  expect(pieces.length).toBe(spans.reduce((n, len) => n + Math.ceil(len / SCREEN_BATCH_BYTES), 0))
  let at = 0
  for (const { rec } of pieces) {
    expect(rec.len).toBeLessThanOrEqual(SCREEN_BATCH_BYTES)
    expect(rec.piece).toEqual({ at, of })
    expect([rec.tUs, rec.connId, rec.parts]).toEqual([pieces[0]!.rec.tUs, pieces[0]!.rec.connId, pieces[0]!.rec.parts])
    at += rec.len
  }
  expect(at).toBe(of)
  return Buffer.concat(pieces.map((p) => p.bytes))
}

/**
 * The header lines the terminal prints for the first pieces (drawing all 20 MiB as hex takes a
 * test machine tens of seconds; test/render-pieces.test.ts draws whole records in pieces).
 */
function headers(pieces: { rec: TrafficRecord; bytes: Uint8Array }[], lang: 'en' | 'zh'): string[] {
  const r = new TerminalRenderer({ ...defaultRenderOptions, view: 'hex', time: 'absolute', lang })
  const found: string[] = []
  for (const p of pieces.slice(0, 3)) {
    const s = r.render({ kind: 'traffic', rec: p.rec, bytes: p.bytes }).replace(/\x1b\[[0-9;]*m/g, '')
    for (const line of s.split('\r\n')) if (/[◀▶]/.test(line)) found.push(line)
  }
  return found
}

/** Acknowledges what the screen got so far, and from now on everything as it comes (a screen that caught up). */
function catchUp(p: Probe, paneIds: string[]): void {
  p.autoAck = true
  for (const id of paneIds) p.engine.ack({ paneId: id, bytes: p.of('data', id).reduce((n, e) => n + e.data.byteLength, 0) })
}

async function saved(p: Probe): Promise<ReturnType<typeof openSession>> {
  const path = join(dir, `saved-${Date.now()}-${Math.random().toString(36).slice(2)}.pcapng`)
  await p.ok({ type: 'session.save', path })
  const file = openSession(path)
  closers.push(() => file.close())
  return file
}

const info = (p: Probe) => (): Promise<unknown> => p.ok({ type: 'session.info' })

describe('records larger than the screen’s batch', () => {
  it('a peer’s 20 MiB framed message: pieces of at most 256 KiB, one message on screen, whole in the recording', async () => {
    const p = probe()
    p.autoAck = false
    const { local } = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    await p.ok({
      type: 'pane.configure',
      paneId: 'srv',
      config: { framing: { kind: 'length', bytes: 4, endian: 'be', includesHeader: false, maxLength: 32 * MiB } }
    })
    const payload = Buffer.alloc(20 * MiB)
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32BE((i * 2654435761) >>> 0, i)
    const wire = Buffer.concat([Buffer.alloc(4), payload])
    wire.writeUInt32BE(payload.length)
    const peer = net.connect(local.port, '127.0.0.1')
    closers.push(() => void peer.destroy())
    await new Promise<void>((ok) => peer.once('connect', ok))
    peer.write(wire)

    // The engine read it all (the recorder has it); the screen, which acknowledges nothing yet,
    // has been given one piece: the rest waits.
    await p.until(() => p.tapped('srv') === wire.length && p.of('data', 'srv').length > 0, 'the 20 MiB message read', 20_000)
    const going = (): boolean => shownBytes(p, 'srv') < wire.length + payload.length
    await expectAnswersDuring('a 20 MiB message going to the screen', info(p), going)
    catchUp(p, ['srv'])
    await p.until(() => !going(), 'the whole message on the screen', 20_000)
    await expectAnswersAfter('a 20 MiB message going to the screen', info(p))

    const pieces = screen(p, 'srv', 'in')
    const shown = oneRecord(pieces, wire.length + payload.length)
    expect(pieces[0]!.rec.parts!.map((x) => x.len)).toEqual([wire.length, payload.length])
    expect(Buffer.compare(shown.subarray(0, wire.length), wire)).toBe(0)
    expect(Buffer.compare(shown.subarray(wire.length), payload)).toBe(0)
    // One header on the terminal, with the message's whole size, in both languages.
    expect(headers(pieces, 'en')).toEqual([expect.stringMatching(new RegExp(`◀ in #\\d+ · message ${formatBytes(payload.length)}$`))])
    expect(headers(pieces, 'zh')).toEqual([expect.stringMatching(new RegExp(`◀ 收 #\\d+ · 消息 ${formatBytes(payload.length)}$`))])
    expect(p.of('display.skipped')).toEqual([])

    // The recording has every byte the peer sent.
    const file = await saved(p)
    const flow = file.index.flows.find((f) => f.paneId === 'srv')!
    expect(Buffer.compare(Buffer.concat(flow.chunks.filter((c) => c.dir === 'in').map((c) => file.readSync(c))), wire)).toBe(0)
    expect(p.schemaErrors).toEqual([])
  }, 60_000)

  it('a 16 MiB template send ({{random:65536}} × 256): one record on screen in pieces, one chunk in the recording', async () => {
    const p = probe()
    p.autoAck = false
    const { local } = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
    const { connId } = await p.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: local.port })
    await p.ok({ type: 'send', paneId: 'cli', target: connId, payload: { text: '{{random:65536}}'.repeat(256), mode: 'text' } })
    await p.until(() => p.tapped('cli', 'out') === 16 * MiB && p.of('data', 'cli').length > 0, 'the 16 MiB send', 20_000)
    const going = (): boolean => shownBytes(p, 'cli') < 16 * MiB
    await expectAnswersDuring('a 16 MiB send going to the screen', info(p), going)
    catchUp(p, ['cli', 'srv'])
    await p.until(() => !going() && p.tapped('srv') === 16 * MiB, 'the whole send on the screen and at the peer', 20_000)
    await expectAnswersAfter('a 16 MiB send going to the screen', info(p))

    const pieces = screen(p, 'cli', 'out')
    const shown = oneRecord(pieces, 16 * MiB)
    const sent = Buffer.concat(p.taps.filter((t) => t.paneId === 'cli' && t.dir === 'out').map((t) => t.bytes))
    const arrived = Buffer.concat(p.taps.filter((t) => t.paneId === 'srv' && t.dir === 'in').map((t) => t.bytes))
    expect(Buffer.compare(shown, sent)).toBe(0)
    expect(Buffer.compare(shown, arrived)).toBe(0)
    expect(headers(pieces, 'en')).toEqual([expect.stringMatching(/▶ out #\d+ · 16.0 MiB$/)])
    expect(headers(pieces, 'zh')).toEqual([expect.stringMatching(/▶ 发 #\d+ · 16.0 MiB$/)])

    // The recorder took the send as one chunk, whole.
    const file = await saved(p)
    const out = file.index.flows.find((f) => f.paneId === 'cli')!.chunks.filter((c) => c.dir === 'out')
    expect(out.map((c) => c.len)).toEqual([16 * MiB])
    expect(Buffer.compare(Buffer.from(file.readSync(out[0]!)), shown)).toBe(0)
  }, 60_000)

  it('playback of a session with a 20 MiB recorded chunk shows it in pieces, as one record', async () => {
    const path = join(dir, 'big-chunk.pcapng')
    const T0 = 1_750_000_000_000_000_000n
    const v4 = (port: number): { address: string; port: number; family: 'IPv4' } => ({ address: '127.0.0.1', port, family: 'IPv4' })
    const chunk = Buffer.alloc(20 * MiB)
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 40503) >>> 0, i)
    const w = SessionWriter.open(path, { flushMs: 0 })
    w.workspace({ panes: ['c'] }, T0)
    w.connOpen({ paneId: 'c', connId: 1, local: v4(40001), remote: v4(8080), initiator: 'local', tNs: T0 + 1000n })
    w.chunk({ paneId: 'c', connId: 1, dir: 'in', tNs: T0 + 2000n, bytes: chunk })
    w.close({ paneId: 'c', connId: 1, how: 'close', tNs: T0 + 3000n })
    w.close()

    const p = probe()
    p.autoAck = false
    const summary = await p.ok<SessionSummary>({ type: 'session.open', path })
    const flow = summary.flows.find((f) => f.paneId === 'c')!.id
    const span = await p.ok<{ startNs: string; endNs: string }>({
      type: 'playback.start',
      sessionId: summary.sessionId,
      panes: [{ paneId: 'view', flowIds: [flow] }]
    })
    await p.ok({ type: 'playback.control', sessionId: summary.sessionId, action: 'seek', offsetNs: String(BigInt(span.endNs) - BigInt(span.startNs)) })
    await p.until(() => p.of('data', 'view').length > 0, 'the first piece on the view pane', 20_000)
    const going = (): boolean => shownBytes(p, 'view') < chunk.length
    await expectAnswersDuring('a 20 MiB recorded chunk going to the screen', info(p), going)
    catchUp(p, ['view'])
    await p.until(() => !going(), 'the whole chunk on the view pane', 20_000)
    await expectAnswersAfter('a 20 MiB recorded chunk going to the screen', info(p))

    const pieces = screen(p, 'view', 'in')
    expect(Buffer.compare(oneRecord(pieces, chunk.length), chunk)).toBe(0)
    expect(headers(pieces, 'en')).toEqual([expect.stringMatching(/◀ in #\d+ · 20.0 MiB$/)])
    expect(headers(pieces, 'zh')).toEqual([expect.stringMatching(/◀ 收 #\d+ · 20.0 MiB$/)])
    // The connection's close comes after the last piece.
    const closed = p.events.findIndex((e: EngineEvent) => e.type === 'conn.closed' && e.paneId === 'view')
    expect(closed).toBeGreaterThan(p.events.lastIndexOf(p.of('data', 'view').at(-1)!))
  }, 60_000)
})
