// Synthesized IPv4/IPv6 + TCP/UDP packets (LINKTYPE_RAW: the packet starts at the IP
// header). Checksums are computed, so Wireshark shows no errors.
import { foldChecksum, sumWords } from './checksum'

export const TCP_FIN = 0x01
export const TCP_SYN = 0x02
export const TCP_RST = 0x04
export const TCP_PSH = 0x08
export const TCP_ACK = 0x10

export const IPPROTO_TCP = 6
export const IPPROTO_UDP = 17

/** The window field we write; with the window-scale shift below it means about 1 GiB. */
export const TCP_WINDOW = 0xffff
export const TCP_WINDOW_SHIFT = 14

export interface PacketSpec {
  proto: 'tcp' | 'udp'
  v: 4 | 6
  src: Uint8Array
  dst: Uint8Array
  sport: number
  dport: number
  /** TCP only. */
  seq?: number
  ack?: number
  flags?: number
  /** TCP options, a multiple of 4 bytes. */
  options?: Uint8Array
  /** IPv4 identification. */
  ipId?: number
}

export function ipHeaderLen(v: 4 | 6): number {
  return v === 4 ? 20 : 40
}

export function l4HeaderLen(spec: Pick<PacketSpec, 'proto' | 'options'>): number {
  return spec.proto === 'udp' ? 8 : 20 + (spec.options?.length ?? 0)
}

/** The most payload one packet can carry (IPv4 total length / IPv6 payload length are 16-bit). */
export function maxPayload(v: 4 | 6, proto: 'tcp' | 'udp'): number {
  const l4 = proto === 'udp' ? 8 : 20
  return v === 4 ? 65535 - 20 - l4 : 65535 - l4
}

export function packetLen(spec: Pick<PacketSpec, 'proto' | 'options' | 'v'>, payloadLen: number): number {
  return ipHeaderLen(spec.v) + l4HeaderLen(spec) + payloadLen
}

/** TCP options of a SYN: MSS, NOP, window scale. */
export function synOptions(mss: number): Uint8Array {
  return Uint8Array.of(2, 4, (mss >> 8) & 0xff, mss & 0xff, 1, 3, 3, TCP_WINDOW_SHIFT)
}

/**
 * Writes the packet (IP header, TCP/UDP header, payload[pStart, pEnd)) into `out` at `at`
 * and returns its length. The caller makes sure it fits into one packet (see maxPayload).
 */
export function writePacket(out: Uint8Array, at: number, spec: PacketSpec, payload: Uint8Array, pStart: number, pEnd: number, view?: DataView): number {
  const n = pEnd - pStart
  const ipLen = ipHeaderLen(spec.v)
  const l4Len = l4HeaderLen(spec)
  const total = ipLen + l4Len + n
  const proto = spec.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP
  const dv = view ?? new DataView(out.buffer, out.byteOffset, out.byteLength)
  if (spec.v === 4) {
    dv.setUint8(at, 0x45)
    dv.setUint8(at + 1, 0)
    dv.setUint16(at + 2, total)
    dv.setUint16(at + 4, (spec.ipId ?? 0) & 0xffff)
    dv.setUint16(at + 6, 0x4000) // don't fragment
    dv.setUint8(at + 8, 64)
    dv.setUint8(at + 9, proto)
    dv.setUint16(at + 10, 0)
    out.set(spec.src, at + 12)
    out.set(spec.dst, at + 16)
    dv.setUint16(at + 10, foldChecksum(sumWords(out, at, at + 20)))
  } else {
    dv.setUint32(at, 0x60000000)
    dv.setUint16(at + 4, l4Len + n)
    dv.setUint8(at + 6, proto)
    dv.setUint8(at + 7, 64)
    out.set(spec.src, at + 8)
    out.set(spec.dst, at + 24)
  }
  const l4 = at + ipLen
  dv.setUint16(l4, spec.sport & 0xffff)
  dv.setUint16(l4 + 2, spec.dport & 0xffff)
  let ckAt: number
  if (spec.proto === 'tcp') {
    dv.setUint32(l4 + 4, (spec.seq ?? 0) >>> 0)
    dv.setUint32(l4 + 8, (spec.ack ?? 0) >>> 0)
    dv.setUint8(l4 + 12, (l4Len / 4) << 4)
    dv.setUint8(l4 + 13, spec.flags ?? 0)
    dv.setUint16(l4 + 14, TCP_WINDOW)
    dv.setUint16(l4 + 16, 0)
    dv.setUint16(l4 + 18, 0)
    if (spec.options) out.set(spec.options, l4 + 20)
    ckAt = l4 + 16
  } else {
    dv.setUint16(l4 + 4, l4Len + n)
    dv.setUint16(l4 + 6, 0)
    ckAt = l4 + 6
  }
  if (n > 0) out.set(payload.subarray(pStart, pEnd), l4 + l4Len)
  // Pseudo-header (RFC 793 / RFC 8200 section 8.1), then the segment itself.
  let sum = sumWords(spec.src, 0, spec.src.length)
  sum = sumWords(spec.dst, 0, spec.dst.length, sum)
  sum += proto + l4Len + n
  sum = sumWords(out, l4, l4 + l4Len + n, sum)
  let ck = foldChecksum(sum)
  if (spec.proto === 'udp' && ck === 0) ck = 0xffff
  dv.setUint16(ckAt, ck)
  return total
}
