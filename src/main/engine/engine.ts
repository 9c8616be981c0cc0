// The engine: owns every socket, takes commands (validated against the contract), and
// emits events. Pure Node; a test, the CLI, the Electron shell and the web host all drive
// it the same way. No exception escapes it.
import { commandSchema, type Command, type EngineEvent, type PaneConfig, type PaneError, type Response } from '../../shared/contract'
import { defaultDisplayOptions, type DisplayOptions } from './display'
import { EngineError, fail, toPaneError } from './errors'
import { pause } from './jobs'
import { PaneHost, defaultConfig } from './pane-host'
import { creatingCommands, type PaneContext, type PaneKind, type PaneRuntime } from './pane'
import { TcpClientPane } from './tcp-client'
import { TcpServerPane } from './tcp-server'
import { UdpPane } from './udp-socket'
import type { Endpoint } from '../../shared/contract'

/** Every chunk, unbatched and never skipped: what a recorder listens to. */
export interface TrafficTap {
  paneId: string
  connId: number
  dir: 'in' | 'out'
  /** Nanoseconds since the Unix epoch (the screen gets the same instant in microseconds). */
  tNs: bigint
  bytes: Uint8Array
  peer?: Endpoint
}

export interface EngineOptions {
  display?: Partial<DisplayOptions>
  statsIntervalMs?: number
  /** Sessions (recording, files, playback, replay) plugged in by the shells; none: those commands answer NOT_RUNNING. */
  sessions?: (engine: Engine) => SessionHandler
}

/** What the engine asks of the session layer (src/main/session), which sits on top of it. */
export interface SessionHandler {
  handle(cmd: SessionCommand): Promise<Record<string, unknown>>
  dispose(): void
}

export type SessionCommand = Extract<Command, { type: `session.${string}` | `playback.${string}` | `replay.${string}` }>

export function isSessionCommand(cmd: Command): cmd is SessionCommand {
  return cmd.type.startsWith('session.') || cmd.type.startsWith('playback.') || cmd.type.startsWith('replay.')
}

const factories: Record<PaneKind, (ctx: PaneContext) => PaneRuntime> = {
  'tcp-server': (ctx) => new TcpServerPane(ctx),
  'tcp-client': (ctx) => new TcpClientPane(ctx),
  udp: (ctx) => new UdpPane(ctx),
  view: () => viewRuntime
}

const viewRuntime: PaneRuntime = {
  kind: 'view',
  handle: async (cmd) => fail('WRONG_PANE_KIND', `${cmd.type} on a playback pane`),
  stats: () => [],
  close: async () => {}
}

export class Engine {
  private readonly panes = new Map<string, PaneHost>()
  /** Settings given before a pane started (or kept across stop/start). */
  private readonly configs = new Map<string, PaneConfig>()
  private readonly listeners = new Set<(event: EngineEvent) => void>()
  private readonly taps = new Set<(tap: TrafficTap) => void>()
  private readonly closing = new Set<(paneId: string) => void>()
  private readonly displayOptions: DisplayOptions
  private readonly statsTimer: NodeJS.Timeout
  private readonly sessions: SessionHandler | undefined

  constructor(options: EngineOptions = {}) {
    this.displayOptions = { ...defaultDisplayOptions, ...options.display }
    this.sessions = options.sessions?.(this)
    this.statsTimer = setInterval(() => this.reportStats(), options.statsIntervalMs ?? 250)
    this.statsTimer.unref()
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onTraffic(listener: (tap: TrafficTap) => void): () => void {
    this.taps.add(listener)
    return () => this.taps.delete(listener)
  }

  /** Called when a pane is closed (pane.close, or dispose), before its sockets close: what lives as long as the pane ends here. */
  onPaneClosed(listener: (paneId: string) => void): () => void {
    this.closing.add(listener)
    return () => this.closing.delete(listener)
  }

  /** What a running pane is (undefined: no such pane). */
  paneKind(paneId: string): PaneKind | undefined {
    return this.panes.get(paneId)?.runtime.kind
  }

  /** Validates and runs one command. Never throws: failures come back as { ok: false }. */
  async handle(input: unknown): Promise<Response> {
    const parsed = commandSchema.safeParse(input)
    if (!parsed.success) {
      const paneId = (input as { paneId?: unknown } | null)?.paneId
      const issue = parsed.error.issues[0]
      const error: PaneError = {
        code: 'BAD_COMMAND',
        detail: issue ? `${issue.path.join('.') || 'command'}: ${issue.message}` : 'invalid command'
      }
      if (typeof paneId === 'string' && this.panes.has(paneId)) this.emit({ type: 'error', paneId, error })
      return { ok: false, error }
    }
    const cmd = parsed.data
    try {
      const result = await this.dispatch(cmd)
      return { ok: true, result } as Response
    } catch (err) {
      const error = toPaneError(err)
      if ('paneId' in cmd && cmd.type !== 'display.ack') this.emit({ type: 'error', paneId: cmd.paneId, error })
      return { ok: false, error }
    }
  }

  private async dispatch(cmd: Command): Promise<Record<string, unknown>> {
    if (isSessionCommand(cmd)) return this.sessions ? this.sessions.handle(cmd) : fail('NOT_RUNNING', 'sessions are not available here')
    switch (cmd.type) {
      case 'pane.close':
        await this.closePane(cmd.paneId)
        return {}
      case 'display.ack':
        this.panes.get(cmd.paneId)?.display.ack(cmd.bytes)
        return {}
      case 'pane.configure':
        this.configs.set(cmd.paneId, cmd.config)
        this.panes.get(cmd.paneId)?.configure(cmd.config)
        return {}
      case 'send.stop':
        return { stopped: this.panes.get(cmd.paneId)?.jobs.stop(cmd.jobId) ?? 0 }
    }
    let host = this.panes.get(cmd.paneId)
    const creates = creatingCommands[cmd.type]
    if (!host) {
      if (!creates) fail('NOT_RUNNING')
      host = this.createPane(cmd.paneId, creates)
    } else if (creates && host.runtime.kind !== creates) {
      fail('WRONG_PANE_KIND', `pane ${cmd.paneId} is a ${host.runtime.kind}`)
    }
    if (cmd.type === 'send' || cmd.type === 'udp.send') return this.send(host, cmd)
    if (cmd.type === 'send.sequence') return this.sequence(host, cmd)
    return host.runtime.handle(cmd)
  }

  /** A sequence of sends as one job: wait each step's delay, send it, count it. */
  private sequence(host: PaneHost, cmd: Extract<Command, { type: 'send.sequence' }>): Record<string, unknown> {
    if (cmd.target === undefined ? host.runtime.kind !== 'udp' : host.runtime.kind === 'udp') {
      fail('WRONG_PANE_KIND', cmd.target === undefined ? 'a TCP pane sends to a target, not a host and port' : 'a UDP pane sends to a host and port')
    }
    const { steps } = cmd
    const jobId = host.startJob('sequence', steps.length, async (job) => {
      for (const [i, step] of steps.entries()) {
        await pause(step.delayMs, job.signal)
        if (job.signal.aborted) return
        const data = host.expand(step.template.text, step.template.mode, step.template.encoding)
        if (cmd.target !== undefined) await host.runtime.handle({ type: 'send', paneId: cmd.paneId, target: cmd.target, data })
        else await host.runtime.handle({ type: 'udp.send', paneId: cmd.paneId, host: cmd.host!, port: cmd.port!, data })
        job.progress(i + 1)
      }
    })
    return { jobId, steps: steps.length }
  }

  /** A send: template expanded at each send, and repeated as a job when asked. */
  private async send(host: PaneHost, cmd: Extract<Command, { type: 'send' | 'udp.send' }>): Promise<Record<string, unknown>> {
    const once = (): Promise<Record<string, unknown>> => {
      const data = cmd.template ? host.expand(cmd.template.text, cmd.template.mode, cmd.template.encoding) : cmd.data!
      return host.runtime.handle({ ...cmd, data, template: undefined, repeat: undefined })
    }
    const first = await once()
    const repeat = cmd.repeat
    if (!repeat || repeat.times === 1) return first
    const jobId = host.startJob('repeat', repeat.times, async (job) => {
      job.progress(1)
      for (let n = 2; repeat.times === 0 || n <= repeat.times; n++) {
        await pause(repeat.everyMs, job.signal)
        if (job.signal.aborted) return
        await once()
        job.progress(n)
      }
    })
    return { ...first, jobId }
  }

  /** A read-only pane (playback): shows records it is given, nothing else. */
  viewPane(paneId: string): PaneHost {
    const existing = this.panes.get(paneId)
    if (existing) {
      if (existing.runtime.kind !== 'view') fail('WRONG_PANE_KIND', `pane ${paneId} is a ${existing.runtime.kind}`)
      return existing
    }
    return this.createPane(paneId, 'view')
  }

  private createPane(paneId: string, kind: PaneKind): PaneHost {
    const host = new PaneHost(
      paneId,
      {
        emit: (e) => this.emit(e),
        tap: (t) => {
          for (const tap of this.taps) this.safely(() => tap(t))
        },
        display: this.displayOptions
      },
      this.configs.get(paneId) ?? defaultConfig
    ).start(factories[kind])
    this.panes.set(paneId, host)
    return host
  }

  private async closePane(paneId: string): Promise<void> {
    const host = this.panes.get(paneId)
    if (!host) return
    this.panes.delete(paneId)
    for (const l of [...this.closing]) this.safely(() => l(paneId))
    await host.close()
  }

  private reportStats(): void {
    for (const [paneId, host] of this.panes) {
      if (!host.statsDirty) continue
      host.statsDirty = false
      this.emit({ type: 'conn.stats', paneId, stats: host.runtime.stats() })
    }
  }

  /** An event about a pane, sent after whatever traffic that pane has batched (order holds). */
  emitOnPane(event: Extract<EngineEvent, { paneId: string }>): void {
    const host = this.panes.get(event.paneId)
    if (host) host.emit(event)
    else this.emit(event)
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) this.safely(() => l(event))
  }

  /** A listener's bug must not take down the engine (or main). */
  private safely(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      console.error('net-playground: listener failed', err)
    }
  }

  /** Closes every pane (window closed, web client gone, test over). */
  async dispose(): Promise<void> {
    clearInterval(this.statsTimer)
    this.sessions?.dispose()
    await Promise.all([...this.panes.keys()].map((id) => this.closePane(id)))
  }

  get paneCount(): number {
    return this.panes.size
  }
}

export { EngineError }
