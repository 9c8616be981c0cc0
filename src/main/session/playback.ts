// Playback on screen: an opened session sent to read-only panes with its original timing
// (scaled by a speed, or instant), with pause and seek. A view pane shows what its recorded
// pane showed: the chunks (as messages when that pane had framing or transforms, taken from
// the recorded workspace), the connection lines (open, half-close, close, reset) and its
// connection list, and the errors. Going backwards clears the panes and redraws everything
// up to the new moment, so a pane always shows exactly what was on screen at that moment.
import { defaultPaneConfig, endpointSchema, paneErrorSchema, paneStateSchema, type Endpoint, type EngineEvent, type PaneConfig } from '../../shared/contract'
import { savedPaneById } from '../../shared/workspace'
import type { PlaybackPane } from '../engine/kinds/playback'
import type { ChunkRef, Flow, OpenSession, SessionIndex } from './reader'

/** A lifecycle step, ready to be shown on its view pane. */
type Lifecycle =
  | { t: 'open'; flow: Flow }
  | { t: 'half'; flow: Flow; by: 'local' | 'peer' }
  | { t: 'closed'; flow: Flow; how: 'close' | 'reset' | 'error' }
  | { t: 'state'; state: EngineEvent & { type: 'pane.state' } }
  | { t: 'error'; error: (EngineEvent & { type: 'error' })['error'] }

interface Step {
  offsetNs: bigint
  paneId: string
  /** A chunk (with its flow), or a lifecycle step. */
  flow?: Flow
  ref?: ChunkRef
  life?: Lifecycle
}

/** What playback needs of the engine: its playback panes, and a way to say where it stands. */
export interface PlaybackHost {
  open(paneId: string, kind: 'playback'): PlaybackPane
  emit(event: EngineEvent): void
}

const TICK_MS = 100

/** The time a session spans: its first and last packet or lifecycle record. */
export function sessionSpan(ix: SessionIndex): { startNs: bigint; endNs: bigint } {
  let start = ix.firstNs
  let end = ix.lastNs
  for (const e of ix.events) {
    if (start === undefined || e.tNs < start) start = e.tNs
    if (end === undefined || e.tNs > end) end = e.tNs
  }
  return { startNs: start ?? 0n, endNs: end ?? start ?? 0n }
}

const OPENING = new Set(['listening', 'connecting', 'connected', 'bound'])

/** The recorded pane's framing and transforms, from the recorded workspace. */
function recordedConfig(workspace: unknown, paneId: string): PaneConfig {
  return savedPaneById(workspace, paneId)?.config ?? defaultPaneConfig
}

export class Playback {
  private readonly steps: Step[]
  private cursor = 0
  private positionNs = 0n
  private playing = false
  private speed = 1
  private timer: NodeJS.Timeout | undefined
  private wallStart = 0
  private fromNs = 0n
  private readonly panes: string[]
  /** Bytes shown so far per flow, and the open connections of each view pane (its connection list). */
  private readonly counts = new Map<number, { in: number; out: number }>()
  private readonly open = new Map<string, Set<Flow>>()
  private readonly dirty = new Set<string>()
  readonly startNs: bigint
  readonly endNs: bigint

  constructor(
    private readonly host: PlaybackHost,
    readonly sessionId: number,
    private readonly file: OpenSession,
    panes: { paneId: string; flowIds: number[]; recordedPane?: string }[]
  ) {
    const ix = file.index
    const byId = new Map(ix.flows.map((f) => [f.id, f]))
    /** Which view pane shows a flow; which one shows a recorded pane's own events. */
    const viewOfFlow = new Map<number, string>()
    const viewOfPane = new Map<string, string>()
    const raw: { tNs: bigint; cls: number; paneId: string; flow?: Flow; ref?: ChunkRef; life?: Lifecycle }[] = []
    for (const p of panes) {
      const recorded = new Set<string>()
      // The recorded pane it stands for: its listening, errors... even without a connection.
      if (p.recordedPane !== undefined && ix.kind === 'session') {
        recorded.add(p.recordedPane)
        viewOfPane.set(p.recordedPane, p.paneId)
      }
      for (const id of p.flowIds) {
        const flow = byId.get(id)
        if (!flow) continue
        viewOfFlow.set(id, p.paneId)
        if (flow.paneId !== undefined) {
          recorded.add(flow.paneId)
          if (!viewOfPane.has(flow.paneId)) viewOfPane.set(flow.paneId, p.paneId)
        }
        for (const ref of flow.chunks) raw.push({ tNs: ref.tNs, cls: 1, paneId: p.paneId, flow, ref })
        // A capture has no lifecycle records: its TCP flows' SYN, FIN and RST stand for them.
        if (ix.kind !== 'session' && flow.proto === 'tcp') {
          if (flow.opened !== undefined) raw.push({ tNs: flow.opened, cls: 0, paneId: p.paneId, life: { t: 'open', flow } })
          for (const h of flow.halfClosed ?? []) raw.push({ tNs: h.tNs, cls: 2, paneId: p.paneId, life: { t: 'half', flow, by: h.by } })
          if (flow.closed)
            raw.push({ tNs: flow.closed.tNs, cls: 2, paneId: p.paneId, life: { t: 'closed', flow, how: flow.closed.how === 'reset' ? 'reset' : 'close' } })
        }
      }
      const view = host.open(p.paneId, 'playback')
      view.configure(recorded.size === 1 ? recordedConfig(ix.workspace, [...recorded][0]!) : defaultPaneConfig)
    }
    if (ix.kind === 'session') {
      for (const e of ix.events) {
        const view = e.flowId !== undefined ? viewOfFlow.get(e.flowId) : e.paneId !== undefined ? viewOfPane.get(e.paneId) : undefined
        const life = view === undefined ? undefined : this.lifecycle(e, e.flowId === undefined ? undefined : byId.get(e.flowId))
        if (view !== undefined && life)
          raw.push({ tNs: e.tNs, cls: life.t === 'open' || (life.t === 'state' && OPENING.has(life.state.state)) ? 0 : 2, paneId: view, life })
      }
    }
    // In time order (lifecycle records have µs precision): within one µs, openings before
    // the chunks and endings after them; otherwise in file order (the sort is stable).
    const us = (t: bigint): bigint => t / 1000n
    raw.sort((a, b) => {
      const d = us(a.tNs) - us(b.tNs)
      return d < 0n ? -1 : d > 0n ? 1 : a.cls - b.cls
    })
    const span = sessionSpan(ix)
    this.startNs = span.startNs
    this.endNs = span.endNs
    let last = 0n
    this.steps = raw.map((r) => {
      // Offsets never go back (a µs-precise ending sorted after a chunk of the same µs).
      const off = r.tNs - this.startNs
      last = off > last ? off : last
      return { offsetNs: last, paneId: r.paneId, ...(r.flow ? { flow: r.flow } : {}), ...(r.ref ? { ref: r.ref } : {}), ...(r.life ? { life: r.life } : {}) }
    })
    this.panes = panes.map((p) => p.paneId)
  }

  /** A recorded lifecycle block as a step, or undefined for what the pane did not show. */
  private lifecycle(e: SessionIndex['events'][number], flow: Flow | undefined): Lifecycle | undefined {
    const j = e.json
    switch (j['t']) {
      case 'conn.open':
        return flow?.proto === 'tcp' ? { t: 'open', flow } : undefined
      case 'conn.halfClosed':
        return flow?.proto === 'tcp' && (j['by'] === 'local' || j['by'] === 'peer') ? { t: 'half', flow, by: j['by'] } : undefined
      case 'conn.closed': {
        const how = j['how'] === 'reset' || j['how'] === 'error' ? j['how'] : 'close'
        return flow?.proto === 'tcp' ? { t: 'closed', flow, how } : undefined
      }
      case 'bind': {
        const local = endpointSchema.safeParse(j['local'])
        return { t: 'state', state: { type: 'pane.state', paneId: '', state: 'bound', ...(local.success ? { local: local.data } : {}) } }
      }
      case 'event': {
        if (j['kind'] === 'error') {
          const error = paneErrorSchema.safeParse(j['error'])
          return error.success ? { t: 'error', error: error.data } : undefined
        }
        const state = paneStateSchema.safeParse(j['kind'])
        if (!state.success) return undefined
        const local = endpointSchema.safeParse(j['local'])
        const remote = endpointSchema.safeParse(j['remote'])
        return {
          t: 'state',
          state: {
            type: 'pane.state',
            paneId: '',
            state: state.data,
            ...(local.success ? { local: local.data } : {}),
            ...(remote.success ? { remote: remote.data } : {})
          }
        }
      }
      default:
        return undefined
    }
  }

  control(action: 'play' | 'pause' | 'seek' | 'speed', offsetNs?: bigint, speed?: number): void {
    if (action === 'speed' && speed !== undefined) {
      this.anchor()
      this.speed = speed
      if (this.playing) this.schedule()
    } else if (action === 'play') {
      if (this.cursor >= this.steps.length) this.seek(0n)
      // Anchor first: the clock restarts from where the playback stands, not from the last anchor.
      this.anchor()
      this.playing = true
      this.schedule()
    } else if (action === 'pause') {
      this.anchor()
      this.playing = false
      this.stopTimer()
    } else if (action === 'seek' && offsetNs !== undefined) {
      this.seek(offsetNs)
      // The clock restarts at the new position (anchor() would recompute it from the old one).
      this.restartClock()
      if (this.playing) this.schedule()
    }
    this.report()
  }

  private seek(offsetNs: bigint): void {
    const target = offsetNs < 0n ? 0n : offsetNs
    if (target < this.positionNs) {
      for (const id of this.panes) this.host.open(id, 'playback').clear()
      this.cursor = 0
      this.counts.clear()
      this.open.clear()
    }
    this.positionNs = target
    this.emitUntil(target)
  }

  /** Restarts the wall clock from the current position (after a speed change or seek). */
  private anchor(): void {
    if (this.playing) this.positionNs = this.currentOffset()
    this.restartClock()
  }

  private restartClock(): void {
    this.fromNs = this.positionNs
    this.wallStart = performance.now()
  }

  private currentOffset(): bigint {
    if (!this.playing) return this.positionNs
    if (this.speed === 0) return this.endNs - this.startNs
    const elapsedNs = BigInt(Math.round((performance.now() - this.wallStart) * 1e6 * this.speed))
    const at = this.fromNs + elapsedNs
    // A late timer must not carry the position past the end of the session.
    const end = this.endNs - this.startNs
    return at > end && this.fromNs <= end ? end : at
  }

  private schedule(): void {
    this.stopTimer()
    const tick = (): void => {
      const now = this.currentOffset()
      this.positionNs = now
      this.emitUntil(now)
      this.report()
      if (this.cursor >= this.steps.length) {
        this.playing = false
        this.positionNs = this.endNs - this.startNs
        this.report()
        return
      }
      const next = this.steps[this.cursor]!.offsetNs
      const waitMs = this.speed === 0 ? 0 : Number(next - now) / 1e6 / this.speed
      this.timer = setTimeout(tick, Math.max(1, Math.min(TICK_MS, waitMs)))
    }
    tick()
  }

  private emitUntil(offsetNs: bigint): void {
    while (this.cursor < this.steps.length && this.steps[this.cursor]!.offsetNs <= offsetNs) {
      const s = this.steps[this.cursor++]!
      if (s.ref && s.flow) this.chunk(s.paneId, s.flow, s.ref)
      else if (s.life) this.life(s.paneId, s.life, Number((this.startNs + s.offsetNs) / 1000n))
    }
    // The connection list's byte counts, as the live pane's stats reports kept them.
    for (const paneId of this.dirty) {
      const stats = [...(this.open.get(paneId) ?? [])].map((f) => ({
        connId: connIdOf(f),
        bytesIn: this.counts.get(f.id)?.in ?? 0,
        bytesOut: this.counts.get(f.id)?.out ?? 0
      }))
      this.host.open(paneId, 'playback').event({ type: 'conn.stats', paneId, stats })
    }
    this.dirty.clear()
  }

  private chunk(paneId: string, flow: Flow, ref: ChunkRef): void {
    const bytes = this.file.readSync(ref)
    const c = this.counts.get(flow.id) ?? { in: 0, out: 0 }
    this.counts.set(flow.id, c)
    if (ref.dir === 'in') c.in += bytes.byteLength
    else c.out += bytes.byteLength
    if (this.open.get(paneId)?.has(flow)) this.dirty.add(paneId)
    const peer = flow.proto === 'udp' ? flow.remote : undefined
    this.host.open(paneId, 'playback').show(connIdOf(flow), ref.dir, Number(ref.tNs / 1000n), bytes, peer)
  }

  private life(paneId: string, life: Lifecycle, tUs: number): void {
    const view = this.host.open(paneId, 'playback')
    switch (life.t) {
      case 'open': {
        const f = life.flow
        this.counts.set(f.id, { in: 0, out: 0 })
        const open = this.open.get(paneId) ?? new Set<Flow>()
        this.open.set(paneId, open.add(f))
        view.event({
          type: 'conn.open',
          paneId,
          connId: connIdOf(f),
          local: f.local as Endpoint,
          remote: f.remote as Endpoint,
          initiator: f.initiator ?? 'local',
          tUs
        })
        return
      }
      case 'half':
        view.event({ type: 'conn.halfClosed', paneId, connId: connIdOf(life.flow), by: life.by, tUs })
        return
      case 'closed': {
        const f = life.flow
        const c = this.counts.get(f.id) ?? { in: 0, out: 0 }
        view.closed(connIdOf(f), tUs)
        this.open.get(paneId)?.delete(f)
        view.event({ type: 'conn.closed', paneId, connId: connIdOf(f), how: life.how, bytesIn: c.in, bytesOut: c.out, tUs })
        return
      }
      case 'state':
        view.event({ ...life.state, paneId, tUs })
        return
      case 'error':
        view.event({ type: 'error', paneId, error: life.error, tUs })
        return
    }
  }

  private report(): void {
    this.host.emit({
      type: 'playback.position',
      sessionId: this.sessionId,
      offsetNs: String(this.positionNs),
      playing: this.playing,
      speed: this.speed
    })
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  dispose(): void {
    this.stopTimer()
    this.playing = false
  }
}

/** The connection number a flow had on its pane (a capture's flows: their flow number). */
function connIdOf(f: Flow): number {
  return f.connId ?? f.id
}
