// The traffic of a live pane: every chunk read or accepted for sending goes to the recorder
// taps first (never skipped, never delayed), then through the pane's message path (framing,
// transforms) to its screen; what is read is also offered to the pane's auto-replies. A pane
// whose transforms decompress does that off the main thread: its screen, its auto-replies and
// its log wait in order behind the message being decompressed (`inOrder`).
import type { Endpoint, TrafficRecord } from '../../shared/contract'
import type { AutoReplier, ReplyAction } from './auto-reply'
import { nowNs } from './clock'
import { toPaneError } from './errors'
import { InOrder } from './in-order'
import { BurstCount } from './burst-count'
import { MAX_INFLATE_QUEUE } from '../../shared/limits'
import type { Message, MessagePath } from './message-path'
import type { TrafficTap } from './taps'
import type { Templates } from './templates'
import type { MessageRef, PaneError } from '../../shared/contract'

/** What a pane sends: the bytes for the wire, and (with a message path) their parts. */
export interface Outgoing {
  wire: Uint8Array
  message?: Message
}

/** What the traffic of a pane needs of it. */
export interface TrafficHost {
  readonly paneId: string
  path(): MessagePath
  replies(): AutoReplier
  readonly templates: Templates
  show(record: Omit<TrafficRecord, 'len' | 'parts' | 'ok'>, bytes: Uint8Array | undefined, message?: Message): void
  error(error: PaneError): void
  note(level: 'info' | 'warn', message: MessageRef): void
}

export class LiveTraffic {
  /** The pane's screen work, in order (see in-order.ts). */
  private readonly screen: InOrder
  private stopped = false
  /** Datagrams shown undecoded because too many waited to be decompressed. */
  private readonly undecoded: BurstCount

  constructor(
    private readonly pane: TrafficHost,
    private readonly tap: (tap: TrafficTap) => void
  ) {
    this.screen = new InOrder(MAX_INFLATE_QUEUE, (err) => pane.error(toPaneError(err, { op: 'read' })))
    this.undecoded = new BurstCount((count) => pane.note('warn', { key: 'log.udpUndecoded', params: { count, queue: MAX_INFLATE_QUEUE } }))
  }

  /**
   * Bytes read from a connection (UDP: connId 0, the sender as peer, one datagram). `reply`
   * sends a payload back the way the bytes came (auto-replies). False when messages wait to
   * be decompressed past the bound: the caller should stop reading until `room()`.
   */
  received(connId: number, bytes: Uint8Array, peer: Endpoint | undefined, reply: (payload: Uint8Array) => void): boolean {
    const tNs = nowNs()
    const tUs = Number(tNs / 1000n)
    this.tap({ paneId: this.pane.paneId, connId, dir: 'in', tNs, bytes, ...(peer ? { peer } : {}) })
    const path = this.pane.path()
    const record = { connId, dir: 'in' as const, tUs, ...(peer ? { peer } : {}) }
    const datagram = peer !== undefined
    if (!path.active) {
      this.inOrder(() => {
        this.pane.show(record, bytes)
        this.answer(connId, bytes, reply)
      })
    } else if (!path.decompresses) this.inOrder(() => this.deliver(record, path.incoming(connId, bytes, datagram), reply))
    else if (datagram && this.screen.full) {
      // A datagram socket cannot stop reading: past the bound a datagram is shown as it came,
      // not decompressed (nor answered), at once, and counted: one note per burst.
      this.pane.show(record, bytes)
      this.undecoded.add()
    } else
      this.inOrder(async () => {
        const messages = await path.incomingOffThread(connId, bytes, datagram)
        if (!this.stopped) this.deliver(record, messages, reply)
      })
    return !this.screen.full
  }

  /** Resolves once few enough messages wait to be decompressed for reading to go on. */
  room(): Promise<void> {
    return this.screen.room()
  }

  /** Runs `show` now, or, while messages are being decompressed, after them (the pane's log and screen keep their order). */
  inOrder(show: () => void | Promise<void>): void {
    this.screen.run(() => (this.stopped ? undefined : show()))
  }

  /** The pane is closing: what still waits in the queue is dropped, never shown. */
  stop(): void {
    this.stopped = true
  }

  private deliver(record: Omit<TrafficRecord, 'len' | 'parts' | 'ok'>, messages: Message[], reply: (payload: Uint8Array) => void): void {
    for (const m of messages) this.pane.show(record, undefined, m)
    for (const m of messages) if (m.ok) this.answer(record.connId, m.payload, reply)
  }

  private answer(connId: number, message: Uint8Array, reply: (payload: Uint8Array) => void): void {
    const replier = this.pane.replies()
    if (!replier.active) return
    replier.onMessage(
      message,
      connId,
      (action: ReplyAction) => {
        try {
          reply(action.kind === 'echo' ? message : this.pane.templates.expand(action.template))
        } catch (err) {
          this.pane.error(toPaneError(err, { op: 'auto-reply' }))
        }
      },
      (note) => this.pane.note('warn', note)
    )
  }

  /** Framing or transforms are on: a payload is shaped before it goes out. */
  get shapesMessages(): boolean {
    return this.pane.path().active
  }

  /** A payload made ready for the wire (transforms, framing); throws an EngineError. */
  encode(payload: Uint8Array, datagram = false): Outgoing {
    const path = this.pane.path()
    if (!path.active) return { wire: payload }
    const message = path.outgoing(payload, datagram)
    return { wire: message.wire, message }
  }

  /** Bytes the socket accepted for sending (at `tNs`, when they were written): recorded, then shown. */
  sent(connId: number, out: Outgoing, peer?: Endpoint, tNs = nowNs()): void {
    this.tap({ paneId: this.pane.paneId, connId, dir: 'out', tNs, bytes: out.wire, ...(peer ? { peer } : {}) })
    this.inOrder(() =>
      this.pane.show({ connId, dir: 'out', tUs: Number(tNs / 1000n), ...(peer ? { peer } : {}) }, out.message ? undefined : out.wire, out.message)
    )
  }

  /** A connection is gone: whatever it left half-framed is shown (after the reads still being decoded). */
  connClosed(connId: number): void {
    const path = this.pane.path()
    const tUs = Number(nowNs() / 1000n)
    this.inOrder(() => {
      const rest = path.closeConn(connId)
      if (rest) this.pane.show({ connId, dir: 'in', tUs }, undefined, rest)
    })
  }
}
