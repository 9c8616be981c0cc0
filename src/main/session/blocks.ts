// Encoding of the pcapng blocks we write (always little-endian).
import {
  BT_EPB,
  BT_IDB,
  BT_SHB,
  BT_RECORD,
  BYTE_ORDER_MAGIC,
  EPB_FLAGS,
  IF_DESCRIPTION,
  IF_NAME,
  IF_TSRESOL,
  LINKTYPE_RAW,
  OPT_COMMENT,
  OPT_FLOW,
  RECORD_TAG,
  SHB_OS,
  SHB_USERAPPL
} from './constants'

const utf8 = new TextEncoder()

export function pad4(n: number): number {
  return (n + 3) & ~3
}

interface Opt {
  code: number
  value: Uint8Array
}

function optionsLen(opts: Opt[]): number {
  if (opts.length === 0) return 0
  return opts.reduce((s, o) => s + 4 + pad4(o.value.length), 0) + 4
}

function writeOptions(dv: DataView, u8: Uint8Array, at: number, opts: Opt[]): number {
  if (opts.length === 0) return at
  let p = at
  for (const o of opts) {
    dv.setUint16(p, o.code, true)
    dv.setUint16(p + 2, o.value.length, true)
    u8.set(o.value, p + 4)
    p += 4 + pad4(o.value.length)
  }
  dv.setUint32(p, 0, true) // opt_endofopt
  return p + 4
}

function block(type: number, bodyLen: number, fill: (dv: DataView, u8: Uint8Array, at: number) => void): Uint8Array {
  const total = 12 + pad4(bodyLen)
  const u8 = new Uint8Array(total)
  const dv = new DataView(u8.buffer)
  dv.setUint32(0, type, true)
  dv.setUint32(4, total, true)
  fill(dv, u8, 8)
  dv.setUint32(total - 4, total, true)
  return u8
}

/** Section Header Block: little-endian, version 1.0, section length unknown (-1). */
export function encodeShb(application: string): Uint8Array {
  const opts: Opt[] = [
    { code: SHB_USERAPPL, value: utf8.encode(application) },
    { code: SHB_OS, value: utf8.encode(`${process.platform} ${process.arch}`) },
    { code: OPT_COMMENT, value: utf8.encode('Net Playground session (pcapng); format: docs/session-format.md') }
  ]
  return block(BT_SHB, 16 + optionsLen(opts), (dv, u8, at) => {
    dv.setUint32(at, BYTE_ORDER_MAGIC, true)
    dv.setUint16(at + 4, 1, true)
    dv.setUint16(at + 6, 0, true)
    dv.setUint32(at + 8, 0xffffffff, true)
    dv.setUint32(at + 12, 0xffffffff, true)
    writeOptions(dv, u8, at + 16, opts)
  })
}

/** Interface Description Block: LINKTYPE_RAW, no snap length, nanosecond timestamps. */
export function encodeIdb(): Uint8Array {
  const opts: Opt[] = [
    { code: IF_NAME, value: utf8.encode('net-playground') },
    { code: IF_DESCRIPTION, value: utf8.encode('Connections of Net Playground panes, synthesized from socket data') },
    { code: IF_TSRESOL, value: Uint8Array.of(9) }
  ]
  return block(BT_IDB, 8 + optionsLen(opts), (dv, u8, at) => {
    dv.setUint16(at, LINKTYPE_RAW, true)
    dv.setUint16(at + 2, 0, true)
    dv.setUint32(at + 4, 0, true)
    writeOptions(dv, u8, at + 8, opts)
  })
}

const TAG = utf8.encode(RECORD_TAG)

/**
 * Record block (BT_RECORD, local use): RECORD_TAG, then UTF-8 JSON padded with spaces to a
 * multiple of 4 (so the padded text is still valid JSON), no options.
 */
export function encodeRecordBlock(json: string): Uint8Array {
  const text = utf8.encode(json)
  return block(BT_RECORD, TAG.length + pad4(text.length), (_dv, u8, at) => {
    u8.set(TAG, at)
    u8.set(text, at + TAG.length)
    u8.fill(0x20, at + TAG.length + text.length, at + TAG.length + pad4(text.length))
  })
}

/** EPB options we always write: epb_flags (direction), our flow option (flow, kind), opt_endofopt. */
const EPB_OPTIONS_LEN = 8 + 12 + 4
/** Fixed part of an EPB (type, length, interface, timestamp, lengths) plus the trailing length. */
const EPB_FIXED_LEN = 28 + 4

/** The length of an EPB around a packet of `packetLen` bytes, with a comment of `commentLen` UTF-8 bytes (0: none). */
export function epbLen(packetLen: number, commentLen = 0): number {
  return EPB_FIXED_LEN + pad4(packetLen) + EPB_OPTIONS_LEN + (commentLen > 0 ? 4 + pad4(commentLen) : 0)
}

/**
 * Writes an EPB around a packet that is already in `u8` at `at + 28` (`packetLen` bytes).
 * `out` sets epb_flags to outbound, else inbound; `comment` (UTF-8, at most 65535 bytes)
 * becomes the packet's opt_comment. Returns the block length.
 */
export function finishEpb(
  dv: DataView,
  u8: Uint8Array,
  at: number,
  packetLen: number,
  tNs: bigint,
  flow: number,
  kind: number,
  out: boolean,
  comment?: Uint8Array
): number {
  const total = epbLen(packetLen, comment?.length ?? 0)
  const t = tNs < 0n ? 0n : BigInt.asUintN(64, tNs)
  dv.setUint32(at, BT_EPB, true)
  dv.setUint32(at + 4, total, true)
  dv.setUint32(at + 8, 0, true)
  dv.setUint32(at + 12, Number(t >> 32n), true)
  dv.setUint32(at + 16, Number(t & 0xffffffffn), true)
  dv.setUint32(at + 20, packetLen, true)
  dv.setUint32(at + 24, packetLen, true)
  let p = at + 28 + packetLen
  const padded = at + 28 + pad4(packetLen)
  u8.fill(0, p, padded)
  p = padded
  dv.setUint16(p, EPB_FLAGS, true)
  dv.setUint16(p + 2, 4, true)
  dv.setUint32(p + 4, out ? 2 : 1, true)
  p += 8
  dv.setUint16(p, OPT_FLOW, true)
  dv.setUint16(p + 2, 5, true)
  dv.setUint32(p + 4, flow >>> 0, true)
  dv.setUint32(p + 8, kind & 0xff, true) // kind byte + 3 bytes of padding
  p += 12
  if (comment && comment.length > 0) {
    dv.setUint16(p, OPT_COMMENT, true)
    dv.setUint16(p + 2, comment.length, true)
    u8.set(comment, p + 4)
    u8.fill(0, p + 4 + comment.length, p + 4 + pad4(comment.length))
    p += 4 + pad4(comment.length)
  }
  dv.setUint32(p, 0, true)
  p += 4
  dv.setUint32(p, total, true)
  return total
}
