// The display channel of one pane: batches traffic for the screen and applies
// acknowledgement-based flow control. Records wait in a bounded backlog and go out in batches
// of at most ~flushBytes while fewer than highWater bytes are sent but not yet drawn (at once
// when the renderer has drawn everything, else every ~flushMs or as soon as it acknowledges).
// The backlog holds what the screen can draw in about drawMs (measured from its
// acknowledgements), never less than minBacklog (1 MiB: a burst that size is always drawn
// whole) nor more than maxBacklog (8 MiB). Only past it are records skipped and counted, and
// once the backlog has drained the renderer gets one "n bytes not drawn" marker. Pane events
// (a connection closing, an error) wait behind the backlog so they stay in order with the
// data; sizing it by the screen's speed bounds that wait to about drawMs. It never touches the socket: the connection
// keeps flowing (and the recorder keeps every byte) whatever the screen does. No record goes
// out larger than a batch: a bigger one is taken or skipped whole, and sent in pieces the
// screen draws as one message (src/shared/record-pieces.ts).
import type { EngineEvent, TrafficRecord } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'
import { SCREEN_BATCH_BYTES } from '../../shared/limits'
import { splitRecord } from '../../shared/record-pieces'

export interface DisplayOptions {
  flushMs: number
  /** The largest batch, and so the largest record sent: a bigger one goes in pieces. */
  flushBytes: number
  /** Bytes sent but not acknowledged above which nothing more is sent. */
  highWater: number
  /** The most payload bytes waiting to be sent; past the current bound, new records are skipped. */
  maxBacklog: number
  /** The least: a burst this size is drawn whole however slow the screen. */
  minBacklog: number
  /** The backlog is what the screen draws in this long (ms), between minBacklog and maxBacklog. */
  drawMs: number
  /** The clock (ms): performance.now, or a test's. */
  now: () => number
}

export const defaultDisplayOptions: DisplayOptions = {
  flushMs: 16,
  flushBytes: SCREEN_BATCH_BYTES,
  // One full batch in flight: the renderer draws one while the next one waits here.
  highWater: 256 * 1024,
  // Past this, a flood is counted and reported as "not drawn" instead of growing memory
  // without bound, and a close line never waits for more than a fast screen draws in drawMs.
  maxBacklog: 8 * 1024 * 1024,
  // A 1 MiB write shows whole even on a slow screen.
  minBacklog: 1024 * 1024,
  drawMs: 2000,
  now: () => performance.now()
}

/** How much the latest measurement counts in the screen's drawing rate. */
const RATE_WEIGHT = 0.3

type Queued = { kind: 'record'; record: TrafficRecord; bytes: Uint8Array } | { kind: 'event'; event: EngineEvent }

export class DisplayChannel {
  private queue: Queued[] = []
  private head = 0
  /** Payload bytes in the queue. */
  private queued = 0
  private cancelTimer: (() => void) | undefined
  private unacked = 0
  private skipping = false
  private skippedBytes = 0
  private skippedRecords = 0
  /** The screen's drawing rate (bytes per ms), from its acknowledgements; undefined until measured. */
  private rate: number | undefined
  /** Since when the screen has had undrawn bytes without acknowledging any. */
  private busySince = 0
  /**
   * The bytes in flight are a measure of the screen's speed: a full batch, or one sent while
   * more waited. A small write drawn at once measures how soon the screen answers, not how
   * fast it draws, and is left out of the rate.
   */
  private measuring = false

  private readonly opts: DisplayOptions

  constructor(
    private readonly paneId: string,
    private readonly send: (event: EngineEvent) => void,
    opts: Partial<DisplayOptions> = {}
  ) {
    this.opts = { ...defaultDisplayOptions, ...opts }
  }

  /** True while the backlog is full: a record pushed now would only be counted. */
  get paused(): boolean {
    return this.skipping
  }

  /** Counts a record the screen will not get (cheaper than building its bytes to push). */
  skip(len: number): void {
    this.skippedBytes += len
    this.skippedRecords++
  }

  push(record: TrafficRecord, bytes: Uint8Array): void {
    if (this.skipping) return this.skip(bytes.byteLength)
    if (this.queued > 0 && this.queued + bytes.byteLength > this.backlogBound) {
      this.skipping = true
      return this.skip(bytes.byteLength)
    }
    // A record is taken or skipped whole, and a taken one larger than a batch waits in pieces
    // (views of its bytes, no copy) that the screen draws as one message.
    for (const p of splitRecord(record, bytes, this.opts.flushBytes)) this.queue.push({ kind: 'record', record: p.rec, bytes: p.bytes })
    this.queued += bytes.byteLength
    if (this.queued >= this.opts.flushBytes) this.pump()
    else if (!this.cancelTimer) {
      // When the renderer has drawn everything, what arrived in this turn of the event loop
      // goes out at once: a typed line, an answer, shows without delay. While it is still
      // drawing, reads gather until it acknowledges or the flushMs window closes, so batches
      // grow exactly as fast as the screen falls behind.
      this.schedule(this.unacked === 0 ? 0 : this.opts.flushMs)
    }
  }

  /** An event about the pane: sent now when nothing waits before it, else queued behind it. */
  event(event: EngineEvent): void {
    if (this.pending === 0) return this.send(event)
    if (this.skipping && this.skippedRecords > 0) {
      // What was skipped so far came before this event: its marker goes before it too.
      this.queue.push({ kind: 'event', event: { type: 'display.skipped', paneId: this.paneId, bytes: this.skippedBytes, records: this.skippedRecords } })
      this.skippedBytes = 0
      this.skippedRecords = 0
    }
    this.queue.push({ kind: 'event', event })
    this.pump()
  }

  /** Flush after `ms`; 0 means right after the reads of this turn of the event loop. */
  private schedule(ms: number): void {
    if (ms === 0) {
      const t = setImmediate(() => this.flush())
      this.cancelTimer = () => clearImmediate(t)
    } else {
      const t = setTimeout(() => this.flush(), ms)
      this.cancelTimer = () => clearTimeout(t)
    }
  }

  private get pending(): number {
    return this.queue.length - this.head
  }

  /** Sends what waits, as far as flow control allows (also called by the flush timer). */
  flush(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.pump()
  }

  private pump(force = false): void {
    while (this.pending > 0 && (force || this.unacked < this.opts.highWater)) {
      const first = this.queue[this.head]!
      if (first.kind === 'event') {
        this.head++
        this.send(first.event)
        continue
      }
      const records: TrafficRecord[] = []
      const chunks: Uint8Array[] = []
      let size = 0
      while (this.pending > 0) {
        const q = this.queue[this.head]!
        if (q.kind !== 'record' || (records.length > 0 && size + q.bytes.byteLength > this.opts.flushBytes)) break
        records.push(q.record)
        chunks.push(q.bytes)
        size += q.bytes.byteLength
        this.head++
      }
      this.queued -= size
      // Count it as unacknowledged before it leaves: a renderer may acknowledge synchronously.
      if (this.unacked === 0) this.busySince = this.opts.now()
      if (size * 2 >= this.opts.flushBytes || this.pending > 0) this.measuring = true
      this.unacked += size
      this.send({ type: 'data', paneId: this.paneId, records, data: concatBytes(chunks) })
    }
    this.compact()
    if (this.skipping && this.pending === 0) {
      // Everything before the gap has gone out: say what was left out, then carry on.
      this.skipping = false
      this.reportSkipped()
    }
  }

  private reportSkipped(): void {
    if (this.skippedRecords === 0) return
    this.send({ type: 'display.skipped', paneId: this.paneId, bytes: this.skippedBytes, records: this.skippedRecords })
    this.skippedBytes = 0
    this.skippedRecords = 0
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
  }

  /** The backlog's bound now: what the screen draws in drawMs, between minBacklog and maxBacklog. */
  get backlogBound(): number {
    const { minBacklog, maxBacklog, drawMs } = this.opts
    return Math.min(maxBacklog, Math.max(minBacklog, (this.rate ?? 0) * drawMs))
  }

  ack(bytes: number): void {
    if (bytes > 0 && this.unacked > 0) {
      // The screen drew `bytes` in the time since it last caught up or acknowledged.
      const now = this.opts.now()
      if (this.measuring) {
        const sample = Math.min(bytes, this.unacked) / Math.max(1, now - this.busySince)
        this.rate = this.rate === undefined ? sample : this.rate + RATE_WEIGHT * (sample - this.rate)
      }
      this.busySince = now
    }
    this.unacked = Math.max(0, this.unacked - bytes)
    if (this.unacked === 0) this.measuring = false
    if (this.pending > 0 && this.unacked < this.opts.highWater) {
      // The renderer caught up: the next batch goes right away (after this turn's reads).
      this.cancelTimer?.()
      this.cancelTimer = undefined
      this.schedule(0)
    }
  }

  /** Drops the records waiting to be sent (the view is being cleared); events still go. */
  discard(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    const events = this.queue.slice(this.head).filter((q) => q.kind === 'event')
    this.queue = []
    this.head = 0
    this.queued = 0
    this.skipping = false
    this.skippedBytes = 0
    this.skippedRecords = 0
    for (const q of events) this.send(q.event)
  }

  /** Payload bytes waiting for the screen (bounded by maxBacklog). */
  get backlog(): number {
    return this.queued
  }

  /** The pane is going away: what waits goes out now, in batches, then the skipped count. */
  dispose(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.pump(true)
    this.skipping = false
    this.reportSkipped()
  }
}
