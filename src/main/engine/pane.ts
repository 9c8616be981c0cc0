// The engine's side of one pane: the kind's runtime and the services the engine gives it
// (PaneContext): the display channel, the message path, auto-replies, templates, jobs and
// the live traffic path to the recorder taps. Small parts, each in its own file; this one
// only puts them together and keeps the pane's settings.
import type { EngineEvent, MessageRef, PaneConfig, PaneError, PaneEvent, TrafficRecord } from '../../shared/contract'
import { AutoReplier } from './auto-reply'
import { nowUs } from './clock'
import { DisplayChannel, type DisplayOptions } from './display'
import { Jobs } from './jobs'
import { LiveTraffic, type TrafficHost } from './live-traffic'
import { MessagePath, type Message } from './message-path'
import type { PaneContext, PaneRuntime } from './pane-kind'
import type { TrafficTap } from './taps'
import { Templates } from './templates'

export interface PaneDeps {
  /** Out to the listeners (the screen): events in order with the traffic before them. */
  emit(event: EngineEvent): void
  /** The moment a pane event happens, before it waits for the screen (the recorder). */
  happened(event: PaneEvent): void
  tap(tap: TrafficTap): void
  display: DisplayOptions
}

export class Pane implements PaneContext, TrafficHost {
  readonly display: DisplayChannel
  readonly jobs: Jobs
  readonly templates = new Templates()
  readonly traffic: LiveTraffic
  readonly runtime: PaneRuntime
  statsDirty = false
  private messagePath: MessagePath
  private replier: AutoReplier
  private config: PaneConfig

  constructor(
    readonly paneId: string,
    create: (ctx: PaneContext) => PaneRuntime,
    private readonly deps: PaneDeps,
    config: PaneConfig
  ) {
    this.config = config
    this.display = new DisplayChannel(paneId, deps.emit, deps.display)
    this.jobs = new Jobs(paneId, (e) => this.emit(e))
    this.messagePath = new MessagePath(config)
    this.replier = new AutoReplier(config.autoReplies)
    this.traffic = new LiveTraffic(this, deps.tap)
    this.runtime = create(this)
    this.runtime.settingsChanged?.(config)
  }

  path(): MessagePath {
    return this.messagePath
  }

  replies(): AutoReplier {
    return this.replier
  }

  /**
   * New framing, transforms, auto-replies. When the framing or the transforms change, an
   * unfinished frame the old framing held is dropped, and the log says so; new auto-replies
   * or a new decompression limit alone keep the message path as it is. The kind gets them too (its own part of them).
   */
  configure(config: PaneConfig): void {
    // After the reads before it (some may wait to be decompressed): they were read under the old settings.
    this.traffic.inOrder(() => {
      const samePath = JSON.stringify([config.framing, config.transforms]) === JSON.stringify([this.config.framing, this.config.transforms])
      if (!samePath) {
        for (const { connId, bytes } of this.messagePath.pending()) this.note('warn', { key: 'log.framingChanged', params: { id: connId, bytes } })
        this.messagePath = new MessagePath(config)
      } else this.messagePath.limitTo(config.maxInflateMiB)
      this.config = config
      this.replier.dispose()
      this.replier = new AutoReplier(config.autoReplies)
      this.runtime.settingsChanged?.(config)
    })
  }

  emit(event: PaneEvent): void {
    this.deps.happened(event)
    if (event.type === 'pane.state' || (event.type === 'job.progress' && !event.error)) this.deps.emit(event)
    // Behind the messages still being decompressed, as behind those already on their way to the screen.
    else this.traffic.inOrder(() => this.display.event(event))
  }

  error(error: PaneError): void {
    this.emit({ type: 'error', paneId: this.paneId, error })
  }

  note(level: 'info' | 'warn', message: MessageRef): void {
    this.emit({ type: 'pane.note', paneId: this.paneId, level, message, tUs: nowUs() })
  }

  statsChanged(): void {
    this.statsDirty = true
  }

  get screenBehind(): boolean {
    return this.display.paused
  }

  get screenRoom(): number {
    return Math.max(0, this.display.backlogBound - this.display.backlog)
  }

  show(record: Omit<TrafficRecord, 'len' | 'parts' | 'ok'>, bytes: Uint8Array | undefined, message?: Message): void {
    if (this.display.paused) return this.display.skip(message ? message.size : (bytes?.byteLength ?? 0))
    const data = message ? message.data : (bytes ?? new Uint8Array(0))
    const rec: TrafficRecord = { ...record, len: data.byteLength }
    if (message) {
      rec.parts = message.parts
      rec.ok = message.ok
    }
    this.display.push(rec, data)
  }

  clearScreen(): void {
    // After the reads before it are drawn, so none of them lands on the cleared screen.
    this.traffic.inOrder(() => {
      this.messagePath = new MessagePath(this.config)
      this.display.discard()
      this.deps.emit({ type: 'pane.cleared', paneId: this.paneId })
    })
  }

  startJob(...args: Parameters<Jobs['start']>): number {
    return this.jobs.start(...args)
  }

  async close(): Promise<void> {
    this.jobs.stop()
    this.replier.dispose()
    await this.runtime.stop()
    // Messages still being decompressed are dropped: their pane is gone.
    this.traffic.stop()
    this.display.dispose()
  }
}
