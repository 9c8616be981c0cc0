// The pieces under the session format: address text, the Internet checksum, synthesized
// packets decoded back, and TCP reassembly corner cases (wraparound, holes, overlaps).
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { formatIPv6, parseIPv4, parseIPv6, toPacketAddress } from '../src/main/session/addresses'
import { foldChecksum, sumWords } from '../src/main/session/checksum'
import { decodePacket, newDecodeStats } from '../src/main/session/decode'
import { maxPayload, packetLen, TCP_ACK, TCP_PSH, writePacket } from '../src/main/session/packets'
import { TcpDirection } from '../src/main/session/reassembly'

describe('addresses', () => {
  it('parses and formats IPv6 like the WHATWG URL parser does', () => {
    const samples = ['::', '::1', '2001:db8::1', '2001:DB8:0:0:1:0:0:1', 'fe80::1%eth0', '1:2:3:4:5:6:7:8', '1::', '0:0:1::', '2001:db8:0:0:0:0:2:1']
    for (let i = 0; i < 300; i++) {
      const b = randomBytes(16)
      for (let k = 0; k < 16; k++) if (Math.random() < 0.4) b[k] = 0
      samples.push(formatIPv6(b))
    }
    for (const s of samples) {
      const bytes = parseIPv6(s)
      expect(bytes, s).not.toBeNull()
      const text = formatIPv6(bytes!)
      if (!text.startsWith('::ffff:')) expect(`[${text}]`).toBe(new URL(`http://[${s.replace(/%.*/, '')}]/`).hostname)
      expect(parseIPv6(text)).toEqual(bytes)
    }
    expect(formatIPv6(parseIPv6('::ffff:127.0.0.1')!)).toBe('::ffff:127.0.0.1')
    for (const bad of ['', ':::', '1:2:3:4:5:6:7:8:9', '12345::', '1::2::3', 'g::1', 'localhost']) expect(parseIPv6(bad), bad).toBeNull()
    for (const bad of ['1.2.3', '256.1.1.1', '1.2.3.4.5', 'a.b.c.d', '']) expect(parseIPv4(bad), bad).toBeNull()
  })

  it('writes IPv4-mapped addresses as IPv4 and names nothing else', () => {
    expect(toPacketAddress('::ffff:10.1.2.3', 'IPv6')).toEqual({ v: 4, bytes: Uint8Array.of(10, 1, 2, 3) })
    expect(toPacketAddress('example.org', 'IPv6')).toEqual({ v: 6, bytes: new Uint8Array(16) })
    expect(toPacketAddress('nonsense', 'IPv4')).toEqual({ v: 4, bytes: new Uint8Array(4) })
  })
})

describe('checksum', () => {
  it('matches a plain RFC 1071 sum for any length and offset', () => {
    const naive = (b: Uint8Array, s: number, e: number): number => {
      let sum = 0
      for (let i = s; i < e; i += 2) sum += (b[i]! << 8) | (i + 1 < e ? b[i + 1]! : 0)
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
      return ~sum & 0xffff
    }
    for (let i = 0; i < 500; i++) {
      const b = randomBytes(1 + Math.floor(Math.random() * 3000))
      const s = Math.floor(Math.random() * b.length)
      expect(foldChecksum(sumWords(b, s, b.length))).toBe(naive(b, s, b.length))
    }
    const ff = new Uint8Array(65536).fill(0xff)
    expect(foldChecksum(sumWords(ff, 0, ff.length))).toBe(0)
  })
})

describe('synthesized packets', () => {
  it('decode back to the same addresses, ports, sequence numbers and payload', () => {
    const payload = randomBytes(maxPayload(6, 'tcp'))
    for (const v of [4, 6] as const) {
      const src = v === 4 ? Uint8Array.of(192, 0, 2, 1) : parseIPv6('2001:db8::1')!
      const dst = v === 4 ? Uint8Array.of(192, 0, 2, 2) : parseIPv6('2001:db8::2')!
      const n = maxPayload(v, 'tcp')
      const spec = { proto: 'tcp' as const, v, src, dst, sport: 1234, dport: 80, seq: 0xfffffff0, ack: 7, flags: TCP_PSH | TCP_ACK }
      const buf = new Uint8Array(packetLen(spec, n))
      expect(writePacket(buf, 0, spec, payload, 0, n)).toBe(buf.length)
      expect(buf.length).toBeLessThanOrEqual(v === 4 ? 65535 : 65535 + 40)
      const d = decodePacket(101, buf, newDecodeStats())!
      expect(d).toMatchObject({ proto: 'tcp', v, sport: 1234, dport: 80, seq: 0xfffffff0, ack: 7, flags: TCP_PSH | TCP_ACK, payloadLen: n, claimedLen: n })
      expect(Buffer.from(buf.subarray(d.payloadAt)).equals(payload.subarray(0, n))).toBe(true)
      // The TCP checksum over the pseudo-header verifies to zero.
      let sum = sumWords(src, 0, src.length)
      sum = sumWords(dst, 0, dst.length, sum)
      sum += 6 + (buf.length - (v === 4 ? 20 : 40))
      expect(foldChecksum(sumWords(buf, v === 4 ? 20 : 40, buf.length, sum))).toBe(0)
      if (v === 4) expect(foldChecksum(sumWords(buf, 0, 20))).toBe(0)
    }
  })
})

describe('TCP reassembly', () => {
  function run(
    segs: [number, number][],
    isn: number,
    syn = true
  ): { chunks: [number, number][]; stats: { retransmitted: number; missing: number; outOfWindow: number } } {
    const chunks: [number, number][] = []
    const stats = { retransmitted: 0, missing: 0, outOfWindow: 0 }
    const d = new TcpDirection((offset, len) => chunks.push([offset, len]), stats)
    if (syn) d.syn(isn)
    // offset = the segment's stream position * 1000, so chunks show where their bytes came from.
    for (const [pos, len] of segs) d.data((isn + 1 + pos) >>> 0, len, pos * 1000, 0n)
    d.finish()
    return { chunks, stats }
  }

  it('orders across the 2^32 wrap, drops retransmissions, trims overlaps', () => {
    const { chunks, stats } = run(
      [
        [0, 10],
        [20, 10],
        [10, 10],
        [10, 10],
        [25, 10],
        [35, 5]
      ],
      0xfffffff8
    )
    expect(chunks).toEqual([
      [0, 10],
      [10_000, 10],
      [20_000, 10],
      [25_000 + 5, 5],
      [35_000, 5]
    ])
    expect(stats.retransmitted).toBe(15)
  })

  it('skips a hole that is never filled, at the end', () => {
    const { chunks, stats } = run(
      [
        [0, 10],
        [30, 10]
      ],
      100
    )
    expect(chunks).toEqual([
      [0, 0 + 10],
      [30_000, 10]
    ])
    expect(stats.missing).toBe(20)
  })

  it('gives up on a hole when too many segments wait behind it', () => {
    const segs: [number, number][] = [[0, 1]]
    for (let i = 0; i < 5000; i++) segs.push([2 + i, 1])
    const { chunks, stats } = run(segs, 5)
    expect(chunks.length).toBe(5001)
    expect(stats.missing).toBe(1)
  })

  it('ignores a segment far outside the stream', () => {
    const { chunks, stats } = run(
      [
        [0, 4],
        [0x70000000, 4],
        [4, 4]
      ],
      1,
      false
    )
    expect(chunks.map((c) => c[1])).toEqual([4, 4])
    expect(stats.outOfWindow).toBe(1)
  })
})
