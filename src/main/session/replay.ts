// Replay against live peers, over TCP or UDP. Re-send one side of a recorded flow:
//  · side client: connect to (or, UDP, send to) a live server and send the recorded client's
//    requests; each live answer is compared with the recorded one byte by byte.
//  · side server: listen, and play the recorded server's answers to each live client; each
//    live request is compared with the recorded one byte by byte.
// Timing: 'answer' (each request after the previous answer came; each answer after its
// request came), 'original' (the recorded times) or 'scaled' (recorded times / speed).
// Standing in for the server is side server with timing 'answer'. Over UDP each recorded
// datagram is sent as one datagram and answers are matched to them by order. Waiting (for an
// answer, for the peer to go quiet, for a live client's first byte) is waiting on the link: it
// wakes when bytes arrive, the peer ends or the replay stops, with one timer for its deadline.
import type { Command, EngineEvent, Endpoint, ResultMap } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'
import type { Engine } from '../engine/engine'
import { EngineError, fail } from '../engine/errors'
import type { Flow, OpenSession } from './reader'
import { Wake } from './wake'

/** The bytes of several parts as one array, copied only when there are several. */
const joined = (parts: Uint8Array[]): Uint8Array => (parts.length === 1 ? parts[0]! : concatBytes(parts))

export interface Exchange {
  /** The client's bytes: one element per datagram (UDP), all in one element (TCP), none when it sent nothing. */
  request: Uint8Array[]
  /** The server's answer, the same way. */
  response: Uint8Array[]
  /** When the request and the answer started, ns since the flow opened. */
  atNs: bigint
  answerAtNs: bigint
}

/** Which direction (relative to the flow's local side) carried the client's bytes. */
export function clientDir(flow: Flow): 'in' | 'out' {
  return flow.initiator === 'remote' ? 'in' : 'out'
}

/** The flow as request/answer pairs: each run of client bytes, then the server's answer. */
export function exchangesOf(file: OpenSession, flow: Flow): Exchange[] {
  const fromClient = clientDir(flow)
  const first = flow.chunks[0]?.tNs ?? 0n
  const zero = flow.opened !== undefined && flow.opened < first ? flow.opened : first
  const udp = flow.proto === 'udp'
  const out: Exchange[] = []
  let req: Uint8Array[] = []
  let res: Uint8Array[] = []
  let at = zero
  let answerAt = zero
  const whole = (parts: Uint8Array[]): Uint8Array[] => (udp ? parts : parts.length ? [concatBytes(parts)] : [])
  const push = (): void => {
    if (req.length || res.length) out.push({ request: whole(req), response: whole(res), atNs: at - zero, answerAtNs: (res.length ? answerAt : at) - zero })
    req = []
    res = []
  }
  for (const c of flow.chunks) {
    const bytes = file.readSync(c)
    if (c.dir === fromClient) {
      if (res.length) push()
      if (!req.length) at = c.tNs
      req.push(bytes)
    } else {
      if (!res.length) answerAt = c.tNs
      if (!req.length && !res.length) at = c.tNs
      res.push(bytes)
    }
  }
  push()
  return out
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

type Resend = Extract<Command, { type: 'replay.resend' }>
type StandIn = Extract<Command, { type: 'replay.standin' }>
type Timing = Resend['timing']
type PaneEvent = Extract<EngineEvent, { paneId: string }>

/** How long an answer (or the rest of a request) may keep us waiting once its bytes stop coming. */
const QUIET_MS = 1500
const MAX_WAIT_MS = 10_000
/** After the recorded length arrived: how long more bytes may still come. */
const SETTLE_MS = 100
const SETTLE_EMPTY_MS = 300

/** One live conversation: a TCP connection, or a UDP socket talking to one peer. */
interface Link {
  udp: boolean
  /** What came from the peer and was not yet taken: bytes (TCP) or datagrams (UDP). */
  queue: Uint8Array[]
  lastAt: number
  /** The peer closed, reset or half-closed: no more will come. */
  ended?: 'close' | 'reset' | 'error'
  /** Woken when bytes arrive, the peer ends, or the replay stops. */
  wake: Wake
  send(bytes: Uint8Array): Promise<void>
}

interface Script {
  paneId: string
  exchanges: Exchange[]
  timing: Timing
  speed: number
  alive(): boolean
}

/** How much is there: bytes for TCP, datagrams for UDP. */
const amount = (link: Link, parts: Uint8Array[]): number => (link.udp ? parts.length : total(parts))

export class Replays {
  private readonly cleanups = new Set<() => void>()

  constructor(private readonly engine: Engine) {}

  private flowOf(file: OpenSession, id: number): Flow {
    return file.index.flows.find((f) => f.id === id) ?? fail('NO_CONNECTION', `flow ${id} is not in this session`)
  }

  async resend(file: OpenSession, cmd: Resend): Promise<ResultMap['replay.resend']> {
    const flow = this.flowOf(file, cmd.flowId)
    const exchanges = exchangesOf(file, flow)
    return cmd.side === 'server' ? this.serve(flow, exchanges, cmd) : this.resendClient(flow, exchanges, cmd)
  }

  /** Stand in for the server: side server, each answer after its request, for every client. */
  standIn(file: OpenSession, cmd: StandIn): Promise<ResultMap['replay.standin']> {
    const flow = this.flowOf(file, cmd.flowId)
    return this.serve(flow, exchangesOf(file, flow), { ...cmd, timing: 'answer', speed: 1 })
  }

  /**
   * Listeners that live as long as the replay: until it ends, its pane is closed, or dispose.
   * Closing the pane closes its listening socket and connections (the engine does that); this
   * ends the scripts answering on it, so nothing answers on the pane id afterwards.
   */
  private hold(paneId: string, offs: (() => void)[]): { stop: () => void; alive: () => boolean } {
    let alive = true
    offs.push(this.engine.onPaneClosed((id) => id === paneId && stop()))
    const stop = (): void => {
      alive = false
      for (const off of offs) off()
      this.cleanups.delete(stop)
    }
    this.cleanups.add(stop)
    return { stop, alive: () => alive }
  }

  private emit(e: PaneEvent): void {
    this.engine.emitOnPane(e)
  }

  /** Sends to the peer; a peer that is gone (closed, reset) ends the link instead of failing the replay. */
  private async sendOn(link: Link, parts: Uint8Array[]): Promise<void> {
    for (const part of parts) {
      if (link.ended) return
      try {
        await link.send(part)
      } catch (err) {
        const code = err instanceof EngineError ? err.paneError.code : undefined
        if (code !== 'NO_CONNECTION' && code !== 'ECONNRESET' && code !== 'EPIPE' && code !== 'NOT_RUNNING') throw err
        link.ended ??= code === 'ECONNRESET' ? 'reset' : 'close'
      }
    }
  }

  // ---- side client ----

  private async resendClient(flow: Flow, exchanges: Exchange[], cmd: Resend): Promise<ResultMap['replay.resend']> {
    const udp = flow.proto === 'udp'
    const link: Link = { udp, queue: [], lastAt: performance.now(), wake: new Wake(), send: () => Promise.resolve() }
    let connId = -1
    const held = this.hold(cmd.paneId, [
      this.engine.onTraffic((t) => {
        if (t.paneId !== cmd.paneId || t.dir !== 'in' || (!udp && t.connId !== connId)) return
        received(link, t.bytes)
      }),
      // The moment it happens, not once the pane's screen has drawn what came before.
      this.engine.onPaneEvent((e) => {
        if (udp || !('connId' in e) || e.paneId !== cmd.paneId || e.connId !== connId) return
        ended(link, e)
      }),
      () => link.wake.notify()
    ])
    let result: ResultMap['replay.resend']
    try {
      if (udp) {
        const wildcard = cmd.host.includes(':') ? '::' : '0.0.0.0'
        const { local } = await this.engine.call({ type: 'udp.bind', paneId: cmd.paneId, host: wildcard, port: 0 })
        result = { local }
        link.send = async (payload) => void (await this.engine.call({ type: 'send', paneId: cmd.paneId, target: { host: cmd.host, port: cmd.port }, payload }))
      } else {
        connId = (await this.engine.call({ type: 'tcpClient.connect', paneId: cmd.paneId, host: cmd.host, port: cmd.port, timeoutMs: 5000 })).connId
        result = { connId }
        link.send = async (payload) => void (await this.engine.call({ type: 'send', paneId: cmd.paneId, target: connId, payload }))
      }
    } catch (err) {
      held.stop()
      throw err
    }
    const script: Script = { paneId: cmd.paneId, exchanges, timing: cmd.timing, speed: cmd.speed, alive: held.alive }
    void this.finish(script, 'answer', () => this.playClient(script, link)).finally(held.stop)
    return result
  }

  /** Sends each recorded request and compares the answer that comes back. */
  private async playClient(s: Script, link: Link): Promise<Outcome> {
    const speed = s.timing === 'original' ? 1 : s.speed
    const start = performance.now()
    let differing = 0
    for (const [i, ex] of s.exchanges.entries()) {
      if (s.timing !== 'answer') await sleep(start + Number(ex.atNs) / 1e6 / speed - performance.now())
      if (link.ended || !s.alive()) return { differing: differing + s.exchanges.length - i, closedEarly: { after: i, how: link.ended ?? 'close' } }
      link.queue.length = 0
      link.lastAt = performance.now()
      await this.sendOn(link, ex.request)
      // Wait for the answer: until as much as was recorded came, or the peer went quiet;
      // then a moment more, so an answer longer than the recorded one (or one where none
      // was recorded) is seen whole.
      const asked = performance.now()
      const want = amount(link, ex.response)
      const over = (): boolean => link.ended !== undefined || !s.alive()
      await link.wake.until(
        () => amount(link, link.queue) >= want || over(),
        () => Math.min(link.lastAt + QUIET_MS, asked + MAX_WAIT_MS)
      )
      const settle = want === 0 ? SETTLE_EMPTY_MS : SETTLE_MS
      await link.wake.until(over, () => Math.min(link.lastAt + settle, asked + MAX_WAIT_MS))
      differing += this.compare(s.paneId, i + 1, 'answer', link.udp, ex.response, link.queue.splice(0))
      if (link.ended && i < s.exchanges.length - 1) return { differing: differing + s.exchanges.length - 1 - i, closedEarly: { after: i + 1, how: link.ended } }
    }
    return { differing }
  }

  // ---- side server ----

  private async serve(
    flow: Flow,
    exchanges: Exchange[],
    cmd: { paneId: string; host: string; port: number; timing: Timing; speed: number }
  ): Promise<{ local: Endpoint }> {
    const udp = flow.proto === 'udp'
    const links = new Map<string, Link>()
    const start = (key: string, send: Link['send']): Link => {
      const link: Link = { udp, queue: [], lastAt: performance.now(), wake: new Wake(), send }
      links.set(key, link)
      const script: Script = { paneId: cmd.paneId, exchanges, timing: cmd.timing, speed: cmd.speed, alive: held.alive }
      void this.finish(script, 'request', () => this.playServer(script, link))
      return link
    }
    const held = this.hold(cmd.paneId, [
      this.engine.onTraffic((t) => {
        if (t.paneId !== cmd.paneId || t.dir !== 'in') return
        let link = links.get(udp ? peerKey(t.peer) : String(t.connId))
        // Over UDP a new peer is a new client: its first datagram starts its replay.
        if (!link && udp && t.peer) {
          const peer = t.peer
          link = start(
            peerKey(peer),
            async (payload) => void (await this.engine.call({ type: 'send', paneId: cmd.paneId, target: { host: peer.address, port: peer.port }, payload }))
          )
        }
        if (link) received(link, t.bytes)
      }),
      // A new client is answered at once, not once the pane's screen has drawn its opening.
      this.engine.onPaneEvent((e) => {
        if (udp || !('connId' in e) || e.paneId !== cmd.paneId) return
        const connId = e.connId
        if (e.type === 'conn.open')
          start(String(connId), async (payload) => void (await this.engine.call({ type: 'send', paneId: cmd.paneId, target: connId, payload })))
        const link = links.get(String(connId))
        if (link) ended(link, e)
      }),
      () => {
        for (const link of links.values()) link.wake.notify()
      }
    ])
    try {
      return udp
        ? await this.engine.call({ type: 'udp.bind', paneId: cmd.paneId, host: cmd.host, port: cmd.port })
        : await this.engine.call({ type: 'tcpServer.listen', paneId: cmd.paneId, host: cmd.host, port: cmd.port })
    } catch (err) {
      held.stop()
      throw err
    }
  }

  /** Answers one live client with the recorded server's bytes, comparing its requests with the recorded ones. */
  private async playServer(s: Script, link: Link): Promise<Outcome> {
    // The connection joins its pane's list right after its conn.open event: start on the next turn.
    await sleep(0)
    const n = s.exchanges.length
    const began = performance.now()
    let differing = 0
    let closedEarly: Outcome['closedEarly']
    const collect = async (): Promise<void> => {
      for (const [i, ex] of s.exchanges.entries()) {
        const got = await this.takeRequest(s, link, ex.request)
        if (link.ended && amount(link, got) === 0 && amount(link, ex.request) > 0) {
          // The client left before this request: the rest was never compared.
          differing += n - i
          closedEarly = { after: i, how: link.ended }
          return
        }
        differing += this.compare(s.paneId, i + 1, 'request', link.udp, ex.request, got)
        if (s.timing === 'answer') await this.sendOn(link, ex.response)
        if (link.ended && link.queue.length === 0 && i < n - 1) {
          differing += n - 1 - i
          closedEarly = { after: i + 1, how: link.ended }
          return
        }
      }
    }
    const answerOnTime = async (): Promise<void> => {
      const speed = s.timing === 'original' ? 1 : s.speed
      for (const ex of s.exchanges) {
        await sleep(began + Number(ex.answerAtNs) / 1e6 / speed - performance.now())
        if (link.ended || !s.alive()) return
        await this.sendOn(link, ex.response)
      }
    }
    await Promise.all([collect(), s.timing === 'answer' ? Promise.resolve() : answerOnTime()])
    if (closedEarly) return { differing, closedEarly }
    // Anything the client sends after its last recorded request is a difference too.
    await link.wake.until(
      () => link.ended !== undefined || !s.alive(),
      () => link.lastAt + SETTLE_EMPTY_MS
    )
    if (link.queue.length) differing += this.compare(s.paneId, n + 1, 'request', link.udp, [], link.queue.splice(0))
    return { differing }
  }

  /**
   * The live client's next request: as much as the recorded one (bytes over TCP, datagrams
   * over UDP), or what came before it went quiet or closed. Waits as long as it takes for the
   * first byte: a live client may be a person typing.
   */
  private async takeRequest(s: Script, link: Link, recorded: Uint8Array[]): Promise<Uint8Array[]> {
    const want = amount(link, recorded)
    const since = performance.now()
    const over = (): boolean => link.ended !== undefined || !s.alive()
    await link.wake.until(
      () => amount(link, link.queue) > 0 || want === 0 || over(),
      () => Infinity
    )
    await link.wake.until(
      () => amount(link, link.queue) >= want || over(),
      () => Math.max(link.lastAt, since) + QUIET_MS
    )
    if (link.udp) return link.queue.splice(0, want)
    // TCP: exactly the recorded length; what is beyond it belongs to the next request.
    const all = concatBytes(link.queue.splice(0))
    if (all.length > want) link.queue.push(all.subarray(want))
    return [all.subarray(0, want)]
  }

  // ---- both ----

  /** Compares recorded and live (whole bytes over TCP, datagram by datagram over UDP); emits replay.diff; 1 when they differ. */
  private compare(paneId: string, exchange: number, compared: 'answer' | 'request', udp: boolean, recorded: Uint8Array[], live: Uint8Array[]): number {
    const pairs: { expected: Uint8Array; actual: Uint8Array; datagram?: number }[] = []
    if (!udp) pairs.push({ expected: joined(recorded), actual: joined(live) })
    else if (recorded.length === 0 && live.length === 0) pairs.push({ expected: new Uint8Array(), actual: new Uint8Array() })
    else
      for (let d = 0; d < Math.max(recorded.length, live.length); d++)
        pairs.push({ expected: recorded[d] ?? new Uint8Array(), actual: live[d] ?? new Uint8Array(), datagram: d + 1 })
    let differs = false
    for (const p of pairs) {
      const firstDiff = firstDifference(p.expected, p.actual)
      if (firstDiff >= 0) differs = true
      this.emit({
        type: 'replay.diff',
        paneId,
        exchange,
        ...(p.datagram !== undefined ? { datagram: p.datagram } : {}),
        ...(compared === 'request' ? { compared } : {}),
        same: firstDiff < 0,
        expectedLen: p.expected.length,
        actualLen: p.actual.length,
        firstDiff,
        expected: p.expected,
        actual: p.actual
      })
    }
    return differs ? 1 : 0
  }

  /** Runs a replay and reports how it ended (replay.done), whatever happens. */
  private async finish(s: Script, compared: 'answer' | 'request', play: () => Promise<Outcome>): Promise<void> {
    const done = { type: 'replay.done' as const, paneId: s.paneId, exchanges: s.exchanges.length, ...(compared === 'request' ? { compared } : {}) }
    try {
      const o = await play()
      this.emit({ ...done, differing: o.differing, ...(o.closedEarly ? { closedEarly: o.closedEarly } : {}) })
    } catch (err) {
      this.emit({ ...done, differing: -1, error: err instanceof EngineError ? err.paneError : { code: 'UNKNOWN', detail: String(err) } })
    }
  }

  dispose(): void {
    for (const c of [...this.cleanups]) c()
    this.cleanups.clear()
  }
}

interface Outcome {
  differing: number
  closedEarly?: { after: number; how: 'close' | 'reset' | 'error' }
}

/** Bytes (or a datagram) from the peer: queued, and whoever waits on the link is woken. */
function received(link: Link, bytes: Uint8Array): void {
  link.queue.push(bytes)
  link.lastAt = performance.now()
  link.wake.notify()
}

/** The peer closed, reset, or half-closed (it sends no more): the link has ended. */
function ended(link: Link, e: EngineEvent): void {
  if (e.type === 'conn.closed') link.ended = e.how
  else if (e.type === 'conn.halfClosed' && e.by === 'peer') link.ended = 'close'
  else return
  link.wake.notify()
}

const peerKey = (p: Endpoint | undefined): string => (p ? `${p.address}|${p.port}` : '')
const total = (parts: Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)))
