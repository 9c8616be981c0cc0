// Display flow control and batching: the socket keeps flowing whatever the screen does;
// above the high watermark the display stops getting data, a bounded backlog waits for it,
// and only past that backlog are records skipped, reported by one "n bytes not drawn"
// marker once the renderer catches up. Small writes are batched into few events.
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/shared/contract'
import { bounded } from './peers'
import { Probe } from './probe'
import { DisplayChannel } from '../src/main/engine/display'

const display = { flushMs: 5, flushBytes: 4096, highWater: 16384, maxBacklog: 256 * 1024 }
const MiB = 1024 * 1024

let probe: Probe | undefined

afterEach(async () => {
  if (!probe) return
  await bounded(probe.dispose(), 'engine dispose')
  expect(probe.schemaErrors).toEqual([])
  probe = undefined
})

async function pair(p: Probe): Promise<{ cliConn: number; srvConn: number }> {
  const { local } = await p.ok<{ local: { port: number } }>({ type: 'tcpServer.listen', paneId: 'srv', host: '127.0.0.1', port: 0 })
  const { connId } = await p.ok<{ connId: number }>({ type: 'tcpClient.connect', paneId: 'cli', host: '127.0.0.1', port: local.port })
  const open = await p.waitFor('conn.open', 'srv')
  return { cliConn: connId, srvConn: open.connId }
}

/** Each data event's records add up to its bytes. */
function expectRecordsMatchData(events: EngineEvent[]): void {
  for (const e of events) {
    if (e.type !== 'data') continue
    expect(e.records.length).toBeGreaterThan(0)
    expect(e.records.reduce((n, r) => n + r.len, 0)).toBe(e.data.byteLength)
  }
}

it('a screen that does not ack stops getting data past the bounded backlog, while the socket keeps flowing', async () => {
  const p = (probe = new Probe({ display, statsIntervalMs: 20 }))
  p.autoAck = false
  const { cliConn, srvConn } = await pair(p)

  const flood = Uint8Array.from({ length: MiB }, (_, i) => (i * 13 + (i >> 11)) & 0xff)
  for (let off = 0; off < MiB; off += 64 * 1024) {
    await p.ok({ type: 'send', paneId: 'cli', target: cliConn, payload: flood.subarray(off, off + 64 * 1024) })
  }
  // The connection took everything, though nothing was acked.
  await p.waitFor('conn.stats', 'srv', (e) => e.stats.some((s) => s.connId === srvConn && s.bytesIn === MiB), 10_000)

  // Sent but not acknowledged: no more than one batch past the high watermark (a 64 KiB read
  // larger than a batch goes in pieces of one batch).
  const drawn = p.bytes('srv')
  expect(drawn.byteLength).toBeGreaterThanOrEqual(display.highWater)
  expect(drawn.byteLength).toBeLessThanOrEqual(display.highWater + display.flushBytes)
  let sum = 0
  p.of('data', 'srv').forEach((e, i) => {
    expect(sum, `event ${i} was sent after the high watermark`).toBeLessThan(display.highWater)
    expect(e.data.byteLength).toBeLessThanOrEqual(display.flushBytes)
    sum += e.data.byteLength
  })
  expect(p.of('display.skipped')).toEqual([])
  expectRecordsMatchData(p.events)

  // The renderer catches up, batch by batch: it gets the backlog (bounded, so memory was
  // too), in order, then one marker for the rest.
  const markAck = p.events.length
  let acked = 0
  while (p.of('display.skipped', 'srv').length === 0) {
    const shown = p.bytes('srv').byteLength
    if (shown > acked) {
      p.engine.ack({ paneId: 'srv', bytes: shown - acked })
      acked = shown
    }
    await new Promise((r) => setTimeout(r, 2))
  }
  const skipped = p.of('display.skipped', 'srv')[0]!
  const caughtUp = p.bytes('srv')
  expect(caughtUp.byteLength - drawn.byteLength).toBeLessThanOrEqual(display.maxBacklog)
  // The backlog filled up to within one read (at most 64 KiB) of its bound before skipping.
  expect(caughtUp.byteLength - drawn.byteLength).toBeGreaterThan(display.maxBacklog - 64 * 1024)
  expect(Buffer.compare(caughtUp, Buffer.from(flood.subarray(0, caughtUp.byteLength)))).toBe(0)
  expect(skipped.records).toBeGreaterThan(0)
  expect(skipped.bytes + caughtUp.byteLength).toBe(MiB)

  // From here on the screen keeps up (the client pane's screen too, which drew nothing yet).
  p.autoAck = true
  p.engine.ack({ paneId: 'srv', bytes: caughtUp.byteLength - acked })
  p.engine.ack({ paneId: 'cli', bytes: p.bytes('cli', 'out').byteLength })
  const tail = new TextEncoder().encode('-- the end of the flood --')
  await p.ok({ type: 'send', paneId: 'cli', target: cliConn, payload: tail })
  const total = MiB + tail.byteLength
  await p.until(() => p.bytes('srv').byteLength + skipped.bytes === total, 'the tail drawn')
  const after = p.events.slice(markAck)
  const skippedAt = after.findIndex((e) => e.type === 'display.skipped')
  const tailAt = after.findLastIndex((e) => e.type === 'data' && e.paneId === 'srv')
  expect(skippedAt).toBeGreaterThanOrEqual(0)
  expect(tailAt).toBeGreaterThan(skippedAt)
  expect(p.bytes('srv').subarray(caughtUp.byteLength).toString()).toBe('-- the end of the flood --')
  expect(p.of('display.skipped', 'srv')).toHaveLength(1)

  // The closing report has every byte, drawn or not.
  await p.ok({ type: 'conn.close', paneId: 'cli', connId: cliConn })
  await p.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer')
  await p.ok({ type: 'conn.close', paneId: 'srv', connId: srvConn })
  expect(await p.waitFor('conn.closed', 'srv')).toMatchObject({ how: 'close', bytesIn: total, bytesOut: 0 })
  expect(await p.waitFor('conn.closed', 'cli')).toMatchObject({ how: 'close', bytesIn: 0, bytesOut: total })
  expectRecordsMatchData(p.events)
})

it('a 1 MiB single write reaches a slowly acking screen whole, in batches of at most 256 KiB, before the close', async () => {
  // The real display settings; the screen acknowledges each batch 30 ms after getting it.
  const p = (probe = new Probe())
  p.autoAck = false
  p.engine.onEvent((e) => {
    if (e.type === 'data') setTimeout(() => void p.engine.ack({ paneId: e.paneId, bytes: e.data.byteLength }), 30)
  })
  const { cliConn } = await pair(p)
  const payload = Uint8Array.from({ length: MiB }, (_, i) => (i * 7 + (i >> 9)) & 0xff)
  await p.ok({ type: 'send', paneId: 'cli', target: cliConn, payload: payload })
  await p.ok({ type: 'conn.end', paneId: 'cli', connId: cliConn })
  const fin = await p.waitFor('conn.halfClosed', 'srv', (e) => e.by === 'peer', 10_000)

  // Every byte drawn, in order, none skipped, and the FIN shown after the last of them.
  expect(Buffer.compare(p.bytes('srv'), Buffer.from(payload))).toBe(0)
  expect(p.of('display.skipped')).toEqual([])
  const events = p.of('data', 'srv')
  expect(events.length).toBeGreaterThan(1)
  for (const e of events) expect(e.data.byteLength).toBeLessThanOrEqual(256 * 1024)
  expect(p.events.indexOf(fin)).toBeGreaterThan(p.events.indexOf(events.at(-1)!))
  // The sender's pane shows its one write as one record, in pieces of one batch each.
  await p.until(() => p.bytes('cli', 'out').byteLength === MiB, 'the write shown on the client')
  const pieces = p.of('data', 'cli').flatMap((e) => e.records)
  expect(pieces.map((r) => r.piece)).toEqual([0, 1, 2, 3].map((i) => ({ at: i * 256 * 1024, of: MiB })))
  expect(pieces.every((r) => r.len === 256 * 1024 && r.tUs === pieces[0]!.tUs)).toBe(true)
  expectRecordsMatchData(p.events)
})

it('many small writes sent in one go arrive in far fewer data events than records', async () => {
  const p = (probe = new Probe({ display: { flushMs: 50 } }))
  const { cliConn } = await pair(p)
  const expected: string[] = []
  const sends: Promise<unknown>[] = []
  for (let i = 0; i < 200; i++) {
    const chunk = `msg ${String(i).padStart(4, '0')}\r\n` // 10 bytes
    expected.push(chunk)
    sends.push(p.ok({ type: 'send', paneId: 'cli', target: cliConn, payload: new TextEncoder().encode(chunk) }))
  }
  await Promise.all(sends)
  await p.untilBytes('srv', 2000)
  await p.until(() => p.bytes('cli', 'out').byteLength === 2000, 'all writes shown on the client')

  // The sender shows 200 records (one per write) in a handful of events.
  const outEvents = p.of('data', 'cli')
  const outRecords = outEvents.flatMap((e) => e.records)
  expect(outRecords).toHaveLength(200)
  expect(outRecords.every((r) => r.dir === 'out' && r.len === 10 && r.connId === cliConn)).toBe(true)
  expect(outEvents.length).toBeLessThan(20)
  expect(p.text('cli', 'out')).toBe(expected.join(''))

  // The receiver gets the same bytes, in order, also batched.
  const inEvents = p.of('data', 'srv')
  expect(inEvents.length).toBeLessThan(20)
  expect(inEvents.length).toBeLessThanOrEqual(inEvents.flatMap((e) => e.records).length)
  expect(p.text('srv')).toBe(expected.join(''))
  expectRecordsMatchData(p.events)
})

it('the display channel keeps its backlog bounded and puts the skip marker where the skipped records were', async () => {
  const sent: EngineEvent[] = []
  const ch = new DisplayChannel('p', (e) => sent.push(e), { flushMs: 5, flushBytes: 1000, highWater: 1000, maxBacklog: 5000 })
  const rec = (i: number) => ({ connId: 1, dir: 'in' as const, tUs: i, len: 500 })
  // 40 reads of 500 B arrive while the screen draws nothing: 1000 B go out, 5000 B wait.
  for (let i = 0; i < 40; i++) {
    ch.push(rec(i), new Uint8Array(500).fill(i))
    expect(ch.backlog).toBeLessThanOrEqual(5000)
  }
  expect(ch.paused).toBe(true)
  ch.event({ type: 'conn.closed', paneId: 'p', connId: 1, how: 'close', bytesIn: 20_000, bytesOut: 0, tUs: 40 })
  expect(sent.map((e) => e.type)).toEqual(['data'])
  // The screen catches up, one acknowledgement per batch.
  let acked = 0
  for (let round = 0; round < 100 && sent.at(-1)?.type !== 'conn.closed'; round++) {
    const drawn = sent.reduce((n, e) => n + (e.type === 'data' ? e.data.byteLength : 0), 0)
    ch.ack(drawn - acked)
    acked = drawn
    await new Promise((r) => setImmediate(r))
  }
  const data = sent.filter((e) => e.type === 'data')
  const shown = data.reduce((n, e) => n + e.data.byteLength, 0)
  expect(shown).toBe(6000)
  expect(sent.slice(-2)).toEqual([
    { type: 'display.skipped', paneId: 'p', bytes: 20_000 - shown, records: 40 - shown / 500 },
    expect.objectContaining({ type: 'conn.closed' })
  ])
  // What was shown is the first 12 reads, in order.
  expect(data.flatMap((e) => e.records.map((r) => r.tUs))).toEqual(Array.from({ length: 12 }, (_, i) => i))
})

describe('display batching: about every flushMs or at flushBytes, whichever comes first', () => {
  const rec = (i: number, len: number) => ({ connId: 1, dir: 'in' as const, tUs: i, len })
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

  it('with everything drawn, the reads of one turn go out together right after it', async () => {
    const sent: EngineEvent[] = []
    const ch = new DisplayChannel('p', (e) => sent.push(e), { flushMs: 10_000, flushBytes: 1000, highWater: 1000, maxBacklog: 5000 })
    for (let i = 0; i < 3; i++) ch.push(rec(i, 10), new Uint8Array(10))
    expect(sent).toHaveLength(0)
    await turn()
    expect(sent).toHaveLength(1)
    expect((sent[0] as Extract<EngineEvent, { type: 'data' }>).records.map((r) => r.tUs)).toEqual([0, 1, 2])
  })

  it('while a batch is being drawn, reads gather until flushMs has passed (or the screen acknowledges)', async () => {
    const sent: EngineEvent[] = []
    const flushMs = 60
    const ch = new DisplayChannel('p', (e) => sent.push(e), { flushMs, flushBytes: 1000, highWater: 1000, maxBacklog: 5000 })
    ch.push(rec(0, 10), new Uint8Array(10))
    await turn()
    expect(sent).toHaveLength(1) // drawn by nobody yet: 10 B unacknowledged
    const start = performance.now()
    ch.push(rec(1, 10), new Uint8Array(10))
    ch.push(rec(2, 10), new Uint8Array(10))
    await turn()
    expect(sent, 'nothing goes out before the window closes').toHaveLength(1)
    while (sent.length < 2 && performance.now() - start < 5000) await new Promise((r) => setTimeout(r, 5))
    expect(performance.now() - start, 'the second batch waited for the flush window').toBeGreaterThanOrEqual(flushMs - 2)
    expect((sent[1] as Extract<EngineEvent, { type: 'data' }>).records.map((r) => r.tUs)).toEqual([1, 2])

    // An acknowledgement ends the wait at once.
    ch.push(rec(3, 10), new Uint8Array(10))
    ch.ack(20)
    await turn()
    expect(sent).toHaveLength(3)
  })

  it('flushBytes gathered sends a batch at once, without waiting for the window; no batch is bigger', () => {
    const sent: EngineEvent[] = []
    const ch = new DisplayChannel('p', (e) => sent.push(e), { flushMs: 10_000, flushBytes: 1000, highWater: 10_000, maxBacklog: 50_000 })
    for (let i = 0; i < 5; i++) ch.push(rec(i, 250), new Uint8Array(250))
    // The fourth read made 1000 B: that batch left synchronously, inside push().
    expect(sent).toHaveLength(1)
    const first = sent[0] as Extract<EngineEvent, { type: 'data' }>
    expect(first.data.byteLength).toBe(1000)
    expect(first.records).toHaveLength(4)
  })
})

describe('the backlog is what the screen draws in about two seconds', () => {
  const KiB = 1024
  const rec = (i: number, len: number) => ({ connId: 1, dir: 'in' as const, tUs: i, len })

  /** A screen that draws `perMs` bytes a millisecond of a fake clock, acknowledging each batch; what it drew before `until` held. */
  async function drawUntil(ch: DisplayChannel, sent: EngineEvent[], clock: { ms: number }, perMs: number, until: () => boolean): Promise<number> {
    let acked = 0
    for (let i = 0; i < 100_000 && !until(); i++) {
      const sentBytes = sent.reduce((n, e) => n + (e.type === 'data' ? e.data.byteLength : 0), 0)
      const n = sentBytes - acked
      if (n > 0) {
        clock.ms += n / perMs
        ch.ack(n)
        acked += n
      }
      await new Promise((r) => setImmediate(r))
    }
    return acked
  }

  for (const [name, perMs, bound] of [
    ['a slow screen (100 KiB/s) holds 200 KiB', 0.1 * KiB, 200 * KiB],
    ['a fast screen (1 MiB/s) holds 2 MiB', MiB / 1000, 2 * MiB]
  ] as const) {
    it(`${name}, so a close line behind a flood waits about 2 s of drawing, not for the whole flood`, async () => {
      const clock = { ms: 0 }
      const sent: EngineEvent[] = []
      const opts = { flushMs: 10_000, flushBytes: 16 * KiB, highWater: 16 * KiB, minBacklog: 32 * KiB, maxBacklog: 8 * MiB, drawMs: 2000, now: () => clock.ms }
      const ch = new DisplayChannel('p', (e) => sent.push(e), opts)
      // The screen draws a first burst at its own pace: the channel learns how fast it is.
      for (let i = 0; i < 64; i++) ch.push(rec(i, 4 * KiB), new Uint8Array(4 * KiB))
      await drawUntil(ch, sent, clock, perMs, () => ch.backlog === 0)
      expect(ch.backlogBound).toBeGreaterThan(bound * 0.8)
      expect(ch.backlogBound).toBeLessThan(bound * 1.2)
      // A flood of 8 MiB, then the connection closes.
      const mark = sent.length
      for (let i = 0; i < 2048; i++) ch.push(rec(1000 + i, 4 * KiB), new Uint8Array(4 * KiB))
      ch.event({ type: 'conn.closed', paneId: 'p', connId: 1, how: 'close', bytesIn: 8 * MiB, bytesOut: 0, tUs: 9999 })
      const startMs = clock.ms
      await drawUntil(ch, sent, clock, perMs, () => sent.some((e) => e.type === 'conn.closed'))
      const shownBeforeClose = sent
        .slice(
          mark,
          sent.findIndex((e) => e.type === 'conn.closed')
        )
        .reduce((n, e) => n + (e.type === 'data' ? e.data.byteLength : 0), 0)
      // The close line came after about two seconds of drawing (the batch in flight adds a little).
      expect(clock.ms - startMs).toBeLessThan(2000 * 1.3)
      // What waited before the close line: the bounded backlog and the batch in flight, then one marker.
      expect(shownBeforeClose).toBeLessThanOrEqual(ch.backlogBound + 2 * opts.flushBytes)
      const marker = sent.slice(mark).find((e) => e.type === 'display.skipped')
      expect(marker).toMatchObject({ type: 'display.skipped' })
      expect((marker as { bytes: number }).bytes + shownBeforeClose).toBe(8 * MiB)
    })
  }

  it('never less than the floor: a burst of minBacklog is drawn whole on any screen', () => {
    const sent: EngineEvent[] = []
    const ch = new DisplayChannel('p', (e) => sent.push(e), { flushMs: 10_000, flushBytes: 16 * KiB, highWater: 16 * KiB, minBacklog: MiB, now: () => 0 })
    expect(ch.backlogBound).toBe(MiB)
    for (let i = 0; i < 64; i++) ch.push(rec(i, 16 * KiB), new Uint8Array(16 * KiB))
    expect(ch.paused).toBe(false)
  })
})

it("small writes drawn at once do not lower the measured speed: after typing, a flood still gets the fast screen's backlog", async () => {
  const KiB = 1024
  const clock = { ms: 0 }
  const sent: EngineEvent[] = []
  const ch = new DisplayChannel('p', (e) => sent.push(e), {
    flushMs: 10_000,
    flushBytes: 16 * KiB,
    highWater: 16 * KiB,
    minBacklog: 32 * KiB,
    maxBacklog: 8 * MiB,
    now: () => clock.ms
  })
  const drawn = (): number => sent.reduce((n, e) => n + (e.type === 'data' ? e.data.byteLength : 0), 0)
  let acked = 0
  // A fast screen (1 MiB/s) draws a burst: the channel learns its speed.
  for (let i = 0; i < 64; i++) ch.push({ connId: 1, dir: 'in', tUs: i, len: 4 * KiB }, new Uint8Array(4 * KiB))
  for (let i = 0; i < 1000 && ch.backlog > 0; i++) {
    const n = drawn() - acked
    clock.ms += n / (MiB / 1000)
    ch.ack(n)
    acked += n
    await new Promise((r) => setImmediate(r))
  }
  const ack = (): void => {
    const n = drawn() - acked
    ch.ack(n)
    acked += n
  }
  ack()
  const learned = ch.backlogBound
  expect(learned).toBeGreaterThan(MiB)
  // Then someone types: 6 B lines, each drawn 2 ms after it was sent.
  for (let i = 0; i < 50; i++) {
    ch.push({ connId: 1, dir: 'in', tUs: 1000 + i, len: 6 }, new Uint8Array(6))
    await new Promise((r) => setImmediate(r))
    clock.ms += 2
    ack()
    clock.ms += 500
  }
  expect(ch.backlogBound).toBe(learned)
})
