// What every kind of pane is to the engine, and what the engine offers each pane.
// A new kind of pane (TLS, HTTP, WebSocket, link...) implements PaneRuntime and uses
// PaneContext; nothing else in the engine needs to know it exists.
import type { Command, Endpoint, EngineEvent, PaneError } from '../../shared/contract'

export type PaneKind = 'tcp-server' | 'tcp-client' | 'udp'

export interface ConnStats {
  connId: number
  bytesIn: number
  bytesOut: number
}

export interface PaneContext {
  readonly paneId: string
  /** A lifecycle event: goes out after any traffic already batched, so order holds. */
  emit(event: EngineEvent): void
  /** One read or one write on a connection (UDP: connId 0 and the peer). */
  traffic(connId: number, dir: 'in' | 'out', bytes: Uint8Array, peer?: Endpoint): void
  error(error: PaneError): void
  /** Byte counters changed; the engine reports them a few times a second. */
  statsChanged(): void
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
