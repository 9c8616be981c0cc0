// Playback on screen: the chunks of an opened session, sent to read-only panes with their
// original timing (scaled by a speed, or instant), with pause and seek. Going backwards
// clears the panes and redraws everything up to the new moment, so a pane always shows
// exactly what was on screen at that moment.
import type { EngineEvent } from '../../shared/contract'
import type { PaneHost } from '../engine/pane-host'
import type { ChunkRef, Flow, OpenSession } from './reader'

interface Step {
  offsetNs: bigint
  paneId: string
  flow: Flow
  ref: ChunkRef
}

export interface PlaybackHost {
  viewPane(paneId: string): PaneHost
  emit(event: EngineEvent): void
}

const TICK_MS = 100

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
  readonly startNs: bigint
  readonly endNs: bigint

  constructor(
    private readonly host: PlaybackHost,
    readonly sessionId: number,
    private readonly file: OpenSession,
    panes: { paneId: string; flowIds: number[] }[]
  ) {
    const byId = new Map(file.index.flows.map((f) => [f.id, f]))
    const raw: { tNs: bigint; paneId: string; flow: Flow; ref: ChunkRef }[] = []
    for (const p of panes) {
      host.viewPane(p.paneId)
      for (const id of p.flowIds) {
        const flow = byId.get(id)
        if (flow) for (const ref of flow.chunks) raw.push({ tNs: ref.tNs, paneId: p.paneId, flow, ref })
      }
    }
    raw.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : 0))
    this.startNs = file.index.firstNs ?? raw[0]?.tNs ?? 0n
    this.endNs = file.index.lastNs ?? raw.at(-1)?.tNs ?? this.startNs
    this.steps = raw.map((r) => ({ offsetNs: r.tNs - this.startNs, paneId: r.paneId, flow: r.flow, ref: r.ref }))
    this.panes = panes.map((p) => p.paneId)
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
      for (const id of this.panes) this.host.viewPane(id).clear()
      this.cursor = 0
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
      const bytes = this.file.readSync(s.ref)
      const peer = s.flow.proto === 'udp' ? s.flow.remote : undefined
      this.host.viewPane(s.paneId).show(s.flow.connId ?? s.flow.id, s.ref.dir, Number(s.ref.tNs / 1000n), bytes, peer)
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
