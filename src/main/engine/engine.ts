// The engine: owns every socket, takes commands (validated against the contract) through one
// handler table keyed by command type, and emits events. Pure Node; a test, the CLI, the
// Electron shell and the web host all drive it the same way. No exception escapes it.
import {
  commandSchema,
  defaultPaneConfig,
  displayAckSchema,
  type CommandInputOf,
  type CommandMap,
  type CommandType,
  type EngineEvent,
  type PaneConfig,
  type PaneError,
  type PaneEvent,
  type Response,
  type ResultMap
} from '../../shared/contract'
import type { PaneKind } from '../../shared/pane-kinds'
import { defaultDisplayOptions, type DisplayOptions } from './display'
import { EngineError, fail, failWith, toPaneError } from './errors'
import { kinds, type KindCommandType, type KindRuntimes } from './kinds'
import { Pane } from './pane'
import type { PaneContext, PaneRuntime } from './pane-kind'
import { send, sendFile, sequence } from './sends'
import { firstRegexRefusal } from '../../shared/user-regex'
import type { TrafficTap } from './taps'

export type { TrafficTap } from './taps'

/** A handler for each command type, its result typed by the result schemas. */
export type Handler<T extends CommandType> = (cmd: CommandMap[T]) => Promise<ResultMap[T]>
export type Handlers = { [T in CommandType]: Handler<T> }

export type SessionCommandType = Extract<CommandType, `session.${string}` | `playback.${string}` | `replay.${string}`>

/** What the session layer (src/main/session) plugs into the engine: its commands, and its end. */
export interface SessionHandler {
  readonly handlers: Pick<Handlers, SessionCommandType>
  dispose(): Promise<void>
}

export interface EngineOptions {
  /** How the screen is fed; 'headless': nothing draws (CLI, runner), so nothing waits for acknowledgements. */
  display?: Partial<DisplayOptions> | 'headless'
  statsIntervalMs?: number
  /** Sessions (recording, files, playback, replay) plugged in by the shells; none: those commands answer NOT_RUNNING. */
  sessions?: (engine: Engine) => SessionHandler
}

/** With no display, batches go out as they come and nothing is held for acknowledgements. */
const headlessDisplay: DisplayOptions = {
  ...defaultDisplayOptions,
  highWater: Number.MAX_SAFE_INTEGER,
  maxBacklog: Number.MAX_SAFE_INTEGER,
  minBacklog: Number.MAX_SAFE_INTEGER
}

const noSessions: Pick<Handlers, SessionCommandType> = {
  'session.info': notAvailable,
  'session.workspace': notAvailable,
  'session.save': notAvailable,
  'session.open': notAvailable,
  'session.recent': notAvailable,
  'session.close': notAvailable,
  'session.export': notAvailable,
  'session.flows': notAvailable,
  'session.saveOpened': notAvailable,
  'session.exportWorkspace': notAvailable,
  'playback.start': notAvailable,
  'playback.control': notAvailable,
  'replay.resend': notAvailable,
  'replay.standin': notAvailable
}

function notAvailable(): Promise<never> {
  return Promise.reject(new EngineError({ code: 'NOT_RUNNING', reason: { key: 'why.noSessions' } }))
}

export class Engine {
  private readonly panes = new Map<string, Pane>()
  /** Settings given before a pane started (or kept across stop/start). */
  private readonly configs = new Map<string, PaneConfig>()
  private readonly listeners = new Set<(event: EngineEvent) => void>()
  private readonly taps = new Set<(tap: TrafficTap) => void>()
  private readonly happenings = new Set<(event: PaneEvent) => void>()
  private readonly closing = new Set<(paneId: string) => void>()
  private readonly displayOptions: DisplayOptions
  private readonly statsTimer: NodeJS.Timeout
  private readonly sessions: SessionHandler | undefined
  private readonly handlers: Handlers

  constructor(options: EngineOptions = {}) {
    this.displayOptions = options.display === 'headless' ? headlessDisplay : { ...defaultDisplayOptions, ...options.display }
    this.sessions = options.sessions?.(this)
    this.handlers = { ...this.kindHandlers(), ...this.paneHandlers(), ...(this.sessions?.handlers ?? noSessions) } satisfies Handlers
    this.statsTimer = setInterval(() => this.reportStats(), options.statsIntervalMs ?? 250)
    this.statsTimer.unref()
  }

  /** The commands every pane answers the same way, whatever its kind. */
  private paneHandlers(): Omit<Handlers, KindCommandType | SessionCommandType> {
    return {
      'pane.close': async (cmd) => {
        await this.closePane(cmd.paneId)
        return {}
      },
      'pane.stop': async (cmd) => {
        const pane = this.running(cmd.paneId)
        // Its repeats, files and sequences end with it.
        pane.jobs.stop()
        await pane.runtime.stop()
        return {}
      },
      'pane.configure': async (cmd) => {
        // A regex that needs backtracking (or is not one) is refused where it was typed; the pane keeps its settings.
        const refused = firstRegexRefusal(cmd.config.autoReplies)
        if (refused) failWith('BAD_COMMAND', refused)
        this.configs.set(cmd.paneId, cmd.config)
        this.panes.get(cmd.paneId)?.configure(cmd.config)
        return {}
      },
      send: (cmd) => send(this.running(cmd.paneId), cmd),
      'send.file': (cmd) => sendFile(this.running(cmd.paneId), cmd),
      'send.sequence': async (cmd) => sequence(this.running(cmd.paneId), cmd),
      'send.stop': async (cmd) => ({ stopped: this.panes.get(cmd.paneId)?.jobs.stop(cmd.jobId) ?? 0 }),
      'conn.end': async (cmd) => this.connection(cmd.paneId, cmd.connId, 'end'),
      'conn.close': async (cmd) => this.connection(cmd.paneId, cmd.connId, 'close'),
      'conn.reset': async (cmd) => this.connection(cmd.paneId, cmd.connId, 'reset')
    }
  }

  /** The kinds' own commands (listen, connect, bind...): each runs on its pane, made first by a starting command. */
  private kindHandlers(): Pick<Handlers, KindCommandType> {
    const table: Partial<Record<CommandType, (cmd: { paneId: string }) => Promise<unknown>>> = {}
    for (const def of kinds) {
      for (const [type, command] of Object.entries(def.commands) as [
        CommandType,
        { starts?: true; run(pane: PaneRuntime, cmd: unknown): Promise<unknown> }
      ][]) {
        table[type] = (cmd) => command.run(this.paneOf(cmd.paneId, def.kind, def.create, command.starts === true).runtime, cmd)
      }
    }
    // Each kind's `commands` was checked against Handlers by defineKind; the loop only gathers them.
    return table as Pick<Handlers, KindCommandType>
  }

  private connection(paneId: string, connId: number, action: 'end' | 'close' | 'reset'): Promise<ResultMap['conn.end']> {
    const runtime = this.running(paneId).runtime
    if (!runtime.connection) return failWith('WRONG_PANE_KIND', { key: `why.paneKind.${runtime.kind}` })
    runtime.connection(connId, action)
    return Promise.resolve({})
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onTraffic(listener: (tap: TrafficTap) => void): () => void {
    this.taps.add(listener)
    return () => this.taps.delete(listener)
  }

  /**
   * Every event about a pane the moment it happens, before it waits behind the traffic its
   * screen has not drawn yet (onEvent gets it then): what a recorder listens to, with onTraffic.
   */
  onPaneEvent(listener: (event: PaneEvent) => void): () => void {
    this.happenings.add(listener)
    return () => this.happenings.delete(listener)
  }

  /** Called when a pane is closed (pane.close, or dispose), before its sockets close: what lives as long as the pane ends here. */
  onPaneClosed(listener: (paneId: string) => void): () => void {
    this.closing.add(listener)
    return () => this.closing.delete(listener)
  }

  /** What a pane is (undefined: no such pane). */
  kindOf(paneId: string): PaneKind | undefined {
    return this.panes.get(paneId)?.runtime.kind
  }

  /** The panes that own sockets (not playback panes). */
  livePanes(): string[] {
    return [...this.panes].filter(([, p]) => p.runtime.kind !== 'playback').map(([id]) => id)
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
      if (typeof paneId === 'string' && this.panes.has(paneId)) this.emitOnPane({ type: 'error', paneId, error })
      return { ok: false, error }
    }
    const cmd = parsed.data
    try {
      return { ok: true, result: await this.run(cmd.type, cmd) }
    } catch (err) {
      const error = toPaneError(err)
      // After whatever traffic the pane's screen still waits for: an error never overtakes it.
      if ('paneId' in cmd) this.emitOnPane({ type: 'error', paneId: cmd.paneId, error })
      return { ok: false, error }
    }
  }

  /** The same, typed by command: what window.api offers, so shared code drives either. */
  command<T extends CommandType>(input: CommandInputOf<T>): Promise<Response<T>> {
    // handle() validated the command of type T, so its result is T's.
    return this.handle(input) as Promise<Response<T>>
  }

  /** A command whose failure is an exception (EngineError): for the session layer and the CLI. */
  async call<T extends CommandType>(input: CommandInputOf<T>): Promise<ResultMap[T]> {
    const r = await this.command(input)
    if (!r.ok) throw new EngineError(r.error)
    return r.result
  }

  private run<T extends CommandType>(type: T, cmd: CommandMap[T]): Promise<ResultMap[T]> {
    const handler: Handler<T> = this.handlers[type]
    return handler(cmd)
  }

  /** The screen drew this many display bytes of a pane (one-way; a bad acknowledgement is ignored). */
  ack(input: unknown): void {
    const ack = displayAckSchema.safeParse(input)
    if (ack.success) this.panes.get(ack.data.paneId)?.display.ack(ack.data.bytes)
  }

  /** The runtime of a pane of this kind, made (stopped) when there is none yet: how the session layer gets a playback pane. */
  open<K extends keyof KindRuntimes>(paneId: string, kind: K): KindRuntimes[K] {
    const def = kinds.find((d) => d.kind === kind)!
    // The pane was made by the definition of `kind`, so its runtime is that kind's.
    return this.paneOf(paneId, kind, def.create, true).runtime as KindRuntimes[K]
  }

  private running(paneId: string): Pane {
    return this.panes.get(paneId) ?? fail('NOT_RUNNING')
  }

  private paneOf(paneId: string, kind: PaneKind, create: (ctx: PaneContext) => PaneRuntime, make: boolean): Pane {
    const existing = this.panes.get(paneId)
    if (existing) {
      if (existing.runtime.kind !== kind) failWith('WRONG_PANE_KIND', { key: `why.paneKind.${existing.runtime.kind}` })
      return existing
    }
    if (!make) fail('NOT_RUNNING')
    const pane = new Pane(
      paneId,
      create,
      {
        emit: (e) => this.emit(e),
        happened: (e) => {
          for (const l of this.happenings) this.safely(() => l(e))
        },
        tap: (t) => {
          for (const tap of this.taps) this.safely(() => tap(t))
        },
        display: this.displayOptions
      },
      this.configs.get(paneId) ?? defaultPaneConfig
    )
    this.panes.set(paneId, pane)
    return pane
  }

  private async closePane(paneId: string): Promise<void> {
    const pane = this.panes.get(paneId)
    if (!pane) return
    this.panes.delete(paneId)
    for (const l of [...this.closing]) this.safely(() => l(paneId))
    await pane.close()
  }

  private reportStats(): void {
    for (const [paneId, pane] of this.panes) {
      if (!pane.statsDirty) continue
      pane.statsDirty = false
      this.emit({ type: 'conn.stats', paneId, stats: pane.runtime.stats() })
    }
  }

  /** An event about a pane, sent after whatever traffic that pane has batched (order holds). */
  emitOnPane(event: PaneEvent): void {
    const pane = this.panes.get(event.paneId)
    if (pane) return pane.emit(event)
    for (const l of this.happenings) this.safely(() => l(event))
    this.emit(event)
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

  /** Closes every pane (window closed, web client gone, test over), then the session layer, which records their closing. */
  async dispose(): Promise<void> {
    clearInterval(this.statsTimer)
    await Promise.all([...this.panes.keys()].map((id) => this.closePane(id)))
    await this.sessions?.dispose()
  }

  get paneCount(): number {
    return this.panes.size
  }
}
