// The pane's log: what its terminal shows, kept (bounded) outside React so the view can be
// redrawn in text or hex at any time. Stream data never goes into React state.
import type { Endpoint, PaneError, TrafficRecord } from '../../../shared/contract'
import type { MessageKey, Params } from '../../../shared/i18n'

export type LogEntry =
  | { kind: 'traffic'; rec: TrafficRecord; bytes: Uint8Array }
  | { kind: 'note'; tUs: number; level: 'info' | 'warn'; key: MessageKey; params: Params; endpoints?: Endpoint[] }
  | { kind: 'error'; tUs: number; error: PaneError }
  /** A replayed answer that differs from the recorded one. */
  | { kind: 'diff'; tUs: number; expected: Uint8Array; actual: Uint8Array; firstDiff: number }

export interface LogLimits {
  maxBytes: number
  maxEntries: number
}

export const defaultLogLimits: LogLimits = { maxBytes: 8 * 1024 * 1024, maxEntries: 50_000 }

const entryBytes = (e: LogEntry): number => (e.kind === 'traffic' ? e.bytes.byteLength : e.kind === 'diff' ? e.expected.byteLength + e.actual.byteLength : 0)

/** A ring of entries bounded by payload bytes and by count; oldest go first. */
export class PaneLog {
  private entries: LogEntry[] = []
  private head = 0
  private bytes = 0
  dropped = 0

  constructor(private readonly limits: LogLimits = defaultLogLimits) {}

  push(entry: LogEntry): void {
    this.entries.push(entry)
    this.bytes += entryBytes(entry)
    while (this.entries.length - this.head > this.limits.maxEntries || (this.bytes > this.limits.maxBytes && this.entries.length - this.head > 1)) {
      const old = this.entries[this.head++]!
      this.bytes -= entryBytes(old)
      this.dropped++
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }

  all(): LogEntry[] {
    return this.entries.slice(this.head)
  }

  clear(): void {
    this.entries = []
    this.head = 0
    this.bytes = 0
    this.dropped = 0
  }

  get size(): number {
    return this.entries.length - this.head
  }
}
