// A writer of session format version 1, kept only to test that the reader still opens old
// files: records are copyable Custom Blocks (0x00000BAD) with PEN 32473 and JSON, and each
// packet carries a custom binary option (2989: PEN, flow, kind). IPv4 TCP and UDP, no
// splitting, no packet comments; the whole file is built in memory (it is small).
import { writeFileSync } from 'node:fs'
import { parseIPv4 } from '../src/main/session/addresses'
import { encodeIdb, encodeShb } from '../src/main/session/blocks'
import { packetLen, synOptions, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, writePacket, type PacketSpec } from '../src/main/session/packets'

const PEN = 32473
const KIND_DATA = 0x01
const KIND_OUT = 0x04

const pad4 = (n: number): number => (n + 3) & ~3

function customBlock(json: string): Uint8Array {
  const text = Buffer.from(json)
  const total = 12 + 4 + pad4(text.length)
  const b = Buffer.alloc(total, 0x20)
  b.writeUInt32LE(0x00000bad, 0)
  b.writeUInt32LE(total, 4)
  b.writeUInt32LE(PEN, 8)
  text.copy(b, 12)
  b.writeUInt32LE(total, total - 4)
  return b
}

function epb(spec: PacketSpec, payload: Uint8Array, tNs: bigint, flow: number, kind: number): Uint8Array {
  const plen = packetLen(spec, payload.length)
  const total = 28 + pad4(plen) + 8 + 16 + 4 + 4
  const b = Buffer.alloc(total)
  b.writeUInt32LE(6, 0)
  b.writeUInt32LE(total, 4)
  b.writeUInt32LE(Number(tNs >> 32n), 12)
  b.writeUInt32LE(Number(tNs & 0xffffffffn), 16)
  b.writeUInt32LE(plen, 20)
  b.writeUInt32LE(plen, 24)
  writePacket(b, 28, spec, payload, 0, payload.length)
  let p = 28 + pad4(plen)
  b.writeUInt16LE(2, p) // epb_flags
  b.writeUInt16LE(4, p + 2)
  b.writeUInt32LE(kind & KIND_OUT ? 2 : 1, p + 4)
  p += 8
  b.writeUInt16LE(2989, p)
  b.writeUInt16LE(9, p + 2)
  b.writeUInt32LE(PEN, p + 4)
  b.writeUInt32LE(flow, p + 8)
  b.writeUInt8(kind, p + 12)
  b.writeUInt32LE(total, total - 4)
  return b
}

interface V4 {
  address: string
  port: number
  family: 'IPv4'
}

interface Conn {
  flow: number
  local: V4
  remote: V4
  seq: { local: number; remote: number }
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))

export class LegacySessionWriter {
  private readonly blocks: Uint8Array[] = [encodeShb('Net Playground'), encodeIdb()]
  private readonly conns = new Map<string, Conn>()
  private flows = 0

  constructor() {
    this.blocks.push(customBlock(json({ t: 'session', version: 1, application: 'Net Playground' })))
  }

  private tcp(c: Conn, fromLocal: boolean, flags: number, payload: Uint8Array, tNs: bigint, kind: number): void {
    const [src, dst] = fromLocal ? [c.local, c.remote] : [c.remote, c.local]
    const spec: PacketSpec = {
      proto: 'tcp',
      v: 4,
      src: parseIPv4(src.address)!,
      dst: parseIPv4(dst.address)!,
      sport: src.port,
      dport: dst.port,
      seq: fromLocal ? c.seq.local : c.seq.remote,
      ack: flags & TCP_ACK ? (fromLocal ? c.seq.remote : c.seq.local) : 0,
      flags,
      options: flags & TCP_SYN ? synOptions(65495) : undefined
    }
    this.blocks.push(epb(spec, payload, tNs, c.flow, kind | (fromLocal ? KIND_OUT : 0)))
  }

  /** A TCP connection the pane made (client). */
  connOpen(paneId: string, connId: number, local: V4, remote: V4, tNs: bigint): void {
    const c: Conn = { flow: ++this.flows, local, remote, seq: { local: 1000, remote: 5000 } }
    this.conns.set(`${paneId}/${connId}`, c)
    this.blocks.push(customBlock(json({ t: 'conn.open', tNs, paneId, connId, proto: 'tcp', flow: c.flow, local, remote, initiator: 'local' })))
    const none = new Uint8Array(0)
    this.tcp(c, true, TCP_SYN, none, tNs, 0)
    c.seq.local++
    this.tcp(c, false, TCP_SYN | TCP_ACK, none, tNs, 0)
    c.seq.remote++
    this.tcp(c, true, TCP_ACK, none, tNs, 0)
  }

  chunk(paneId: string, connId: number, dir: 'in' | 'out', tNs: bigint, bytes: Uint8Array): void {
    const c = this.conns.get(`${paneId}/${connId}`)!
    this.tcp(c, dir === 'out', TCP_PSH | TCP_ACK, bytes, tNs, KIND_DATA)
    if (dir === 'out') c.seq.local += bytes.length
    else c.seq.remote += bytes.length
  }

  /** Closed by both sides: FIN, FIN, ACK. */
  connClose(paneId: string, connId: number, tNs: bigint): void {
    const c = this.conns.get(`${paneId}/${connId}`)!
    this.blocks.push(customBlock(json({ t: 'conn.closed', tNs, paneId, connId, flow: c.flow, how: 'close' })))
    const none = new Uint8Array(0)
    this.tcp(c, true, TCP_FIN | TCP_ACK, none, tNs, 0)
    c.seq.local++
    this.tcp(c, false, TCP_FIN | TCP_ACK, none, tNs, 0)
    c.seq.remote++
    this.tcp(c, true, TCP_ACK, none, tNs, 0)
  }

  /** A UDP pane bound at `local` sends one datagram to `peer` (a flow of its own). */
  datagram(paneId: string, local: V4, peer: V4, tNs: bigint, bytes: Uint8Array): void {
    const flow = ++this.flows
    this.blocks.push(customBlock(json({ t: 'bind', tNs, paneId, local })))
    this.blocks.push(customBlock(json({ t: 'conn.open', tNs, paneId, connId: 0, proto: 'udp', flow, local, remote: peer, initiator: 'local' })))
    const spec: PacketSpec = { proto: 'udp', v: 4, src: parseIPv4(local.address)!, dst: parseIPv4(peer.address)!, sport: local.port, dport: peer.port }
    this.blocks.push(epb(spec, bytes, tNs, flow, KIND_DATA | KIND_OUT))
  }

  event(paneId: string, tNs: bigint, kind: string, extra: Record<string, unknown> = {}): void {
    this.blocks.push(customBlock(json({ ...extra, t: 'event', tNs, paneId, kind })))
  }

  workspace(workspace: unknown, tNs: bigint): void {
    this.blocks.push(customBlock(json({ t: 'workspace', tNs, workspace })))
  }

  /** Writes the file; `ended` adds the end block (a complete file). */
  save(path: string, tNs: bigint, ended = true): void {
    if (ended) this.blocks.push(customBlock(json({ t: 'end', tNs, how: 'closed' })))
    writeFileSync(path, Buffer.concat(this.blocks))
  }
}
