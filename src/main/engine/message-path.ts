// A pane's message path: with framing and/or transforms configured, reads become messages
// (deframed per connection, then each transform undone) and sends become wire bytes
// (each transform applied, then framed). Each message carries its parts, so the screen can
// show every step's bytes. Without either, bytes pass as they are.
import type { MessagePart, MessageRef, PaneConfig } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'
import { Deframer, frame, unframe, type FramingSpec } from '../../shared/framing'
import { applyIncoming, applyOutgoing } from './transforms/pipeline'
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

  constructor(private readonly config: PaneConfig) {}

  get framed(): boolean {
    return this.config.framing.kind !== 'raw'
  }

  get active(): boolean {
    return this.framed || this.config.transforms.length > 0
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
    if (!this.framed || datagram) return [this.undo(bytes)]
    const r = this.deframer(connId).push(bytes)
    const messages = r.frames.map((f) => this.undo(f, unframe(this.config.framing, f)))
    if (r.error) {
      const lost = r.discarded ?? new Uint8Array(0)
      messages.push(build([part('wire', 'wire', lost, false, r.error)], lost, lost))
    }
    return messages
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
    const parts = [part('wire', 'wire', wire)]
    // Every frame shows its unframe step, also a fixed-length one whose payload is the frame.
    if (inner) parts.push(part(framingLabel(this.config.framing), 'unframe', inner))
    const r = applyIncoming(this.config.transforms, inner ?? wire)
    for (const s of r.stages) parts.push(part(s.step, s.op, s.bytes, s.ok, s.reason))
    return build(parts, r.bytes, wire)
  }
}
