// Link layer -> IPv4/IPv6 -> TCP/UDP, for foreign captures and our own packets.
// Everything else (ARP, ICMP, fragments after the first, ...) is counted and ignored.
import { formatIPv4, formatIPv6 } from './addresses'
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_RAW_12,
  LINKTYPE_RAW_14
} from './constants'

export interface Decoded {
  proto: 'tcp' | 'udp'
  v: 4 | 6
  /** Offsets of the source and destination addresses in the packet. */
  srcAt: number
  dstAt: number
  sport: number
  dport: number
  seq: number
  ack: number
  flags: number
  /** Where the payload starts in the packet, and how much of it was captured. */
  payloadAt: number
  payloadLen: number
  /** How long the payload really was (more than payloadLen when the capture cut it). */
  claimedLen: number
}

/** Why packets were skipped, counted for the notes. */
export interface DecodeStats {
  unsupportedLink: Map<number, number>
  fragments: number
  ipv6Skipped: number
  malformed: number
  cutShort: number
}

export function newDecodeStats(): DecodeStats {
  return { unsupportedLink: new Map(), fragments: 0, ipv6Skipped: 0, malformed: 0, cutShort: 0 }
}

export function formatAddress(d: Decoded, data: Uint8Array, at: number): string {
  return d.v === 4 ? formatIPv4(data, at) : formatIPv6(data, at)
}

const ETH_IPV4 = 0x0800
const ETH_IPV6 = 0x86dd

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0
}

/** Offset of the IP header for the link type, or -1 (not IP), or -2 (link type unsupported). */
function ipOffset(linkType: number, b: Uint8Array): number {
  const etherType = (type: number, at: number): number => {
    if (type === ETH_IPV4 || type === ETH_IPV6) return at
    return -1
  }
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (b.length < 14) return -1
      let at = 12
      let type = u16(b, at)
      // 802.1Q / 802.1ad / old QinQ tags, up to four deep.
      for (let i = 0; i < 4 && (type === 0x8100 || type === 0x88a8 || type === 0x9100); i++) {
        at += 4
        if (b.length < at + 2) return -1
        type = u16(b, at)
      }
      return etherType(type, at + 2)
    }
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_12:
    case LINKTYPE_RAW_14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return 0
    case LINKTYPE_LINUX_SLL:
      return b.length < 16 ? -1 : etherType(u16(b, 14), 16)
    case LINKTYPE_LINUX_SLL2:
      return b.length < 20 ? -1 : etherType(u16(b, 0), 20)
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      return b.length < 4 ? -1 : 4 // the family is in the capturing host's byte order; the IP version says enough
    default:
      return -2
  }
}

export function decodePacket(linkType: number, b: Uint8Array, stats: DecodeStats): Decoded | null {
  const ip = ipOffset(linkType, b)
  if (ip === -2) {
    stats.unsupportedLink.set(linkType, (stats.unsupportedLink.get(linkType) ?? 0) + 1)
    return null
  }
  if (ip < 0 || b.length < ip + 1) return null
  const version = b[ip]! >> 4
  let v: 4 | 6
  let l4: number
  let end: number
  let proto: number
  let srcAt: number
  let dstAt: number
  let claimedEnd: number
  let fragmented = false
  if (version === 4) {
    if (b.length < ip + 20) return null
    const ihl = (b[ip]! & 0x0f) * 4
    let total = u16(b, ip + 2)
    if (ihl < 20 || b.length < ip + ihl) {
      stats.malformed++
      return null
    }
    if (total === 0) total = b.length - ip // TCP segmentation offload: the length is not filled in yet
    if (total < ihl) {
      stats.malformed++
      return null
    }
    const frag = u16(b, ip + 6)
    fragmented = (frag & 0x3fff) !== 0
    if (fragmented) stats.fragments++ // a piece of a fragmented datagram: only the first one is used
    if ((frag & 0x1fff) !== 0) return null
    v = 4
    proto = b[ip + 9]!
    srcAt = ip + 12
    dstAt = ip + 16
    l4 = ip + ihl
    claimedEnd = ip + total
    end = Math.min(claimedEnd, b.length)
  } else if (version === 6) {
    if (b.length < ip + 40) return null
    let plen = u16(b, ip + 4)
    if (plen === 0) plen = b.length - ip - 40 // a jumbogram or offload: use what was captured
    v = 6
    proto = b[ip + 6]!
    srcAt = ip + 8
    dstAt = ip + 24
    l4 = ip + 40
    claimedEnd = l4 + plen
    end = Math.min(claimedEnd, b.length)
    // Extension headers we can walk; anything else ends the search.
    for (let i = 0; i < 8 && proto !== 6 && proto !== 17; i++) {
      if (proto === 0 || proto === 43 || proto === 60 || proto === 135) {
        if (end < l4 + 2) return null
        const next = b[l4]!
        l4 += (b[l4 + 1]! + 1) * 8
        proto = next
      } else if (proto === 44) {
        if (end < l4 + 8) return null
        const next = b[l4]!
        stats.fragments++
        fragmented = true
        if (u16(b, l4 + 2) >> 3 !== 0) return null
        l4 += 8
        proto = next
      } else if (proto === 51) {
        if (end < l4 + 2) return null
        const next = b[l4]!
        l4 += (b[l4 + 1]! + 2) * 4
        proto = next
      } else {
        if (proto === 50) stats.ipv6Skipped++
        return null
      }
    }
  } else {
    return null
  }
  if (proto === 6) {
    if (end < l4 + 20) return null
    const doff = (b[l4 + 12]! >> 4) * 4
    if (doff < 20 || end < l4 + doff) {
      stats.malformed++
      return null
    }
    const payloadAt = l4 + doff
    const payloadLen = end - payloadAt
    const claimedLen = Math.max(payloadLen, claimedEnd - payloadAt)
    if (claimedLen > payloadLen && !fragmented) stats.cutShort++
    return {
      proto: 'tcp',
      v,
      srcAt,
      dstAt,
      sport: u16(b, l4),
      dport: u16(b, l4 + 2),
      seq: u32(b, l4 + 4),
      ack: u32(b, l4 + 8),
      flags: b[l4 + 13]!,
      payloadAt,
      payloadLen,
      claimedLen
    }
  }
  if (proto === 17) {
    if (end < l4 + 8) return null
    const ulen = u16(b, l4 + 4)
    const payloadAt = l4 + 8
    let claimedLen = ulen === 0 ? end - payloadAt : ulen - 8
    if (claimedLen < 0) {
      stats.malformed++
      return null
    }
    const payloadLen = Math.min(claimedLen, end - payloadAt)
    claimedLen = Math.max(claimedLen, payloadLen)
    if (claimedLen > payloadLen && !fragmented) stats.cutShort++
    return { proto: 'udp', v, srcAt, dstAt, sport: u16(b, l4), dport: u16(b, l4 + 2), seq: 0, ack: 0, flags: 0, payloadAt, payloadLen, claimedLen }
  }
  return null
}
