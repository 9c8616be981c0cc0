// The recorder: every chunk (from the engine's taps, never skipped) and every lifecycle
// event, streamed into the session file as it happens.
import type { PaneEvent } from '../../shared/contract'
import type { TrafficTap } from '../engine/taps'
import { nowNs, usToNs } from '../engine/clock'
import type { SessionWriter } from './writer'

export interface Recordable {
  onTraffic(listener: (tap: TrafficTap) => void): () => void
  /** Pane events the moment they happen (not when the screen gets them). */
  onPaneEvent(listener: (event: PaneEvent) => void): () => void
  /** What a pane is: a playback pane shows a file's records and is not recorded again. */
  kindOf?(paneId: string): string | undefined
}

/** Errors remembered per connection until it closes (a bound: errors of connections that never close). */
const MAX_CONN_ERRORS = 1024

/** A running recording: how many chunks of traffic it has recorded (what Save would keep), and how to stop it. */
export interface Recording {
  readonly activity: number
  stop(): void
}

export function record(source: Recordable, writer: SessionWriter): Recording {
  let activity = 0
  // The last error code of each connection: a close after ECONNRESET was a reset by the peer.
  const connErrors = new Map<string, string>()
  const offTap = source.onTraffic((t) => {
    activity++
    writer.chunk({ paneId: t.paneId, connId: t.connId, dir: t.dir, tNs: t.tNs, bytes: t.bytes, peer: t.peer })
  })
  const offEvent = source.onPaneEvent((e) => {
    if (source.kindOf?.(e.paneId) === 'playback') return
    switch (e.type) {
      case 'conn.open':
        writer.connOpen({ paneId: e.paneId, connId: e.connId, local: e.local, remote: e.remote, initiator: e.initiator, tNs: usToNs(e.tUs) })
        return
      case 'conn.halfClosed':
        writer.halfClose({ paneId: e.paneId, connId: e.connId, by: e.by, tNs: usToNs(e.tUs) })
        return
      case 'conn.closed': {
        const k = `${e.paneId}\u0000${e.connId}`
        const code = connErrors.get(k)
        connErrors.delete(k)
        // A reset comes from the side that aborted; an error with no side, from this one.
        const by = e.how === 'close' ? undefined : (e.by ?? 'local')
        writer.connClose({
          paneId: e.paneId,
          connId: e.connId,
          how: e.how,
          tNs: usToNs(e.tUs),
          ...(by ? { by } : {}),
          ...(code && e.how !== 'close' ? { code } : {})
        })
        return
      }
      case 'pane.state':
        if (e.state === 'bound' && e.local) writer.bind({ paneId: e.paneId, local: e.local, tNs: nowNs() })
        else writer.event({ paneId: e.paneId, tNs: nowNs(), kind: e.state, ...(e.local ? { local: e.local } : {}), ...(e.remote ? { remote: e.remote } : {}) })
        return
      case 'error':
        if (e.error.connId !== undefined) {
          connErrors.set(`${e.paneId}\u0000${e.error.connId}`, e.error.code)
          if (connErrors.size > MAX_CONN_ERRORS) connErrors.delete(connErrors.keys().next().value as string)
        }
        writer.event({ paneId: e.paneId, tNs: nowNs(), kind: 'error', error: e.error })
        return
      default:
        return
    }
  })
  return {
    get activity() {
      return activity
    },
    stop() {
      offTap()
      offEvent()
    }
  }
}
