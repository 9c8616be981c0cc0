// Binary framing for the web host's WebSocket: one frame per message.
//   [u32 LE header length][header: UTF-8 JSON][payload bytes]
// The header is the message with its one Uint8Array field (if any) taken out and named
// in `$bin`; the payload is that field's bytes, never turned into text.

export type WireMessage =
  | { kind: 'command'; id: number; body: Record<string, unknown> }
  | { kind: 'response'; id: number; body: Record<string, unknown> }
  | { kind: 'event'; body: Record<string, unknown> }

const enc = new TextEncoder()
const dec = new TextDecoder()

export function encodeFrame(msg: WireMessage): Uint8Array {
  let payload: Uint8Array | undefined
  let binKey: string | undefined
  const body: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(msg.body)) {
    if (v instanceof Uint8Array && payload === undefined) {
      payload = v
      binKey = k
    } else body[k] = v
  }
  const header = enc.encode(JSON.stringify({ ...msg, body, $bin: binKey }))
  const out = new Uint8Array(4 + header.byteLength + (payload?.byteLength ?? 0))
  new DataView(out.buffer).setUint32(0, header.byteLength, true)
  out.set(header, 4)
  if (payload) out.set(payload, 4 + header.byteLength)
  return out
}

export function decodeFrame(frame: Uint8Array): WireMessage {
  if (frame.byteLength < 4) throw new Error('frame too short')
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const headerLen = view.getUint32(0, true)
  if (4 + headerLen > frame.byteLength) throw new Error('frame header length out of range')
  const parsed = JSON.parse(dec.decode(frame.subarray(4, 4 + headerLen))) as WireMessage & { $bin?: string }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.body !== 'object' || parsed.body === null) {
    throw new Error('frame header is not a message')
  }
  const { $bin, ...msg } = parsed
  if ($bin) msg.body[$bin] = frame.subarray(4 + headerLen)
  return msg as WireMessage
}
