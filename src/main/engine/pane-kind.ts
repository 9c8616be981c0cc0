// What a kind of pane is to the engine, and what the engine offers each pane. A new kind
// (TLS, HTTP, WebSocket, link...) is one file: a `defineKind({ kind, create, commands })`
// whose runtime implements PaneRuntime and uses its PaneContext, listed in kinds/index.ts.
// The message path (framing, transforms), auto-replies, the display channel, the recorder
// tap and jobs are the engine's, offered through the context; a kind never re-implements them.
import type { CommandMap, CommandType, MessageRef, PaneConfig, PaneError, PaneEvent, ResultMap, SendTarget, TrafficRecord } from '../../shared/contract'
import type { PaneKind } from '../../shared/pane-kinds'
import type { Job, JobKind } from './jobs'
import type { Message, MessagePath } from './message-path'
import type { LiveTraffic } from './live-traffic'

export interface ConnStats {
  connId: number
  bytesIn: number
  bytesOut: number
}

/** What a send did: bytes on the wire per connection, and how many connections (UDP: 1) took them. */
export interface Sent {
  bytes: number
  connections: number
}

/** What every kind of pane is to the engine. Kinds that cannot send or have no connections leave those out. */
export interface PaneRuntime {
  readonly kind: PaneKind
  /** What a send goes to: one of its connections or all of them (a stream), or a host and port (datagrams). */
  readonly sendsTo?: 'connections' | 'addresses'
  /** One payload to the target, through the pane's message path; resolves once it is handed to the socket (it counts as sent when the socket took it). */
  send?(target: SendTarget, payload: Uint8Array): Promise<Sent>
  /** A file to the target, as a job with progress. */
  sendFile?(target: SendTarget, path: string, datagramSize: number): Promise<{ jobId: number; total: number }>
  /** Half-close, close or reset one connection. */
  connection?(connId: number, action: 'end' | 'close' | 'reset'): void
  stats(): ConnStats[]
  /** The pane's settings, when it is made and each time they change: a kind takes its own part (a server's connection limits). */
  settingsChanged?(config: PaneConfig): void
  /** Closes the pane's sockets (listening, connected, bound); it may start again afterwards. */
  stop(): Promise<void>
}

/** What the engine offers a pane. */
export interface PaneContext {
  readonly paneId: string
  /**
   * An event about the pane. A state change or progress goes at once; what the pane's log
   * shows (a connection opening or closing, an error, a note) waits behind the traffic the
   * screen has not been sent yet, so the order holds.
   */
  emit(event: PaneEvent): void
  error(error: PaneError): void
  note(level: 'info' | 'warn', message: MessageRef): void
  /** Byte counters changed; the engine reports them a few times a second. */
  statsChanged(): void
  /** Live kinds: bytes read and written go through here (recorder tap, message path, screen, auto-replies). */
  readonly traffic: LiveTraffic
  /** The pane's message path as configured now (framing, transforms). */
  path(): MessagePath
  /** A record (or a message of the path) on the pane's screen, not recorded, not answered. */
  show(record: Omit<TrafficRecord, 'len' | 'parts' | 'ok'>, bytes: Uint8Array | undefined, message?: Message): void
  /** True while the screen only counts records (its backlog is full). */
  readonly screenBehind: boolean
  /** Display bytes the screen takes now before it would start leaving records out (its backlog's room). */
  readonly screenRoom: number
  /** The pane's screen starts over (playback went backwards). */
  clearScreen(): void
  /** New framing, transforms and auto-replies for the pane. */
  configure(config: PaneConfig): void
  /** A long-running send (repeat, file, sequence), reported as job.progress; returns its id. */
  startJob(kind: JobKind, total: number, run: (job: Job) => Promise<void>): number
}

/** One of a kind's own commands: its handler gets the pane's runtime (made first when the command starts the pane). */
export interface KindCommand<R, T extends CommandType> {
  starts?: true
  run(pane: R, cmd: CommandMap[T]): Promise<ResultMap[T]>
}
export type KindCommands<R> = { [T in CommandType]?: KindCommand<R, T> }

export interface PaneKindDef<K extends PaneKind, R extends PaneRuntime, C extends KindCommands<R>> {
  readonly kind: K
  create(ctx: PaneContext): R
  readonly commands: C
}

/** Declares a kind of pane (keeps the literal types the engine's handler table is checked with). */
export function defineKind<K extends PaneKind, R extends PaneRuntime, C extends KindCommands<R>>(def: PaneKindDef<K, R, C>): PaneKindDef<K, R, C> {
  return def
}
