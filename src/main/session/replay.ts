// Replay against live peers. Re-send: connect to a live server and send the recorded
// client's requests (original timing, scaled, or each as soon as the previous answer came),
// comparing each live answer with the recorded one byte by byte. Stand in: listen, and
// answer a live client with the recorded server's bytes, each after the matching request.
import type { Command, EngineEvent } from '../../shared/contract'
import { concatBytes } from '../../shared/bytes'
import type { Engine } from '../engine/engine'
import { EngineError, fail } from '../engine/errors'
import type { Flow, OpenSession } from './reader'

export interface Exchange {
  request: Uint8Array
  response: Uint8Array
  /** When the request started, ns since the flow's first chunk. */
  atNs: bigint
}

/** Which direction (relative to the flow's local side) carried the client's bytes. */
export function clientDir(flow: Flow): 'in' | 'out' {
  return flow.initiator === 'remote' ? 'in' : 'out'
}

/** The flow as request/response pairs: each run of client bytes, then the server's answer. */
export function exchangesOf(file: OpenSession, flow: Flow): Exchange[] {
  const fromClient = clientDir(flow)
  const first = flow.chunks[0]?.tNs ?? 0n
  const out: Exchange[] = []
  let req: Uint8Array[] = []
  let res: Uint8Array[] = []
  let at = first
  const push = (): void => {
    if (req.length || res.length) out.push({ request: concatBytes(req), response: concatBytes(res), atNs: at - first })
    req = []
    res = []
  }
  for (const c of flow.chunks) {
    const bytes = file.readSync(c)
    if (c.dir === fromClient) {
      if (res.length) push()
      if (!req.length) at = c.tNs
      req.push(bytes)
    } else res.push(bytes)
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

/** How long an answer may keep us waiting once its bytes stop coming. */
const QUIET_MS = 1500
const MAX_WAIT_MS = 10_000
/** After the recorded length arrived: how long more bytes may still come. */
const SETTLE_MS = 100
const SETTLE_EMPTY_MS = 300

export class Replays {
  private readonly cleanups = new Set<() => void>()

  constructor(private readonly engine: Engine) {}

  private flowOf(file: OpenSession, id: number): Flow {
    const flow = file.index.flows.find((f) => f.id === id) ?? fail('NO_CONNECTION', `flow ${id} is not in this session`)
    if (flow.proto !== 'tcp') fail('WRONG_PANE_KIND', 'replay works on TCP flows')
    return flow
  }

  async resend(file: OpenSession, cmd: Resend): Promise<Record<string, unknown>> {
    const exchanges = exchangesOf(file, this.flowOf(file, cmd.flowId))
    const received: Uint8Array[] = []
    let receivedAt = performance.now()
    const off = this.engine.onTraffic((t) => {
      if (t.paneId === cmd.paneId && t.dir === 'in') {
        received.push(t.bytes)
        receivedAt = performance.now()
      }
    })
    this.cleanups.add(off)
    const r = await this.engine.handle({ type: 'tcpClient.connect', paneId: cmd.paneId, host: cmd.host, port: cmd.port })
    if (!r.ok) {
      off()
      throw new EngineError(r.error)
    }
    const connId = (r.result as { connId: number }).connId
    const speed = cmd.timing === 'original' ? 1 : cmd.speed
    const emit = (e: Extract<EngineEvent, { paneId: string }>): void => this.engine.emitOnPane(e)
    const run = async (): Promise<void> => {
      let differing = 0
      const start = performance.now()
      for (const [i, ex] of exchanges.entries()) {
        if (cmd.timing !== 'answer') {
          const due = start + Number(ex.atNs) / 1e6 / speed
          await sleep(due - performance.now())
        }
        received.length = 0
        receivedAt = performance.now()
        if (ex.request.length) {
          const s = await this.engine.handle({ type: 'send', paneId: cmd.paneId, target: connId, data: ex.request })
          if (!s.ok) throw new EngineError(s.error)
        }
        // Wait for the answer: until as many bytes as were recorded came, or the peer went
        // quiet; then a moment more, so an answer longer than the recorded one (or one where
        // none was recorded) is seen whole.
        const asked = performance.now()
        while (total(received) < ex.response.length && performance.now() - receivedAt < QUIET_MS && performance.now() - asked < MAX_WAIT_MS) await sleep(10)
        const settle = ex.response.length === 0 ? SETTLE_EMPTY_MS : SETTLE_MS
        while (performance.now() - receivedAt < settle && performance.now() - asked < MAX_WAIT_MS) await sleep(10)
        const actual = concatBytes(received)
        const firstDiff = firstDifference(ex.response, actual)
        if (firstDiff >= 0) differing++
        emit({ type: 'replay.diff', paneId: cmd.paneId, exchange: i + 1, same: firstDiff < 0, expectedLen: ex.response.length, actualLen: actual.length, firstDiff, expected: ex.response, actual })
      }
      emit({ type: 'replay.done', paneId: cmd.paneId, exchanges: exchanges.length, differing })
    }
    void run()
      .catch((err: unknown) => emit({ type: 'replay.done', paneId: cmd.paneId, exchanges: exchanges.length, differing: -1, error: err instanceof EngineError ? err.paneError : { code: 'UNKNOWN', detail: String(err) } }))
      .finally(() => {
        off()
        this.cleanups.delete(off)
      })
    return { connId }
  }

  async standIn(file: OpenSession, cmd: StandIn): Promise<Record<string, unknown>> {
    const exchanges = exchangesOf(file, this.flowOf(file, cmd.flowId))
    const state = new Map<number, { next: number; got: number; need: number }>()
    const answer = (connId: number): void => {
      const s = state.get(connId)
      if (!s) return
      // Send each recorded answer once the client's matching request has fully arrived.
      while (s.next < exchanges.length && s.got >= s.need) {
        const ex = exchanges[s.next++]!
        if (ex.response.length) void this.engine.handle({ type: 'send', paneId: cmd.paneId, target: connId, data: ex.response })
        s.need += exchanges[s.next]?.request.length ?? Infinity
      }
    }
    const offEvents = this.engine.onEvent((e) => {
      if (e.type === 'conn.open' && e.paneId === cmd.paneId) {
        state.set(e.connId, { next: 0, got: 0, need: exchanges[0]?.request.length ?? Infinity })
        // The connection joins its pane's list right after this event: answer on the next turn.
        setImmediate(() => answer(e.connId))
      } else if (e.type === 'conn.closed' && e.paneId === cmd.paneId) state.delete(e.connId)
    })
    const offTraffic = this.engine.onTraffic((t) => {
      if (t.paneId !== cmd.paneId || t.dir !== 'in') return
      const s = state.get(t.connId)
      if (!s) return
      s.got += t.bytes.length
      answer(t.connId)
    })
    const stop = (): void => {
      offEvents()
      offTraffic()
    }
    this.cleanups.add(stop)
    const r = await this.engine.handle({ type: 'tcpServer.listen', paneId: cmd.paneId, host: cmd.host, port: cmd.port })
    if (!r.ok) {
      stop()
      throw new EngineError(r.error)
    }
    return r.result as Record<string, unknown>
  }

  dispose(): void {
    for (const c of this.cleanups) c()
    this.cleanups.clear()
  }
}

const total = (parts: Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)))
