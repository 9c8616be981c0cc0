// What every kind of pane is to the engine, and what the engine offers each pane.
// A new kind of pane (TLS, HTTP, WebSocket, link...) implements PaneRuntime and uses
// PaneContext; nothing else in the engine needs to know it exists.
import type { Command, Endpoint, EngineEvent, PaneError } from '../../shared/contract'
import type { Job, JobKind } from './jobs'
import type { Message } from './message-path'

export type PaneKind = 'tcp-server' | 'tcp-client' | 'udp' | 'view'

export interface ConnStats {
  connId: number
  bytesIn: number
  bytesOut: number
}

/** What a pane sends: the bytes for the wire, and (with a message path) their parts. */
export type Outgoing = { wire: Uint8Array; message?: Message }

export interface PaneContext {
  readonly paneId: string
  /** A lifecycle event: goes out after any traffic already batched, so order holds. */
  emit(event: EngineEvent): void
  error(error: PaneError): void
  /** Byte counters changed; the engine reports them a few times a second. */
  statsChanged(): void
  /**
   * Bytes read from a connection (UDP: connId 0, the sender as peer, one datagram).
   * `reply` sends a payload back the way the bytes came (for auto-replies).
   */
  received(connId: number, bytes: Uint8Array, peer: Endpoint | undefined, reply: (payload: Uint8Array) => void): void
  /** Framing or transforms are on: a payload is shaped before it goes out. */
  readonly shapesMessages: boolean
  /** A payload made ready for the wire (transforms, framing); throws an EngineError. */
  encode(payload: Uint8Array, datagram?: boolean): Outgoing
  /** Bytes written to a connection: for the recorder and the screen. */
  sent(connId: number, out: Outgoing, peer?: Endpoint): void
  /** A connection is gone: whatever it left half-framed is shown. */
  connClosed(connId: number): void
  /** Starts a long-running send (repeat, file, sequence), reported as job.progress. */
  startJob(kind: JobKind, total: number, run: (job: Job) => Promise<void>): number
}

export interface PaneRuntime {
  readonly kind: PaneKind
  handle(command: Command): Promise<Record<string, unknown>>
  stats(): ConnStats[]
  close(): Promise<void>
}

/** Which command types create which kind of pane when the pane does not exist yet. */
export const creatingCommands: Partial<Record<Command['type'], PaneKind>> = {
  'tcpServer.listen': 'tcp-server',
  'tcpClient.connect': 'tcp-client',
  'udp.bind': 'udp'
}
