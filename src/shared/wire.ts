// Binary framing for the web host's WebSocket: one frame per message.
//   [u32 LE header length][header: UTF-8 JSON][payload bytes]
// The header is the message with its Uint8Array fields (top level of the body) taken out
// and listed in `$bin` as [name, length] pairs; the payload is those fields' bytes, one after
// the other, never turned into text.

export type WireMessage =
  | { kind: 'command'; id: number; body: Record<string, unknown> }
  | { kind: 'response'; id: number; body: Record<string, unknown> }
  | { kind: 'event'; body: Record<string, unknown> }
  /** A display acknowledgement: one-way, never answered. */
  | { kind: 'ack'; body: Record<string, unknown> }

const enc = new TextEncoder()
const dec = new TextDecoder()

export function encodeFrame(msg: WireMessage): Uint8Array {
  const parts: Uint8Array[] = []
  const bin: [string, number][] = []
  const body: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(msg.body)) {
    if (v instanceof Uint8Array) {
      parts.push(v)
      bin.push([k, v.byteLength])
    } else body[k] = v
  }
  const header = enc.encode(JSON.stringify(bin.length ? { ...msg, body, $bin: bin } : { ...msg, body }))
  let size = 4 + header.byteLength
  for (const p of parts) size += p.byteLength
  const out = new Uint8Array(size)
  new DataView(out.buffer).setUint32(0, header.byteLength, true)
  out.set(header, 4)
  let off = 4 + header.byteLength
  for (const p of parts) {
    out.set(p, off)
    off += p.byteLength
  }
  return out
}

export function decodeFrame(frame: Uint8Array): WireMessage {
  if (frame.byteLength < 4) throw new Error('frame too short')
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const headerLen = view.getUint32(0, true)
  if (4 + headerLen > frame.byteLength) throw new Error('frame header length out of range')
  const parsed = JSON.parse(dec.decode(frame.subarray(4, 4 + headerLen))) as WireMessage & { $bin?: unknown }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.body !== 'object' || parsed.body === null) {
    throw new Error('frame header is not a message')
  }
  const { $bin, ...msg } = parsed
  let off = 4 + headerLen
  if ($bin !== undefined) {
    if (!Array.isArray($bin)) throw new Error('frame binary list is not a list')
    for (const entry of $bin as unknown[]) {
      const [key, len] = Array.isArray(entry) ? entry : []
      if (typeof key !== 'string' || typeof len !== 'number' || !Number.isInteger(len) || len < 0 || off + len > frame.byteLength) {
        throw new Error('frame binary field out of range')
      }
      msg.body[key] = frame.subarray(off, off + len)
      off += len
    }
  }
  return msg as WireMessage
}
