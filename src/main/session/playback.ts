// Playback on screen: an opened session sent to read-only panes with its original timing
// (scaled by a speed, or instant), with pause and seek. A view pane shows what its recorded
// pane showed: the chunks (as messages when that pane had framing or transforms, taken from
// the recorded workspace), the connection lines (open, half-close, close, reset) and its
// connection list, and the errors. Going backwards clears the panes and plays again up to the
// new moment, so a pane always shows what was on screen at that moment.
//
// Moving to a moment never holds the event loop: one pump walks the steps in slices of
// SLICE_MS. And it reads only what the screen can hold: of the chunks a move passes, a pane
// draws its newest ones that fit its screen's room (the display's backlog bound), at least the
// newest one; the earlier ones are counted from the index without being read (the connection
// list's byte counts stay exact) and said in one note, "… n earlier read(s) and write(s) not
// redrawn". Lifecycle steps (connection lines, states, errors) are always shown. A pane with
// framing needs its deframer's state where the redrawn part begins, so the earlier bytes of
// the connections still open there go through the deframer (read in slices, not shown);
// connections that ended before it cost nothing. Without framing every read is one message
// and nothing earlier is read.
import { defaultPaneConfig, type Endpoint, type EngineEvent, type PaneConfig } from '../../shared/contract'
import { formatBytes } from '../../shared/bytes'
import { savedPaneById } from '../../shared/workspace'
import { playbackConnId } from '../../shared/flows'
import type { PlaybackPane } from '../engine/kinds/playback'
import { Steps, type Lifecycle, type Step, type ViewSpec } from './playback-steps'
import type { ChunkRef, Flow, OpenSession } from './reader'
import { readChunk, Slicer } from './slices'

/** What playback needs of the engine: its playback panes, and a way to say where it stands. */
export interface PlaybackHost {
  open(paneId: string, kind: 'playback'): PlaybackPane
  emit(event: EngineEvent): void
}

const TICK_MS = 100

/** The recorded pane's framing and transforms, from the recorded workspace. */
function recordedConfig(workspace: unknown, paneId: string): PaneConfig {
  return savedPaneById(workspace, paneId)?.config ?? defaultPaneConfig
}

export class Playback {
  private readonly steps: Steps
  private cursor = 0
  private positionNs = 0n
  private playing = false
  private speed = 1
  private timer: NodeJS.Timeout | undefined
  /** Bumped whenever the timer stops: a tick that was waiting for the pump then stays quiet. */
  private ticks = 0
  private wallStart = 0
  private fromNs = 0n
  private readonly panes: string[]
  /** Bytes shown (or counted) so far per flow, and the open connections of each view pane (its connection list). */
  private readonly counts = new Map<number, { in: number; out: number }>()
  private readonly open = new Map<string, Set<Flow>>()
  private readonly dirty = new Set<string>()
  /** Per view pane: chunks passed without being drawn, not said yet. */
  private readonly passed = new Map<string, { bytes: number; records: number; tUs: number }>()
  /** Every step at or before this offset is to be shown (or counted). */
  private goal = 0n
  /** Per view pane, for the current goal: the step from which its chunks are drawn. */
  private plan: Map<string, number> | undefined
  /** Bumped when the panes start over: a chunk read before that is not shown. */
  private epoch = 0
  private pump: Promise<void> | undefined
  private disposed = false
  readonly startNs: bigint
  readonly endNs: bigint

  private constructor(
    private readonly host: PlaybackHost,
    readonly sessionId: number,
    private readonly file: OpenSession,
    views: ViewSpec[],
    steps: Steps
  ) {
    this.steps = steps
    for (const v of views) {
      const recorded = steps.recordedOf.get(v.paneId)
      host.open(v.paneId, 'playback').configure(recorded === undefined ? defaultPaneConfig : recordedConfig(file.index.workspace, recorded))
    }
    this.startNs = steps.startNs
    this.endNs = steps.endNs
    this.panes = views.map((p) => p.paneId)
  }

  /** A playback of these view panes; its steps are built in slices first. */
  static async start(host: PlaybackHost, sessionId: number, file: OpenSession, views: ViewSpec[]): Promise<Playback> {
    return new Playback(host, sessionId, file, views, await Steps.build(file.index, views))
  }

  /** Resolves when the command has taken effect (a seek: when the panes show the new moment). */
  async control(action: 'play' | 'pause' | 'seek' | 'speed', offsetNs?: bigint, speed?: number): Promise<void> {
    if (action === 'speed' && speed !== undefined) {
      this.anchor()
      this.speed = speed
      if (this.playing) this.schedule()
    } else if (action === 'play') {
      if (this.cursor >= this.steps.list.length) await this.seek(0n)
      // Anchor first: the clock restarts from where the playback stands, not from the last anchor.
      this.anchor()
      this.playing = true
      this.schedule()
    } else if (action === 'pause') {
      this.anchor()
      this.playing = false
      this.stopTimer()
    } else if (action === 'seek' && offsetNs !== undefined) {
      this.stopTimer()
      await this.seek(offsetNs)
      // The clock restarts at the new position (anchor() would recompute it from the old one).
      this.restartClock()
      if (this.playing) this.schedule()
    }
    this.report()
  }

  private async seek(offsetNs: bigint): Promise<void> {
    const target = offsetNs < 0n ? 0n : offsetNs
    // Something already shown lies past the target: the panes start over.
    if (this.cursor > 0 && this.steps.list[this.cursor - 1]!.offsetNs > target) {
      for (const id of this.panes) this.host.open(id, 'playback').clear()
      this.cursor = 0
      this.counts.clear()
      this.open.clear()
      this.dirty.clear()
      this.passed.clear()
      this.epoch++
    }
    this.positionNs = target
    await this.moveTo(target)
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
    const ticks = this.ticks
    const tick = async (): Promise<void> => {
      const now = this.currentOffset()
      this.positionNs = now
      await this.moveTo(now)
      // Paused, seeked or closed while the panes caught up: that command reports.
      if (ticks !== this.ticks || this.disposed) return
      this.report()
      if (this.cursor >= this.steps.list.length) {
        this.playing = false
        this.positionNs = this.endNs - this.startNs
        this.report()
        return
      }
      const next = this.steps.list[this.cursor]!.offsetNs
      const waitMs = this.speed === 0 ? 0 : Number(next - now) / 1e6 / this.speed
      this.timer = setTimeout(run, Math.max(1, Math.min(TICK_MS, waitMs)))
    }
    // A file that cannot be read any more (closed, shrunk) ends the playing, never the engine.
    const run = (): void => void tick().catch(() => (this.playing = false))
    run()
  }

  /** Shows every step up to `goal`; resolves when the panes are there. */
  private async moveTo(goal: bigint): Promise<void> {
    this.goal = goal
    this.plan = undefined
    while (!this.disposed && this.cursor < this.steps.upTo(this.goal)) {
      this.pump ??= this.walk().finally(() => (this.pump = undefined))
      await this.pump
    }
  }

  /** The pump: walks the steps toward the goal, one slice at a time. */
  private async walk(): Promise<void> {
    const slicer = new Slicer()
    for (;;) {
      const end = this.steps.upTo(this.goal)
      if (this.disposed || this.cursor >= end) break
      const plan = (this.plan ??= this.planFor(end))
      const s = this.steps.list[this.cursor]!
      if (s.ref && s.flow) {
        const drawn = this.cursor >= plan.get(s.paneId)!
        const view = this.host.open(s.paneId, 'playback')
        const feed = !drawn && view.framed && s.flow.proto === 'tcp' && this.steps.closesAt(s.flow.id) >= plan.get(s.paneId)!
        if (drawn || feed) {
          const epoch = this.epoch
          const read = readChunk(this.file, s.ref)
          const bytes = read instanceof Promise ? await read : read
          // The panes started over, or the goal moved, while it was read: decide again.
          if (epoch !== this.epoch || plan !== this.plan) continue
          this.cursor++
          if (drawn) this.chunk(s.paneId, s.flow, s.ref, bytes)
          else {
            view.absorb(playbackConnId(s.flow), s.ref.dir, bytes)
            this.pass(s)
          }
        } else {
          this.cursor++
          this.pass(s)
        }
      } else {
        this.cursor++
        if (s.life) this.life(s.paneId, s.life, Number((this.startNs + s.offsetNs) / 1000n))
      }
      if (slicer.due) {
        this.reportStats()
        await slicer.yield()
      }
    }
    for (const paneId of [...this.passed.keys()]) this.sayPassed(paneId)
    this.reportStats()
  }

  /** For each view pane: the step from which its chunks up to step `end` are drawn (what its screen holds). */
  private planFor(end: number): Map<string, number> {
    const plan = new Map<string, number>()
    for (const paneId of this.panes) plan.set(paneId, this.steps.tailStart(paneId, this.cursor, end, this.host.open(paneId, 'playback').room()))
    return plan
  }

  /** A chunk passed without being drawn: counted on its connection and in the pane's note. */
  private pass(s: Step): void {
    const { flow, ref } = s as Required<Pick<Step, 'flow' | 'ref'>>
    this.count(s.paneId, flow, ref.dir, ref.len)
    const p = this.passed.get(s.paneId)
    if (p) {
      p.bytes += ref.len
      p.records++
    } else this.passed.set(s.paneId, { bytes: ref.len, records: 1, tUs: Number(ref.tNs / 1000n) })
  }

  /** Says what a pane passed without drawing, before whatever it shows next. */
  private sayPassed(paneId: string): void {
    const p = this.passed.get(paneId)
    if (!p) return
    this.passed.delete(paneId)
    this.host.open(paneId, 'playback').event({
      type: 'pane.note',
      paneId,
      level: 'info',
      message: { key: 'log.playbackEarlier', params: { size: formatBytes(p.bytes), records: p.records } },
      tUs: p.tUs
    })
  }

  private count(paneId: string, flow: Flow, dir: 'in' | 'out', len: number): void {
    const c = this.counts.get(flow.id) ?? { in: 0, out: 0 }
    this.counts.set(flow.id, c)
    if (dir === 'in') c.in += len
    else c.out += len
    if (this.open.get(paneId)?.has(flow)) this.dirty.add(paneId)
  }

  /** The connection list's byte counts, as the live pane's stats reports kept them. */
  private reportStats(): void {
    for (const paneId of this.dirty) {
      const stats = [...(this.open.get(paneId) ?? [])].map((f) => ({
        connId: playbackConnId(f),
        bytesIn: this.counts.get(f.id)?.in ?? 0,
        bytesOut: this.counts.get(f.id)?.out ?? 0
      }))
      this.host.open(paneId, 'playback').event({ type: 'conn.stats', paneId, stats })
    }
    this.dirty.clear()
  }

  private chunk(paneId: string, flow: Flow, ref: ChunkRef, bytes: Uint8Array): void {
    this.sayPassed(paneId)
    this.count(paneId, flow, ref.dir, bytes.byteLength)
    const peer = flow.proto === 'udp' ? flow.remote : undefined
    this.host.open(paneId, 'playback').show(playbackConnId(flow), ref.dir, Number(ref.tNs / 1000n), bytes, peer)
  }

  private life(paneId: string, life: Lifecycle, tUs: number): void {
    this.sayPassed(paneId)
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
          connId: playbackConnId(f),
          local: f.local as Endpoint,
          remote: f.remote as Endpoint,
          initiator: f.initiator ?? 'local',
          tUs
        })
        return
      }
      case 'half':
        view.event({ type: 'conn.halfClosed', paneId, connId: playbackConnId(life.flow), by: life.by, tUs })
        return
      case 'closed': {
        const f = life.flow
        const c = this.counts.get(f.id) ?? { in: 0, out: 0 }
        view.closed(playbackConnId(f), tUs)
        this.open.get(paneId)?.delete(f)
        view.event({ type: 'conn.closed', paneId, connId: playbackConnId(f), how: life.how, bytesIn: c.in, bytesOut: c.out, tUs })
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
    this.ticks++
  }

  dispose(): void {
    this.stopTimer()
    this.playing = false
    this.disposed = true
  }
}

/** The connection number a flow had on its pane (a capture's flows: their flow number). */
