// A classic pcap as tcpdump writes it (magic a1b2c3d4, µs timestamps), built from traffic a
// test saw on its own sockets: Ethernet or Linux cooked (SLL) frames, IPv4 with header
// checksums, TCP with a handshake, MSS-sized segments, ACKs, FIN from each side (or UDP
// datagrams). Written here, apart from the app's own writer, so a capture the app did not
// make is opened and replayed even where dumpcap cannot capture (not root, no dumpcap).
import { writeFileSync } from 'node:fs'

export const LINKTYPE_ETHERNET = 1
export const LINKTYPE_LINUX_SLL = 113

const originNs = BigInt(Date.now()) * 1_000_000n
const startHr = process.hrtime.bigint()
/** Now, in ns since the epoch (for the time of a chunk the test saw). */
export const epochNs = (): bigint => originNs + (process.hrtime.bigint() - startHr)

export interface Seen {
  /** Who sent it: the client (the side that connected / sent first) or the server. */
  from: 'client' | 'server'
  tNs: bigint
  bytes: Uint8Array
}

export interface Conversation {
  proto: 'tcp' | 'udp'
  client: { address: string; port: number }
  server: { address: string; port: number }
  /** In time order. */
  seen: Seen[]
  /** TCP: when the handshake and the closing FINs happened (default: around the first and last chunk). */
  openNs?: bigint
  closeNs?: bigint
}

const MSS = 1460

function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  for (let i = start; i < end; i += 2) acc += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0)
  return acc
}
function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16)
  return ~acc & 0xffff
}
const ip4 = (a: string): number[] => a.split('.').map(Number)

function ipv4Packet(src: string, dst: string, proto: number, l4: Uint8Array, id: number): Uint8Array {
  const p = new Uint8Array(20 + l4.length)
  const dv = new DataView(p.buffer)
  p[0] = 0x45
  dv.setUint16(2, p.length)
  dv.setUint16(4, id & 0xffff)
  dv.setUint16(6, 0x4000)
  p[8] = 64
  p[9] = proto
  p.set(ip4(src), 12)
  p.set(ip4(dst), 16)
  dv.setUint16(10, fold(sum16(p, 0, 20)))
  p.set(l4, 20)
  // The TCP/UDP checksum over the pseudo-header and the segment.
  const pseudo = new Uint8Array(12)
  pseudo.set(ip4(src), 0)
  pseudo.set(ip4(dst), 4)
  pseudo[9] = proto
  new DataView(pseudo.buffer).setUint16(10, l4.length)
  const at = proto === 6 ? 20 + 16 : 20 + 6
  const c = fold(sum16(p, 20, p.length, sum16(pseudo, 0, 12)))
  dv.setUint16(at, proto === 17 && c === 0 ? 0xffff : c)
  return p
}

function tcpSegment(sport: number, dport: number, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const s = new Uint8Array(20 + payload.length)
  const dv = new DataView(s.buffer)
  dv.setUint16(0, sport)
  dv.setUint16(2, dport)
  dv.setUint32(4, seq >>> 0)
  dv.setUint32(8, ack >>> 0)
  s[12] = 5 << 4
  s[13] = flags
  dv.setUint16(14, 65535)
  s.set(payload, 20)
  return s
}

function udpDatagram(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const d = new Uint8Array(8 + payload.length)
  const dv = new DataView(d.buffer)
  dv.setUint16(0, sport)
  dv.setUint16(2, dport)
  dv.setUint16(4, d.length)
  d.set(payload, 8)
  return d
}

function frame(linkType: number, ip: Uint8Array, fromClient: boolean): Uint8Array {
  if (linkType === LINKTYPE_ETHERNET) {
    const f = new Uint8Array(14 + ip.length)
    f.set(fromClient ? [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1] : [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2], 0)
    f[12] = 0x08
    f.set(ip, 14)
    return f
  }
  // Linux cooked capture v1: packet type (0 to us, 4 sent by us), ARPHRD_ETHER, address, protocol.
  const f = new Uint8Array(16 + ip.length)
  const dv = new DataView(f.buffer)
  dv.setUint16(0, fromClient ? 4 : 0)
  dv.setUint16(2, 1)
  dv.setUint16(4, 6)
  f.set([2, 0, 0, 0, 0, fromClient ? 1 : 2], 6)
  dv.setUint16(14, 0x0800)
  f.set(ip, 16)
  return f
}

/** Writes the conversations as one classic pcap (µs, little-endian) with the given link type. */
export function writeTcpdumpPcap(path: string, linkType: number, conversations: Conversation[]): void {
  const packets: { tNs: bigint; data: Uint8Array }[] = []
  let ipId = 1
  for (const c of conversations) {
    const push = (tNs: bigint, fromClient: boolean, proto: number, l4: Uint8Array): void => {
      const [src, dst] = fromClient ? [c.client.address, c.server.address] : [c.server.address, c.client.address]
      packets.push({ tNs, data: frame(linkType, ipv4Packet(src, dst, proto, l4, ipId++), fromClient) })
    }
    if (c.proto === 'udp') {
      for (const s of c.seen) {
        const fromClient = s.from === 'client'
        push(s.tNs, fromClient, 17, fromClient ? udpDatagram(c.client.port, c.server.port, s.bytes) : udpDatagram(c.server.port, c.client.port, s.bytes))
      }
      continue
    }
    const SYN = 0x02,
      ACK = 0x10,
      PSH = 0x08,
      FIN = 0x01
    const empty = new Uint8Array(0)
    let cseq = 0x10000000
    let sseq = 0xfffff000 // wraps around during the stream
    const seg = (tNs: bigint, fromClient: boolean, flags: number, payload: Uint8Array = empty): void => {
      const s = fromClient
        ? tcpSegment(c.client.port, c.server.port, cseq, sseq, flags, payload)
        : tcpSegment(c.server.port, c.client.port, sseq, cseq, flags, payload)
      push(tNs, fromClient, 6, s)
      const n = payload.length + (flags & (SYN | FIN) ? 1 : 0)
      if (fromClient) cseq = (cseq + n) >>> 0
      else sseq = (sseq + n) >>> 0
    }
    const open = c.openNs ?? (c.seen[0]?.tNs ?? epochNs()) - 1000n
    seg(open, true, SYN)
    seg(open, false, SYN | ACK)
    seg(open, true, ACK)
    for (const s of c.seen) {
      const fromClient = s.from === 'client'
      // Acknowledged every 16 segments (and at the end): never more in flight than the window.
      for (let i = 0, n = 1; i < s.bytes.length; i += MSS, n++) {
        seg(s.tNs, fromClient, PSH | ACK, s.bytes.subarray(i, i + MSS))
        if (n % 16 === 0 && i + MSS < s.bytes.length) seg(s.tNs, !fromClient, ACK)
      }
      seg(s.tNs, !fromClient, ACK)
    }
    const close = c.closeNs ?? (c.seen.at(-1)?.tNs ?? open) + 1000n
    seg(close, true, FIN | ACK)
    seg(close, false, ACK)
    seg(close, false, FIN | ACK)
    seg(close, true, ACK)
  }
  packets.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : 0))
  const head = Buffer.alloc(24)
  head.writeUInt32LE(0xa1b2c3d4, 0)
  head.writeUInt16LE(2, 4)
  head.writeUInt16LE(4, 6)
  head.writeUInt32LE(262144, 16)
  head.writeUInt32LE(linkType, 20)
  const parts: Buffer[] = [head]
  for (const p of packets) {
    const h = Buffer.alloc(16)
    const us = p.tNs / 1000n
    h.writeUInt32LE(Number(us / 1_000_000n), 0)
    h.writeUInt32LE(Number(us % 1_000_000n), 4)
    h.writeUInt32LE(p.data.length, 8)
    h.writeUInt32LE(p.data.length, 12)
    parts.push(h, Buffer.from(p.data))
  }
  writeFileSync(path, Buffer.concat(parts))
}
