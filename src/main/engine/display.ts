// The display channel of one pane: batches traffic for the screen (at once when the renderer
// has drawn everything, else every ~16 ms or at ~256 KiB) and applies acknowledgement-based
// flow control. Above the high watermark of bytes sent but not yet drawn, it stops sending
// and counts what it skipped; when the renderer catches up it sends one "n bytes not drawn"
// marker and resumes. It never touches the socket: the connection keeps flowing whatever
// the screen does.
import type { EngineEvent, TrafficRecord } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'

export interface DisplayOptions {
  flushMs: number
  flushBytes: number
  highWater: number
  lowWater: number
}

export const defaultDisplayOptions: DisplayOptions = {
  flushMs: 16,
  flushBytes: 256 * 1024,
  // One full batch in flight: a terminal cannot usefully draw more than it can keep up with,
  // and every byte past this is still counted, recorded and reported as "not drawn".
  highWater: 256 * 1024,
  lowWater: 64 * 1024
}

export class DisplayChannel {
  private records: TrafficRecord[] = []
  private chunks: Uint8Array[] = []
  private size = 0
  private cancelTimer: (() => void) | undefined
  private unacked = 0
  private behind = false
  private skippedBytes = 0
  private skippedRecords = 0

  constructor(
    private readonly paneId: string,
    private readonly send: (event: EngineEvent) => void,
    private readonly opts: DisplayOptions = defaultDisplayOptions
  ) {}

  /** True while the screen is behind: a record pushed now would only be counted. */
  get paused(): boolean {
    return this.behind
  }

  /** Counts a record the screen will not get (cheaper than building its bytes to push). */
  skip(len: number): void {
    this.skippedBytes += len
    this.skippedRecords++
  }

  push(record: TrafficRecord, bytes: Uint8Array): void {
    if (this.behind) return this.skip(bytes.byteLength)
    this.records.push(record)
    this.chunks.push(bytes)
    this.size += bytes.byteLength
    if (this.size >= this.opts.flushBytes) this.flush()
    else if (!this.cancelTimer) {
      // When the renderer has drawn everything, what arrived in this turn of the event loop
      // goes out at once: a typed line, an answer, shows without delay. While it is still
      // drawing, reads gather until it acknowledges or the flushMs window closes, so batches
      // grow exactly as fast as the screen falls behind.
      this.schedule(this.unacked === 0 ? 0 : this.opts.flushMs)
    }
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

  /** Sends what is batched now (also called before any lifecycle event, to keep order). */
  flush(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    if (this.records.length === 0) return
    const event: EngineEvent = { type: 'data', paneId: this.paneId, records: this.records, data: concatBytes(this.chunks) }
    // Count it as unacknowledged before it leaves: a renderer may acknowledge synchronously.
    this.unacked += this.size
    this.records = []
    this.chunks = []
    this.size = 0
    if (this.unacked >= this.opts.highWater) this.behind = true
    this.send(event)
  }

  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes)
    if (this.unacked === 0 && this.records.length > 0) {
      this.cancelTimer?.()
      this.schedule(0)
    }
    if (this.behind && this.unacked <= this.opts.lowWater) {
      this.behind = false
      if (this.skippedRecords > 0) {
        this.send({ type: 'display.skipped', paneId: this.paneId, bytes: this.skippedBytes, records: this.skippedRecords })
        this.skippedBytes = 0
        this.skippedRecords = 0
      }
    }
  }

  /** Drops what is batched and not yet sent (the view is being cleared). */
  discard(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    this.records = []
    this.chunks = []
    this.size = 0
    this.skippedBytes = 0
    this.skippedRecords = 0
  }

  get pendingAck(): number {
    return this.unacked
  }

  dispose(): void {
    this.flush()
  }
}
