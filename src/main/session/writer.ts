// Writes a session as pcapng while it happens (docs/session-format.md).
//
// Packets are Enhanced Packet Blocks (a lifecycle event's packet carries a comment saying what
// happened, for Wireshark); our records (workspace, lifecycle events, ...) are record blocks
// of a local-use type, which Wireshark skips.
//
// Blocks are built in a staging buffer and appended to the file with fs.writeSync, whole
// blocks only, every `flushMs` or when `flushBytes` are waiting, so a killed process leaves
// a file that ends at a block boundary (or with one partial block). Memory holds the
// staging buffer and per-connection state, never the recording.
import * as fs from 'node:fs'
import * as fsp from 'node:fs/promises'
import { randomInt } from 'node:crypto'
import type { Endpoint } from '../../shared/contract'
import { samePacketFamily, toPacketAddress } from './addresses'
import { encodeIdb, encodeRecordBlock, encodeShb, epbLen, finishEpb } from './blocks'
import { closedComment, commentBytes, halfClosedComment, openedComment, udpFirstComment } from './comments'
import { nowNs } from '../engine/clock'
import { MAX_RECORD_DEPTH, MAX_RECORD_JSON } from '../../shared/limits'
import { nestingPasses } from './record-guard'
import { FORMAT_VERSION, KIND_DATA, KIND_MORE, KIND_OUT, MAX_BLOCK } from './constants'
import { maxPayload, packetLen, synOptions, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, writePacket, type PacketSpec } from './packets'

/**
 * The end-of-session block: the last block of a complete file. A file of ours without it was
 * cut short (the app stopped before closing or saving it). `how`: 'closed' (the recording
 * ended) or 'saved' (a copy of a recording that goes on).
 */
export function endBlock(tNs: bigint, how: 'closed' | 'saved'): Uint8Array {
  return encodeRecordBlock(toJson({ t: 'end', tNs, how }))
}

/**
 * Saves a copy of the file at `from` to `to` without blocking the event loop: the kernel
 * copies the file in the thread pool (copy_file_range or sendfile, as cp does), then the copy
 * is cut to `end.bytes` (the recording may have grown while it was copied: the copy ends where
 * it stood at the moment of Save; a file a crash cut ends at its last whole block), gets
 * `end.workspace` if given (the workspace with the keys the person chose to include, which the
 * recording itself never holds; the last workspace of a file wins; one too large for a block is
 * left out and the recording's stands), its end block when `end.endNs` is given, and is
 * fsynced, so it is complete on disk when the promise resolves. Without `end` (a recording that
 * stopped on an error) the copy is what the file holds, without an end block. Returns the
 * copy's size.
 */
export async function saveCopy(from: string, to: string, end: { bytes: number; endNs?: bigint; workspace?: unknown } | undefined): Promise<number> {
  await fsp.copyFile(from, to)
  const fh = await fsp.open(to, 'r+')
  try {
    let at = (await fh.stat()).size
    if (end) {
      await fh.truncate(end.bytes)
      at = end.bytes
      const endNs = end.endNs
      if (endNs !== undefined) {
        const json = end.workspace === undefined ? undefined : toJson({ t: 'workspace', tNs: endNs, workspace: end.workspace })
        const blocks = json !== undefined && Buffer.byteLength(json) <= MAX_JSON ? [encodeRecordBlock(json)] : []
        for (const b of [...blocks, endBlock(endNs, 'saved')]) {
          let off = 0
          while (off < b.length) off += (await fh.write(b, off, b.length - off, at + off)).bytesWritten
          at += b.length
        }
      }
    }
    await fh.sync()
    return at
  } finally {
    await fh.close()
  }
}

export interface SessionWriterOptions {
  /** Written into the Section Header Block (shb_userappl) and the session record. */
  application?: string
  /** Write what is buffered at most this many ms after it was produced (default 50; 0 writes every block at once). */
  flushMs?: number
  /** Write as soon as this many bytes are buffered (default 256 KiB). */
  flushBytes?: number
  /** Called once when writing fails (disk full, file gone); the writer then drops everything that follows. */
  onError?: (err: Error) => void
  /**
   * A new file only the user may read (0600), never one that exists already nor a link planted
   * in its place (O_EXCL): the running recording, which holds every byte the panes saw.
   */
  private?: boolean
}

/** A receiver acknowledges with an ACK-only packet when this much has gone unacknowledged. */
export const ACK_EVERY = 16 * 1024 * 1024
/** Closed TCP connections remembered for late calls (a chunk or close after the close). */
const CLOSED_REMEMBERED = 256
/** Distinct UDP peers remembered per pane; the oldest is forgotten (it gets a new flow if it comes back). */
const UDP_PEERS_REMEMBERED = 4096

const MIN_STAGING = 128 * 1024
/** The most JSON one record block may hold: what a reader parses (MAX_RECORD_JSON, well within MAX_BLOCK). */
const MAX_JSON = Math.min(MAX_RECORD_JSON, MAX_BLOCK - 64)

interface Side {
  next: number
  finSent: boolean
  unacked: number
}

interface TcpConn {
  flow: number
  v: 4 | 6
  localAddr: Uint8Array
  remoteAddr: Uint8Array
  lport: number
  rport: number
  local: Side
  remote: Side
  lastFinBy?: 'local' | 'remote'
  mirrorKey: string
  closed: boolean
}

interface UdpPane {
  local?: Endpoint
  peers: Map<string, number>
}

interface MirrorIsn {
  client: number
  server: number
  refs: number
}

function connKey(paneId: string, connId: number): string {
  return `${paneId}\u0000${connId}`
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

function endpointJson(e: Endpoint | undefined): Endpoint | undefined {
  return e ? { address: String(e.address), port: Number(e.port), family: e.family } : undefined
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

export class SessionWriter {
  private fd: number | undefined
  private buf: Buffer
  private dv: DataView
  private pos = 0
  private total = 0
  private timer: NodeJS.Timeout | undefined
  private failure: Error | undefined
  private readonly flushMs: number
  private readonly flushBytes: number
  private readonly onError: ((err: Error) => void) | undefined
  private flowCounter = 0
  private ipId = 1
  private readonly tcp = new Map<string, TcpConn>()
  private readonly closedTcp = new Map<string, TcpConn>()
  private readonly udp = new Map<string, UdpPane>()
  private readonly mirrors = new Map<string, MirrorIsn>()

  private constructor(fd: number, options: SessionWriterOptions) {
    this.fd = fd
    this.flushMs = Math.max(0, options.flushMs ?? 50)
    this.flushBytes = Math.max(1, options.flushBytes ?? 256 * 1024)
    this.onError = options.onError
    this.buf = Buffer.alloc(Math.max(MIN_STAGING, this.flushBytes + 4096))
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  }

  /** Creates (truncates) the file and writes the Section Header Block, the Interface Description Block and the session record. */
  static open(path: string, options: SessionWriterOptions = {}): SessionWriter {
    const fd = options.private ? fs.openSync(path, 'wx', 0o600) : fs.openSync(path, 'w')
    const w = new SessionWriter(fd, options)
    const application = options.application ?? 'Net Playground'
    w.appendBlock(encodeShb(application))
    w.appendBlock(encodeIdb())
    w.appendBlock(encodeRecordBlock(toJson({ t: 'session', version: FORMAT_VERSION, application })))
    w.flush()
    return w
  }

  /** Every block handed to the file so far, buffered ones included (the file's size after the next flush). */
  get bytesWritten(): number {
    return this.total
  }

  /** The write error that stopped the recording, if any. */
  get error(): Error | undefined {
    return this.failure
  }

  /** A TCP connection began: `initiator` is the side that connected (client). Writes a lifecycle record and SYN (with a comment), SYN-ACK, ACK packets. */
  connOpen(c: { paneId: string; connId: number; local: Endpoint; remote: Endpoint; initiator: 'local' | 'remote'; tNs: bigint }): void {
    this.safe(() => this.openTcp(c, false))
  }

  /**
   * Bytes on a connection (TCP: connId ≥ 1; UDP: connId 0 with `peer`, and the pane's bound
   * `local` given in bind()). Synthesized IPv4/IPv6 + TCP/UDP headers; a chunk larger than
   * fits one IP packet is split into several packets (marked as parts of one chunk).
   */
  chunk(c: { paneId: string; connId: number; dir: 'in' | 'out'; tNs: bigint; bytes: Uint8Array; peer?: Endpoint }): void {
    this.safe(() => this.tcpOrUdpChunk(c))
  }

  private tcpOrUdpChunk(c: { paneId: string; connId: number; dir: 'in' | 'out'; tNs: bigint; bytes: Uint8Array; peer?: Endpoint }): void {
    if (!this.usable()) return
    if (c.connId === 0) return this.udpChunk(c)
    const conn = this.tcpConn(c.paneId, c.connId, c.tNs)
    const out = c.dir === 'out'
    const from = out ? conn.local : conn.remote
    const max = maxPayload(conn.v, 'tcp')
    const bytes = c.bytes
    const dirBit = out ? KIND_OUT : 0
    if (bytes.length === 0) {
      this.tcpPacket(conn, out, TCP_ACK, bytes, 0, 0, c.tNs, KIND_DATA | dirBit)
      return
    }
    for (let start = 0; start < bytes.length; start += max) {
      const end = Math.min(bytes.length, start + max)
      const kind = KIND_DATA | dirBit | (end < bytes.length ? KIND_MORE : 0)
      this.tcpPacket(conn, out, TCP_PSH | TCP_ACK, bytes, start, end, c.tNs, kind)
      from.next = (from.next + (end - start)) >>> 0
      from.unacked += end - start
    }
    if (from.unacked >= ACK_EVERY) this.tcpPacket(conn, !out, TCP_ACK, bytes, 0, 0, c.tNs, out ? 0 : KIND_OUT)
  }

  /** FIN from that side, with a comment (+ lifecycle record). */
  halfClose(c: { paneId: string; connId: number; by: 'local' | 'peer'; tNs: bigint }): void {
    this.safe(() => {
      if (!this.usable()) return
      const conn = this.tcpConn(c.paneId, c.connId, c.tNs)
      this.record({ t: 'conn.halfClosed', tNs: c.tNs, paneId: c.paneId, connId: c.connId, flow: conn.flow, by: c.by })
      this.fin(conn, c.by === 'local', c.tNs, halfClosedComment(c.paneId, c.connId, c.by))
    })
  }

  /** Closes the file (no argument), or records that a TCP connection ended (see connClose). */
  close(): void
  close(c: { paneId: string; connId: number; how: 'close' | 'reset' | 'error'; tNs: bigint; by?: 'local' | 'peer'; code?: string }): void
  close(c?: { paneId: string; connId: number; how: 'close' | 'reset' | 'error'; tNs: bigint; by?: 'local' | 'peer'; code?: string }): void {
    if (c === undefined) this.closeFile()
    else this.safe(() => this.connClose(c))
  }

  /**
   * A TCP connection ended: FIN(s) still missing and the last ACK for 'close'; RST|ACK for
   * 'reset' and 'error' (from `by`, default the local side). The last ACK or the RST has a
   * comment (+ lifecycle record).
   */
  connClose(c: { paneId: string; connId: number; how: 'close' | 'reset' | 'error'; tNs: bigint; by?: 'local' | 'peer'; code?: string }): void {
    if (!this.usable()) return
    const conn = this.tcpConn(c.paneId, c.connId, c.tNs)
    const rec: Record<string, unknown> = { t: 'conn.closed', tNs: c.tNs, paneId: c.paneId, connId: c.connId, flow: conn.flow, how: c.how }
    if (c.by) rec['by'] = c.by
    if (c.code !== undefined) rec['code'] = c.code
    this.record(rec)
    if (!conn.closed) {
      const comment = closedComment(c.paneId, c.connId, c.how, c.by, c.code)
      if (c.how === 'close') {
        if (!conn.local.finSent) this.fin(conn, true, c.tNs)
        if (!conn.remote.finSent) this.fin(conn, false, c.tNs)
        // The last FIN is acknowledged by the other side.
        const ackFromLocal = conn.lastFinBy === 'remote'
        this.tcpPacket(conn, ackFromLocal, TCP_ACK, new Uint8Array(0), 0, 0, c.tNs, ackFromLocal ? KIND_OUT : 0, { comment })
      } else {
        const fromLocal = (c.by ?? 'local') === 'local'
        // A side that had already sent its FIN has closed its socket: its RST is the kernel's
        // answer to data that came after, a bare RST with no ACK (as a capture shows it); a side
        // that aborts its own open connection sends RST with ACK.
        const answered = (fromLocal ? conn.local : conn.remote).finSent
        this.tcpPacket(conn, fromLocal, answered ? TCP_RST : TCP_RST | TCP_ACK, new Uint8Array(0), 0, 0, c.tNs, fromLocal ? KIND_OUT : 0, { comment })
      }
      conn.closed = true
      this.releaseMirror(conn)
    }
    const key = connKey(c.paneId, c.connId)
    this.tcp.delete(key)
    this.closedTcp.delete(key)
    this.closedTcp.set(key, conn)
    if (this.closedTcp.size > CLOSED_REMEMBERED) this.closedTcp.delete(this.closedTcp.keys().next().value as string)
  }

  /** UDP pane bound (lifecycle record). Datagrams after it get new flows, one per peer. */
  bind(c: { paneId: string; local: Endpoint; tNs: bigint }): void {
    this.safe(() => {
      if (!this.usable()) return
      this.udp.set(c.paneId, { local: endpointJson(c.local), peers: new Map() })
      this.record({ t: 'bind', tNs: c.tNs, paneId: c.paneId, local: endpointJson(c.local) })
    })
  }

  /** Any other lifecycle event (listen, stop, error with its code, ...) as a record. "t" and "tNs" are set by the writer. */
  event(e: { paneId: string; tNs: bigint; kind: string; [k: string]: unknown }): void {
    this.safe(() => this.record({ ...e, t: 'event', tNs: e.tNs }))
  }

  /** The workspace (panes, settings, layout, snippets, rules) as a record; the last one in a file wins. */
  workspace(json: unknown, tNs: bigint): void {
    this.safe(() => this.record({ t: 'workspace', tNs, workspace: json }))
  }

  /**
   * Writes what is buffered and asks the OS to put it on the disk (fsync): what was recorded
   * so far survives a power loss, not only a crash of the app.
   */
  sync(): void {
    this.flush()
    if (this.fd === undefined || this.failure) return
    try {
      fs.fsyncSync(this.fd)
    } catch (err) {
      this.fail(err)
    }
  }

  /** Writes what is buffered (also done every flushMs and at flushBytes). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    if (this.pos === 0 || this.fd === undefined) return
    const n = this.pos
    this.pos = 0
    this.writeAll(this.buf.subarray(0, n))
  }

  /** Closes the file as it is, without the end block or fsync: for a recording about to be removed. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.pos = 0
    if (this.fd === undefined) return
    try {
      fs.closeSync(this.fd)
    } catch {
      /* it is being removed */
    }
    this.fd = undefined
  }

  private closeFile(): void {
    if (this.fd === undefined) return
    this.appendBlock(endBlock(nowNs(), 'closed'))
    this.sync()
    try {
      fs.closeSync(this.fd)
    } catch (err) {
      this.fail(err)
    }
    this.fd = undefined
  }

  /**
   * Runs one call; a call the writer cannot make sense of (an endpoint that is not an
   * object, ...) is reported through onError and dropped, never thrown at the engine.
   */
  private safe(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      try {
        this.onError?.(err instanceof Error ? err : new Error(String(err)))
      } catch {
        // nothing more to do
      }
    }
  }

  // ---- TCP ----

  private openTcp(
    c: { paneId: string; connId: number; local: Endpoint; remote: Endpoint; initiator: 'local' | 'remote'; tNs: bigint },
    implicit: boolean
  ): TcpConn {
    const la = toPacketAddress(String(c.local.address), c.local.family)
    const ra = toPacketAddress(String(c.remote.address), c.remote.family)
    const pair = samePacketFamily(la, ra)
    const lport = Number(c.local.port) & 0xffff
    const rport = Number(c.remote.port) & 0xffff
    const clientLocal = c.initiator === 'local'
    const mirrorKey = clientLocal ? `${pair.v}|${hex(pair.a)}|${lport}|${hex(pair.b)}|${rport}` : `${pair.v}|${hex(pair.b)}|${rport}|${hex(pair.a)}|${lport}`
    // The same connection recorded by both of its panes (client and server in this app)
    // gets the same sequence numbers, so Wireshark sees one stream (the copy as retransmissions).
    let isn = this.mirrors.get(mirrorKey)
    if (isn) isn.refs++
    else {
      isn = { client: randomInt(0, 2 ** 32 - 1), server: randomInt(0, 2 ** 32 - 1), refs: 1 }
      this.mirrors.set(mirrorKey, isn)
    }
    const localIsn = clientLocal ? isn.client : isn.server
    const remoteIsn = clientLocal ? isn.server : isn.client
    const conn: TcpConn = {
      flow: ++this.flowCounter,
      v: pair.v,
      localAddr: pair.a,
      remoteAddr: pair.b,
      lport,
      rport,
      local: { next: localIsn, finSent: false, unacked: 0 },
      remote: { next: remoteIsn, finSent: false, unacked: 0 },
      mirrorKey,
      closed: false
    }
    const key = connKey(c.paneId, c.connId)
    const old = this.tcp.get(key)
    if (old && !old.closed) this.releaseMirror(old)
    this.tcp.set(key, conn)
    this.closedTcp.delete(key)
    const rec: Record<string, unknown> = {
      t: 'conn.open',
      tNs: c.tNs,
      paneId: c.paneId,
      connId: c.connId,
      proto: 'tcp',
      flow: conn.flow,
      local: endpointJson(c.local),
      remote: endpointJson(c.remote),
      initiator: c.initiator,
      isn: { local: localIsn, remote: remoteIsn }
    }
    if (implicit) rec['implicit'] = true
    this.record(rec)
    const mss = maxPayload(pair.v, 'tcp')
    const opts = synOptions(mss)
    const empty = new Uint8Array(0)
    const client = clientLocal ? conn.local : conn.remote
    const server = clientLocal ? conn.remote : conn.local
    const cBit = clientLocal ? KIND_OUT : 0
    const sBit = clientLocal ? 0 : KIND_OUT
    const comment = openedComment({ ...c, implicit })
    this.tcpPacket(conn, clientLocal, TCP_SYN, empty, 0, 0, c.tNs, cBit, { options: opts, ack: 0, comment })
    client.next = (client.next + 1) >>> 0
    this.tcpPacket(conn, !clientLocal, TCP_SYN | TCP_ACK, empty, 0, 0, c.tNs, sBit, { options: opts })
    server.next = (server.next + 1) >>> 0
    this.tcpPacket(conn, clientLocal, TCP_ACK, empty, 0, 0, c.tNs, cBit)
    return conn
  }

  private releaseMirror(conn: TcpConn): void {
    const m = this.mirrors.get(conn.mirrorKey)
    if (m && --m.refs <= 0) this.mirrors.delete(conn.mirrorKey)
  }

  /** The connection's state; an unknown one (the engine never announced it) is opened with unknown (0.0.0.0:0) endpoints. */
  private tcpConn(paneId: string, connId: number, tNs: bigint): TcpConn {
    const key = connKey(paneId, connId)
    const conn = this.tcp.get(key) ?? this.closedTcp.get(key)
    if (conn) return conn
    const unknown: Endpoint = { address: '0.0.0.0', port: 0, family: 'IPv4' }
    return this.openTcp({ paneId, connId, local: unknown, remote: unknown, initiator: 'local', tNs }, true)
  }

  private fin(conn: TcpConn, fromLocal: boolean, tNs: bigint, comment?: string): void {
    const side = fromLocal ? conn.local : conn.remote
    if (side.finSent || conn.closed) return
    this.tcpPacket(conn, fromLocal, TCP_FIN | TCP_ACK, new Uint8Array(0), 0, 0, tNs, fromLocal ? KIND_OUT : 0, { comment })
    side.next = (side.next + 1) >>> 0
    side.finSent = true
    conn.lastFinBy = fromLocal ? 'local' : 'remote'
  }

  /**
   * One TCP packet from the local (fromLocal) or the remote side. Its seq is the sender's
   * next sequence number, its ack the other side's (everything it sent so far); `extra.ack`
   * is the ack of a packet without the ACK flag (the SYN). Does not advance the sequence
   * numbers; the callers do.
   */
  private tcpPacket(
    conn: TcpConn,
    fromLocal: boolean,
    flags: number,
    payload: Uint8Array,
    start: number,
    end: number,
    tNs: bigint,
    kind: number,
    extra: { options?: Uint8Array; ack?: number; comment?: string } = {}
  ): void {
    const from = fromLocal ? conn.local : conn.remote
    const to = fromLocal ? conn.remote : conn.local
    if (flags & TCP_ACK) to.unacked = 0
    const spec: PacketSpec = {
      proto: 'tcp',
      v: conn.v,
      src: fromLocal ? conn.localAddr : conn.remoteAddr,
      dst: fromLocal ? conn.remoteAddr : conn.localAddr,
      sport: fromLocal ? conn.lport : conn.rport,
      dport: fromLocal ? conn.rport : conn.lport,
      seq: from.next,
      ack: flags & TCP_ACK ? to.next : (extra.ack ?? 0),
      flags,
      options: extra.options,
      ipId: this.ipId++
    }
    this.packet(spec, payload, start, end, tNs, conn.flow, kind, extra.comment)
  }

  // ---- UDP ----

  private udpChunk(c: { paneId: string; connId: number; dir: 'in' | 'out'; tNs: bigint; bytes: Uint8Array; peer?: Endpoint }): void {
    let pane = this.udp.get(c.paneId)
    if (!pane) {
      pane = { peers: new Map() }
      this.udp.set(c.paneId, pane)
    }
    const peer: Endpoint = endpointJson(c.peer) ?? { address: '0.0.0.0', port: 0, family: 'IPv4' }
    const local: Endpoint = pane.local ?? { address: peer.family === 'IPv6' ? '::' : '0.0.0.0', port: 0, family: peer.family }
    const out = c.dir === 'out'
    const peerKey = `${peer.family}|${peer.address}|${peer.port}`
    let flow = pane.peers.get(peerKey)
    let comment: string | undefined
    if (flow === undefined) {
      flow = ++this.flowCounter
      pane.peers.set(peerKey, flow)
      if (pane.peers.size > UDP_PEERS_REMEMBERED) pane.peers.delete(pane.peers.keys().next().value as string)
      comment = udpFirstComment(c.paneId, local, peer, out)
      this.record({
        t: 'conn.open',
        tNs: c.tNs,
        paneId: c.paneId,
        connId: c.connId,
        proto: 'udp',
        flow,
        local,
        remote: peer,
        initiator: out ? 'local' : 'remote'
      })
    }
    const pair = samePacketFamily(toPacketAddress(String(local.address), local.family), toPacketAddress(String(peer.address), peer.family))
    const spec: PacketSpec = {
      proto: 'udp',
      v: pair.v,
      src: out ? pair.a : pair.b,
      dst: out ? pair.b : pair.a,
      sport: (out ? local.port : peer.port) & 0xffff,
      dport: (out ? peer.port : local.port) & 0xffff
    }
    const max = maxPayload(pair.v, 'udp')
    const bytes = c.bytes
    const dirBit = out ? KIND_OUT : 0
    let start = 0
    do {
      const end = Math.min(bytes.length, start + max)
      spec.ipId = this.ipId++
      this.packet(spec, bytes, start, end, c.tNs, flow, KIND_DATA | dirBit | (end < bytes.length ? KIND_MORE : 0), comment)
      comment = undefined
      start = end
    } while (start < bytes.length)
  }

  // ---- blocks ----

  private usable(): boolean {
    return this.fd !== undefined && this.failure === undefined
  }

  private packet(spec: PacketSpec, payload: Uint8Array, start: number, end: number, tNs: bigint, flow: number, kind: number, comment?: string): void {
    if (!this.usable()) return
    const plen = packetLen(spec, end - start)
    const text = comment === undefined ? undefined : commentBytes(comment)
    const blen = epbLen(plen, text?.length ?? 0)
    if (this.pos + blen > this.buf.length) this.flush()
    const at = this.pos
    writePacket(this.buf, at + 28, spec, payload, start, end, this.dv)
    finishEpb(this.dv, this.buf, at, plen, tNs, flow, kind, (kind & KIND_OUT) !== 0, text)
    this.pos += blen
    this.total += blen
    this.afterAppend()
  }

  private record(value: Record<string, unknown>): void {
    if (!this.usable()) return
    let text: string
    try {
      text = toJson(value)
    } catch (err) {
      // A cycle or a throwing toJSON: keep the record, say why its content is missing.
      text = toJson({ t: value['t'], tNs: value['tNs'], paneId: value['paneId'], kind: value['kind'], unserializable: String(err) })
    }
    if (text.length * 3 > MAX_JSON && Buffer.byteLength(text) > MAX_JSON) {
      // A reader skips a record over MAX_RECORD_JSON, so such a record is replaced by a note of its size.
      text = toJson({ t: value['t'], tNs: value['tNs'], paneId: value['paneId'], kind: value['kind'], tooLarge: Buffer.byteLength(text) })
    } else if (nestingPasses(text, MAX_RECORD_DEPTH)) {
      // Nor does it parse one nested deeper than MAX_RECORD_DEPTH (a workspace a page made up).
      text = toJson({ t: value['t'], tNs: value['tNs'], paneId: value['paneId'], kind: value['kind'], tooDeep: true })
    }
    this.appendBlock(encodeRecordBlock(text))
  }

  private appendBlock(block: Uint8Array): void {
    if (!this.usable()) return
    if (this.pos + block.length > this.buf.length) this.flush()
    if (block.length > this.buf.length) {
      this.total += block.length
      this.writeAll(block)
      return
    }
    this.buf.set(block, this.pos)
    this.pos += block.length
    this.total += block.length
    this.afterAppend()
  }

  private afterAppend(): void {
    if (this.pos >= this.flushBytes || this.flushMs === 0) this.flush()
    else if (!this.timer && this.pos > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.flush()
      }, this.flushMs)
      this.timer.unref()
    }
  }

  private writeAll(data: Uint8Array): void {
    if (this.fd === undefined || this.failure) return
    let off = 0
    try {
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off)
    } catch (err) {
      this.fail(err)
    }
  }

  private fail(err: unknown): void {
    if (this.failure) return
    this.failure = err instanceof Error ? err : new Error(String(err))
    this.pos = 0
    try {
      this.onError?.(this.failure)
    } catch {
      // The callback's own failure must not escape a timer.
    }
  }
}
