// IP address text <-> bytes, for synthesizing packets and naming the endpoints of
// foreign captures. Pure functions, no Node APIs.

/** Parses dotted-quad IPv4 text ("192.0.2.1") into 4 bytes, or null. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!
    if (!/^\d{1,3}$/.test(p)) return null
    const n = Number(p)
    if (n > 255) return null
    out[i] = n
  }
  return out
}

/** Parses IPv6 text (any RFC 4291 form, an embedded IPv4 tail, a %zone suffix) into 16 bytes, or null. */
export function parseIPv6(text: string): Uint8Array | null {
  let s = text
  const zone = s.indexOf('%')
  if (zone >= 0) s = s.slice(0, zone)
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1)
  if (s.length === 0 || s.length > 45) return null
  let tail: Uint8Array | null = null
  const lastColon = s.lastIndexOf(':')
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    tail = parseIPv4(s.slice(lastColon + 1))
    if (!tail) return null
    s = s.slice(0, lastColon + 1) + '0:0'
  }
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups = (h: string): number[] | null => {
    if (h === '') return []
    const out: number[] = []
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null
      out.push(parseInt(g, 16))
    }
    return out
  }
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !rest) return null
  let all: number[]
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length
    if (fill < 1) return null
    all = [...head, ...new Array<number>(fill).fill(0), ...rest]
  } else {
    all = head
  }
  if (all.length !== 8) return null
  const out = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    out[i * 2] = all[i]! >> 8
    out[i * 2 + 1] = all[i]! & 0xff
  }
  if (tail) out.set(tail, 12)
  return out
}

export function formatIPv4(b: Uint8Array, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as "::", ::ffff:a.b.c.d for IPv4-mapped. */
export function formatIPv6(b: Uint8Array, at = 0): string {
  const g: number[] = []
  for (let i = 0; i < 8; i++) g.push((b[at + i * 2]! << 8) | b[at + i * 2 + 1]!)
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, at + 12)}`
  }
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':')
  if (bestStart < 0) return hex(g)
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`
}

/** An address as it goes into a synthesized packet: IPv4 when it is IPv4 or IPv4-mapped IPv6. */
export interface PacketAddress {
  v: 4 | 6
  bytes: Uint8Array
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

/** Text to packet address; unparsable text (a host name, garbage) becomes 0.0.0.0 or :: by family. */
export function toPacketAddress(address: string, family: 'IPv4' | 'IPv6' | string): PacketAddress {
  const v4 = parseIPv4(address)
  if (v4) return { v: 4, bytes: v4 }
  const v6 = parseIPv6(address)
  if (v6) {
    if (MAPPED_PREFIX.every((x, i) => v6[i] === x)) return { v: 4, bytes: v6.slice(12) }
    return { v: 6, bytes: v6 }
  }
  return family === 'IPv6' ? { v: 6, bytes: new Uint8Array(16) } : { v: 4, bytes: new Uint8Array(4) }
}

/** Both ends of a packet in one IP version: IPv4 if both are, else IPv6 (IPv4 ends as ::ffff:a.b.c.d). */
export function samePacketFamily(a: PacketAddress, b: PacketAddress): { v: 4 | 6; a: Uint8Array; b: Uint8Array } {
  if (a.v === 4 && b.v === 4) return { v: 4, a: a.bytes, b: b.bytes }
  const six = (x: PacketAddress): Uint8Array => {
    if (x.v === 6) return x.bytes
    const out = new Uint8Array(16)
    out[10] = 0xff
    out[11] = 0xff
    out.set(x.bytes, 12)
    return out
  }
  return { v: 6, a: six(a), b: six(b) }
}
