// Session work off the event loop. On a session of a few hundred MiB (about 270,000 chunks),
// opening it, seeking to 90 % and back to 10 % and exporting a flow, and saving a running
// recording of 512 MiB, each leave the engine's event loop free: a 1 ms timer never waits longer
// than STALL_MS (the old, blocking code held it for seconds on the same files). And each gives
// what the blocking way gave: the summary of the blocking reader, the same records as a fresh
// seek, a copy equal to the recording plus its end block, files equal to the flow's bytes.
import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Endpoint, EngineEvent, SessionSummary } from '../src/shared/contract'
import { flowSpan } from '../src/main/session/summary'
import { FLOW_PAGE } from '../src/shared/limits'
import { openSession, openSessionSliced, type Flow, type OpenSession } from '../src/main/session/reader'
import { withSessions } from '../src/main/session/service'
import { SessionWriter } from '../src/main/session/writer'
import { Probe, RawClient } from './probe'

/** The longest stall allowed: far above the 10 ms slices, room for a loaded CI machine and a GC pause. */
const STALL_MS = 250
const MIB = 1024 * 1024
/** The big session: this many bytes in chunks of CHUNK (the old code spent ~0.6 s opening it, ~3 s seeking). */
const BIG = 256 * MIB
const CHUNK = 1000
/** The running recording saved: large enough that copying and syncing it at once took the old code most of a second. */
const RECORDING = 512 * MIB
/** A display of a fixed size, so two engines redraw the same: the room a seek fills. */
const display = { minBacklog: 2 * MIB, maxBacklog: 2 * MIB }

const dir = mkdtempSync(join(tmpdir(), 'np-sessions-event-loop-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const big = join(dir, 'big.pcapng')
const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' })
const T0 = 1_750_000_000_000_000_000n

/** The longest the event loop went without running a 1 ms timer while `work` ran. */
async function stall<T>(work: () => Promise<T>): Promise<{ result: T; worstMs: number; ms: number }> {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last)
    last = now
  }, 1)
  try {
    const t0 = performance.now()
    const result = await work()
    const ms = performance.now() - t0
    // A stall that ended with the work is measured by the next tick.
    await new Promise((r) => setTimeout(r, 2))
    return { result, worstMs: worst, ms }
  } finally {
    clearInterval(timer)
  }
}

/** A client pane's long conversation: CHUNK-byte reads and writes, 1 µs apart, then a close. */
function writeBig(path: string): void {
  const w = SessionWriter.open(path, { flushMs: 1000, flushBytes: 4 * MIB })
  w.workspace({ version: 1, panes: [] }, T0)
  w.connOpen({ paneId: 'c', connId: 1, local: v4('127.0.0.1', 40001), remote: v4('127.0.0.1', 8080), initiator: 'local', tNs: T0 })
  const pool = createHash('sha512')
  let bytes = Buffer.alloc(0)
  for (let i = 0; bytes.length < 64 * 1024; i++) bytes = Buffer.concat([bytes, pool.update(String(i)).copy().digest()])
  let tNs = T0
  for (let n = 0, i = 0; n < BIG; n += CHUNK, i++) {
    const at = (i * 61) % (bytes.length - CHUNK)
    w.chunk({ paneId: 'c', connId: 1, dir: i % 3 === 0 ? 'out' : 'in', tNs: (tNs += 1000n), bytes: bytes.subarray(at, at + CHUNK) })
  }
  w.close({ paneId: 'c', connId: 1, how: 'close', tNs: tNs + 1000n })
  w.close()
}

/** What session.open answered before it worked in slices: the blocking reader's index, summed at once. */
function blockingSummary(path: string): Omit<SessionSummary, 'sessionId'> {
  const f = openSession(path)
  try {
    const ix = f.index
    const counts = new Map<string, number>()
    for (const e of ix.events) if (e.paneId !== undefined) counts.set(e.paneId, (counts.get(e.paneId) ?? 0) + 1)
    let start = ix.firstNs
    let end = ix.lastNs
    for (const e of ix.events) {
      if (start === undefined || e.tNs < start) start = e.tNs
      if (end === undefined || e.tNs > end) end = e.tNs
    }
    return {
      kind: ix.kind,
      path,
      workspace: ix.workspace,
      flowCount: ix.flows.length,
      flows: ix.flows.slice(0, FLOW_PAGE).map((fl) => ({
        id: fl.id,
        proto: fl.proto,
        ...(fl.paneId !== undefined ? { paneId: fl.paneId } : {}),
        ...(fl.connId !== undefined ? { connId: fl.connId } : {}),
        local: fl.local,
        remote: fl.remote,
        chunks: fl.chunks.length,
        bytesIn: fl.chunks.reduce((n, c) => n + (c.dir === 'in' ? c.len : 0), 0),
        bytesOut: fl.chunks.reduce((n, c) => n + (c.dir === 'out' ? c.len : 0), 0),
        ...flowSpan(fl)
      })),
      panes: ix.kind === 'session' ? [...counts].map(([paneId, events]) => ({ paneId, events })) : [],
      startNs: String(start ?? 0n),
      endNs: String(end ?? start ?? 0n),
      ...(ix.truncated ? { truncated: ix.truncated.reason } : {}),
      ...(ix.interrupted ? { interrupted: ix.interrupted } : {}),
      ...(ix.notes?.length ? { notes: ix.notes } : {})
    }
  } finally {
    f.close()
  }
}

/** sha256 of a flow's bytes in one direction, read chunk by chunk. */
function flowHash(file: OpenSession, flow: Flow, d: 'in' | 'out'): { hash: string; bytes: number } {
  const h = createHash('sha256')
  let bytes = 0
  for (const c of flow.chunks) {
    if (c.dir !== d) continue
    h.update(file.readSync(c))
    bytes += c.len
  }
  return { hash: h.digest('hex'), bytes }
}

/** sha256 of a file's first `len` bytes (all of it without `len`). */
function fileHash(path: string, len = statSync(path).size): string {
  const h = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(4 * MIB)
    for (let off = 0; off < len;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, len - off), off)
      if (n <= 0) throw new Error(`${path} ends at ${off}, before ${len}`)
      h.update(buf.subarray(0, n))
      off += n
    }
  } finally {
    closeSync(fd)
  }
  return h.digest('hex')
}

/** What a pane showed since event `from`: its records (bytes hashed), notes, and its last byte counts. */
function screen(p: Probe, from: number, paneId: string): { records: string[]; notes: unknown[]; stats: unknown } {
  const records: string[] = []
  const notes: unknown[] = []
  let stats: unknown
  for (const e of p.events.slice(from)) {
    if (!('paneId' in e) || e.paneId !== paneId) continue
    if (e.type === 'data') {
      let off = 0
      for (const r of e.records) {
        records.push(
          `${r.connId} ${r.dir} ${r.tUs} ${createHash('sha256')
            .update(e.data.subarray(off, off + r.len))
            .digest('hex')}`
        )
        off += r.len
      }
    } else if (e.type === 'pane.note') notes.push({ message: e.message, tUs: e.tUs })
    else if (e.type === 'conn.stats') stats = e.stats
  }
  return { records, notes, stats }
}

beforeAll(() => writeBig(big), 120_000)

describe('a session of a few hundred MiB', () => {
  let p: Probe
  let s: SessionSummary
  let reference: OpenSession
  beforeAll(() => {
    p = new Probe({ sessions: withSessions({ dir: join(dir, 'viewer'), record: false }), display })
    reference = openSession(big)
  })
  afterAll(async () => {
    reference?.close()
    await p?.dispose()
  })

  it('opens in slices, saying how far it got; the summary is the blocking reader’s', async () => {
    const mark = p.events.length
    const r = await stall(() => p.ok<SessionSummary>({ type: 'session.open', path: big }))
    s = r.result
    expect(r.worstMs, `open took ${r.ms.toFixed(0)} ms, the event loop stalled ${r.worstMs.toFixed(0)} ms`).toBeLessThan(STALL_MS)
    const { sessionId, ...rest } = s
    expect(rest).toEqual(blockingSummary(big))
    expect(s.flows[0]!.chunks).toBeGreaterThan(200_000)
    const progress = p.events.slice(mark).filter((e): e is Extract<EngineEvent, { type: 'session.opening' }> => e.type === 'session.opening')
    if (r.ms > 600) expect(progress.length).toBeGreaterThan(0)
    for (const e of progress) expect(e).toMatchObject({ sessionId, path: big, total: statSync(big).size })
    expect(progress.map((e) => e.bytes)).toEqual(progress.map((e) => e.bytes).sort((a, b) => a - b))
    expect(p.schemaErrors).toEqual([])
  }, 60_000)

  it('another file opens while one is opening; closing a session mid-open stops it', async () => {
    const small = join(dir, 'small.pcapng')
    const w = SessionWriter.open(small, { flushMs: 0 })
    w.connOpen({ paneId: 'x', connId: 1, local: v4('127.0.0.1', 1), remote: v4('127.0.0.1', 2), initiator: 'local', tNs: T0 })
    w.chunk({ paneId: 'x', connId: 1, dir: 'out', tNs: T0 + 1n, bytes: Buffer.from('hi') })
    w.close()
    const mark = p.events.length
    const slow = p.cmd({ type: 'session.open', path: big })
    const quick = await p.ok<SessionSummary>({ type: 'session.open', path: small })
    expect(quick.flows.map((f) => f.bytesOut)).toEqual([2])
    // The big one is still being read: its first progress report gives its id, and closing that id stops it.
    const first = await waitOpening(p, mark, 20_000)
    await p.ok({ type: 'session.close', sessionId: first.sessionId })
    const stopped = await slow
    expect(stopped.ok).toBe(false)
    if (!stopped.ok) expect(stopped.error).toMatchObject({ code: 'NOT_RUNNING', op: 'open', detail: big, reason: { key: 'why.openStopped' } })
    await p.ok({ type: 'session.close', sessionId: quick.sessionId })
  }, 60_000)

  describe('playback', () => {
    let span = 0n
    beforeAll(async () => {
      await p.ok({ type: 'playback.start', sessionId: s.sessionId, panes: [{ paneId: 'v', flowIds: [s.flows[0]!.id] }] })
      span = BigInt(s.endNs) - BigInt(s.startNs)
    })

    it('seeks to 90 % and back to 10 % in slices; at 10 % it shows what a fresh seek there shows', async () => {
      const seek = (offsetNs: bigint): Promise<unknown> =>
        p.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(offsetNs) })
      const on = await stall(() => seek((span * 9n) / 10n))
      expect(on.worstMs, `seek to 90 % took ${on.ms.toFixed(0)} ms, the event loop stalled ${on.worstMs.toFixed(0)} ms`).toBeLessThan(STALL_MS)
      const mark = p.events.length
      const back = await stall(() => seek(span / 10n))
      expect(back.worstMs, `seek back to 10 % took ${back.ms.toFixed(0)} ms, the event loop stalled ${back.worstMs.toFixed(0)} ms`).toBeLessThan(STALL_MS)
      expect(p.events.slice(mark).some((e) => e.type === 'pane.cleared')).toBe(true)
      const seen = screen(p, mark, 'v')

      // What the file holds up to 10 %: the screen shows its newest records within its room,
      // says how many came before, and counts every byte in the connection list.
      const chunks = reference.index.flows[0]!.chunks.filter((c) => c.tNs - BigInt(s.startNs) <= span / 10n)
      const total = { in: 0, out: 0 }
      for (const c of chunks) total[c.dir] += c.len
      expect(seen.stats).toEqual([{ connId: 1, bytesIn: total.in, bytesOut: total.out }])
      const drawn = seen.records.length
      expect(drawn).toBeGreaterThan(0)
      expect(drawn * CHUNK).toBeLessThanOrEqual(display.maxBacklog)
      expect(seen.notes).toEqual([
        { message: { key: 'log.playbackEarlier', params: { size: expect.any(String), records: chunks.length - drawn } }, tUs: Number(chunks[0]!.tNs / 1000n) }
      ])
      const newest = chunks.slice(-drawn)
      expect(seen.records).toEqual(newest.map((c) => `1 ${c.dir} ${Number(c.tNs / 1000n)} ${createHash('sha256').update(reference.readSync(c)).digest('hex')}`))

      // A fresh engine seeking straight there shows the same.
      const fresh = new Probe({ sessions: withSessions({ record: false }), display })
      try {
        const f = await fresh.ok<SessionSummary>({ type: 'session.open', path: big })
        await fresh.ok({ type: 'playback.start', sessionId: f.sessionId, panes: [{ paneId: 'v', flowIds: [f.flows[0]!.id] }] })
        const m = fresh.events.length
        await fresh.ok({ type: 'playback.control', sessionId: f.sessionId, action: 'seek', offsetNs: String(span / 10n) })
        expect(screen(fresh, m, 'v')).toEqual(seen)
      } finally {
        await fresh.dispose()
      }
      expect(p.schemaErrors).toEqual([])
    }, 120_000)
  })

  it('exports a flow streamed to its files, each holding exactly the flow’s bytes', async () => {
    const out = join(dir, 'export')
    const r = await stall(() => p.ok<{ files: string[] }>({ type: 'session.export', sessionId: s.sessionId, flowId: s.flows[0]!.id, dir: out }))
    expect(r.worstMs, `export took ${r.ms.toFixed(0)} ms, the event loop stalled ${r.worstMs.toFixed(0)} ms`).toBeLessThan(STALL_MS)
    const [to, from] = r.result.files
    const flow = reference.index.flows[0]!
    for (const [path, d] of [
      [to!, 'out'],
      [from!, 'in']
    ] as const) {
      const want = flowHash(reference, flow, d)
      expect(statSync(path).size).toBe(want.bytes)
      expect(fileHash(path)).toBe(want.hash)
    }
  }, 120_000)
})

/** The first session.opening event since `from`. */
async function waitOpening(p: Probe, from: number, timeoutMs: number): Promise<Extract<EngineEvent, { type: 'session.opening' }>> {
  let found: Extract<EngineEvent, { type: 'session.opening' }> | undefined
  await p.until(
    () => (found = p.events.slice(from).find((e): e is Extract<EngineEvent, { type: 'session.opening' }> => e.type === 'session.opening')) !== undefined,
    'a session.opening event',
    timeoutMs
  )
  return found!
}

describe('Save of a running recording of a few hundred MiB', () => {
  it('copies it in the thread pool while it goes on; the copy is the recording as it stood, plus its end block', async () => {
    const rec = new Probe({ sessions: withSessions({ dir: join(dir, 'recording') }) })
    // Nothing draws: the display keeps a bounded backlog and the recording gets every byte.
    rec.autoAck = false
    const client = { c: undefined as RawClient | undefined }
    try {
      const { local } = await rec.ok<{ local: Endpoint }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
      client.c = await RawClient.connect(local.port)
      const block = Buffer.alloc(MIB, 0x5a)
      for (let n = 0; n < RECORDING; n += MIB) {
        await client.c.write(block)
        // The probe keeps what its taps saw; this test has no use for it.
        if (n % (64 * MIB) === 0) rec.taps.length = 0
      }
      await rec.waitFor('conn.stats', 'srv', (e) => e.stats.some((x) => x.bytesIn >= RECORDING), 60_000)
      rec.taps.length = 0
      const info = await rec.ok<{ path: string }>({ type: 'session.info' })
      // The recording goes on while it is saved.
      const trickle = setInterval(() => void client.c!.write(Buffer.from('more traffic while saving\n')), 2)
      const saved = join(dir, 'saved.pcapng')
      let r
      try {
        r = await stall(() => rec.ok<{ path: string; bytes: number }>({ type: 'session.save', path: saved }))
      } finally {
        clearInterval(trickle)
      }
      expect(r.worstMs, `save took ${r.ms.toFixed(0)} ms, the event loop stalled ${r.worstMs.toFixed(0)} ms`).toBeLessThan(STALL_MS)
      const bytes = r.result.bytes
      expect(bytes).toBeGreaterThan(RECORDING)
      // The recording up to the moment of Save, then one end block.
      expect(fileHash(saved, bytes)).toBe(fileHash(info.path, bytes))
      const copy = openSession(saved)
      try {
        expect(copy.index.interrupted).toBeUndefined()
        expect(copy.index.truncated).toBeUndefined()
      } finally {
        copy.close()
      }
      const tail = Buffer.alloc(statSync(saved).size - bytes)
      const fd = openSync(saved, 'r')
      readSync(fd, tail, 0, tail.length, bytes)
      closeSync(fd)
      expect(tail.readUInt32LE(0)).toBe(0x80004e50)
      expect(tail.readUInt32LE(4)).toBe(tail.length)
      expect(JSON.parse(tail.subarray(16, tail.length - 4).toString())).toMatchObject({ t: 'end', how: 'saved' })
    } finally {
      client.c?.close()
      await rec.dispose()
    }
  }, 120_000)
})

// A pane with framing: a seek that redraws only the newest reads still cuts them into the
// messages they were, because the earlier bytes of the open connection went through the
// deframer (not shown). The message begun before the redrawn reads shows whole.
describe('a seek on a pane with length-prefix framing', () => {
  const framed = join(dir, 'framed.pcapng')
  const config = { framing: { kind: 'length' as const, bytes: 2 as const, endian: 'be' as const, includesHeader: false }, transforms: [], autoReplies: [] }
  /** A small display: the room (32 KiB of reads, each message showing two stages) holds a few dozen of the 1,500 reads. */
  const small = { minBacklog: 64 * 1024, maxBacklog: 64 * 1024 }
  /** Per direction: each message's payload and the stream offset where it ends. */
  const sent = { in: [] as { payload: Buffer; end: number }[], out: [] as { payload: Buffer; end: number }[] }
  const chunks: { dir: 'in' | 'out'; len: number; tNs: bigint }[] = []

  beforeAll(() => {
    const streams = { in: [] as Buffer[], out: [] as Buffer[] }
    for (const d of ['in', 'out'] as const) {
      let at = 0
      for (let i = 0; at < 750 * 1024; i++) {
        const payload = Buffer.alloc(50 + ((i * 379) % 900), `${d}${i};`)
        const wire = Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload])
        streams[d].push(wire)
        at += wire.length
        sent[d].push({ payload, end: at })
      }
    }
    const w = SessionWriter.open(framed, { flushMs: 0 })
    w.workspace({ version: 1, panes: [{ id: 'c', kind: 'tcp-client', n: 1, host: '127.0.0.1', port: '8080', config, snippets: [] }] }, T0)
    w.connOpen({ paneId: 'c', connId: 1, local: v4('127.0.0.1', 40001), remote: v4('127.0.0.1', 8080), initiator: 'local', tNs: T0 })
    const bytes = { in: Buffer.concat(streams.in), out: Buffer.concat(streams.out) }
    const at = { in: 0, out: 0 }
    let tNs = T0
    for (let i = 0; at.in < bytes.in.length || at.out < bytes.out.length; i++) {
      const d = i % 2 === 0 && at.in < bytes.in.length ? 'in' : at.out < bytes.out.length ? 'out' : 'in'
      const piece = bytes[d].subarray(at[d], at[d] + CHUNK)
      at[d] += piece.length
      w.chunk({ paneId: 'c', connId: 1, dir: d, tNs: (tNs += 1000n), bytes: piece })
      chunks.push({ dir: d, len: piece.length, tNs })
    }
    w.close()
  })

  async function seekFresh(to: (span: bigint) => bigint[]): Promise<{ p: Probe; mark: number }> {
    const p = new Probe({ sessions: withSessions({ record: false }), display: small })
    const s = await p.ok<SessionSummary>({ type: 'session.open', path: framed })
    await p.ok({ type: 'playback.start', sessionId: s.sessionId, panes: [{ paneId: 'v', flowIds: [s.flows[0]!.id], recordedPane: 'c' }] })
    const span = BigInt(s.endNs) - BigInt(s.startNs)
    let mark = 0
    for (const at of to(span)) {
      mark = p.events.length
      await p.ok({ type: 'playback.control', sessionId: s.sessionId, action: 'seek', offsetNs: String(at) })
    }
    return { p, mark }
  }

  it('shows the messages the redrawn reads complete, each whole, the same after a seek back as after a fresh seek', async () => {
    const back = await seekFresh((span) => [span, span / 2n])
    const fresh = await seekFresh((span) => [span / 2n])
    try {
      const seen = screen(back.p, back.mark, 'v')
      expect(screen(fresh.p, fresh.mark, 'v')).toEqual(seen)
      // The reads passed over, then the redrawn ones: which messages they complete, per direction.
      const upTo = chunks.filter((c) => c.tNs - T0 <= (chunks.at(-1)!.tNs - T0) / 2n)
      const passed = (seen.notes[0] as { message: { params: { records: number } } }).message.params.records
      expect(passed).toBeGreaterThan(0)
      expect(passed).toBeLessThan(upTo.length)
      for (const d of ['in', 'out'] as const) {
        const from = upTo.slice(0, passed).reduce((n, c) => n + (c.dir === d ? c.len : 0), 0)
        const to = upTo.reduce((n, c) => n + (c.dir === d ? c.len : 0), 0)
        const want = sent[d].filter((m) => m.end > from && m.end <= to).map((m) => m.payload.toString())
        expect(seen.records.filter((r) => r.split(' ')[1] === d)).toHaveLength(want.length)
        const shown = back.p.records('v', d).slice(-want.length)
        expect(shown.every((r) => r.rec.ok === true)).toBe(true)
        // In: the payload is the unframe stage; out: the message as sent, its payload first.
        expect(shown.map((r) => (d === 'in' ? r.parts.at(-1)! : r.parts[0]!).bytes.toString())).toEqual(want)
        // The first one began before the redrawn reads: its earlier bytes came through the deframer.
        expect(sent[d].find((m) => m.end > from)!.end - (want[0]!.length + 2)).toBeLessThan(from)
      }
      expect(back.p.schemaErrors).toEqual([])
    } finally {
      await back.p.dispose()
      await fresh.p.dispose()
    }
  }, 60_000)
})

// The sliced reader runs the blocking reader's scanners, only fed differently (its window is
// filled in the thread pool): on cut and damaged files it must give the same index, or fail the
// same way.
describe('the sliced reader and the blocking one', () => {
  const outcome = (read: () => OpenSession): string => {
    try {
      const f = read()
      f.close()
      return JSON.stringify(f.index, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    } catch (err) {
      return `${(err as { code?: string }).code}: ${JSON.stringify((err as { reason?: unknown }).reason)}`
    }
  }
  const outcomeSliced = async (path: string): Promise<string> => {
    try {
      const f = await openSessionSliced(path)
      return outcome(() => f)
    } catch (err) {
      return outcome(() => {
        throw err
      })
    }
  }

  it('agree on whole, cut and damaged files', async () => {
    const path = join(dir, 'agree.pcapng')
    const w = SessionWriter.open(path, { flushMs: 0 })
    w.workspace({ version: 1, panes: [] }, T0)
    w.connOpen({ paneId: 'c', connId: 1, local: v4('127.0.0.1', 1), remote: v4('127.0.0.1', 2), initiator: 'local', tNs: T0 })
    for (let i = 0; i < 40; i++) w.chunk({ paneId: 'c', connId: 1, dir: i % 2 ? 'in' : 'out', tNs: T0 + BigInt(i), bytes: Buffer.alloc(100 + i * 3000, i) })
    w.close({ paneId: 'c', connId: 1, how: 'reset', by: 'peer', tNs: T0 + 99n })
    w.close()
    const whole = readFileSync(path)
    const variant = join(dir, 'agree-variant.pcapng')
    let compared = 0
    for (let i = 0; i < 120; i++) {
      const b = Buffer.from(whole.subarray(0, i < 60 ? Math.floor((whole.length * i) / 59) : whole.length))
      // The second half: whole files with a few bytes changed.
      for (let k = 0; i >= 60 && k < 3; k++) {
        const at = (i * 7919 * (k + 1)) % b.length
        b.writeUInt8(b.readUInt8(at) ^ 0x5a, at)
      }
      writeFileSync(variant, b)
      expect(await outcomeSliced(variant), `variant ${i}`).toBe(outcome(() => openSession(variant)))
      compared++
    }
    expect(compared).toBe(120)
  })
})
