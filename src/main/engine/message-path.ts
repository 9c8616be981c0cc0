// A pane's message path: with framing and/or transforms configured, reads become messages
// (deframed per connection, then each transform undone) and sends become wire bytes
// (each transform applied, then framed). Each message carries its parts, so the screen can
// show every step's bytes. Without either, bytes pass as they are.
import type { MessagePart, MessageRef, PaneConfig } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'
import { Deframer, frame, unframe, type FramingSpec } from '../../shared/framing'
import { decompressesIncoming } from '../../shared/transform-spec'
import { applyIncoming, applyIncomingOffThread, applyOutgoing, type PipelineResult } from './transforms/pipeline'
import { fail } from './errors'

export interface Message {
  /** What the person wrote or the peer meant: the payload, after every step. */
  payload: Uint8Array
  /** The bytes on the wire. */
  wire: Uint8Array
  parts: MessagePart[]
  /** The parts' bytes, in order: what the display record carries (built only if shown). */
  readonly data: Uint8Array
  /** The length of `data`, known without building it. */
  size: number
  ok: boolean
}

function framingLabel(f: FramingSpec): string {
  switch (f.kind) {
    case 'raw':
      return 'raw'
    case 'delimiter':
      return `delimiter ${f.delimiterHex}`
    case 'fixed':
      return `fixed ${f.length}`
    case 'length':
      return `length ${f.bytes}B ${f.endian.toUpperCase()}${f.includesHeader ? ' incl. header' : ''}`
  }
}

function build(parts: { part: MessagePart; bytes: Uint8Array }[], payload: Uint8Array, wire: Uint8Array): Message {
  let data: Uint8Array | undefined
  return {
    payload,
    wire,
    parts: parts.map((p) => p.part),
    get data() {
      return (data ??= concatBytes(parts.map((p) => p.bytes)))
    },
    size: parts.reduce((n, p) => n + p.bytes.byteLength, 0),
    ok: parts.every((p) => p.part.ok)
  }
}

const part = (label: string, op: MessagePart['op'], bytes: Uint8Array, ok = true, reason?: MessageRef): { part: MessagePart; bytes: Uint8Array } => ({
  part: reason === undefined ? { label, op, ok, len: bytes.byteLength } : { label, op, ok, len: bytes.byteLength, reason },
  bytes
})

export class MessagePath {
  private readonly deframers = new Map<number, Deframer>()
  /** The most one message may decompress to, in bytes (the pane's setting). */
  private maxInflate = 0

  constructor(private readonly config: PaneConfig) {
    this.limitTo(config.maxInflateMiB)
  }

  /** A new limit for what one message may decompress to; unfinished frames are kept. */
  limitTo(maxInflateMiB: number): void {
    this.maxInflate = maxInflateMiB * 1024 * 1024
  }

  get framed(): boolean {
    return this.config.framing.kind !== 'raw'
  }

  get active(): boolean {
    return this.framed || this.config.transforms.length > 0
  }

  /** Received messages are decompressed: incomingOffThread, not incoming, keeps the event loop free. */
  get decompresses(): boolean {
    return decompressesIncoming(this.config.transforms)
  }

  /** Payload → wire. Datagrams are not framed (a datagram is already a message). */
  outgoing(payload: Uint8Array, datagram = false): Message {
    const parts = [part('payload', 'payload', payload)]
    const out = applyOutgoing(this.config.transforms, payload)
    for (const s of out.stages) parts.push(part(s.step, s.op, s.bytes, s.ok, s.reason))
    if (!out.ok) fail('BAD_TEMPLATE', undefined, { reason: out.stages.find((s) => !s.ok)?.reason ?? { key: 'why.transform.failed' } })
    let wire = out.bytes
    if (this.framed && !datagram) {
      const f = frame(this.config.framing, wire)
      if (!f.ok) fail('BAD_FRAME', undefined, { reason: f.reason })
      wire = f.bytes
      parts.push(part(framingLabel(this.config.framing), 'frame', wire))
    }
    return build(parts, payload, wire)
  }

  /** One read (or datagram) → the messages it completes. */
  incoming(connId: number, bytes: Uint8Array, datagram = false): Message[] {
    return this.deframe(connId, bytes, datagram).map((f) => ('message' in f ? f.message : this.undo(f.wire, f.inner)))
  }

  /**
   * incoming, with each message's decompression done off the main thread, one after another.
   * The read is deframed now: the next read of the connection may be deframed before this resolves.
   */
  async incomingOffThread(connId: number, bytes: Uint8Array, datagram = false): Promise<Message[]> {
    const messages: Message[] = []
    for (const f of this.deframe(connId, bytes, datagram)) {
      messages.push(
        'message' in f ? f.message : this.undone(f.wire, f.inner, await applyIncomingOffThread(this.config.transforms, f.inner ?? f.wire, this.maxInflate))
      )
    }
    return messages
  }

  /** A read's frames (wire bytes, and the payload inside the framing), or the message of what could not be framed. */
  private deframe(connId: number, bytes: Uint8Array, datagram: boolean): ({ wire: Uint8Array; inner?: Uint8Array } | { message: Message })[] {
    if (!this.framed || datagram) return [{ wire: bytes }]
    const r = this.deframer(connId).push(bytes)
    const frames: ({ wire: Uint8Array; inner?: Uint8Array } | { message: Message })[] = r.frames.map((f) => ({
      wire: f,
      inner: unframe(this.config.framing, f)
    }))
    if (r.error) {
      const lost = r.discarded ?? new Uint8Array(0)
      frames.push({ message: build([part('wire', 'wire', lost, false, r.error)], lost, lost) })
    }
    return frames
  }

  /**
   * One read that only moves the connection's deframer on: the frames it completes are dropped,
   * never decoded (playback passing over what it does not redraw keeps the framing in step).
   */
  absorb(connId: number, bytes: Uint8Array): void {
    if (this.framed) this.deframer(connId).push(bytes)
  }

  private deframer(connId: number): Deframer {
    let deframer = this.deframers.get(connId)
    if (!deframer) {
      deframer = new Deframer(this.config.framing)
      this.deframers.set(connId, deframer)
    }
    return deframer
  }

  /** Bytes of unfinished frames, by connection (what a change of framing would drop). */
  pending(): { connId: number; bytes: number }[] {
    return [...this.deframers].filter(([, d]) => d.pending > 0).map(([connId, d]) => ({ connId, bytes: d.pending }))
  }

  /** At the end of a connection: an incomplete last frame, if any. */
  closeConn(connId: number): Message | undefined {
    const rest = this.deframers.get(connId)?.flush()
    this.deframers.delete(connId)
    if (!rest || rest.byteLength === 0) return undefined
    return build([part('wire', 'wire', rest, false, { key: 'why.frame.incomplete' })], rest, rest)
  }

  /** `inner`: the payload of a frame (absent for a datagram or with no framing). */
  private undo(wire: Uint8Array, inner?: Uint8Array): Message {
    return this.undone(wire, inner, applyIncoming(this.config.transforms, inner ?? wire, this.maxInflate))
  }

  /** A frame's message: its wire bytes, its unframe step, and each transform undone (`r`). */
  private undone(wire: Uint8Array, inner: Uint8Array | undefined, r: PipelineResult): Message {
    const parts = [part('wire', 'wire', wire)]
    // Every frame shows its unframe step, also a fixed-length one whose payload is the frame.
    if (inner) parts.push(part(framingLabel(this.config.framing), 'unframe', inner))
    for (const s of r.stages) parts.push(part(s.step, s.op, s.bytes, s.ok, s.reason))
    return build(parts, r.bytes, wire)
  }
}
