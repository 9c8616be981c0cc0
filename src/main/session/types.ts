// What the reader gives back (re-exported by reader.ts). Everything it says in words is a
// catalog message with its parameters (MessageRef), shown in the reader's language.
import type { Endpoint } from '../../shared/contract'
import { translateRef, type MessageRef } from '../../shared/i18n'

export type SessionFileErrorCode = 'NOT_FOUND' | 'NOT_A_CAPTURE' | 'CORRUPT' | 'UNSUPPORTED'

/** A session or capture file that cannot be opened: why, as a catalog message (`message` is its English text, for logs). */
export class SessionFileError extends Error {
  constructor(
    readonly code: SessionFileErrorCode,
    readonly reason: MessageRef,
    options?: { cause?: unknown }
  ) {
    super(translateRef('en', reason), options)
    this.name = 'SessionFileError'
  }
}

export interface ChunkRef {
  dir: 'in' | 'out'
  tNs: bigint
  /** Payload length (all parts together). */
  len: number
  /** File offset of the payload bytes (of the first part when there are parts). */
  offset: number
  /** A chunk of ours that was split over several packets: each part's place, in order. */
  parts?: { offset: number; len: number }[]
}

export interface Flow {
  /** Index of this flow in SessionIndex.flows. */
  id: number
  proto: 'tcp' | 'udp'
  /** From our lifecycle blocks; undefined for foreign captures. */
  paneId?: string
  connId?: number
  /** For our sessions: local = the pane's side. For foreign captures: local = the client (the side that sent the SYN, or the first sender), remote = the server. */
  local: Endpoint
  remote: Endpoint
  /** Which side started it (connected, or sent the first datagram). Always 'local' for foreign captures. */
  initiator?: 'local' | 'remote'
  /** In file/time order; dir relative to local. */
  chunks: ChunkRef[]
  /** The chunks' bytes per direction, summed while indexing (no pass over the chunks needed). */
  bytes: { in: number; out: number }
  opened?: bigint
  closed?: { tNs: bigint; how: string }
  halfClosed?: { by: 'local' | 'peer'; tNs: bigint }[]
}

export interface SessionIndex {
  /** Ours, or a foreign capture. */
  kind: 'session' | 'pcapng' | 'pcap'
  /** The last workspace block. */
  workspace?: unknown
  /** Every lifecycle block (conn.open, conn.halfClosed, conn.closed, bind, event, and unknown kinds), in file order. */
  events: { tNs: bigint; paneId?: string; /** conn.* blocks: the flow (SessionIndex.flows) they belong to. */ flowId?: number; json: Record<string, unknown> }[]
  flows: Flow[]
  /** The file was cut (e.g. the app was killed): where, and what was lost. */
  truncated?: { atOffset: number; reason: MessageRef }
  /** A session of ours without its end-of-session block: the app stopped before closing or saving it. */
  interrupted?: MessageRef
  /** Things skipped or odd (fragments, unsupported link types, missing bytes, ...), once each. */
  notes?: MessageRef[]
  packets: number
  firstNs?: bigint
  lastNs?: bigint
}

export interface OpenSession {
  index: SessionIndex
  read(ref: ChunkRef): Promise<Uint8Array>
  readSync(ref: ChunkRef): Uint8Array
  close(): void
}
