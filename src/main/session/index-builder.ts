// Builds the SessionIndex from scanned records: our lifecycle blocks and packets (mapped by
// the per-packet flow option), and foreign packets (flows by 5-tuple, TCP reassembled).
import { formatBytes } from '../../shared/bytes'
import type { Endpoint } from '../../shared/contract'
import type { MessageRef } from '../../shared/i18n'
import type { CaptureSink, PacketRecord } from './capture-sink'
import { FORMAT_VERSION, KIND_DATA, KIND_MORE, KIND_OUT } from './constants'
import { decodePacket, formatAddress, newDecodeStats, type Decoded } from './decode'
import { MAX_RECORD_DEPTH, MAX_RECORD_JSON } from '../../shared/limits'
import { refuseRecord, type RecordRefusal } from './record-guard'
import { TcpDirection, type ReassemblyStats } from './reassembly'
import type { ChunkRef, Flow, SessionIndex } from './types'

const TCP_FIN = 0x01
const TCP_SYN = 0x02
const TCP_RST = 0x04
const TCP_ACK = 0x10

/** How our writer starts a workspace record: {"t":"workspace", (spaces allowed, as another writer may put them). */
const WORKSPACE_RECORD = /^\s*\{\s*"t"\s*:\s*"workspace"/

const OUR_TYPES = new Set(['session', 'conn.open', 'conn.halfClosed', 'conn.closed', 'bind', 'event', 'workspace', 'end'])

interface SessionFlow {
  flow: Flow
  partial?: ChunkRef & { parts: { offset: number; len: number }[] }
}

interface ForeignTcp {
  flow: Flow
  clientKey: string
  clientIsn?: number
  c2s: TcpDirection
  s2c: TcpDirection
  finC: boolean
  finS: boolean
  ended: boolean
}

/** Drops the padding after the JSON text: spaces (ours), NULs (other writers). */
function trimPadding(text: string): string {
  let end = text.length
  while (end > 0) {
    const c = text.charCodeAt(end - 1)
    if (c !== 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    end--
  }
  return text.slice(0, end)
}

function parseNs(v: unknown): bigint | undefined {
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return BigInt(v)
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v))
  return undefined
}

function endpointOf(v: unknown): Endpoint | undefined {
  if (!v || typeof v !== 'object') return undefined
  const o = v as Record<string, unknown>
  if (typeof o['address'] !== 'string' || typeof o['port'] !== 'number' || !Number.isInteger(o['port'])) return undefined
  if (o['family'] !== 'IPv4' && o['family'] !== 'IPv6') return undefined
  return { address: o['address'], port: o['port'], family: o['family'] }
}

/** A chunk joins its flow, and the flow's byte count. A flow's first chunk gets an array of one (a push would reserve 17 places: KiBs per flow in a capture of a million one-datagram flows). */
function addChunk(flow: Flow, ref: ChunkRef): void {
  if (flow.chunks.length === 0) flow.chunks = [ref]
  else flow.chunks.push(ref)
  flow.bytes[ref.dir] += ref.len
}

/** Endpoints seen last, shared by the flows that have them (a server's address is one object, not one per flow); forgotten past this many. */
const SHARED_ENDPOINTS = 4096

export class IndexBuilder implements CaptureSink {
  readonly flows: Flow[] = []
  readonly events: SessionIndex['events'] = []
  workspace: unknown
  hasWorkspace = false
  ours = false
  /** The last block was the end-of-session block (the file is complete). */
  ended = false
  packets = 0
  firstNs: bigint | undefined
  lastNs: bigint | undefined
  private readonly notes = new Map<string, MessageRef>()
  private readonly stats = newDecodeStats()
  private readonly tcpStats: ReassemblyStats = { retransmitted: 0, missing: 0, outOfWindow: 0 }
  private readonly sessionFlows = new Map<number, SessionFlow>()
  private readonly foreignTcp = new Map<string, ForeignTcp>()
  private readonly foreignUdp = new Map<string, Flow>()
  private readonly endpointCache = new Map<string, Endpoint>()
  private decodedIp = 0
  private badJson = 0
  private refusedRecords = 0

  note(ref: MessageRef): void {
    if (!this.notes.has(ref.key)) this.notes.set(ref.key, ref)
  }

  countPacket(tNs: bigint | undefined): void {
    this.packets++
    if (tNs === undefined) return
    if (this.firstNs === undefined || tNs < this.firstNs) this.firstNs = tNs
    if (this.lastNs === undefined || tNs > this.lastNs) this.lastNs = tNs
  }

  // ---- our records (record blocks; custom blocks in format version 1) ----

  json(text: string, _offset: number): void {
    const trimmed = trimPadding(text)
    const refused = refuseRecord(trimmed)
    if (refused) return this.refused(trimmed, refused)
    let j: unknown
    try {
      j = JSON.parse(trimmed)
    } catch {
      this.badJson++
      return
    }
    if (!j || typeof j !== 'object' || Array.isArray(j)) {
      this.badJson++
      return
    }
    const o = j as Record<string, unknown>
    const t = o['t']
    if (typeof t !== 'string') {
      this.badJson++
      return
    }
    if (OUR_TYPES.has(t)) this.ours = true
    this.ended = t === 'end'
    const tNs = parseNs(o['tNs']) ?? this.lastNs ?? 0n
    switch (t) {
      case 'end':
        return
      case 'session':
        if (typeof o['version'] === 'number' && o['version'] > FORMAT_VERSION) {
          this.note({ key: 'note.newerFormat', params: { version: o['version'] } })
        }
        return
      case 'workspace':
        if ('workspace' in o) {
          this.workspace = o['workspace']
          this.hasWorkspace = true
        } else {
          this.note({ key: 'note.workspaceLost' })
        }
        return
      case 'conn.open':
        this.connOpen(o, tNs)
        break
      case 'conn.halfClosed': {
        const f = this.sessionFlows.get(Number(o['flow']))?.flow
        const by = o['by']
        if (f && (by === 'local' || by === 'peer')) (f.halfClosed ??= []).push({ by, tNs })
        break
      }
      case 'conn.closed': {
        const f = this.sessionFlows.get(Number(o['flow']))?.flow
        if (f) f.closed = { tNs, how: typeof o['how'] === 'string' ? o['how'] : 'close' }
        break
      }
      default:
        break
    }
    const ev: SessionIndex['events'][number] = { tNs, json: o }
    if (typeof o['paneId'] === 'string') ev.paneId = o['paneId']
    if (t.startsWith('conn.')) {
      const f = this.sessionFlows.get(Number(o['flow']))?.flow
      if (f) ev.flowId = f.id
    }
    this.events.push(ev)
  }

  /** A record too large or nested too deep to parse: a workspace says so on its own (the one before it stands), others are counted. */
  private refused(text: string, r: RecordRefusal): void {
    this.ended = false
    if (WORKSPACE_RECORD.test(text.slice(0, 64))) {
      if (r.why === 'size') this.note({ key: 'note.workspaceTooLarge', params: { size: formatBytes(r.chars), limit: formatBytes(MAX_RECORD_JSON) } })
      else this.note({ key: 'note.workspaceTooDeep', params: { limit: MAX_RECORD_DEPTH } })
      return
    }
    this.refusedRecords++
  }

  private connOpen(o: Record<string, unknown>, tNs: bigint): void {
    const flowNo = o['flow']
    const local = endpointOf(o['local'])
    const remote = endpointOf(o['remote'])
    const proto = o['proto'] === 'udp' ? 'udp' : o['proto'] === 'tcp' ? 'tcp' : undefined
    if (typeof flowNo !== 'number' || !local || !remote || !proto || typeof o['paneId'] !== 'string') {
      this.note({ key: 'note.badOpen' })
      return
    }
    this.finishPartial(this.sessionFlows.get(flowNo))
    const flow: Flow = { id: this.flows.length, proto, paneId: o['paneId'], local, remote, chunks: [], bytes: { in: 0, out: 0 }, opened: tNs }
    if (typeof o['connId'] === 'number') flow.connId = o['connId']
    if (o['initiator'] === 'local' || o['initiator'] === 'remote') flow.initiator = o['initiator']
    this.flows.push(flow)
    this.sessionFlows.set(flowNo, { flow })
  }

  // ---- packets ----

  packet(p: PacketRecord): void {
    this.ended = false
    const sf = p.ours ? this.sessionFlows.get(p.ours.flow) : undefined
    if (sf && p.ours) return this.ourPacket(sf, p, p.ours.kind)
    const d = decodePacket(p.linkType, p.data, this.stats)
    if (!d) return
    this.decodedIp++
    if (d.proto === 'tcp') this.foreignTcpPacket(d, p)
    else this.foreignUdpPacket(d, p)
  }

  private ourPacket(sf: SessionFlow, p: PacketRecord, kind: number): void {
    if (!(kind & KIND_DATA)) return
    const d = decodePacket(p.linkType, p.data, this.stats)
    if (!d) {
      this.note({ key: 'note.badOurPacket' })
      return
    }
    this.decodedIp++
    const dir = kind & KIND_OUT ? 'out' : 'in'
    const part = { offset: p.dataOffset + d.payloadAt, len: d.payloadLen }
    const tNs = p.tNs ?? this.lastNs ?? 0n
    if (sf.partial && sf.partial.dir !== dir) this.finishPartial(sf)
    if (sf.partial) {
      sf.partial.parts.push(part)
      sf.partial.len += part.len
    } else {
      sf.partial = { dir, tNs, len: part.len, offset: part.offset, parts: [part] }
    }
    if (!(kind & KIND_MORE)) this.finishPartial(sf)
  }

  /** Ends the chunk being assembled from parts; one that never got its last part is kept as it is and noted. */
  private finishPartial(sf: SessionFlow | undefined, incomplete = false): void {
    const c = sf?.partial
    if (!sf || !c) return
    sf.partial = undefined
    if (incomplete) this.note({ key: 'note.partialChunk', params: { size: formatBytes(c.len) } })
    const ref: ChunkRef = { dir: c.dir, tNs: c.tNs, len: c.len, offset: c.offset }
    if (c.parts.length > 1) ref.parts = c.parts
    addChunk(sf.flow, ref)
  }

  private endpoints(d: Decoded, data: Uint8Array): { src: Endpoint; dst: Endpoint; srcKey: string; dstKey: string } {
    const family = d.v === 4 ? 'IPv4' : 'IPv6'
    const srcAddress = formatAddress(d, data, d.srcAt)
    const dstAddress = formatAddress(d, data, d.dstAt)
    const srcKey = `${srcAddress}|${d.sport}`
    const dstKey = `${dstAddress}|${d.dport}`
    return { src: this.shared(srcKey, srcAddress, d.sport, family), dst: this.shared(dstKey, dstAddress, d.dport, family), srcKey, dstKey }
  }

  private shared(key: string, address: string, port: number, family: Endpoint['family']): Endpoint {
    let e = this.endpointCache.get(key)
    if (!e) {
      if (this.endpointCache.size >= SHARED_ENDPOINTS) this.endpointCache.clear()
      e = { address, port, family }
      this.endpointCache.set(key, e)
    }
    return e
  }

  private foreignTcpPacket(d: Decoded, p: PacketRecord): void {
    const { src, dst, srcKey, dstKey } = this.endpoints(d, p.data)
    const key = srcKey < dstKey ? `${srcKey}/${dstKey}` : `${dstKey}/${srcKey}`
    const tNs = p.tNs ?? this.lastNs ?? 0n
    const syn = (d.flags & TCP_SYN) !== 0
    const ack = (d.flags & TCP_ACK) !== 0
    let st = this.foreignTcp.get(key)
    // A SYN that is not a retransmission of this flow's own SYN starts a new flow (port reuse).
    if (st && syn && !ack && !(st.clientKey === srcKey && st.clientIsn === d.seq)) {
      this.finishForeign(st)
      st = undefined
    }
    if (!st) {
      const clientIsSrc = !(syn && ack)
      const flow: Flow = {
        id: this.flows.length,
        proto: 'tcp',
        local: clientIsSrc ? src : dst,
        remote: clientIsSrc ? dst : src,
        initiator: 'local',
        chunks: [],
        bytes: { in: 0, out: 0 },
        opened: tNs
      }
      this.flows.push(flow)
      const mk = (dir: 'in' | 'out'): TcpDirection => new TcpDirection((offset, len, t) => addChunk(flow, { dir, tNs: t, len, offset }), this.tcpStats)
      st = { flow, clientKey: clientIsSrc ? srcKey : dstKey, c2s: mk('out'), s2c: mk('in'), finC: false, finS: false, ended: false }
      if (syn && !ack) st.clientIsn = d.seq
      this.foreignTcp.set(key, st)
    }
    const fromClient = srcKey === st.clientKey
    const dir = fromClient ? st.c2s : st.s2c
    if (syn) dir.syn(d.seq)
    const dataSeq = syn ? (d.seq + 1) >>> 0 : d.seq
    if (d.payloadLen > 0) dir.data(dataSeq, d.payloadLen, p.dataOffset + d.payloadAt, tNs)
    else if (!dir.started) dir.data(dataSeq, 0, 0, tNs)
    const f = st.flow
    if (d.flags & TCP_FIN) {
      const seen = fromClient ? st.finC : st.finS
      if (!seen) {
        if (fromClient) st.finC = true
        else st.finS = true
        ;(f.halfClosed ??= []).push({ by: fromClient ? 'local' : 'peer', tNs })
        if (st.finC && st.finS && !f.closed) f.closed = { tNs, how: 'close' }
      }
    }
    if (d.flags & TCP_RST && !f.closed) {
      f.closed = { tNs, how: 'reset' }
    }
  }

  private finishForeign(st: ForeignTcp): void {
    if (st.ended) return
    st.ended = true
    st.c2s.finish()
    st.s2c.finish()
  }

  private foreignUdpPacket(d: Decoded, p: PacketRecord): void {
    const { src, dst, srcKey, dstKey } = this.endpoints(d, p.data)
    const key = srcKey < dstKey ? `${srcKey}/${dstKey}` : `${dstKey}/${srcKey}`
    const tNs = p.tNs ?? this.lastNs ?? 0n
    let flow = this.foreignUdp.get(key)
    if (!flow) {
      flow = { id: this.flows.length, proto: 'udp', local: src, remote: dst, initiator: 'local', chunks: [], bytes: { in: 0, out: 0 }, opened: tNs }
      this.flows.push(flow)
      this.foreignUdp.set(key, flow)
    }
    const local = `${flow.local.address}|${flow.local.port}`
    addChunk(flow, { dir: srcKey === local ? 'out' : 'in', tNs, len: d.payloadLen, offset: p.dataOffset + d.payloadAt })
  }

  // ---- the end ----

  /** Finishes open streams and turns the counters into notes. */
  finish(): { notes: MessageRef[]; cutInChunk: boolean; unsupportedOnly?: string } {
    let cutInChunk = false
    for (const sf of this.sessionFlows.values()) {
      if (sf.partial) {
        cutInChunk = true
        this.finishPartial(sf, true)
      }
    }
    for (const st of this.foreignTcp.values()) this.finishForeign(st)
    const s = this.stats
    const t = this.tcpStats
    if (s.fragments) this.note({ key: 'note.fragments', params: { count: s.fragments } })
    if (s.ipv6Skipped) this.note({ key: 'note.esp', params: { count: s.ipv6Skipped } })
    if (s.malformed) this.note({ key: 'note.malformed', params: { count: s.malformed } })
    if (s.cutShort) this.note({ key: 'note.snapLength', params: { count: s.cutShort } })
    if (t.missing) this.note({ key: 'note.missingTcp', params: { size: formatBytes(t.missing) } })
    if (t.retransmitted) this.note({ key: 'note.retransmitted', params: { size: formatBytes(t.retransmitted) } })
    if (t.outOfWindow) this.note({ key: 'note.outOfWindow', params: { count: t.outOfWindow } })
    if (this.refusedRecords)
      this.note({ key: 'note.recordsRefused', params: { count: this.refusedRecords, limit: formatBytes(MAX_RECORD_JSON), depth: MAX_RECORD_DEPTH } })
    if (this.badJson) this.note({ key: 'note.badRecord', params: { count: this.badJson } })
    let unsupportedOnly: string | undefined
    if (s.unsupportedLink.size > 0) {
      // Language-neutral: "link type: packets" pairs.
      const list = [...s.unsupportedLink.entries()].map(([lt, n]) => `${lt}: ${n}`).join(', ')
      this.note({ key: 'note.linkType', params: { list } })
      if (this.decodedIp === 0 && !this.ours) unsupportedOnly = list
    }
    return { notes: [...this.notes.values()], cutInChunk, unsupportedOnly }
  }
}
