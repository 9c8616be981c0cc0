// The engine: owns every socket, takes commands (validated against the contract), and
// emits events. Pure Node; a test, the CLI, the Electron shell and the web host all drive
// it the same way. No exception escapes it.
import { commandSchema, type Command, type EngineEvent, type PaneError, type Response } from '../../shared/contract'
import { DisplayChannel, defaultDisplayOptions, type DisplayOptions } from './display'
import { nowUs } from './clock'
import { EngineError, fail, toPaneError } from './errors'
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
  tUs: number
  bytes: Uint8Array
  peer?: Endpoint
}

export interface EngineOptions {
  display?: Partial<DisplayOptions>
  statsIntervalMs?: number
}

const factories: Record<PaneKind, (ctx: PaneContext) => PaneRuntime> = {
  'tcp-server': (ctx) => new TcpServerPane(ctx),
  'tcp-client': (ctx) => new TcpClientPane(ctx),
  udp: (ctx) => new UdpPane(ctx)
}

interface PaneSlot {
  runtime: PaneRuntime
  display: DisplayChannel
  statsDirty: boolean
}

export class Engine {
  private readonly panes = new Map<string, PaneSlot>()
  private readonly listeners = new Set<(event: EngineEvent) => void>()
  private readonly taps = new Set<(tap: TrafficTap) => void>()
  private readonly displayOptions: DisplayOptions
  private readonly statsTimer: NodeJS.Timeout

  constructor(options: EngineOptions = {}) {
    this.displayOptions = { ...defaultDisplayOptions, ...options.display }
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
      if (cmd.type !== 'display.ack') this.emit({ type: 'error', paneId: cmd.paneId, error })
      return { ok: false, error }
    }
  }

  private async dispatch(cmd: Command): Promise<Record<string, unknown>> {
    if (cmd.type === 'pane.close') {
      await this.closePane(cmd.paneId)
      return {}
    }
    if (cmd.type === 'display.ack') {
      this.panes.get(cmd.paneId)?.display.ack(cmd.bytes)
      return {}
    }
    let slot = this.panes.get(cmd.paneId)
    const creates = creatingCommands[cmd.type]
    if (!slot) {
      if (!creates) fail('NOT_RUNNING')
      slot = this.createPane(cmd.paneId, creates)
    } else if (creates && slot.runtime.kind !== creates) {
      fail('WRONG_PANE_KIND', `pane ${cmd.paneId} is a ${slot.runtime.kind}`)
    }
    return slot.runtime.handle(cmd)
  }

  private createPane(paneId: string, kind: PaneKind): PaneSlot {
    const display = new DisplayChannel(paneId, (e) => this.emit(e), this.displayOptions)
    const ctx: PaneContext = {
      paneId,
      emit: (event) => {
        display.flush()
        this.emit(event)
      },
      traffic: (connId, dir, bytes, peer) => {
        const tUs = nowUs()
        for (const tap of this.taps) this.safely(() => tap({ paneId, connId, dir, tUs, bytes, peer }))
        display.push(peer ? { connId, dir, tUs, len: bytes.byteLength, peer } : { connId, dir, tUs, len: bytes.byteLength }, bytes)
      },
      error: (error) => {
        display.flush()
        this.emit({ type: 'error', paneId, error })
      },
      statsChanged: () => {
        const s = this.panes.get(paneId)
        if (s) s.statsDirty = true
      }
    }
    const slot: PaneSlot = { runtime: factories[kind](ctx), display, statsDirty: false }
    this.panes.set(paneId, slot)
    return slot
  }

  private async closePane(paneId: string): Promise<void> {
    const slot = this.panes.get(paneId)
    if (!slot) return
    this.panes.delete(paneId)
    await slot.runtime.close()
    slot.display.dispose()
  }

  private reportStats(): void {
    for (const [paneId, slot] of this.panes) {
      if (!slot.statsDirty) continue
      slot.statsDirty = false
      this.emit({ type: 'conn.stats', paneId, stats: slot.runtime.stats() })
    }
  }

  private emit(event: EngineEvent): void {
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
    await Promise.all([...this.panes.keys()].map((id) => this.closePane(id)))
  }

  get paneCount(): number {
    return this.panes.size
  }
}

export { EngineError }
