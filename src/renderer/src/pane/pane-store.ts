// One pane's live state, fed by engine events from the moment the pane exists (so nothing
// is missed before its React component mounts). Lifecycle state is a small immutable
// snapshot for React; traffic goes to the log and straight to the terminal sink.
import type { Endpoint, EngineEvent, PaneError, PaneState } from '../../../shared/contract'
import { PaneLog, type LogEntry } from './log'
import { showEndpoint } from './render'
import type { PaneKind } from '../../../shared/pane-kinds'

export interface ConnView {
  id: number
  local: Endpoint
  remote: Endpoint
  sinceUs: number
  bytesIn: number
  bytesOut: number
  halfClosedByPeer: boolean
  halfClosedByUs: boolean
}

export interface JobView {
  id: number
  kind: 'repeat' | 'file' | 'sequence'
  done: number
  total: number
  finished: boolean
  error?: PaneError
}

/** How many connections have ended since the pane started, and how the last one did. */
export interface ClosedConns {
  count: number
  last?: { id: number; how: 'close' | 'reset' | 'error'; by?: 'local' | 'peer' }
}

export interface PaneSnapshot {
  state: PaneState
  local?: Endpoint
  remote?: Endpoint
  conns: ConnView[]
  closed: ClosedConns
  lastError?: PaneError
  bytesIn: number
  bytesOut: number
  /** Repeats and file sends, newest last (finished ones stay until the next three). */
  jobs: JobView[]
}

/** Where new log entries go once a terminal is attached; `done` acks them as drawn. */
export type LogSink = (entries: LogEntry[], done: () => void) => void

export class PaneStore {
  readonly log = new PaneLog()
  private snap: PaneSnapshot = { state: 'idle', conns: [], closed: { count: 0 }, bytesIn: 0, bytesOut: 0, jobs: [] }
  private readonly subs = new Set<() => void>()
  private sink: LogSink | undefined
  /** Called when the engine cleared the pane (playback went backwards): the view redraws. */
  cleared: (() => void) | undefined
  /** When traffic last arrived (Date.now()), to tell whether it was saved since. */
  lastTrafficMs = 0

  constructor(
    readonly id: string,
    readonly kind: PaneKind,
    private readonly ack: (bytes: number) => void
  ) {}

  // React's useSyncExternalStore wants these two, stable.
  subscribe = (fn: () => void): (() => void) => {
    this.subs.add(fn)
    return () => this.subs.delete(fn)
  }
  snapshot = (): PaneSnapshot => this.snap

  setSink(sink: LogSink | undefined): void {
    this.sink = sink
  }

  private update(patch: Partial<PaneSnapshot>): void {
    this.snap = { ...this.snap, ...patch }
    this.subs.forEach((fn) => fn())
  }

  private add(entries: LogEntry[], ackBytes = 0): void {
    for (const e of entries) this.log.push(e)
    const done = (): void => {
      if (ackBytes > 0) this.ack(ackBytes)
    }
    if (this.sink) this.sink(entries, done)
    else done()
  }

  /** A local problem (bad input) shown in the pane like an engine error. */
  noteError(error: PaneError): void {
    this.update({ lastError: error })
    this.add([{ kind: 'error', tUs: Date.now() * 1000, error }])
  }

  handle(ev: EngineEvent): void {
    const now = Date.now() * 1000
    switch (ev.type) {
      case 'data': {
        this.lastTrafficMs = Date.now()
        const entries: LogEntry[] = []
        let off = 0
        for (const rec of ev.records) {
          entries.push({ kind: 'traffic', rec, bytes: ev.data.subarray(off, off + rec.len) })
          off += rec.len
        }
        this.add(entries, ev.data.byteLength)
        return
      }
      case 'display.skipped':
        this.add([{ kind: 'note', tUs: now, level: 'warn', key: 'term.skipped', params: { bytes: ev.bytes, records: ev.records } }])
        return
      case 'pane.state':
        this.update({
          state: ev.state,
          local: ev.local ?? (ev.state === 'idle' ? undefined : this.snap.local),
          remote: ev.remote,
          lastError: ev.state === 'idle' ? this.snap.lastError : undefined,
          // A new run starts a new count of ended connections.
          closed: this.snap.state === 'idle' && ev.state !== 'idle' ? { count: 0 } : this.snap.closed
        })
        // A read-only pane has no status line: where the recorded pane listened (or was bound) is a line of its own.
        if (this.kind === 'playback' && ev.local && (ev.state === 'listening' || ev.state === 'bound')) {
          this.add([
            {
              kind: 'note',
              tUs: ev.tUs ?? now,
              level: 'info',
              key: ev.state === 'listening' ? 'state.listeningOn' : 'state.boundOn',
              params: { addr: showEndpoint(ev.local) }
            }
          ])
        }
        return
      case 'conn.open':
        this.update({
          conns: [
            ...this.snap.conns,
            { id: ev.connId, local: ev.local, remote: ev.remote, sinceUs: ev.tUs, bytesIn: 0, bytesOut: 0, halfClosedByPeer: false, halfClosedByUs: false }
          ]
        })
        this.add([{ kind: 'note', tUs: ev.tUs, level: 'info', key: 'term.open', params: { id: ev.connId }, endpoints: [ev.remote, ev.local] }])
        return
      case 'conn.halfClosed':
        this.update({
          conns: this.snap.conns.map((c) => (c.id === ev.connId ? { ...c, ...(ev.by === 'peer' ? { halfClosedByPeer: true } : { halfClosedByUs: true }) } : c))
        })
        this.add([
          { kind: 'note', tUs: ev.tUs, level: 'info', key: ev.by === 'peer' ? 'term.halfClosedPeer' : 'term.halfClosedLocal', params: { id: ev.connId } }
        ])
        return
      case 'conn.closed':
        this.update({
          conns: this.snap.conns.filter((c) => c.id !== ev.connId),
          closed: { count: this.snap.closed.count + 1, last: { id: ev.connId, how: ev.how, ...(ev.by ? { by: ev.by } : {}) } }
        })
        this.add([
          {
            kind: 'note',
            tUs: ev.tUs,
            level: ev.how === 'close' ? 'info' : 'warn',
            key: 'term.closed',
            params: { id: ev.connId, how: ev.how, in: ev.bytesIn, out: ev.bytesOut }
          }
        ])
        return
      case 'conn.stats': {
        if (this.kind === 'udp') {
          const s = ev.stats[0]
          if (s) this.update({ bytesIn: s.bytesIn, bytesOut: s.bytesOut })
          return
        }
        const byId = new Map(ev.stats.map((s) => [s.connId, s]))
        this.update({
          conns: this.snap.conns.map((c) => {
            const s = byId.get(c.id)
            return s ? { ...c, bytesIn: s.bytesIn, bytesOut: s.bytesOut } : c
          })
        })
        return
      }
      case 'job.progress': {
        const job: JobView = { id: ev.jobId, kind: ev.kind, done: ev.done, total: ev.total, finished: ev.finished, ...(ev.error ? { error: ev.error } : {}) }
        const others = this.snap.jobs.filter((j) => j.id !== ev.jobId)
        const finished = others.filter((j) => j.finished).slice(-2)
        this.update({ jobs: [...others.filter((j) => !j.finished), ...finished, job] })
        if (ev.error) this.add([{ kind: 'error', tUs: now, error: ev.error }])
        return
      }
      case 'pane.note':
        this.add([{ kind: 'note', tUs: ev.tUs, level: ev.level, key: ev.message.key, params: ev.message.params ?? {} }])
        return
      case 'pane.cleared':
        this.log.clear()
        this.update({ conns: [], closed: { count: 0 }, jobs: [] })
        this.cleared?.()
        return
      case 'replay.diff': {
        const request = ev.compared === 'request'
        // Over UDP the renderer says which datagram of the exchange (replay.exchangeDatagram).
        const n = { n: ev.exchange, ...(ev.datagram === undefined ? {} : { datagram: ev.datagram }) }
        this.add([
          ev.same
            ? { kind: 'note', tUs: now, level: 'info', key: request ? 'replay.sameRequest' : 'replay.same', params: { ...n, bytes: ev.actualLen } }
            : {
                kind: 'note',
                tUs: now,
                level: 'warn',
                key: request ? 'replay.differsRequest' : 'replay.differs',
                params: { ...n, at: ev.firstDiff, expected: ev.expectedLen, actual: ev.actualLen }
              },
          ...(ev.same ? [] : [{ kind: 'diff' as const, tUs: now, expected: ev.expected, actual: ev.actual ?? new Uint8Array(), firstDiff: ev.firstDiff }])
        ])
        return
      }
      case 'replay.done': {
        const request = ev.compared === 'request'
        const early = ev.closedEarly
        this.add([
          ...(early
            ? [
                {
                  kind: 'note' as const,
                  tUs: now,
                  level: 'warn' as const,
                  key: early.how === 'close' ? ('replay.closedEarly' as const) : ('replay.resetEarly' as const),
                  params: { n: early.after, total: ev.exchanges }
                }
              ]
            : []),
          ev.error
            ? { kind: 'error', tUs: now, error: ev.error }
            : {
                kind: 'note',
                tUs: now,
                level: ev.differing ? 'warn' : 'info',
                key: ev.differing
                  ? request
                    ? 'replay.doneDifferingRequests'
                    : 'replay.doneDiffering'
                  : request
                    ? 'replay.doneSameRequests'
                    : 'replay.doneSame',
                params: { n: ev.exchanges, d: ev.differing }
              }
        ])
        return
      }
      case 'error':
        this.update({ lastError: ev.error })
        this.add([{ kind: 'error', tUs: ev.tUs ?? now, error: ev.error }])
        return
    }
  }
}
