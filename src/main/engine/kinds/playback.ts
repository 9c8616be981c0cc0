// A playback pane: shows a recorded session's records as the recorded pane showed them —
// with its framing and transforms, as messages — without recording them again or answering
// them. The session layer's timeline (src/main/session/playback.ts) feeds it.
import type { Endpoint, PaneConfig, PaneEvent } from '../../../shared/contract'
import type { Message } from '../message-path'
import { defineKind, type ConnStats, type PaneContext, type PaneRuntime } from '../pane-kind'

/** The deframer of a connection's writes (their messages are decoded apart from its reads). */
const outKey = (connId: number): number => -1 - connId

export class PlaybackPane implements PaneRuntime {
  readonly kind = 'playback'
  /** Display bytes per recorded byte: a message shows each of its stages (wire, unframed, each transform). */
  private stages = 1

  constructor(private readonly ctx: PaneContext) {}

  /** Decode what is shown with the recorded pane's framing and transforms (auto-replies never run here). */
  configure(config: PaneConfig): void {
    this.ctx.configure({ ...config, autoReplies: [] })
    this.stages = (config.framing.kind === 'raw' ? 1 : 2) + config.transforms.length
  }

  /** Recorded bytes the screen can take now without leaving any out. */
  room(): number {
    return Math.floor(this.ctx.screenRoom / this.stages)
  }

  /** Reads are cut into messages: what came before on a connection decides where the next one begins. */
  get framed(): boolean {
    return this.ctx.path().framed
  }

  /** A recorded read or write not shown, only given to its connection's deframer (see MessagePath.absorb). */
  absorb(connId: number, dir: 'in' | 'out', bytes: Uint8Array): void {
    this.ctx.path().absorb(dir === 'in' ? connId : outKey(connId), bytes)
  }

  /**
   * A recorded read or write, shown the way the recorded pane showed it. A write is decoded
   * back into its messages and each is shown as it was sent (payload, each transform, the
   * frame) when encoding it again gives the same wire bytes.
   */
  show(connId: number, dir: 'in' | 'out', tUs: number, bytes: Uint8Array, peer?: Endpoint): void {
    const path = this.ctx.path()
    const record = { connId, dir, tUs, ...(peer ? { peer } : {}) }
    if (!path.active) return this.ctx.show(record, bytes)
    const datagram = peer !== undefined
    if (dir === 'in') {
      for (const m of path.incoming(connId, bytes, datagram)) this.ctx.show(record, undefined, m)
      return
    }
    // Encoding again only to show the sent parts in order: not for a record only counted.
    for (const m of path.incoming(outKey(connId), bytes, datagram)) this.ctx.show(record, undefined, this.ctx.screenBehind ? m : this.asSent(m, datagram))
  }

  /** A recorded connection ended: an incomplete last frame is shown, as it was. */
  closed(connId: number, tUs: number): void {
    const path = this.ctx.path()
    path.closeConn(outKey(connId))
    const rest = path.closeConn(connId)
    if (rest) this.ctx.show({ connId, dir: 'in', tUs }, undefined, rest)
  }

  /** A recorded lifecycle event (a connection line, a state, an error), in order with the records. */
  event(event: PaneEvent): void {
    this.ctx.emit(event)
  }

  /** The pane starts over (the timeline went backwards). */
  clear(): void {
    this.ctx.clearScreen()
  }

  private asSent(m: Message, datagram: boolean): Message {
    if (!m.ok) return m
    try {
      const again = this.ctx.path().outgoing(m.payload, datagram)
      return Buffer.compare(again.wire, m.wire) === 0 ? again : m
    } catch {
      return m
    }
  }

  stats(): ConnStats[] {
    return []
  }

  async stop(): Promise<void> {}
}

export const playbackKind = defineKind({ kind: 'playback', create: (ctx: PaneContext) => new PlaybackPane(ctx), commands: {} })
