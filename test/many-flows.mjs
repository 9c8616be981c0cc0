// A capture of many UDP flows, one datagram each (the hostile file of issue 10, item 5): a
// classic pcap with raw IPv4 packets (LINKTYPE_RAW), flow k from 10.a.b.c:port to
// 192.0.2.1:9 with the 4-byte payload k. Built in one buffer and written at once, so a
// million flows (48 MB) take well under a second to write. Plain JavaScript, so the bench
// (bench/many-flows.mjs) writes the same file; its types are in many-flows.d.mts.
import { writeFileSync } from 'node:fs'

const RECORD = 16 + 20 + 8 + 4
const LINKTYPE_RAW = 101

/** Writes `flows` UDP flows to `path`; returns the file's size. */
export function writeManyUdpFlows(path, flows) {
  const buf = Buffer.alloc(24 + flows * RECORD)
  buf.writeUInt32LE(0xa1b2c3d4, 0)
  buf.writeUInt16LE(2, 4)
  buf.writeUInt16LE(4, 6)
  buf.writeUInt32LE(65535, 16)
  buf.writeUInt32LE(LINKTYPE_RAW, 20)
  for (let k = 0; k < flows; k++) {
    const at = 24 + k * RECORD
    buf.writeUInt32LE(1_750_000_000 + Math.floor(k / 1_000_000), at)
    buf.writeUInt32LE(k % 1_000_000, at + 4)
    buf.writeUInt32LE(32, at + 8)
    buf.writeUInt32LE(32, at + 12)
    const ip = at + 16
    buf[ip] = 0x45
    buf.writeUInt16BE(32, ip + 2)
    buf[ip + 8] = 64
    buf[ip + 9] = 17
    // Source: 10.(k>>16 & 0xff).(k>>8 & 0xff).(k & 0xff), port 1024 + (k >> 24): distinct for every k.
    buf[ip + 12] = 10
    buf[ip + 13] = (k >>> 16) & 0xff
    buf[ip + 14] = (k >>> 8) & 0xff
    buf[ip + 15] = k & 0xff
    buf[ip + 16] = 192
    buf[ip + 17] = 0
    buf[ip + 18] = 2
    buf[ip + 19] = 1
    let sum = 0
    for (let i = 0; i < 20; i += 2) sum += buf.readUInt16BE(ip + i)
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
    buf.writeUInt16BE(~sum & 0xffff, ip + 10)
    const udp = ip + 20
    buf.writeUInt16BE(1024 + (k >>> 24), udp)
    buf.writeUInt16BE(9, udp + 2)
    buf.writeUInt16BE(12, udp + 4)
    buf.writeUInt32BE(k >>> 0, udp + 8)
  }
  writeFileSync(path, buf)
  return buf.length
}
